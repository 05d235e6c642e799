"""`tltrack repair`: a hand-edited records file back in tltrack's form."""

from __future__ import annotations

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    DataDirOption,
    LangOption,
    YearOption,
    workspace_for,
)
from tltrack.cli.run import TltrackCommand, run_lang
from tltrack.text.lang import text


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_repair"),
    epilog=examples(
        "tltrack repair",
        "tltrack repair --data-dir ./targets --year 2025",
    ),
)
def repair(
    data_dir: DataDirOption = None,
    year: YearOption = None,
    lang: LangOption = None,
) -> None:
    """Rewrite a hand-edited records file in tltrack's form, keeping every figure and a backup."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app import stores as app_stores

    result = app_stores.repair(workspace_for(data_dir, year))
    name = result.store
    if result.backup is None:
        line = text(run_lang(), "nothing_to_repair", file=name, count=result.figures)
    else:
        line = text(
            run_lang(),
            "repaired",
            file=name,
            count=result.figures,
            backup=result.backup.name,
        )
    typer.echo(line, err=True)
