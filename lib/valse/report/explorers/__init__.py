"""Published explorers of the notebooks whose panels came after 00's and 02's, one module per
notebook: :mod:`.valuation` (01), :mod:`.labor` (03), :mod:`.flows` (04). The machinery (grid,
sweep, compact storage, the page's HTML and script) and the explorers of 00 and 02 are in
:mod:`valse.report.static_explorer`."""
