"""The `policytrace` command. The core never imports this package."""

from __future__ import annotations

import sys

import typer

from .. import __version__
from ..errors import PolicytraceError

app = typer.Typer(
    name="policytrace",
    help="Explain changes in a region's carbon emissions with the policies and events behind them.\n\n"
         "用政策与重大事件解释地区碳排放的变化。\n\n"
         "\b\nExamples / 示例:\n"
         "  policytrace demo --out report           # bundled demo / 内置示例\n"
         "  policytrace detect my.csv --json        # key nodes / 关键节点\n"
         "  policytrace kb import p.csv --kb kb.sqlite\n"
         "  policytrace report --series my.csv -r 新疆 -s 工业 -o out\n"
         "  policytrace serve --port 8000           # API + page / 接口与网页\n"
         "  policytrace --install-completion        # completion / 命令补全",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"policytrace {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    pass


from . import detect as _detect  # noqa: E402,F401  (registers commands)
from . import kb as _kb  # noqa: E402,F401
from . import report as _report  # noqa: E402,F401
from . import panel as _panel  # noqa: E402,F401
from . import serve as _serve  # noqa: E402,F401


def main() -> None:
    """Entry point: a user mistake prints one line and exits 2, never a traceback."""
    try:
        app(standalone_mode=False)
    except PolicytraceError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except Exception as exc:  # usage errors arrive here in non-standalone mode
        import click

        # typer >= 0.20 raises its own copy of click's exceptions, under typer.TyperException
        if isinstance(exc, (click.exceptions.ClickException, typer.TyperException)) and hasattr(exc, "show"):
            exc.show()
            sys.exit(2)
        raise
