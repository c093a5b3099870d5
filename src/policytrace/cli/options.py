"""Options that several commands share."""

from __future__ import annotations

import typer

WHERE_OPTION = typer.Option(
    None, "--where",
    help="Keep the rows whose column has this value, e.g. --where value_type=current_month (repeatable).")


def parse_where(pairs: list[str] | None) -> dict[str, str]:
    """'column=value' pairs as a mapping; a pair without '=' is a usage error."""
    out = {}
    for pair in pairs or ():
        column, sep, value = pair.partition("=")
        if not sep or not column.strip():
            raise typer.BadParameter(f"{pair!r}: write COLUMN=VALUE", param_hint="--where")
        out[column.strip()] = value.strip()
    return out
