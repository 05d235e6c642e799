"""The command line: each command parses its options, makes one core call and renders.

Every error becomes one line on stderr and its exit code in cli_errors.TltrackGroup. Help is
in the language of --lang, else $TLTRACK_LANG, else the locale, as everything else.
"""

from __future__ import annotations

import contextlib
import enum
import signal
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from tltrack import __version__
from tltrack.cli_errors import TltrackCommand, TltrackGroup
from tltrack.cli_options import (
    AsOfOption,
    DataDirOption,
    FormatOption,
    LangOption,
    MetricArgument,
    OutputFormat,
    YearOption,
    chosen_lang,
    compact_for,
    examples,
    helptext,
    output_for,
    parse_as_of,
    parse_statuses,
    print_problems,
    write_view,
)
from tltrack.errors import ExitCode, UsageError
from tltrack.i18n import text

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
) -> None:
    """Keep a government's annual targets in TOML files, record the actual figures against them,
    and see which targets are on pace (时序进度) and which lag.

    Exit codes: 0 ok, 2 usage, 65 bad data, 66 missing file, 70 internal error, 73 cannot create,
    74 I/O error, 75 lock busy (try again), 77 permission denied.
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
    ),
)
def status(
    data_dir: DataDirOption = None,
    year: YearOption = None,
    as_of: AsOfOption = None,
    category: Annotated[str | None, typer.Option(help=helptext("help_category"))] = None,
    owner: Annotated[str | None, typer.Option(help=helptext("help_owner"))] = None,
    status_filter: Annotated[
        list[str] | None,
        typer.Option("--status", help=helptext("help_status_filter")),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Show every target's progress: actual, completion, 时序进度, gap and status."""
    from tltrack import command_views, tracker

    workspace = tracker.open_workspace(data_dir, year)
    report = tracker.status(
        workspace, parse_as_of(as_of), category, owner, parse_statuses(status_filter)
    )
    out = output_for(lang)
    write_view(command_views.status(report, out.lang, compact_for(out, fmt)), fmt, out)


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_record"),
    # A negative figure (-2.1) is a value, not an option.
    context_settings={"ignore_unknown_options": True},
    epilog=examples(
        "tltrack record key_projects_started 262 --period 2025-06 --note 市发改委调度",
        "tltrack record 地区生产总值增长 5.8 --period 2025-Q2",
        "tltrack record gdp_growth 5.9 --period 2025-Q2 --correct --note 统计局修订",
        "tltrack record gahaishan_reservoir done",
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
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Record a year-to-date figure for a target, then show its status line."""
    from tltrack import command_views, tracker

    workspace = tracker.open_workspace(data_dir, year)
    result = tracker.record(workspace, metric, value, period, note, by, correct)
    out = output_for(lang)
    write_view(command_views.record(result, out.lang, compact_for(out, fmt)), fmt, out)


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_import"),
    name="import",
    epilog=examples(
        "tltrack import figures-2025-06.csv",
        "tltrack import 2025年6月调度.xlsx --dry-run",
        "tltrack import revised.json --correct",
    ),
)
def import_file(
    file: Annotated[Path, typer.Argument(help=helptext("help_file"))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=helptext("help_dry_run"))] = False,
    correct: Annotated[
        bool,
        typer.Option("--correct", help=helptext("help_import_correct")),
    ] = False,
    by: Annotated[
        str | None,
        typer.Option(help=helptext("help_import_by"), show_default=False),
    ] = None,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Record a file of year-to-date figures, all or nothing.

    Columns: metric/指标, period/期间, value/数值, and optionally note/备注, by/填报人,
    unit/单位. If any row is bad, nothing is written and every bad row is listed (exit 65).
    """
    from tltrack import command_views, tracker
    from tltrack.errors import ValidationFailed

    workspace = tracker.open_workspace(data_dir, year)
    out = output_for(lang)
    try:
        result = tracker.import_figures(workspace, file, correct, dry_run, by)
    except ValidationFailed as exc:
        print_problems(exc.problems, out, file.name)
        raise typer.Exit(ExitCode.DATAERR) from None
    names = {t.id: t.name for t in workspace.catalog.targets}
    write_view(command_views.imported(result, out.lang, names), fmt, out)


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_check"),
    epilog=examples(
        "tltrack check",
        "tltrack check --fail-on at_risk --format json",
        "tltrack check --fail-on behind,stale --as-of 2025-07-20",
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
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """For cron and CI: list what lags and exit 1 when anything is at the --fail-on level."""
    from tltrack import command_views, tracker

    workspace = tracker.open_workspace(data_dir, year)
    levels = [word.strip() for value in fail_on or [] for word in value.split(",")]
    result = tracker.check(workspace, parse_as_of(as_of), levels)
    out = output_for(lang)
    write_view(command_views.check(result, out.lang, compact_for(out, fmt)), fmt, out)
    if result.failed:
        raise typer.Exit(ExitCode.CHECK_FAILED)


class ReportFormat(enum.StrEnum):
    markdown = "markdown"
    html = "html"
    xlsx = "xlsx"


_REPORT_SUFFIXES = {".md": "markdown", ".html": "html", ".htm": "html", ".xlsx": "xlsx"}


@app.command(
    cls=TltrackCommand,
    help=helptext("help_cmd_report"),
    epilog=examples(
        "tltrack report --format html -o bulletin.html",
        "tltrack report -o 2025-06.xlsx --as-of 2025-07-10",
        "tltrack report --lang en > bulletin.md",
    ),
)
def report(
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help=helptext("help_report_format"),
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=helptext("help_output")),
    ] = None,
    as_of: AsOfOption = None,
    data_dir: DataDirOption = None,
    year: YearOption = None,
    lang: LangOption = None,
) -> None:
    """The monthly bulletin (月度调度通报): a summary, what lags most, and every category."""
    from tltrack import bulletin, tracker
    from tltrack.fileio import write_atomic

    chosen = fmt.value if fmt else None
    if output is not None:
        by_suffix = _REPORT_SUFFIXES.get(output.suffix.lower())
        if chosen is None and by_suffix is None:
            raise UsageError("unknown_suffix", file=output.name)
        if chosen is not None and by_suffix is not None and by_suffix != chosen:
            raise UsageError("suffix_mismatch", file=output.name, named=by_suffix, chosen=chosen)
        chosen = chosen or by_suffix
    chosen = chosen or "markdown"
    if chosen == "xlsx" and output is None:
        raise UsageError("xlsx_needs_file")
    workspace = tracker.open_workspace(data_dir, year)
    if output is not None:
        from tltrack.store import check_output

        check_output(workspace.catalog.path, output)
    built = bulletin.build(workspace, parse_as_of(as_of))
    language = chosen_lang(lang)
    if chosen == "xlsx":
        data = bulletin.xlsx_bytes(built, language)
    elif chosen == "html":
        data = bulletin.html_document(built, language).encode("utf-8")
    else:
        data = bulletin.markdown(built, language).encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_atomic(output, data)
    size = f"{len(data) / 1024:.0f} KiB"
    typer.echo(text(language, "wrote", path=output) + f" ({size})", err=True)


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
    data_dir: DataDirOption = None,
    year: YearOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Every period's figure of a target, with its pace, a trend line and its corrections."""
    from tltrack import command_views, tracker

    workspace = tracker.open_workspace(data_dir, year)
    out = output_for(lang)
    target, figures = tracker.history(workspace, metric)
    write_view(command_views.history(target, figures, out.lang, compact_for(out, fmt)), fmt, out)


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
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """List the targets of the year: id, name, category, kind, target and 2024 baseline."""
    from tltrack import command_views, tracker

    workspace = tracker.open_workspace(data_dir, year)
    out = output_for(lang)
    chosen = tracker.targets(workspace, category)
    write_view(command_views.targets(chosen, out.lang, compact_for(out, fmt)), fmt, out)


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
    data_dir: DataDirOption = None,
    year: YearOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Show one target: its details, the report's words, its status and every figure recorded."""
    from tltrack import command_views, tracker

    workspace = tracker.open_workspace(data_dir, year)
    detail = tracker.show(workspace, metric, parse_as_of(as_of))
    out = output_for(lang)
    write_view(command_views.detail(detail, out.lang, compact_for(out, fmt)), fmt, out)


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

    from tltrack import command_views, validation
    from tltrack.cli_errors import with_hints

    result = validation.validate(data_dir)
    result = dataclasses.replace(result, notes=[with_hints(note) for note in result.notes])
    out = output_for(lang)
    write_view(command_views.validation(result, out.lang), fmt, out)
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
    from tltrack import tracker

    result = tracker.repair(tracker.open_workspace(data_dir, year))
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
    folder: Annotated[Path, typer.Argument(help=helptext("help_folder"))] = Path("targets"),
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
    lang: LangOption = None,
) -> None:
    """Start a new data folder: a commented target-file template, or the shipped catalog."""
    from tltrack import setup

    result = setup.init(folder, year or date.today().year, catalog, chosen_lang(lang))
    for path in result.written:
        typer.echo(text(chosen_lang(lang), "wrote", path=path), err=True)
    typer.echo(text(chosen_lang(lang), "next_after_init"), err=True)


def _terminated(signum: int, frame: object) -> None:
    # Unwinds like Ctrl-C: temporary files are removed and the lock is released on the way out.
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _terminated)
    # A terminal or pipe that is not UTF-8 (PYTHONIOENCODING=gbk, LC_ALL=C): what it cannot
    # show is replaced, never a crash.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    app(prog_name="tltrack")


if __name__ == "__main__":
    main()
