"""A user's file as a table of text cells: its encoding, delimiter and title lines, a workbook's sheet, and the
columns found by their names (date, value, region, sector)."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from .. import regions, sectors
from ..errors import InputError, unreadable_table
from .dates import is_period
from .layout import period_columns, promote_header, title_lines

DATE_NAMES = ("date", "time", "period", "month", "quarter", "year", "week", "day",
              "日期", "时间", "月份", "季度", "年份", "年", "周", "期间", "统计期", "时期")
VALUE_NAMES = ("value", "co2", "co2_mt_per_day", "co2_tonnes", "emission", "emissions", "排放量", "碳排放",
               "碳排放量", "二氧化碳排放量", "数值", "值")
REGION_NAMES = ("province", "region", "state", "country", "地区", "省份", "区域", "省", "国家")
SECTOR_NAMES = ("sector", "行业", "部门", "领域")
GROUP_NAMES = ("sector_group", "group", "门类", "大类")


def find_column(frame: pd.DataFrame, names: tuple[str, ...], exclude: set[str] = frozenset()) -> str | None:
    lower = {c.lower(): c for c in frame.columns if c not in exclude}
    for want in names:
        if want in lower:
            return lower[want]
    for want in names:
        for low, col in lower.items():
            if want in low:
                return col
    return None


def region_column(frame: pd.DataFrame) -> str | None:
    """The column of region names: named so (province, 地区 …), or without a heading where every cell is a
    region the gazetteer knows (a yearbook's row labels)."""
    named = find_column(frame, REGION_NAMES)
    if named is not None:
        return named
    for col in frame.columns:
        cells = frame[col].dropna().astype(str).str.strip().unique()
        if str(col).startswith("Unnamed:") and len(cells) and all(regions.find(c) for c in cells):
            return col
    return None


def load_table(path: Path, region: str | None = None, sector: str | None = None) -> pd.DataFrame:
    """A CSV (UTF-8, GBK or UTF-16 with its byte-order mark, optionally gzipped) or XLSX file as text cells; the
    index is the data row. Of a workbook, the sheet named by `region` or `sector` where one is (a sheet per
    province or per sector), else the first with dates."""
    if (book := load_workbook(path)) is not None:
        try:
            return data_sheet(book, region, sector)
        except InputError as exc:
            raise InputError(exc.reason, file=str(path)) from None
    try:
        raw = path.read_bytes()
        if "".join(path.suffixes).lower().endswith(".gz"):
            import gzip
            raw = gzip.decompress(raw)
        if not raw.strip():
            raise InputError("the file is empty", file=str(path))
        text = _decode(raw, str(path))
        sep = _delimiter(text)
        titles = title_lines(_head(text), sep, headings=(*DATE_NAMES, *VALUE_NAMES, *REGION_NAMES, *SECTOR_NAMES))
        frame = pd.read_csv(io.StringIO(text), dtype=str, skipinitialspace=True, sep=sep, skiprows=titles)
        frame.index += titles   # rows keep their line in the file
        # a semicolon file is a European spreadsheet's export: its numbers are written 1.234,5
        return frame.map(_european_number) if sep == ";" else frame
    except InputError:
        raise
    except (ValueError, OSError, EOFError, pd.errors.ParserError) as exc:
        raise InputError(unreadable_table(exc), file=str(path)) from None


def load_workbook(path: Path) -> dict[str, pd.DataFrame] | None:
    """A workbook's sheets as text cells, a title line above each header given way (`promote_header`); None for
    a file that is not a workbook."""
    if not path.exists():
        raise InputError("file not found", file=str(path))
    if path.is_dir():
        raise InputError("is a folder, not a file", file=str(path))
    if not "".join(path.suffixes).lower().endswith((".xlsx", ".xlsm", ".xls")):
        return None
    try:
        sheets = pd.read_excel(path, dtype=str, sheet_name=None)
    except (ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:
        raise InputError(unreadable_table(exc), file=str(path)) from None
    return {name: promote_header(frame) for name, frame in sheets.items()}


def region_sheets(book: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """A workbook's sheets that regions name (新疆, 广东 …), by region code, each with its `attrs["sheet"]`; empty
    unless it has at least two of them (a sheet per province)."""
    out = {}
    for name, code in _sheet_places(book).items():
        if code not in out:
            out[code] = book[name]
            out[code].attrs["sheet"] = name
    return out if len(out) >= 2 else {}


def data_sheet(book: dict[str, pd.DataFrame], region: str | None = None, sector: str | None = None
               ) -> pd.DataFrame:
    """The workbook's sheet named by `region` (新疆 for 新疆维吾尔自治区) or else by `sector` (电力), else its first
    sheet with a date column or a row of periods (a notes sheet often comes first), else its first sheet;
    `attrs["sheet"]` names the sheet read where the workbook has several."""
    wanted = regions.find(region) if region else None
    places = _sheet_places(book)
    named = [name for name, code in places.items() if wanted and code == wanted.code]
    if wanted and not named and len(places) >= 2:
        # a sheet per region, none of them the one asked for: the first would be read as it, without a word
        raise InputError(f"the workbook has sheets for {', '.join(map(str, places))}, not {wanted.name_zh}")
    if not named and sector:
        kinds = {name: key for name in book if (key := sectors.normalise(str(name).strip()))}
        named = [name for name, key in kinds.items() if key == sectors.key(sector)]
        if not named and len(kinds) >= 2:
            # a sheet per sector: -s 电力 had read the first sheet, 工业, as power
            raise InputError(f"the workbook has sheets for {', '.join(map(str, kinds))}, not {sector}")
    chosen = named[0] if named else next((name for name, frame in book.items() if not frame.empty and (
        find_column(frame, DATE_NAMES) is not None or period_columns(frame, is_period))), next(iter(book)))
    frame = book[chosen]
    if len(book) > 1:
        frame.attrs["sheet"] = chosen
    return frame


def _sheet_places(book: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Sheet name → code of the region it names, for the sheets that name one."""
    return {name: found.code for name in book if (found := regions.find(str(name).strip()))}


_EUROPEAN_NUMBER = re.compile(r"^\s*-?(\d{1,3}(\.\d{3})+|\d+),\d+\s*$")


def _european_number(cell):
    """'1.234,5' → '1234.5'; any other cell as it is."""
    if isinstance(cell, str) and _EUROPEAN_NUMBER.match(cell):
        return cell.replace(".", "").replace(",", ".")
    return cell


def _head(text: str, lines: int = 8) -> list[str]:
    """The first lines of a file's text, without splitting the whole of it (Carbon Monitor's is 30 MB)."""
    return text[:1 << 16].splitlines()[:lines]


def _delimiter(text: str) -> str:
    """',' unless the header has none and is split by a tab, a semicolon or a bar (TSV, European CSV)."""
    header = next((line for line in _head(text) if line.strip()), "")
    if "," not in header:
        for sep in ("\t", ";", "|"):
            if sep in header:
                return sep
    return ","


def _decode(raw: bytes, name: str) -> str:
    # Excel's "Unicode text" is UTF-16 with a byte-order mark (and tabs between the cells)
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("not a readable UTF-16 text file (it starts with a UTF-16 byte-order mark)",
                             file=name) from None
    # Chinese spreadsheets are often saved as GBK; accept it rather than fail.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("not a UTF-8, GBK or UTF-16 text file", file=name)
