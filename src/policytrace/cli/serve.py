"""`policytrace serve`: the REST API and the web page on one port."""

from __future__ import annotations

from pathlib import Path

import typer

from . import app


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (127.0.0.1 keeps it on this machine)."),
    port: int = typer.Option(8000, "--port", "-p", min=1, max=65535, help="Port."),
    kb_dir: Path = typer.Option(None, "--kb-dir", help="Folder of <name>.sqlite KBs to offer (env POLICYTRACE_KB_DIR)."),
    kb: list[Path] = typer.Option(None, "--kb", help="A KB file to offer under its file name; repeatable."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes (uvicorn)."),
) -> None:
    """Start the REST API (OpenAPI docs at /docs) and the web page at /. 启动接口与网页。

    Writes (KB import) need a token set by the operator in POLICYTRACE_TOKEN; reads do not.

    \b
    Examples / 示例:
      policytrace serve                                  # http://127.0.0.1:8000/
      POLICYTRACE_TOKEN=secret policytrace serve --kb-dir kbs --port 8080
    """
    import os

    import uvicorn

    from ..errors import InputError

    for path in kb or []:
        if not path.exists():
            raise InputError("knowledge base not found (build one with `policytrace kb import`)", file=str(path))
    if kb_dir is not None:
        if not kb_dir.is_dir():
            raise InputError("KB folder not found", file=str(kb_dir))
        os.environ["POLICYTRACE_KB_DIR"] = str(kb_dir)
    if kb:
        # Passed through the environment so that every uvicorn worker builds the same settings.
        os.environ["POLICYTRACE_KB_FILES"] = os.pathsep.join(str(p.resolve()) for p in kb)
    typer.echo(f"policytrace: http://{host}:{port}/  (API docs: http://{host}:{port}/docs)", err=True)
    uvicorn.run("policytrace.web.asgi:app", host=host, port=port, workers=workers, log_level="warning")
