"""`policytrace kb import|search|stats`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..kb import KnowledgeBase
from . import app

kb_app = typer.Typer(help="Build and search a knowledge base (one SQLite file).", no_args_is_help=True)
app.add_typer(kb_app, name="kb")

KB_OPTION = typer.Option(..., "--kb", help="The knowledge base file, e.g. kb.sqlite.")


@kb_app.command("import")
def import_(
    files: list[Path] = typer.Argument(..., help="CSV/XLSX files of records."),
    kb: Path = KB_OPTION,
) -> None:
    """Import records; re-importing the same file changes nothing.

    Example: policytrace kb import ../shared/data/policies/china_policy_events_merged.csv --kb kb.sqlite
    """
    console = Console()
    with KnowledgeBase.open(kb) as store:
        for path in files:
            result = store.import_file(path)
            console.print(f"{path}: {result.inserted} new, {result.updated} updated, {result.unchanged} unchanged, "
                          f"{len(result.skipped)} rows skipped")
            for message in result.skipped[:10]:
                console.print(f"  skipped: {message}", style="yellow", markup=False)
        console.print(f"{kb}: {len(store)} records")


@kb_app.command()
def search(
    query: str = typer.Argument("", help="Words to find, e.g. '新冠 应急响应'."),
    kb: Path = KB_OPTION,
    region: str = typer.Option(None, "--region", "-r", help="Region (its parents are included)."),
    date_from: str = typer.Option(None, "--from", help="Earliest date, e.g. 2020-01-01."),
    date_to: str = typer.Option(None, "--to", help="Latest date."),
    limit: int = typer.Option(10, "--limit", "-n"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Search records by words, region and date.

    Example: policytrace kb search "COVID-19 emergency response" --kb kb.sqlite --region 新疆 --from 2020-01-01 --to 2020-04-30
    """
    _must_exist(kb)
    with KnowledgeBase.open(kb) as store:
        hits = store.search(query, region=region, start=date_from, end=date_to, limit=limit)
    if as_json:
        typer.echo(json.dumps([{"score": round(h.score, 3), "why": h.why, **h.record.to_dict()} for h in hits],
                              ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(hits)} records")
    for col in ("date", "kind", "title", "regions", "why", "url"):
        table.add_column(col, overflow="fold")
    for h in hits:
        table.add_row(h.record.date, h.record.kind, h.record.display_title, ",".join(h.record.regions), h.why, h.record.url)
    Console().print(table)


@kb_app.command()
def stats(kb: Path = KB_OPTION, as_json: bool = typer.Option(False, "--json")) -> None:
    """What a knowledge base holds: records by source, kind, region and year."""
    _must_exist(kb)
    with KnowledgeBase.open(kb) as store:
        data = store.stats()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(f"{kb}: {data['records']} records")
    for key in ("by_source", "by_kind", "by_region", "by_year"):
        table = Table(title=key.replace("_", " "))
        table.add_column(key.removeprefix("by_"))
        table.add_column("records", justify="right")
        for name, count in data[key].items():
            table.add_row(name, str(count))
        console.print(table)


def _must_exist(path: Path) -> None:
    from ..errors import InputError

    if not path.exists():
        raise InputError("knowledge base not found (build one with `policytrace kb import`)", file=str(path))
