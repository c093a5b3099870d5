"""Write a report's files all or nothing: every format is rendered before any file is written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .model import Report
from .render import FORMATS, render


def write_report(report: Report, out: str | Path, formats: tuple[str, ...] = tuple(FORMATS)) -> list[Path]:
    """Write `formats` (keys of FORMATS; default all five) into `out`; on any failure no file is written."""
    out = Path(out)
    rendered = {FORMATS[f]: render(report, f) for f in formats}  # fails before touching the disk
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in rendered.items():
        target = out / name
        fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.")
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.replace(tmp, target)
        written.append(target)
    return written
