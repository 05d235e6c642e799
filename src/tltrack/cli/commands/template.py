"""`tltrack template`: one fill-in form per lead office or region."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    ByChoice,
    DataDirOption,
    LangOption,
    OutputFormat,
    YearOption,
    by_value,
    output_for,
    workspace_for,
    write_view,
)
from tltrack.cli.run import TltrackCommand
from tltrack.errors import UsageError


class FormFormat(enum.StrEnum):
    xlsx = "xlsx"
    csv = "csv"


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_template"),
    epilog=examples(
        "tltrack template --by owner --period 2025-06 -o 填报表/",
        "tltrack template --by region --period 2025-06 -o 旗县市区/ --format csv",
    ),
)
def template(
    by: Annotated[
        ByChoice | None,
        typer.Option(
            "--by", help=helptext("help_template_by"), show_default=False, metavar="owner|region"
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(help=helptext("help_template_period"), show_default=False),
    ] = None,
    output: Annotated[
        str | None,  # as typed: an empty -o '' is a mistake, not the current folder
        typer.Option("--output", "-o", help=helptext("help_template_output"), show_default=False),
    ] = None,
    fmt: Annotated[
        FormFormat, typer.Option("--format", "-f", help=helptext("help_template_format"))
    ] = FormFormat.xlsx,
    force: Annotated[bool, typer.Option("--force", help=helptext("help_force"))] = False,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    lang: LangOption = None,
) -> None:
    """Write one fill-in form per lead office or region, for a period."""

    # loaded when the command runs, not at start: a quick --help
    from tltrack.documents.forms import write_forms
    from tltrack.views.groups import templates

    if by is None:
        raise UsageError("needs_by")
    if output is None or not output.strip():
        raise UsageError("needs_output_folder")
    folder = Path(output)
    workspace = workspace_for(data_dir, year, period)  # the period's year decides
    out = output_for()  # before the forms are written: a closed stdout is said first
    written = write_forms(workspace, by_value(by) or "owner", period, folder, fmt.value, force)
    view = templates([p for p, _ in written], folder, out.lang, [n for _, n in written])
    write_view(view, OutputFormat.table, out)
