"""CSV/XLSX importers: the shared China records (merged, curated and each upstream file, `layouts`), and
any table whose columns the user names with a `ColumnMapping` (`mapping`).

A layout is recognised by its header. Rows that are about another country are counted as left out,
not imported; a row that cannot become a record (no date, no title) is reported with its row number.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zipfile
from dataclasses import fields
from pathlib import Path

import pandas as pd

from ...errors import InputError, unreadable_table
from . import Batch
from .layouts import LAYOUTS
from .mapping import ColumnMapping, mapped_reader

_LINE_OFFSET = 2  # header is line 1


def read_table(path: Path, *, mapping: ColumnMapping | None = None) -> Batch:
    frame, titles = _read(path)
    frame, offset = _below_title(frame, mapping)
    offset += titles
    columns = list(frame.columns)
    if mapping is not None:
        missing = [c for c in (getattr(mapping, f.name) for f in fields(mapping)) if c and c not in columns]
        if missing:
            raise InputError(f"the mapping names columns the file does not have: {', '.join(missing)}",
                             file=str(path))
        mapping = mapping.completed(columns)
        if not mapping.complete:
            need = "a title" if not (mapping.title or mapping.title_zh) else "a date"
            raise InputError(f"no column holds {need}: map one (e.g. --map title=政策名称,date=发布日期)",
                             file=str(path))
        name, convert = "table:mapped", mapped_reader(mapping)
    else:
        for name, required, convert in LAYOUTS:
            if required <= set(columns):
                break
        else:
            guessed = ColumnMapping.guess(columns)
            if guessed is None:
                raise InputError("unknown column layout: not one of the shared record files, and no title and "
                                 "date columns found; name them with a column mapping "
                                 "(e.g. --map title=政策名称,date=发布日期,url=链接)", file=str(path))
            name, convert = "table:guessed", mapped_reader(guessed)
    records, skipped, left_out = [], [], 0
    context = {"file": path.name, "frame": frame}   # the whole table, for what a row alone cannot tell
    for i, row in zip(frame.index, frame.to_dict("records")):   # the index: the row's place under the header
        try:
            record = convert(row, context)
        except InputError as exc:
            skipped.append(InputError(exc.reason, file=str(path), row=i + offset, column=exc.column))
            continue
        except ValueError as exc:  # a value the Record refuses (unknown kind, malformed date)
            skipped.append(InputError(str(exc), file=str(path), row=i + offset))
            continue
        if record is None:
            left_out += 1
        else:
            records.append(record)
    return Batch(records, skipped, name, rows=len(frame), left_out=left_out)


# Government spreadsheets put a title (and a blank line) above the header and notes under the table.
_MAX_TITLE_ROWS = 5
_SEPARATORS = (",", "\t", ";", "|")   # a comma wins a tie
_NOTE = re.compile(r"^\s*(注|备注|说明|资料来源|数据来源|来源|source|note)s?\s*[:：.]", re.IGNORECASE)


def _below_title(frame: pd.DataFrame, mapping: ColumnMapping | None) -> tuple[pd.DataFrame, int]:
    """The table under its title lines, without the notes under it, and the file line of its first row. The
    header is the first of the first rows that a layout, the user's mapping or the header guess knows."""
    def known(columns: list[str]) -> bool:
        if mapping is not None:
            return all(c in columns for c in (getattr(mapping, f.name) for f in fields(mapping)) if c)
        return any(required <= set(columns) for _, required, _ in LAYOUTS) or ColumnMapping.guess(columns) is not None

    offset = _LINE_OFFSET
    if not known(list(frame.columns)):
        for k in range(min(_MAX_TITLE_ROWS, len(frame))):
            header = [str(v).strip() for v in frame.iloc[k]]
            if known(header):
                frame = frame.iloc[k + 1:].set_axis(header, axis=1).reset_index(drop=True)
                offset += k + 1
                break
    if len(frame.columns):
        notes = frame.iloc[:, 0].astype(str).str.match(_NOTE)
        if notes.any():   # a note fills only its first cell
            rest = frame.loc[notes].iloc[:, 1:].astype(str).apply(lambda c: c.str.strip())
            frame = frame.drop(index=rest.index[(rest == "").all(axis=1)])
    return frame, offset


def _read(path: Path) -> tuple[pd.DataFrame, int]:
    """The file as text cells, and how many lines above its header were passed over (a title line without a
    separator, which would leave the columns' separator to guess from it)."""
    suffix = "".join(path.suffixes).lower()
    titles = 0
    try:
        if suffix.endswith((".xlsx", ".xls")):
            frame = pd.read_excel(path, dtype=str).fillna("")
        else:
            raw = path.read_bytes()
            if suffix.endswith(".gz"):
                raw = gzip.decompress(raw)
            try:
                # Excel's "Unicode text" is UTF-16 with a byte-order mark
                text = raw.decode("utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig")
            except UnicodeDecodeError:
                # Chinese government spreadsheets are often saved as GBK; GB18030 is its superset.
                text = raw.decode("gb18030")
            lines = text.splitlines()[:_MAX_TITLE_ROWS + 5]
            sep = "\t" if suffix.endswith(".tsv") else max(_SEPARATORS, key=lambda c: sum(c in line for line in lines))
            while titles < min(_MAX_TITLE_ROWS, len(lines) - 1) and sep not in lines[titles]:
                titles += 1
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep, skiprows=titles,
                                engine="python")
    except UnicodeDecodeError:
        raise InputError("cannot read the text: neither UTF-8, UTF-16 nor GBK/GB18030", file=str(path)) from None
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty", file=str(path)) from None
    except (ValueError, pd.errors.ParserError, OSError, EOFError, KeyError, zipfile.BadZipFile, csv.Error) as exc:
        raise InputError(unreadable_table(exc), file=str(path)) from None
    if frame.empty:
        raise InputError("the file has no data rows", file=str(path))
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, titles
