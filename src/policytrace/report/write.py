"""Write a report's files all or nothing: every format is rendered before any file is written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import InputError
from .model import Report
from .render import FORMATS, render


def write_report(report: Report, out: str | Path, formats: tuple[str, ...] = tuple(FORMATS)) -> list[Path]:
    """Write `formats` (keys of FORMATS; default all five) into `out`; on any failure no file is written."""
    rendered = {FORMATS[f]: render(report, f) for f in formats}  # fails before touching the disk
    return write_rendered(rendered, out)


def write_rendered(rendered: dict[str, str | bytes], out: str | Path) -> list[Path]:
    """Write already rendered files ({file name: content}): all go to temporary files first and are renamed
    only when every one is on disk, so a full disk or a bad folder leaves no half report behind."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError("is a file, not a folder: give a folder for the report files", file=str(out))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:   # a folder that cannot be made (no permission, a file on the way): the user's to fix
        raise InputError(f"cannot make the folder: {exc.strerror or exc}", file=str(out)) from None
    if blocked := [name for name in rendered if (out / name).is_dir()]:
        raise InputError(f"a folder is in the way of {', '.join(blocked)}: move it, or give another folder",
                         file=str(out))
    staged: list[tuple[str, Path]] = []
    try:
        for name, content in rendered.items():
            fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.")
            staged.append((tmp, out / name))
            with os.fdopen(fd, "wb") as fh:
                fh.write(content.encode("utf-8") if isinstance(content, str) else content)
            os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a report is an ordinary file
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for k, (tmp, target) in enumerate(staged):
        try:
            os.replace(tmp, target)
        except OSError as exc:   # renames in one folder fail only where something changed under us
            for left, _ in staged[k:]:
                Path(left).unlink(missing_ok=True)
            done = ", ".join(t.name for _, t in staged[:k]) or "none"
            raise InputError(f"cannot write {target.name}: {exc.strerror or exc} (written before it: {done})",
                             file=str(out)) from None
    return [target for _, target in staged]


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once at import: os.umask can only be read by setting it, and setting it while a server's other
# threads create files would give those files the wrong mode.
_UMASK = _read_umask()
