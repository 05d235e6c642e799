"""`tltrack validate`: every problem of every file of the data folder."""

from __future__ import annotations

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    DataDirOption,
    FormatOption,
    LangOption,
    OutputFormat,
    output_for,
    write_view,
)
from tltrack.cli.run import TltrackCommand
from tltrack.errors import ExitCode


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_validate"),
    epilog=examples(
        "tltrack validate",
        "tltrack validate --data-dir ./targets --format json",
    ),
)
def validate(
    data_dir: DataDirOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Check every target file and records file; list all problems with file and line (exit 65)."""
    # loaded when the command runs, not at start: a quick --help
    import dataclasses

    from tltrack.app.validation import validate as validate_folder
    from tltrack.cli.errors import with_hints
    from tltrack.views.files import validation

    result = validate_folder(data_dir)
    result = dataclasses.replace(result, notes=[with_hints(note) for note in result.notes])
    out = output_for()
    write_view(validation(result, out.lang), fmt, out)
    if result.problems:
        raise typer.Exit(ExitCode.DATAERR)
