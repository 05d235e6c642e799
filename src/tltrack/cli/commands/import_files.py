"""`tltrack import`: files of figures and returned forms, all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from tltrack.cli.app import app
from tltrack.cli.help import examples, helptext
from tltrack.cli.options import (
    DataDirOption,
    FormatOption,
    LangOption,
    OutputFormat,
    YearOption,
    output_for,
    parse_column_map,
    print_problems,
    workspace_for,
    write_view,
)
from tltrack.cli.run import TltrackCommand
from tltrack.errors import ExitCode, ValidationFailed
from tltrack.text.lang import text


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_import"),
    name="import",
    epilog=examples(
        "tltrack import figures-2025-06.csv",
        "tltrack import 2025年6月调度.xlsx --dry-run",
        "tltrack import revised.json --correct",
        "tltrack import 回收表/ --period 2025-06",
    ),
)
def import_file(
    files: Annotated[list[Path], typer.Argument(help=helptext("help_files"))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=helptext("help_dry_run"))] = False,
    correct: Annotated[
        bool,
        typer.Option("--correct", help=helptext("help_import_correct")),
    ] = False,
    by: Annotated[
        str | None,
        typer.Option(help=helptext("help_import_by"), show_default=False),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(help=helptext("help_import_period"), show_default=False),
    ] = None,
    column_map: Annotated[
        list[str] | None,
        typer.Option("--map", help=helptext("help_map"), show_default=False, metavar="表头=字段"),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", help=helptext("help_verbose"))] = False,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Record files of year-to-date figures and returned forms, all or nothing.

    Columns: metric/指标, period/期间, value/数值, and optionally note/备注, by/填报人,
    unit/单位, region/地区. If any row is bad, nothing is written and every bad row is listed
    (exit 65).
    """
    # loaded when the command runs, not at start: a quick --help
    from tltrack.app.importing import import_figures
    from tltrack.views.files import imported
    from tltrack.workspace.folder import open_years, other_year

    chosen = parse_column_map(column_map or [])
    workspace = workspace_for(data_dir, year, period)  # the period's year decides
    out = output_for()
    try:
        result = import_figures(
            workspace,
            files,
            correct,
            dry_run,
            by,
            period_text=period,
            columns=chosen,
            other_year=lambda other: other_year(workspace, other),
            years_open=() if year is not None else open_years(workspace, date.today()),
            today=date.today(),
        )
    except ValidationFailed as exc:
        shown = text(out.lang, "n_files", count=len(files))
        if len(files) == 1:  # a file by its name, a folder with a slash: 回收/
            shown = files[0].name + ("/" if files[0].is_dir() else "")
        print_problems(exc.problems, out, shown)
        raise typer.Exit(ExitCode.DATAERR) from None
    names = {t.id: t.name for t in workspace.catalog.targets}
    listed = verbose or fmt != OutputFormat.table
    write_view(imported(result, out.lang, names, listed), fmt, out)
