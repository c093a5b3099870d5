"""The REST API and the web page: `create_app(settings)` → a FastAPI app (`policytrace serve` runs it).

Reads need nothing; writes (KB import) need the operator's token. Every user mistake is a 4xx with one
readable `detail`, never a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hmac
import os
import re
import tempfile
import threading
import uuid
from collections import OrderedDict
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, File, Form, Header, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from .. import __version__
from .. import regions as gazetteer
from ..errors import InputError, PolicytraceError
from ..kb import KnowledgeBase, read_records
from ..pipeline import run
from ..report import FORMATS, MEDIA_TYPES, Report, check_as_of, render
from ..series import read_series, where_pairs
from .settings import KB_NAME, Settings

DEMOS = {"xinjiang-industry": {"title_zh": "新疆 工业 · Carbon Monitor 日数据 2019–2022",
                               "title_en": "Xinjiang, industry · Carbon Monitor daily 2019–2022",
                               "region": "650000", "sector": "industry"}}
SERIES_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xls", ".txt")
RECORD_SUFFIXES = (".csv", ".xlsx", ".json", ".jsonl")


DemoId = Literal[tuple(DEMOS)]  # an enum in the schema, so clients (and the fuzzer) know the valid ids


class ReportFormat(str, Enum):
    json = "json"
    zh = "zh"
    en = "en"
    html = "html"
    docx = "docx"


class Problem(BaseModel):
    detail: str


class KBInfo(BaseModel):
    name: str
    records: int
    writable: bool


class DemoInfo(BaseModel):
    id: str
    title_zh: str
    title_en: str
    region: str
    sector: str


class Health(BaseModel):
    status: str
    version: str
    writes_enabled: bool


class SearchHit(BaseModel):
    score: float
    why: str
    record: dict


class ImportSummary(BaseModel):
    kb: str
    inserted: int
    updated: int
    unchanged: int
    skipped: list[str] = Field(default_factory=list)
    records: int


ERRORS = {400: {"model": Problem}, 404: {"model": Problem}, 413: {"model": Problem}, 415: {"model": Problem},
          422: {"model": Problem}}


class ReportCache:
    """The last reports made, so the page can offer download links without sending the series again."""

    def __init__(self, size: int) -> None:
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def put(self, report: Report) -> str:
        key = uuid.uuid4().hex
        with self._lock:
            self._items[key] = report
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return key

    def get(self, key: str) -> Report | None:
        with self._lock:
            return self._items.get(key)


def _static(package: str) -> Path:
    return Path(str(resources.files(package) / "static"))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    cache = ReportCache(settings.cache_size)
    # The pipeline is CPU-bound Python: more threads than cores in it at once only fight over the GIL.
    busy = threading.BoundedSemaphore(max(os.cpu_count() or 1, 1))
    import_locks: dict[str, threading.Lock] = {}
    app = FastAPI(
        title="policytrace",
        version=__version__,
        description="Explain changes in a region's carbon emissions with the policies and events behind them. "
                    "用政策与重大事件解释地区碳排放的变化。Upload a series, get the report in any format, search and "
                    "(with the operator's token) extend the knowledge base.",
    )
    app.state.settings = settings

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        # Refuse an oversized upload before reading it (Content-Length), not after it fills the disk.
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_upload_bytes + 64 * 1024:
            return JSONResponse({"detail": _too_big(settings)}, status_code=413)
        return await call_next(request)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        # One readable line, as the CLI prints, instead of pydantic's list.
        parts = [f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', 'invalid')}"
                 for e in exc.errors()]
        return JSONResponse({"detail": "; ".join(parts)[:1000]}, status_code=422)

    @app.exception_handler(PolicytraceError)
    async def user_mistake(request: Request, exc: PolicytraceError):
        message = str(exc)
        if isinstance(exc, InputError) and exc.file:  # a file's name, never where the server keeps it
            message = str(InputError(exc.reason, file=Path(exc.file).name, row=exc.row, column=exc.column))
        return JSONResponse({"detail": message}, status_code=422)

    app.mount("/static", StaticFiles(directory=_static("policytrace.web")), name="static")
    app.mount("/assets", StaticFiles(directory=_static("policytrace.report")), name="assets")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(_static("policytrace.web") / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/api/health", response_model=Health, tags=["meta"])
    def health() -> Health:
        return Health(status="ok", version=__version__, writes_enabled=bool(settings.token))

    @app.get("/api/demos", response_model=list[DemoInfo], tags=["series"])
    def demos() -> list[DemoInfo]:
        """Bundled demo series the page and the API can report on without an upload."""
        return [DemoInfo(id=key, **value) for key, value in DEMOS.items()]

    @app.get("/api/kbs", response_model=list[KBInfo], tags=["kb"])
    def kbs() -> list[KBInfo]:
        """The knowledge bases this server offers ("demo" is bundled and read-only)."""
        out = [KBInfo(name="demo", records=_demo_size(), writable=False)]
        for name, path in settings.kbs().items():
            with KnowledgeBase.open(path) as store:
                out.append(KBInfo(name=name, records=len(store), writable=bool(settings.token and settings.kb_dir)))
        return out

    @app.post("/api/reports", tags=["report"], responses={**ERRORS, 200: {
        "description": "report.json with `id` and `downloads` (format=json), else the file itself",
        "content": {MEDIA_TYPES[f].split(";")[0]: {} for f in FORMATS}}})
    def make_report(
        file: Annotated[UploadFile | None, File(description="CSV or XLSX: a date and a value column")] = None,
        demo: Annotated[DemoId | None, Form(description="A demo series instead of a file (see /api/demos)")] = None,
        region: Annotated[str | None, Form(max_length=100, description="Region, e.g. 新疆 or 650000")] = None,
        sector: Annotated[str | None, Form(max_length=100, description="Sector, e.g. 工业 or industry")] = None,
        where: Annotated[str | None, Form(max_length=500, description=(
            "Keep the rows whose column has this value, pairs separated by ';': "
            "'product_en=Cement; value_type=current_month'"))] = None,
        value_column: Annotated[str | None, Form(max_length=100, description=(
            "The value column, when it cannot be guessed"))] = None,
        kb: Annotated[str, Form(max_length=64, description="Knowledge base name (see /api/kbs)")] = "demo",
        as_of: Annotated[str | None, Form(max_length=32, description="Cut the series at this date")] = None,
        nodes: Annotated[int | None, Form(ge=1, le=100, description="Report at most this many nodes")] = None,
        min_confidence: Annotated[float, Form(ge=0, le=1, description=(
            "List nodes at this confidence or more; lower it to see weaker changes"))] = 0.4,
        format: Annotated[ReportFormat, Form(description="json, zh, en, html or docx")] = ReportFormat.json,
    ) -> Response:
        """Detect the key nodes of a series, explain them from a KB and return the report."""
        as_of = check_as_of(as_of)
        try:
            rows = where_pairs(part for part in (where or "").split(";") if part.strip())
        except ValueError as exc:
            raise HTTPException(422, f"where: {exc}") from None
        series = _series(file, demo, region, sector, settings, rows, value_column or None)
        with _open_kb(kb, settings) as store, busy:
            report = run(series, store, max_nodes=nodes, min_confidence=min_confidence, as_of=as_of)
        key = cache.put(report)
        return _respond(report, format.value, key)

    @app.get("/api/reports/{report_id}", tags=["report"], responses={**ERRORS, 200: {
        "content": {MEDIA_TYPES[f].split(";")[0]: {} for f in FORMATS}}})
    def get_report(report_id: str, format: ReportFormat = ReportFormat.json) -> Response:
        """A report made earlier by POST /api/reports, in any format (kept for the last few reports)."""
        report = cache.get(report_id) if re.fullmatch(r"[0-9a-f]{32}", report_id) else None
        if report is None:
            raise HTTPException(404, "no such report (reports are kept for a while only; make it again)")
        return _respond(report, format.value, report_id)

    @app.get("/api/kbs/{name}/search", response_model=list[SearchHit], tags=["kb"], responses=ERRORS)
    def search(
        name: str,
        q: Annotated[str, Query(max_length=200, description="Words to find, e.g. 能耗双控")] = "",
        region: Annotated[str | None, Query(max_length=100)] = None,
        date_from: Annotated[str | None, Query(alias="from", max_length=32, description="Earliest date")] = None,
        date_to: Annotated[str | None, Query(alias="to", max_length=32, description="Latest date")] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 10,
    ) -> list[SearchHit]:
        """Search a knowledge base by words, region and date (reads need no token)."""
        with _open_kb(name, settings) as store:
            hits = store.search(q, region=region or None, start=date_from or None, end=date_to or None, limit=limit)
        return [SearchHit(score=round(float(h.score), 3), why=str(h.why), record=h.record.to_dict()) for h in hits]

    def require_token(authorization: Annotated[str | None, Header(description="Bearer <token>")] = None) -> None:
        if not settings.token:
            raise HTTPException(403, "this server is read-only: the operator has set no POLICYTRACE_TOKEN")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), settings.token.encode()):
            raise HTTPException(401, "a valid token is needed to write: send 'Authorization: Bearer <token>'",
                                headers={"WWW-Authenticate": "Bearer"})

    @app.post("/api/kbs/{name}/import", response_model=ImportSummary, tags=["kb"],
              dependencies=[Depends(require_token)],
              responses={**ERRORS, 401: {"model": Problem}, 403: {"model": Problem}})
    def import_records(
        name: str,
        file: Annotated[UploadFile, File(description="CSV/XLSX/JSON(L) of records")],
        empty: Annotated[bool, Query(description="A new KB starts empty instead of with the starter records")] = False,
    ) -> ImportSummary:
        """Import records into a KB (a new one starts with the starter records, as `policytrace kb import` does);
        re-importing the same file changes nothing. Needs the token."""
        if name == "demo" or not KB_NAME.match(name):
            raise HTTPException(400, "KB names are letters, digits, '-' and '_' (and 'demo' is read-only)")
        path = settings.kbs().get(name) or (settings.kb_dir / f"{name}.sqlite" if settings.kb_dir else None)
        if path is None:
            raise HTTPException(403, "the operator has set no KB folder (POLICYTRACE_KB_DIR) to write into")
        with tempfile.TemporaryDirectory() as folder:
            upload = _save_upload(file, Path(folder), RECORD_SUFFIXES, settings)
            # read before a KB is opened: a file that cannot be imported had left a new KB, seeded, behind
            try:
                batch = read_records(upload)
            except PolicytraceError:
                raise
            except Exception as exc:  # noqa: BLE001  a file no importer understands is a 422, not a 500
                raise InputError(f"cannot import this file ({exc.__class__.__name__}: {exc})",
                                 file=upload.name) from None
            lock = import_locks.setdefault(name, threading.Lock())
            with lock, KnowledgeBase.create(path, seed=not empty) as store:
                result = store.write(batch, source_file=str(upload))
                size = len(store)
            skipped = [str(s).replace(f"{folder}/", "") for s in result.skipped][:50]
        return ImportSummary(kb=name, inserted=result.inserted, updated=result.updated, unchanged=result.unchanged,
                             skipped=skipped, records=size)

    return app


def _too_big(settings: Settings) -> str:
    return f"upload too large: the limit is {settings.max_upload_bytes // (1024 * 1024)} MiB"


def _demo_size() -> int:
    from ..demo import demo_records

    return len(demo_records())


_local = threading.local()


def _open_kb(name: str, settings: Settings):
    """A context manager giving the KB. The bundled demo KB is read-only, so each server thread builds it
    once and keeps it (measured: a third of a demo request's time was rebuilding it)."""
    if name == "demo":
        from ..demo import demo_kb

        if getattr(_local, "demo_kb", None) is None:
            _local.demo_kb = demo_kb()
        return contextlib.nullcontext(_local.demo_kb)
    path = settings.kbs().get(name)
    if path is None:
        raise HTTPException(404, f"no knowledge base named {name!r} (see /api/kbs)")
    return KnowledgeBase.open(path)


@functools.cache
def _demo_series_cached():
    from ..demo import demo_series

    return demo_series()


def _demo_series():
    series = _demo_series_cached()
    return dataclasses.replace(series, values=series.values.copy())  # callers never share one pandas object


def _safe_name(filename: str | None, default: str) -> str:
    """The upload's own name (so errors name it), stripped of folders and odd characters."""
    name = Path(filename or default).name
    name = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", name).strip("._") or default
    return name[:100]


def _save_upload(file: UploadFile, folder: Path, suffixes: tuple[str, ...], settings: Settings) -> Path:
    name = _safe_name(file.filename, "upload.csv")
    if not name.lower().endswith(suffixes):
        raise HTTPException(415, f"{name}: unsupported file type; send one of {', '.join(suffixes)}")
    target = folder / name
    size = 0
    with target.open("wb") as fh:
        while chunk := file.file.read(1024 * 1024):
            size += len(chunk)
            if size > settings.max_upload_bytes:
                raise HTTPException(413, _too_big(settings))
            fh.write(chunk)
    if size == 0:
        raise HTTPException(422, f"{name}: the file is empty")
    return target


def _series(file: UploadFile | None, demo: str | None, region: str | None, sector: str | None, settings: Settings,
            where: dict[str, str] | None = None, value_column: str | None = None):
    if file is None or not file.filename:
        if not demo:
            raise HTTPException(422, "send a series file (field 'file') or pick a demo (field 'demo')")
        if demo not in DEMOS:
            raise HTTPException(404, f"no demo series {demo!r} (see /api/demos)")
        return _demo_series()
    if region:
        gazetteer.lookup(region)   # the knowledge base speaks of Chinese regions only
    with tempfile.TemporaryDirectory() as folder:
        path = _save_upload(file, Path(folder), SERIES_SUFFIXES, settings)
        if path.suffix.lower() in (".csv", ".tsv", ".txt"):
            with path.open("rb") as fh:
                rows = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
            if rows > settings.max_rows + 1:
                raise HTTPException(413, f"{path.name}: {rows - 1} rows; the limit is {settings.max_rows}")
        try:
            series = read_series(path, region=region or None, sector=sector or None, where=where,
                                 value_column=value_column)
        except InputError as exc:
            # name the upload as the user knows it, not the server's temporary folder
            raise type(exc)(exc.reason, file=path.name, row=exc.row, column=exc.column) from None
        except PolicytraceError:
            raise
        except Exception as exc:  # noqa: BLE001  an upload no reader understands is the user's mistake, not a 500
            raise InputError(f"cannot read this file ({exc.__class__.__name__}: {exc})", file=path.name) from None
        if len(series) > settings.max_rows:
            raise HTTPException(413, f"{path.name}: {len(series)} rows; the limit is {settings.max_rows}")
        return series


def _respond(report: Report, fmt: str, key: str) -> Response:
    if fmt == "json":
        body = report.to_dict()
        body["id"] = key
        body["downloads"] = {f: f"/api/reports/{key}?format={f}" for f in FORMATS}
        return JSONResponse(body)
    content = render(report, fmt)
    filename = FORMATS[fmt]
    return Response(content, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
