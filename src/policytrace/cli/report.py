"""`policytrace report` and `policytrace demo`: the whole pipeline, writing the report files."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from .. import regions
from ..kb import KnowledgeBase
from ..pipeline import run
from ..report import FORMATS, Report, check_as_of, parse_formats, render
from ..report.change import short_change
from ..report.write import write_rendered
from ..series import Series, read_series
from . import app
from .options import MIN_CONFIDENCE_OPTION, WHERE_OPTION, folder, parse_where, under_floor

FORMAT_OPTION = typer.Option(
    "zh,en,html,docx,json", "--format", "-f",
    help="Comma-separated formats to write (zh, en, html, docx, json; default all five). 要输出的格式，逗号分隔。")


def _progress() -> Progress:
    # On stderr and transient: stdout keeps only the summary, so scripts can read it.
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                    console=Console(stderr=True), transient=True)


@app.command()
def report(
    series: Path = typer.Option(..., "--series", help="CSV or XLSX of the series. 排放序列文件。"),
    region: str = typer.Option(None, "--region", "-r",
                               help="Region, e.g. 新疆维吾尔自治区 or Xinjiang; read from the file where it names one."),
    sector: str = typer.Option(None, "--sector", "-s",
                               help="Sector, e.g. 工业 or Industry; read from the file where it names one."),
    value_column: str = typer.Option(None, "--value-column", help="The value column, when it cannot be guessed."),
    where: list[str] = WHERE_OPTION,
    kb: Path = typer.Option(None, "--kb", help="Knowledge base file; without it the bundled demo KB is used."),
    as_of: str = typer.Option(None, "--as-of", help="Cut the series at this date."),
    nodes: int = typer.Option(None, "--nodes", "-n", min=1, help="Report at most this many nodes."),
    min_confidence: float = MIN_CONFIDENCE_OPTION,
    out: Path = typer.Option(..., "--out", "-o", parser=folder, help="Folder for the report files. 输出文件夹。"),
    formats: str = FORMAT_OPTION,
) -> None:
    """Detect, explain and write the report for your own series. 检测关键节点、解释并写出报告。

    \b
    Examples / 示例:
      policytrace report --series xj.csv -r 新疆 -s 工业 --kb kb.sqlite -o report
      policytrace report --series xj.xlsx -r Xinjiang -s Industry \\
          --format zh,docx -o 报告
    """
    chosen = parse_formats(formats)
    as_of = check_as_of(as_of)
    with _progress() as progress:
        step = progress.add_task("reading the series / 读取序列", total=2 + len(chosen))
        if region:
            regions.lookup(region)   # the knowledge base speaks of Chinese regions: a foreign one stops here
        data = read_series(series, region=region, sector=sector, value_column=value_column,
                           where=parse_where(where))
        _check_named(data, series)
        store = _open_kb(kb)
        progress.update(step, advance=1, description="detecting and explaining / 检测与归因")
        with store:
            result = run(data, store, max_nodes=nodes, min_confidence=min_confidence, as_of=as_of)
        progress.advance(step)
        rendered = _render(result, chosen, progress, step)
    _finish(result, rendered, out)


@app.command()
def demo(out: Path = typer.Option("report", "--out", "-o", parser=folder, help="Folder for the report files. 输出文件夹。"),
         formats: str = FORMAT_OPTION) -> None:
    """Run the whole job on the bundled demo (Xinjiang industry, Carbon Monitor daily 2019–2022).
    用内置示例（新疆工业，Carbon Monitor 2019–2022 日数据）跑完整流程。

    \b
    Example / 示例:
      policytrace demo --out report
    """
    from ..demo import demo_kb, demo_series

    chosen = parse_formats(formats)
    with _progress() as progress:
        step = progress.add_task("detecting and explaining / 检测与归因", total=1 + len(chosen))
        with demo_kb() as store:
            result = run(demo_series(), store)
        progress.advance(step)
        rendered = _render(result, chosen, progress, step)
    _finish(result, rendered, out)


def _check_named(data: Series, path: Path) -> None:
    """The knowledge base is asked by region and sector: a series that names neither cannot be explained."""
    from ..errors import InputError

    if data.region is None:
        raise InputError("the file names no region the gazetteer knows: give one with --region, e.g. -r 新疆",
                         file=str(path))
    if data.sector is None:
        raise InputError("the file names no sector: give one with --sector, e.g. -s 工业 (-s 合计 for all sectors)",
                         file=str(path))


def _render(result: Report, chosen: tuple[str, ...], progress: Progress, step) -> dict[str, str | bytes]:
    """Every format is rendered before any file is written (all or nothing)."""
    rendered = {}
    for fmt in chosen:
        progress.update(step, description=f"rendering {FORMATS[fmt]} / 生成 {FORMATS[fmt]}")
        rendered[FORMATS[fmt]] = render(result, fmt)
        progress.advance(step)
    return rendered


def _open_kb(path: Path | None) -> KnowledgeBase:
    if path is None:
        from ..demo import demo_kb

        return demo_kb()
    if not path.exists():
        from ..errors import InputError

        raise InputError("knowledge base not found (build one with `policytrace kb import`)", file=str(path))
    return KnowledgeBase.open(path)


def _finish(result: Report, rendered: dict[str, str | bytes], out: Path) -> None:
    written = write_rendered(rendered, out)
    console = Console()
    # the title on a line of its own, which the terminal wraps (as the table's title it broke mid-word)
    console.print(result.title_zh, markup=False, soft_wrap=True)
    if not result.attributions:
        console.print("0 key nodes / 未见置信度达标的关键节点")   # no empty table
    else:
        # fits 80 columns without cutting a date, a kind or a change ("2020-…" had shown there): the top item's
        # title is cut instead
        rows = [(a.node.date, a.node.label_zh, f"{a.node.confidence:.2f}", short_change(a.node, "zh"),
                 str(len(a.items)) if a.items else "—",
                 Text((a.items[0].record.display_title if a.items else "—")[:60]))   # Text: KB text is never markup
                for a in result.attributions]
        columns = ("node", "kind", "conf.", "change", "items")
        widths = [max(cell_len(col), *(cell_len(str(row[k])) for row in rows)) for k, col in enumerate(columns)]
        table = Table()
        for col, width in zip(columns, widths):
            table.add_column(col, no_wrap=True, min_width=width)
        # what the terminal leaves (7 rules and a space either side of each of 6 cells), at least 8
        left = console.width - sum(widths) - 7 - 12
        table.add_column("top item", overflow="ellipsis", no_wrap=True, max_width=max(8, min(28, left)))
        for row in rows:
            table.add_row(*row)
        console.print(table)
    if (detection := result.detection) is not None and detection.unreported:
        console.print("not listed: " + under_floor(detection.unreported, detection.min_confidence,
                                                   detection.weakest_unreported), soft_wrap=True,
                      markup=False)
    for path in written:
        console.print(f"wrote {path}", markup=False, highlight=False, soft_wrap=True)
