"""`policytrace kb import|search|stats|show`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..errors import InputError, PolicytraceError
from ..kb import KnowledgeBase
from ..kb.importers import ColumnMapping, read_records
from . import app
from .options import counted

kb_app = typer.Typer(help="Build and search a knowledge base (one SQLite file).", no_args_is_help=True)
app.add_typer(kb_app, name="kb")

KB_HELP = "The knowledge base file, e.g. kb.sqlite."
STARTER_HELP = KB_HELP + " Without it, the starter records shipped with policytrace."


@kb_app.command("import")
def import_(
    files: list[Path] = typer.Argument(..., help="Tables (CSV/XLSX), JSON/JSONL, or documents (HTML, PDF, DOCX, Markdown)."),
    kb: Path = typer.Option(..., "--kb", help=KB_HELP + " A new file starts with the starter records."),
    empty: bool = typer.Option(False, "--empty", help="Do not seed a new KB with the starter records."),
    mapping: str = typer.Option(None, "--map", help="Columns of a table of your own: 'title=政策名称,date=发布日期,url=链接'."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Import records; each file is all or nothing, and re-importing a file changes nothing.

    Example: policytrace kb import ../shared/data/policies/china_policy_events_merged.csv --kb kb.sqlite
    """
    if not kb.parent.is_dir():
        raise InputError("the folder for the knowledge base does not exist", file=str(kb))
    column_mapping = ColumnMapping.parse(mapping) if mapping else None
    # Read every file before writing anything: a bad file leaves the KB (or no KB) as it was.
    batches = [(path, read_records(path, mapping=column_mapping)) for path in files]
    created = not kb.exists()
    results = []
    try:
        with KnowledgeBase.create(kb, seed=not empty) as store:
            for path, batch in batches:
                results.append((path, store.write(batch, source_file=str(path))))
            total = len(store)
    except PolicytraceError:
        if created:
            for suffix in ("", "-wal", "-shm"):
                Path(str(kb) + suffix).unlink(missing_ok=True)
        raise
    if as_json:
        typer.echo(json.dumps({"kb": str(kb), "records": total, "files": [
            {"file": str(p), "rows": r.rows, "inserted": r.inserted, "updated": r.updated, "unchanged": r.unchanged,
             "skipped": list(r.skipped), "duplicates": r.duplicates, "left_out": r.left_out} for p, r in results]},
            ensure_ascii=False, indent=2))
        return
    console = Console()
    for path, result in results:
        extra = f", {counted(result.duplicates, 'row')} duplicated" if result.duplicates else ""
        extra += f", {counted(result.left_out, 'row')} not about China left out" if result.left_out else ""
        console.print(f"{path}: {result.inserted} new, {result.updated} updated, {result.unchanged} unchanged, "
                      f"{counted(len(result.skipped), 'row')} skipped{extra}", markup=False, soft_wrap=True)
        for message in result.skipped[:10]:
            console.print(f"  skipped: {message}", style="yellow", markup=False, soft_wrap=True)
        if len(result.skipped) > 10:
            console.print(f"  … and {len(result.skipped) - 10} more (--json lists them all)", style="yellow")
    console.print(f"{kb}: {counted(total, 'record')}", markup=False, soft_wrap=True)


@kb_app.command()
def search(
    query: str = typer.Argument("", help="Words to find, in Chinese or English, e.g. '新冠 应急响应'."),
    kb: Path = typer.Option(None, "--kb", help=STARTER_HELP),
    region: str = typer.Option(None, "--region", "-r", help="Region name or code; the regions above it are included."),
    children: bool = typer.Option(False, "--children", help="Include the regions below --region too."),
    no_parents: bool = typer.Option(False, "--no-parents", help="Leave out the regions above --region."),
    date_from: str = typer.Option(None, "--from", help="Earliest date, e.g. 2020-01-01 (or 2020, 2020-01)."),
    date_to: str = typer.Option(None, "--to", help="Latest date."),
    kinds: list[str] = typer.Option(None, "--kind", help="policy, plan, standard, market, project, event, statistic."),
    sectors: list[str] = typer.Option(None, "--sector", help="industry, power, energy, transport, …"),
    limit: int = typer.Option(10, "--limit", "-n", min=1),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Search records by words (cross-lingual), region, date, kind and sector.

    Example: policytrace kb search "COVID-19 emergency response" --kb kb.sqlite --region 新疆 --from 2020-01-01 --to 2020-04-30
    """
    with _open(kb) as store:
        hits = store.search(query, region=region, include_parents=not no_parents, include_children=children,
                            start=date_from, end=date_to, kinds=kinds or None, sectors=sectors or None, limit=limit)
    if as_json:
        typer.echo(json.dumps([{"score": round(h.score, 3), "why": h.why,
                                **{k: v for k, v in h.record.to_dict().items() if k != "text"}} for h in hits],
                              ensure_ascii=False, indent=2))
        return
    table = Table(title=counted(len(hits), "record"))
    for col in ("date", "kind", "title", "regions", "why", "url"):
        table.add_column(col, overflow="fold")
    for h in hits:
        # Text: a KB's words are never Rich markup (a title with "[/x]" had ended the command in a traceback)
        table.add_row(h.record.date, h.record.kind, Text(h.record.display_title), Text(_places(h.record.regions)),
                      Text(h.why), Text(h.record.url))
    Console().print(table)


def _places(codes) -> str:
    """Region codes as short names (650000 → 新疆, 000000 → 全国), a code the gazetteer lacks as written."""
    from .. import regions

    return "、".join(found.short_zh if (found := regions.find(code)) else code for code in codes)


@kb_app.command()
def stats(kb: Path = typer.Option(None, "--kb", help=STARTER_HELP), as_json: bool = typer.Option(False, "--json")) -> None:
    """What a knowledge base holds: records by source, kind, region and year, and what each import read."""
    with _open(kb) as store:
        data = store.stats()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(f"{kb or 'starter'}: {data['records']} records", markup=False)
    imports = Table(title="imports (rows = records + skipped + duplicates + left out)")
    for col in ("file", "rows", "records", "skipped", "duplicates", "left out"):
        imports.add_column(col, justify="left" if col == "file" else "right", overflow="fold")
    for item in data["imports"]:
        records = item["inserted"] + item["updated"] + item["unchanged"]
        imports.add_row(Text(str(item["source_file"])), _n(item["rows"]), str(records), str(item["skipped"]),
                        str(item["duplicates"]), str(item["left_out"]))
    console.print(imports)
    from .. import regions

    for key in ("by_source", "by_kind", "by_region", "by_year"):
        table = Table(title=key.replace("_", " "))
        table.add_column(key.removeprefix("by_"), overflow="fold")
        table.add_column("records", justify="right")
        for name, count in data[key].items():
            label = name
            if key == "by_region":
                found = regions.find(name)
                label = f"{name} {found.name_zh}" if found else name
            table.add_row(Text(str(label)), str(count))
        console.print(table)


@kb_app.command()
def show(record_id: str = typer.Argument(..., help="A record id, as search --json prints it."),
         kb: Path = typer.Option(None, "--kb", help=STARTER_HELP)) -> None:
    """One record as JSON, with its provenance (every import that inserted or changed it)."""
    with _open(kb) as store:
        record = store.get(record_id)
        if record is None:
            raise InputError(f"no record with id {record_id!r}", file=str(kb) if kb else None)
        data = {**record.to_dict(), "history": store.provenance(record_id)}
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _n(value) -> str:
    return "" if value is None else str(value)


def _open(path: Path | None) -> KnowledgeBase:
    if path is None:
        return KnowledgeBase.create(":memory:", seed=True)
    if not path.exists():
        raise InputError("knowledge base not found (build one with `policytrace kb import`)", file=str(path))
    return KnowledgeBase.open(path)
