"""policytrace: explain changes in a region's carbon emissions with the policies and events behind them.

    series → detect → attribute → report, with `kb` the store that attribution asks.
"""

__version__ = "0.1.0"

from .attribute import Attribution, Attributor, attribute  # noqa: E402
from .detect import Detector, Node, NodeKind, detect  # noqa: E402
from .errors import InputError, PolicytraceError  # noqa: E402
from .kb import KnowledgeBase, Record, Source  # noqa: E402
from .pipeline import run  # noqa: E402
from .report import Report, build_report  # noqa: E402
from .series import Frequency, Series, read_series  # noqa: E402

__all__ = [
    "Attribution", "Attributor", "Detector", "Frequency", "InputError", "KnowledgeBase", "Node", "NodeKind",
    "PolicytraceError", "Record", "Report", "Series", "Source", "__version__", "attribute", "build_report",
    "detect", "read_series", "run",
]
