"""The command line: each command parses its options, makes one core call and renders.

Every error becomes one line on stderr and its exit code in cli_errors.TltrackGroup. Help is
in the language of --lang, else $TLTRACK_LANG, else the locale, as everything else.
"""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from tltrack import __version__
from tltrack.cli_errors import TltrackCommand, TltrackGroup
from tltrack.cli_options import (
    AsOfOption,
    ByOption,
    DataDirOption,
    EncodingOption,
    FormatOption,
    LangOption,
    MetricArgument,
    OutputFormat,
    OwnerOption,
    RegionOption,
    YearOption,
    by_value,
    chosen_lang,
    compact_for,
    examples,
    helptext,
    output_for,
    parse_as_of,
    parse_column_map,
    parse_statuses,
    print_problems,
    refuse_with_plan,
    write_view,
)
from tltrack.errors import ExitCode
from tltrack.text.lang import text

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


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_status"),
    epilog=examples(
        "tltrack status",
        "tltrack status --as-of 2025-07-15 --status behind,at_risk",
        "tltrack status --category 农牧业 --format json",
        "tltrack status --region 开鲁县",
        "tltrack status --by region --format json",
        "tltrack status --plan --as-of 2027-07-20",
    ),
)
def status(
    data_dir: DataDirOption = None,
    year: YearOption = None,
    as_of: AsOfOption = None,
    category: Annotated[str | None, typer.Option(help=helptext("help_category"))] = None,
    owner: OwnerOption = None,
    region: RegionOption = None,
    by: ByOption = None,
    status_filter: Annotated[
        list[str] | None,
        typer.Option("--status", help=helptext("help_status_filter")),
    ] = None,
    plan: Annotated[bool, typer.Option("--plan", help=helptext("help_plan"))] = False,
    fmt: FormatOption = OutputFormat.table,
    encoding: EncodingOption = None,
    lang: LangOption = None,
) -> None:
    """Show every target's progress: actual, completion, 时序进度, gap and status."""
    from tltrack.app import status as app_status
    from tltrack.views import status as status_views
    from tltrack.workspace import folder as data_folder

    out = output_for(lang)
    if plan:
        from tltrack.app.plan import plan_status
        from tltrack.views import plan as plan_views

        refuse_with_plan(year, category, owner, region, by, status_filter)
        progress = plan_status(data_dir, parse_as_of(as_of))
        write_view(
            plan_views.plan_status(progress, out.lang, compact_for(out, fmt)), fmt, out, encoding
        )
        return
    workspace = data_folder.open_workspace(data_dir, year, reads_all=True)
    if by is not None:
        from tltrack.views import groups as unit_views

        units = app_status.by_units(workspace, parse_as_of(as_of), by_value(by) or "region")
        write_view(unit_views.units(units, out.lang, compact_for(out, fmt)), fmt, out, encoding)
        return
    report = app_status.status(
        workspace, parse_as_of(as_of), category, owner, parse_statuses(status_filter), region
    )
    view = status_views.status(report, out.lang, compact_for(out, fmt))
    write_view(view, fmt, out, encoding)


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_record"),
    # A negative figure (-2.1) is a value, not an option.
    context_settings={"ignore_unknown_options": True},
    epilog=examples(
        "tltrack record key_projects_started 421 --period 2025-06 --note 市发改委调度",
        "tltrack record 地区生产总值增长 5.8 --period 2025-Q2",
        "tltrack record gdp_growth 5.9 --period 2025-Q2 --correct --note 统计局修订",
        "tltrack record gahaishan_reservoir done",
        "tltrack record key_projects_started 58 --period 2025-06 --region 开鲁县",
    ),
)
def record(
    metric: MetricArgument,
    value: Annotated[
        str,
        typer.Argument(help=helptext("help_value")),
    ],
    period: Annotated[
        str | None,
        typer.Option(
            help=helptext("help_period"),
            show_default=False,
        ),
    ] = None,
    note: Annotated[str, typer.Option(help=helptext("help_note"))] = "",
    by: Annotated[
        str | None,
        typer.Option(help=helptext("help_by"), show_default=False),
    ] = None,
    correct: Annotated[
        bool,
        typer.Option("--correct", help=helptext("help_correct")),
    ] = False,
    region: RegionOption = None,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Record a year-to-date figure for a target, then show its status line."""
    from tltrack.app import recording as app_recording
    from tltrack.views import status as status_views
    from tltrack.workspace import folder as data_folder

    workspace = data_folder.open_workspace(data_dir, year, period)  # the period's year decides
    result = app_recording.record(
        workspace, metric, value, period, note, by, correct, region=region
    )
    out = output_for(lang)
    write_view(status_views.record(result, out.lang, compact_for(out, fmt)), fmt, out)


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
    from tltrack.app import importing as app_importing
    from tltrack.errors import ValidationFailed
    from tltrack.views import files as file_views
    from tltrack.workspace import folder as data_folder

    chosen = parse_column_map(column_map or [])
    workspace = data_folder.open_workspace(data_dir, year)
    out = output_for(lang)
    try:
        result = app_importing.import_figures(
            workspace,
            files,
            correct,
            dry_run,
            by,
            period_text=period,
            columns=chosen,
            other_year=lambda other: data_folder.other_year(workspace, other),
        )
    except ValidationFailed as exc:
        shown = text(out.lang, "n_files", count=len(files))
        if len(files) == 1:  # a file by its name, a folder with a slash: 回收/
            shown = files[0].name + ("/" if files[0].is_dir() else "")
        print_problems(exc.problems, out, shown)
        raise typer.Exit(ExitCode.DATAERR) from None
    names = {t.id: t.name for t in workspace.catalog.targets}
    listed = verbose or fmt != OutputFormat.table
    write_view(file_views.imported(result, out.lang, names, listed), fmt, out)


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_check"),
    epilog=examples(
        "tltrack check",
        "tltrack check --fail-on at_risk --format json",
        "tltrack check --fail-on behind,stale --as-of 2025-07-20",
        "tltrack check --by region --fail-on at_risk",
    ),
)
def check(
    as_of: AsOfOption = None,
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on",
            help=helptext("help_fail_on"),
            show_default=False,
        ),
    ] = None,
    by: ByOption = None,
    region: RegionOption = None,
    owner: OwnerOption = None,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """For cron and CI: list what lags and exit 1 when anything is at the --fail-on level."""
    from tltrack.app import check as app_check
    from tltrack.views import groups as unit_views
    from tltrack.views import status as status_views
    from tltrack.workspace import folder as data_folder

    workspace = data_folder.open_workspace(data_dir, year, reads_all=True)
    levels = [word.strip() for value in fail_on or [] for word in value.split(",")]
    result = app_check.check(workspace, parse_as_of(as_of), levels, by_value(by), region, owner)
    out = output_for(lang)
    compact = compact_for(out, fmt)
    if result.units is not None:
        write_view(unit_views.check_by(result, out.lang, compact), fmt, out)
    else:
        write_view(status_views.check(result, out.lang, compact), fmt, out)
    if result.failed:
        raise typer.Exit(ExitCode.CHECK_FAILED)


# The commands of the monthly cycle (forms out, who is missing, the bulletin) live beside
# these; importing them here keeps the order of the help page.
from tltrack import cli_cycle, cli_db, cli_store  # noqa: E402,F401


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_history"),
    epilog=examples(
        "tltrack history key_projects_started",
        "tltrack history 地区生产总值增长 --format csv",
    ),
)
def history(
    metric: MetricArgument,
    region: RegionOption = None,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Every period's figure of a target, with its pace, a trend line and its corrections."""
    from tltrack.app import history as app_history
    from tltrack.views import targets as target_views
    from tltrack.workspace import folder as data_folder

    workspace = data_folder.open_workspace(data_dir, year)
    out = output_for(lang)
    target, figures = app_history.history(workspace, metric, region)
    view = target_views.history(target, figures, out.lang, compact_for(out, fmt), region)
    write_view(view, fmt, out)


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_list"),
    name="list",
    epilog=examples(
        "tltrack list",
        "tltrack list --format csv",
    ),
)
def list_targets(
    data_dir: DataDirOption = None,
    year: YearOption = None,
    category: Annotated[str | None, typer.Option(help=helptext("help_list_category"))] = None,
    owner: OwnerOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """List the targets of the year: id, name, category, kind, target and 2024 baseline."""
    from tltrack.app import status as app_status
    from tltrack.views import targets as target_views
    from tltrack.workspace import folder as data_folder

    workspace = data_folder.open_workspace(data_dir, year)
    out = output_for(lang)
    chosen = app_status.targets(workspace, category, owner)
    write_view(target_views.targets(chosen, out.lang, compact_for(out, fmt)), fmt, out)


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_show"),
    epilog=examples(
        "tltrack show grain_output",
        "tltrack show 粮食产量 --format json",
    ),
)
def show(
    metric: MetricArgument,
    region: RegionOption = None,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Show one target: its details, the report's words, its status and every figure recorded."""
    from tltrack.app import history as app_history
    from tltrack.views import targets as target_views
    from tltrack.workspace import folder as data_folder

    workspace = data_folder.open_workspace(data_dir, year)
    detail = app_history.show(workspace, metric, parse_as_of(as_of), region)
    out = output_for(lang)
    write_view(target_views.detail(detail, out.lang, compact_for(out, fmt)), fmt, out)


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
    import dataclasses

    from tltrack.app import validation
    from tltrack.cli_errors import with_hints
    from tltrack.views import files as file_views

    result = validation.validate(data_dir)
    result = dataclasses.replace(result, notes=[with_hints(note) for note in result.notes])
    out = output_for(lang)
    write_view(file_views.validation(result, out.lang), fmt, out)
    if result.problems:
        raise typer.Exit(ExitCode.DATAERR)


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
    from tltrack.app import stores as app_stores
    from tltrack.workspace import folder as data_folder

    result = app_stores.repair(data_folder.open_workspace(data_dir, year))
    name = result.store
    if result.backup is None:
        line = text(chosen_lang(lang), "nothing_to_repair", file=name, count=result.figures)
    else:
        line = text(
            chosen_lang(lang),
            "repaired",
            file=name,
            count=result.figures,
            backup=result.backup.name,
        )
    typer.echo(line, err=True)


def _terminated(signum: int, frame: object) -> None:
    # Unwinds like Ctrl-C: temporary files are removed and the lock is released on the way out.
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _terminated)
    # One command, then the process ends. The cyclic collector's passes over hundreds of
    # thousands of figures (which hold no cycles) cost a third of a province's status and free
    # nothing: it runs once a million more objects are held (a province's status holds fewer:
    # a pass every 100,000 still cost it a tenth), and never looks at what the imports made.
    gc.freeze()
    gc.set_threshold(1_000_000, 1000, 1000)
    # A terminal or pipe that is not UTF-8 (PYTHONIOENCODING=gbk, LC_ALL=C): what it cannot
    # show is replaced, never a crash.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    app(prog_name="tltrack")


if __name__ == "__main__":
    main()
