"""`policytrace panel DATA --kb KB`: many regions (or regions × sectors) at once."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import InputError
from ..kb import KnowledgeBase
from ..pipeline import run_panel
from ..report.write import write_rendered
from . import app
from .options import folder


def _names(text: str | None) -> list[str] | None:
    return [t.strip() for t in text.replace("，", ",").split(",") if t.strip()] if text else None


@app.command()
def panel(
    data: Path = typer.Argument(..., help="Long CSV/XLSX: date, region (province), sector, value — Carbon Monitor's layout."),
    kb: Path = typer.Option(..., "--kb", help="Knowledge base file (build one with `policytrace kb import`)."),
    regions: str = typer.Option(None, "--regions", help="Comma-separated regions; all in the file when left out."),
    sectors: str = typer.Option(None, "--sectors", help="Comma-separated sectors; all in the file when left out."),
    value_column: str = typer.Option(None, "--value-column", help="The value column, when it cannot be guessed."),
    share: float = typer.Option(0.5, "--share",
                                help="Least share of series that move the same way at a break for it to be common."),
    out: Path = typer.Option(None, "--out", "-o", parser=folder, help="Write panel.json into this folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Tell common national breaks from regional ones across many series, and explain both.

    Example: policytrace panel carbon_monitor_china.csv.gz --sectors Industry --kb kb.sqlite --out panel
    """
    if not 0 < share <= 1:
        raise InputError(f"--share must lie in (0, 1], got {share}")
    if not kb.exists():
        raise InputError("knowledge base not found (build one with `policytrace kb import`)", file=str(kb))
    with KnowledgeBase.open(kb) as store:
        result = run_panel(data, store, regions=_names(regions), sectors=_names(sectors),
                           value_column=value_column, share=share)
    payload = json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str)
    if as_json:
        typer.echo(payload)
    console = Console(stderr=as_json)
    table = Table(title=f"{len(result.keys)} series: {len(result.common)} common breaks")
    for col in ("break", "direction", "members", "share", "credited to"):
        table.add_column(col)
    latest = False
    for c in result.common:
        first = c.attribution.items[0].record.display_title if c.attribution and c.attribution.items else "—"
        at_end = bool(c.attribution and c.attribution.node.details.get("at_end"))
        latest |= at_end
        table.add_row(c.period + (" *" if at_end else ""), c.direction, str(len(c.members)), f"{c.share:.0%}",
                      Text(first[:40]))   # Text: KB text is never markup
    if result.common:
        console.print(table)
    else:   # no empty table
        console.print(f"{len(result.keys)} series: no common break (none shared by {share:.0%} of them or more)")
    if latest:
        console.print("* seen only in the last periods of the series, whose values may be provisional")
    regional = sum(len(result.regional(k)) for k in result.keys)
    empty = sum(1 for k in result.keys for a in result.regional(k) if a.empty)
    console.print(f"regional nodes: {regional}, of which without a KB explanation: {empty}")
    if out is not None:
        for path in write_rendered({"panel.json": payload}, out):
            console.print(f"wrote {path}", markup=False, highlight=False)
