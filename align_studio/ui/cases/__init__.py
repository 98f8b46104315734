"""The Cases editor: a filterable table of a spec's cases beside a detail form."""

from align_studio.ui.cases.filter_proxy import CasesFilterProxy
from align_studio.ui.cases.table_model import CasesTableModel

__all__ = ["CasesFilterProxy", "CasesTableModel"]
