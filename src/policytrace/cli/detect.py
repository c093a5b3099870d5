"""`policytrace detect SERIES`."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..detect import Detector
from ..report.change import short_change
from ..report.model import data_notes
from ..series import read_series
from . import app
from .options import MIN_CONFIDENCE_OPTION, WHERE_OPTION, counted, parse_where, under_floor


class ShortEvents(str, Enum):
    nominal = "nominal"
    controlled = "controlled"


class Scale(str, Enum):
    auto = "auto"
    log = "log"
    levels = "levels"


@app.command()
def detect(
    series: Path = typer.Argument(..., help="CSV or XLSX with a date and a value column (date,value or 日期,排放量)."),
    region: str = typer.Option(None, "--region", "-r", help="Region name or code, e.g. 新疆 or 650000."),
    sector: str = typer.Option(None, "--sector", "-s", help="Sector, e.g. 工业 or Industry."),
    value_column: str = typer.Option(None, "--value-column", help="The value column, when it cannot be guessed."),
    where: list[str] = WHERE_OPTION,
    nodes: int = typer.Option(None, "--nodes", "-n", min=1, help="Keep at most this many nodes."),
    min_confidence: float = MIN_CONFIDENCE_OPTION,
    short_events: ShortEvents = typer.Option(
        ShortEvents.controlled, "--short-events",
        help="Data spread from monthly totals: test a month off as a whole at the 'controlled' limit (5% "
             "level; ~4% of no-change series show an event) or the 'nominal' one (~20%; see bench/README.md)."),
    scale: Scale = typer.Option(
        Scale.auto, "--scale",
        help="'auto': a positive dated series in logs (changes relative to the level), else levels; "
             "'log' or 'levels' to choose."),
    as_json: bool = typer.Option(False, "--json", help="Print the nodes as JSON."),
) -> None:
    """Find the key nodes (关键节点) of a series.

    Example: policytrace detect emissions.csv --region 新疆 --sector 工业 --json
    """
    data = read_series(series, region=region, sector=sector, value_column=value_column,
                           where=parse_where(where))
    # the Chinese calendar (Spring Festival, National Day) is for regions the gazetteer knows
    calendar = "china" if data.region or not region else None
    detector = Detector(max_nodes=nodes, min_confidence=min_confidence, short_events=short_events.value,
                        calendar=calendar, scale=scale.value).fit(data)
    found = detector.nodes_
    resolution = detector.working_.resolution
    period = detector.rhythm_[0] if detector.rhythm_ else None
    if as_json:
        typer.echo(json.dumps({"frequency": data.frequency.value, "resolution": resolution, "n": len(data),
                               "rhythm_period": period, "unreported": detector.unreported_,
                               "beyond_max_nodes": detector.trimmed_, "within_rounding": detector.within_rounding_,
                               "rounding_step": detector.rounding_step_,
                               "data_notes": {lang: [note[k] for note in data_notes(data)]
                                              for k, lang in enumerate(("zh", "en"))},
                               "nodes": [n.to_dict() for n in found]},
                              ensure_ascii=False, indent=2))
        return
    analysed = "" if resolution == data.frequency.value else f", analysed as {resolution}"
    if period is not None:
        analysed = f", analysed per cycle of {period:.1f} points: its large steps recur at that interval"
    console = Console()
    # a line of its own, which the terminal wraps: as the table's title it was broken at the table's width
    source = Path(data.source).name   # the file, and the sheet where a workbook has several
    console.print(f"{source}: {counted(len(found), 'key node')} ({data.frequency.value}, {len(data)} points{analysed})",
                  soft_wrap=True, markup=False)
    if notes := data_notes(data):   # how the series was read, in the report's own words
        console.print("data: " + "; ".join(en for _, en in notes), soft_wrap=True, markup=False)
    left_out = []
    if detector.unreported_:
        left_out.append(under_floor(detector.unreported_, detector.min_confidence, detector.weakest_unreported_))
    if detector.trimmed_:
        left_out.append(f"{detector.trimmed_} beyond --nodes {nodes}")
    if detector.within_rounding_:
        left_out.append(f"{detector.within_rounding_} within one rounding step ({detector.rounding_step_:g})")
    if left_out:
        console.print("not listed: " + ", ".join(left_out), soft_wrap=True)
    if not found:
        return   # no empty table
    table = Table()
    # fits 80 columns without cutting a date or a figure ("2020-0…" had shown there): the kind and the date
    # interval take two lines instead, and the input position is left to --json (the date names the period)
    for col in ("date", "kind", "conf.", "dir.", "change", "interval", "until"):
        table.add_column(col, no_wrap=col != "interval", min_width=12 if col == "interval" else None)
    for n in found:
        table.add_row(n.date, f"{n.kind.value}\n{n.label_zh}", f"{n.confidence:.2f}", n.direction,
                      short_change(n, "en"), f"{n.interval[0]} … {n.interval[1]}", n.end_date or "")
    console.print(table)
