"""One family of errors whose messages the CLI prints as a single line."""

from __future__ import annotations

import zipfile


class PolicytraceError(Exception):
    """Base of every error policytrace raises on purpose."""


class InputError(PolicytraceError):
    """A user's file or argument is wrong; the message says where."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file, self.row, self.column, self.reason = file, row, column, message
        where = [f"{file}" if file else None,
                 f"row {row}" if row is not None else None,
                 f"column {column!r}" if column else None]
        prefix = ", ".join(w for w in where if w)
        super().__init__(f"{prefix}: {message}" if prefix else message)


def unreadable_table(exc: Exception) -> str:
    """Why a file could not be read as a table, in the user's words rather than the reading library's."""
    if isinstance(exc, (zipfile.BadZipFile, KeyError)) or "cannot be determined" in str(exc):
        # pandas: "Excel file format cannot be determined, you must specify an engine manually"; a ZIP that holds
        # no workbook (a .docx, an archive) is KeyError('zip'), its format looked up among the readers
        return "cannot read as a table: not an Excel workbook, though named as one"
    if isinstance(exc, EOFError):
        return "cannot read as a table: the compressed file is cut short (downloaded or copied only in part?)"
    return f"cannot read as a table: {str(exc).splitlines()[0]}"


class UnknownRegionError(InputError):
    """A region name or code the gazetteer does not know."""


class TooShortError(InputError):
    """Too few points to say anything about change."""


def too_few(count: int, least: int, where: str = "") -> str:
    """The message of a `TooShortError`: how many values there are (`where`: at what resolution) and how many
    are needed."""
    found = "no values" if count == 0 else "only 1 value" if count == 1 else f"only {count} values"
    return f"{found}{where}; at least {least} are needed to find change"


class KnowledgeBaseError(PolicytraceError):
    """The knowledge base cannot be opened, read or written."""
