"""The one typer app every command registers on (cli/commands/), with its root: --version,
--lang, and help when no command is given. Its group (cli.run.TltrackGroup) decides the
run's language and turns every error into one line on stderr and its exit code."""

from __future__ import annotations

from typing import Annotated

import typer

from tltrack import __version__
from tltrack.cli.help import helptext
from tltrack.cli.options import (
    LangOption,
)
from tltrack.cli.run import TltrackGroup

app = typer.Typer(
    cls=TltrackGroup,
    name="tltrack",
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tltrack {__version__}")
        raise typer.Exit()


@app.callback(help=helptext("help_root"), invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=helptext("help_version")),
    ] = False,
    lang: LangOption = None,  # the help's language is read from the arguments at start
) -> None:
    """Keep a government's annual targets in TOML files, record the actual figures against them,
    and see which targets are on pace (时序进度) and which lag.

    Exit codes: 0 ok, 2 usage, 65 bad data, 66 missing file, 69 a program or server it needs is
    not there, 70 internal error, 73 cannot create, 74 I/O error, 75 lock busy (try again),
    77 permission denied.
    """
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
