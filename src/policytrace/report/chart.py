"""The series chart as a PNG (for Word): nodes marked and coloured by kind, each node's interval shaded."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from .model import Report
from .render import KIND_COLOURS

# Debian/system CJK fonts, most legible first; .ci/run installs fonts-droid-fallback and fonts-wqy-zenhei.
CJK_FONT_NAMES = ("NotoSansCJK", "NotoSansSC", "SourceHanSans", "wqy-zenhei", "wqy-microhei", "DroidSansFallback")
CJK_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"))


@cache
def cjk_font() -> str | None:
    """Path of a font with Chinese glyphs, or None (the chart then labels itself in English)."""
    found = []
    for folder in CJK_FONT_DIRS:
        root = Path(folder)
        if root.is_dir():
            found += [p for p in root.rglob("*") if p.suffix.lower() in (".ttf", ".otf", ".ttc")]
    for name in CJK_FONT_NAMES:
        for path in sorted(found):
            if name.lower() in path.name.lower().replace(" ", ""):
                return str(path)
    return None


def chart_png(report: Report, *, lang: str = "zh", width_in: float = 6.5, height_in: float = 2.8, dpi: int = 200) -> bytes:
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    from matplotlib import font_manager
    from matplotlib.figure import Figure  # Figure, not pyplot: no global state, safe in server threads

    font_path = cjk_font() if lang == "zh" else None
    if lang == "zh" and font_path is None:
        lang = "en"
    props = {"fontproperties": font_manager.FontProperties(fname=font_path)} if font_path else {}
    labels = {"zh": {"event": "事件类", "seasonal": "季节性调整", "trend": "趋势转折", "outlier": "异常值"},
              "en": {"event": "event", "seasonal": "seasonal change", "trend": "trend turn", "outlier": "outlier"}}[lang]

    fig = Figure(figsize=(width_in, height_in), dpi=dpi)
    ax = fig.add_subplot()
    xs = range(len(report.series_values))
    ys = [float("nan") if v is None else v for v in report.series_values]
    ax.plot(xs, ys, color="#444444", linewidth=0.7)
    seen = set()
    for a in report.attributions:
        node = a.node
        kind = getattr(node.kind, "value", str(node.kind))
        colour = KIND_COLOURS.get(kind, "#ff7f0e")
        lo, hi = node.interval_index
        ax.axvspan(lo, max(hi, lo + 0.5), color=colour, alpha=0.12, linewidth=0)
        ax.axvline(node.index, color=colour, linestyle="--", linewidth=0.8)
        y = ys[min(max(node.index, 0), len(ys) - 1)] if ys else 0
        ax.plot([node.index], [y], "o", color=colour, markersize=6, markeredgecolor="white",
                label=None if kind in seen else labels.get(kind, kind))
        seen.add(kind)
    dates = report.series_dates
    if dates:
        ticks = sorted({round(i * (len(dates) - 1) / 5) for i in range(6)})
        ax.set_xticks(ticks)
        ax.set_xticklabels([dates[t] for t in ticks], fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    if seen:
        legend = ax.legend(fontsize=7, loc="best", frameon=False, prop=props.get("fontproperties"))
        if font_path:
            for text in legend.get_texts():
                text.set_fontproperties(props["fontproperties"])
                text.set_fontsize(7)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
