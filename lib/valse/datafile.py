"""What every validated data file shares: the error that lists all problems, and patterns.

``facts.csv``, ``claims.csv``, ``flows.csv``, ``cloud_shares.csv`` and ``comparables.csv``
are validated cell by cell; each problem is one line
``file:line: column 'c': expected …, found …`` and all of them are reported at once.
"""

from __future__ import annotations

import re

#: A snake_case id: lower-case letters, digits and ``_``, starting with a letter.
ID = re.compile(r"^[a-z][a-z0-9_]*$")
#: An http(s) address without spaces.
URL = re.compile(r"^https?://\S+$")
#: A date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

#: How many problems a message shows before "… and N more".
SHOWN = 30


class DataFileError(ValueError):
    """A data file is malformed; the message lists every problem found.

    Attributes
    ----------
    problems : list of str
        One line per problem: ``file:line: column 'c': expected …, found …``.
    """

    #: What the file is, for the first line of the message (set by subclasses).
    what = "data file"

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:SHOWN]
        more = f"\n… and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
        super().__init__(f"invalid {self.what}:\n" + "\n".join(shown) + more)
