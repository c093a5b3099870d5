"""Options that several commands share."""

from __future__ import annotations

import math
from pathlib import Path

import typer

from ..series import where_pairs

MIN_CONFIDENCE_OPTION = typer.Option(
    0.4, "--min-confidence", min=0.0, max=1.0,
    help="List nodes at this confidence or more (0.4 by default; lower it to see weaker changes).")

WHERE_OPTION = typer.Option(
    None, "--where",
    help="Keep the rows whose column has this value, e.g. --where value_type=current_month (repeatable).")


def parse_where(pairs: list[str] | None) -> dict[str, str]:
    """'column=value' pairs as a mapping; a pair without '=' is a usage error."""
    try:
        return where_pairs(pairs)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--where") from None


def folder(text: str) -> Path:
    """An output folder as typed; an empty one (an unset shell variable, -o "$OUT") is a usage error: as '.' it had
    put the report's files in the current folder."""
    if not text.strip():
        raise typer.BadParameter("an empty folder name: give a folder ('.' for this one)")
    return Path(text)


def counted(count: int, noun: str) -> str:
    """'1 record', '2 records'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def under_floor(count: int, floor: float, weakest: float | None = None) -> str:
    """How many changes fell under the confidence floor, and the floor that lists them all (`weakest`: the lowest
    of their confidences, rounded down to the two places the option is shown with)."""
    listing = "" if weakest is None else f" {math.floor(round(weakest * 100, 6)) / 100:.2f}"
    return f"{count} under confidence {floor:.2f} (--min-confidence{listing} lists {'it' if count == 1 else 'them'})"
