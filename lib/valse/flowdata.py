"""Old import path of the flow data loaders, now :mod:`valse.flows.data` and
:mod:`valse.flows.sharedata`.

Kept only for :mod:`valse.explore_flows` (owned by the flows panel's work, not moved in the
split of #11); remove once it imports from :mod:`valse.flows.data`.
"""

from valse.flows.data import (
    COMPANIES,
    FLOW_COLUMNS,
    FLOW_STATUSES,
    KINDS,
    MONEY_KINDS,
    MONEY_STATUSES,
    FlowDataError,
    load_flows,
    validate_flow_rows,
)
from valse.flows.sharedata import (
    SHARE_COLUMNS,
    SHARE_SERIES,
    load_cloud_shares,
    quarter_start,
    validate_share_rows,
)

__all__ = [
    "COMPANIES", "FLOW_COLUMNS", "FLOW_STATUSES", "KINDS", "MONEY_KINDS", "MONEY_STATUSES",
    "SHARE_COLUMNS", "SHARE_SERIES", "FlowDataError", "load_cloud_shares", "load_flows",
    "quarter_start", "validate_flow_rows", "validate_share_rows",
]
