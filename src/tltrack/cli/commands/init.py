"""`tltrack init`: a new data folder, or next year's target file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    LangOption,
)
from tltrack.cli.run import TltrackCommand, run_lang
from tltrack.text.lang import text


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_init"),
    epilog=examples(
        "tltrack init",
        "tltrack init ./targets --catalog",
        "tltrack init ~/targets --year 2026",
    ),
)
def init(
    folder: Annotated[
        Path | None, typer.Argument(help=helptext("help_folder"), show_default=False)
    ] = None,
    catalog: Annotated[
        bool,
        typer.Option(
            "--catalog",
            help=helptext("help_catalog"),
        ),
    ] = False,
    year: Annotated[
        int | None,
        typer.Option(help=helptext("help_init_year"), show_default=False),
    ] = None,
    from_year: Annotated[
        int | None,
        typer.Option("--from", help=helptext("help_from"), show_default=False, metavar="YYYY"),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Start a new data folder: a commented target-file template, or the shipped catalog."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.workspace import new_folder

    if from_year is not None:
        # loaded when the command runs, not at start: a quick --help
        from tltrack.workspace.folder import find_data_dir
        from tltrack.workspace.next_year import start_next_year

        # No folder named: the data folder here (the one `status` would use), not ./targets.
        where = folder if folder is not None else find_data_dir(None)
        written, count, baselines = start_next_year(where, from_year, year or from_year + 1)
        said = text(
            run_lang(),
            "next_year_written",
            path=written,
            count=count,
            baselines=baselines,
            source=from_year,
        )
        typer.echo(said, err=True)
        return

    where = folder if folder is not None else Path("targets")
    result = new_folder.init(where, year or date.today().year, catalog, run_lang())
    for path in result.written:
        typer.echo(text(run_lang(), "wrote", path=path), err=True)
    typer.echo(text(run_lang(), "next_after_init"), err=True)
