"""valse: a reproducible research collection on Amazon's investment in OpenAI.

The package is deliberately light to import: heavy libraries (pandas, papermill,
matplotlib) are imported by the modules that need them, so that the command line
can answer a no-op re-run in well under a second.
"""

__version__ = "0.1.0"
