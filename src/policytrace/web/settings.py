"""What the operator decides for a running server: where the KBs are, the write token, the upload limits."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

KB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Settings:
    """`kb_dir` holds `<name>.sqlite` files, each offered as a KB by its name ("demo" is always there, read-only);
    `token` enables writes (KB import) for requests that send `Authorization: Bearer <token>`; without one,
    the server is read-only."""

    kb_dir: Path | None = None
    kb_files: dict[str, Path] = field(default_factory=dict)  # extra KBs named by the operator (`serve --kb`)
    token: str | None = None
    max_upload_bytes: int = 10 * 1024 * 1024
    max_rows: int = 200_000
    cache_size: int = 64  # reports kept for download links

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        values = {
            "kb_dir": Path(env["POLICYTRACE_KB_DIR"]) if env.get("POLICYTRACE_KB_DIR") else None,
            "token": env.get("POLICYTRACE_TOKEN") or None,
            "max_upload_bytes": int(float(env.get("POLICYTRACE_MAX_UPLOAD_MB", "10")) * 1024 * 1024),
            "max_rows": int(env.get("POLICYTRACE_MAX_ROWS", "200000")),
            "kb_files": {Path(p).stem: Path(p) for p in env.get("POLICYTRACE_KB_FILES", "").split(os.pathsep) if p},
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def kbs(self) -> dict[str, Path]:
        found = {}
        if self.kb_dir and self.kb_dir.is_dir():
            found = {p.stem: p for p in sorted(self.kb_dir.glob("*.sqlite")) if KB_NAME.match(p.stem)}
        found.update(self.kb_files)
        found.pop("demo", None)
        return found
