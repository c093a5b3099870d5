"""`policytrace report` and `policytrace demo`: the whole pipeline, writing the report files."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..kb import KnowledgeBase
from ..pipeline import run
from ..report import Report, write_report
from ..series import read_series
from . import app


@app.command()
def report(
    series: Path = typer.Option(..., "--series", help="CSV or XLSX of the series."),
    region: str = typer.Option(..., "--region", "-r", help="Region, e.g. 新疆维吾尔自治区 or Xinjiang."),
    sector: str = typer.Option(..., "--sector", "-s", help="Sector, e.g. 工业 or Industry."),
    kb: Path = typer.Option(None, "--kb", help="Knowledge base file; without it the bundled demo KB is used."),
    as_of: str = typer.Option(None, "--as-of", help="Cut the series at this date."),
    nodes: int = typer.Option(None, "--nodes", "-n", help="Report at most this many nodes."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for report.zh.md and report.json."),
) -> None:
    """Detect, explain and write the report for your own series.

    Example: policytrace report --series xj.csv --region 新疆 --sector 工业 --kb kb.sqlite --out report
    """
    data = read_series(series, region=region, sector=sector)
    store = _open_kb(kb)
    with store:
        result = run(data, store, max_nodes=nodes, as_of=as_of)
    _finish(result, out)


@app.command()
def demo(out: Path = typer.Option(Path("report"), "--out", "-o", help="Folder for the report files.")) -> None:
    """Run the whole job on the bundled demo (Xinjiang industry, Carbon Monitor daily 2019–2022)."""
    from ..demo import demo_kb, demo_series

    with demo_kb() as store:
        result = run(demo_series(), store)
    _finish(result, out)


def _open_kb(path: Path | None) -> KnowledgeBase:
    if path is None:
        from ..demo import demo_kb

        return demo_kb()
    if not path.exists():
        from ..errors import InputError

        raise InputError("knowledge base not found (build one with `policytrace kb import`)", file=str(path))
    return KnowledgeBase.open(path)


def _finish(result: Report, out: Path) -> None:
    written = write_report(result, out)
    console = Console()
    table = Table(title=result.title_zh)
    for col in ("node", "kind", "confidence", "items"):
        table.add_column(col)
    for a in result.attributions:
        table.add_row(a.node.date, a.node.label_zh, f"{a.node.confidence:.2f}", str(len(a.items)) if a.items else "—")
    console.print(table)
    for path in written:
        console.print(f"wrote {path}")
