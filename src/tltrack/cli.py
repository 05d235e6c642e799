"""The command line: each command parses its options, makes one core call and renders.

Every TltrackError becomes one line on stderr and its exit code, in `TltrackGroup.main`.
"""

from __future__ import annotations

import contextlib
import enum
import io
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from tltrack import __version__
from tltrack.errors import ExitCode, Message, Problem, TltrackError, UsageError
from tltrack.i18n import Lang, text
from tltrack.statuses import STATUSES, Status

# The base of the command-line errors typer raises (click's ClickException, which typer
# vendors); found through a public class so it does not depend on where typer keeps it.
_CLICK_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


class _PipeClosed(Exception):
    """The reader of stdout went away (`tltrack status | head -1`). Not an OSError, so that
    click does not turn it into exit 1."""


class TltrackGroup(TyperGroup):
    """Turns every error into one clear line on stderr and a documented exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise _PipeClosed() from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(argv, prog_name, complete_var, False, windows_expand_args, **extra)
        except TltrackError as exc:
            error = exc  # the name `exc` ends with the except clause
            code = _fail(argv, lambda lang: say_error(error, lang), exc.exit_code)
        except _CLICK_ERROR as exc:  # usage errors: unknown option, missing argument
            ctx = getattr(exc, "ctx", None)
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            message = exc.format_message()  # type: ignore[attr-defined]
            said = f"{message}{hint}"
            code = _fail(argv, lambda lang: _click_words(lang, said), exc.exit_code)  # type: ignore[attr-defined]
        except (KeyboardInterrupt, typer.Abort):
            code = _fail(argv, lambda lang: text(lang, "interrupted"), 130)
        except (BrokenPipeError, _PipeClosed):
            # `tltrack status | head` is fine: the reader has what it wanted. Point stdout at
            # nothing, so the flush at exit does not fail again.
            with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            code = ExitCode.OK
        except Exception as exc:  # the one place unexpected errors are caught
            if os.environ.get("TLTRACK_DEBUG") == "1":
                raise
            name, detail = type(exc).__name__, str(exc)
            code = _fail(
                argv,
                lambda lang: text(lang, "internal_error", name=name, detail=detail),
                ExitCode.SOFTWARE,
            )
        code = code if isinstance(code, int) else ExitCode.OK
        if standalone_mode:
            sys.exit(code)
        return code


def _fail(argv: Sequence[str], said: Callable[[Lang], str], code: int) -> int:
    """One line on stderr, in the language the command asked for; `tltrack: error:` in every
    language, so scripts can find it."""
    from tltrack.safetext import printable

    sys.stderr.write(f"tltrack: error: {printable(said(_lang_of(argv)))}\n")
    sys.stderr.flush()
    return code


# The hints the command line adds to a core message: the options to use.
_HINTS = {"already_has": "hint_correct", "no_complete_month": "hint_period"}


def _with_hints(message: Message) -> Message:
    if message.id in _HINTS:
        return Message(_HINTS[message.id], {"message": message})
    params = {
        key: _with_hints(value) if isinstance(value, Message) else value
        for key, value in message.params.items()
    }
    return Message(message.id, params)


def say_error(exc: TltrackError, lang: Lang) -> str:
    """An error in `lang`: the first of several problems says how many more there are."""
    from tltrack.errors import ValidationFailed

    if isinstance(exc, ValidationFailed) and exc.problems:
        said = say_problem(exc.problems[0], lang)
        more = len(exc.problems) - 1
        return text(lang, "and_more", message=said, count=more) if more else said
    return _with_hints(exc.msg).say(lang)


def say_problem(problem: Message | Problem, lang: Lang) -> str:
    if isinstance(problem, Message):
        return _with_hints(problem).say(lang)
    return problem.say(lang)


# click's own words for usage errors, in Chinese: the only English the command line itself
# has to translate (tltrack's own messages come from the catalogs).
_CLICK_WORDS_ZH = [
    (r"Invalid value for (.+?): ", r"\1 的值无效: "),
    (r"No such option: (\S+)", r"没有选项 \1"),
    (r"No such command ('[^']*')\.", r"没有命令 \1"),
    (r"Missing argument ('[^']*')\.", r"缺少参数 \1"),
    (r"Missing option ('[^']*')\.", r"缺少选项 \1"),
    (r"Got unexpected extra arguments? \((.+)\)", r"多余的参数(\1)"),
    (r"Option ('[^']*') requires an argument\.", r"选项 \1 需要一个值"),
    (r"('[^']*') is not one of (.+)\.", r"\1 不在可选值 \2 之中"),
    (r"('[^']*') is not a valid integer\.", r"\1 不是整数"),
    (r"\(see ('[^']*')\)$", r"(参见 \1)"),
]


def _click_words(lang: Lang, said: str) -> str:
    if lang != "zh":
        return said
    import re

    for pattern, replacement in _CLICK_WORDS_ZH:
        said = re.sub(pattern, replacement, said)
    return said


def _lang_of(argv: Sequence[str]) -> Lang:
    """--lang from the command line, which may not have been parsed when an error struck."""
    from tltrack.i18n import LANGS, detect_lang

    for index, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        for lang in LANGS:
            if value == lang:
                return lang
    return detect_lang()


app = typer.Typer(
    cls=TltrackGroup,
    name="tltrack",
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="TLTRACK_DATA_DIR",
        help="Folder with the target files (default: the nearest targets/ folder).",
        show_default=False,
    ),
]
YearOption = Annotated[
    int | None,
    typer.Option(
        "--year", help="Target year (default: the newest target file).", show_default=False
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]


class LangChoice(enum.StrEnum):
    zh = "zh"
    en = "en"


LangOption = Annotated[
    LangChoice | None,
    typer.Option(
        "--lang",
        help="Language of the output for people: zh or en (default: $TLTRACK_LANG, else zh"
        " when the locale (LC_ALL, LANG) is Chinese, else en).",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="Judge the targets as of this date (default: today).",
        show_default=False,
    ),
]


def _complete_metric(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of target ids and names from the data folder; never fails."""
    try:
        from tltrack import tracker

        catalog = tracker.open_workspace(None, None).catalog
    except Exception:
        return []
    by_id = [(t.id, t.name) for t in catalog.targets if t.id.startswith(incomplete)]
    by_name = [(t.name, t.id) for t in catalog.targets if t.name.startswith(incomplete)]
    return by_id + by_name


MetricArgument = Annotated[
    str,
    typer.Argument(
        help="Target id or its exact Chinese name.",
        autocompletion=_complete_metric,
    ),
]


def _lang(choice: LangChoice | None) -> Lang:
    from tltrack.i18n import detect_lang

    return detect_lang() if choice is None else choice.value


def _output(choice: LangChoice | None) -> Any:
    from tltrack.writers import Output

    return Output.terminal(_lang(choice))


def _compact(out: Any, fmt: OutputFormat) -> bool:
    """A narrow terminal's table folds; Markdown, CSV and JSON never depend on the width."""
    return bool(out.compact) and fmt == OutputFormat.table


def _write(view: Any, fmt: OutputFormat, out: Any) -> None:
    from tltrack.writers import write

    write(view, fmt.value, out)


def _problems(problems: Sequence[object], out: Any, file: str) -> None:
    """Every problem of a refused import on its own line on stderr, then what came of it."""
    lines = [say_problem(problem, out.lang) for problem in problems]  # type: ignore[arg-type]
    verdict = text(out.lang, "import_failed", file=file, count=len(problems))
    if len(lines) == 1:  # one bad row: one line
        out.message(f"{lines[0]} ({verdict})")
        return
    for line in lines:
        out.message(line)
    out.message(verdict)


def _examples(*lines: str) -> str:
    return "Examples:\n\n" + "\n\n".join(lines)


def _as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError("not_a_date", text=text) from None


def _statuses(values: list[str] | None) -> list[Status]:
    chosen: list[Status] = []
    for value in values or []:
        for word in value.split(","):
            word = word.strip()
            match = next((s for s in STATUSES if s == word), None)
            if match is None:
                raise UsageError("not_a_status", word=word, statuses=", ".join(STATUSES))
            chosen.append(match)
    return chosen


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tltrack {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
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
    epilog=_examples(
        "tltrack status",
        "tltrack status --as-of 2025-07-15 --status behind,at_risk",
        "tltrack status --category 农牧业 --format json",
    )
)
def status(
    data_dir: DataDirOption = None,
    year: YearOption = None,
    as_of: AsOfOption = None,
    category: Annotated[str | None, typer.Option(help="Only this category, e.g. 农牧业.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only targets of this lead department.")] = None,
    status_filter: Annotated[
        list[str] | None,
        typer.Option("--status", help="Only these statuses (repeat, or comma-separated)."),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Show every target's progress: actual, completion, 时序进度, gap and status."""
    from tltrack import command_views, tracker

    workspace = tracker.open_workspace(data_dir, year)
    report = tracker.status(workspace, _as_of(as_of), category, owner, _statuses(status_filter))
    out = _output(lang)
    _write(command_views.status(report, out.lang, _compact(out, fmt)), fmt, out)


@app.command(
    # A negative figure (-2.1) is a value, not an option.
    context_settings={"ignore_unknown_options": True},
    epilog=_examples(
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
        typer.Argument(
            help="The figure in the target's unit (5.8, 262, 5.8%); for a milestone done/完成"
            " or a percent complete."
        ),
    ],
    period: Annotated[
        str | None,
        typer.Option(
            help="YYYY, YYYY-Qn, YYYY-Hn or YYYY-MM (year to date through that month)"
            " (default: the last complete month; once the year is over, the full year).",
            show_default=False,
        ),
    ] = None,
    note: Annotated[str, typer.Option(help="Where the figure came from, or why it changed.")] = "",
    by: Annotated[
        str | None,
        typer.Option(
            help="Who records it (default: $TLTRACK_USER or the login name).", show_default=False
        ),
    ] = None,
    correct: Annotated[
        bool,
        typer.Option(
            "--correct", help="Replace a different figure already recorded for the period."
        ),
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
    out = _output(lang)
    _write(command_views.record(result, out.lang, _compact(out, fmt)), fmt, out)


@app.command(
    name="import",
    epilog=_examples(
        "tltrack import figures-2025-06.csv",
        "tltrack import 2025年6月调度.xlsx --dry-run",
        "tltrack import revised.json --correct",
    ),
)
def import_file(
    file: Annotated[
        Path, typer.Argument(help="CSV (UTF-8 or GB18030), .xlsx or JSON file of figures.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check everything and report; write nothing.")
    ] = False,
    correct: Annotated[
        bool,
        typer.Option("--correct", help="Let the file replace figures already recorded."),
    ] = False,
    by: Annotated[
        str | None,
        typer.Option(help="Who records rows without a by/填报人 column.", show_default=False),
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
    out = _output(lang)
    try:
        result = tracker.import_figures(workspace, file, correct, dry_run, by)
    except ValidationFailed as exc:
        _problems(exc.problems, out, file.name)
        raise typer.Exit(ExitCode.DATAERR) from None
    _write(command_views.imported(result, out.lang), fmt, out)


@app.command(
    epilog=_examples(
        "tltrack check",
        "tltrack check --fail-on at_risk --format json",
        "tltrack check --fail-on behind,stale --as-of 2025-07-20",
    )
)
def check(
    as_of: AsOfOption = None,
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a target is at or past this level: behind (default), at_risk or"
            " missed; add stale to fail on stale figures too. Repeat, or comma-separate.",
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
    result = tracker.check(workspace, _as_of(as_of), levels)
    out = _output(lang)
    _write(command_views.check(result, out.lang, _compact(out, fmt)), fmt, out)
    if result.failed:
        raise typer.Exit(ExitCode.CHECK_FAILED)


class ReportFormat(enum.StrEnum):
    markdown = "markdown"
    html = "html"
    xlsx = "xlsx"


_REPORT_SUFFIXES = {".md": "markdown", ".html": "html", ".htm": "html", ".xlsx": "xlsx"}


@app.command(
    epilog=_examples(
        "tltrack report --format html -o bulletin.html",
        "tltrack report -o 2025-06.xlsx --as-of 2025-07-10",
        "tltrack report --lang en > bulletin.md",
    )
)
def report(
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="markdown, html or xlsx (default: from the -o file's suffix, else markdown).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of stdout."),
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
        tracker.check_output(workspace, output)
    built = bulletin.build(workspace, _as_of(as_of))
    language = _lang(lang)
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
    epilog=_examples(
        "tltrack history key_projects_started",
        "tltrack history 地区生产总值增长 --format csv",
    )
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
    out = _output(lang)
    target, figures = tracker.history(workspace, metric)
    _write(command_views.history(target, figures, out.lang, _compact(out, fmt)), fmt, out)


@app.command(
    name="list",
    epilog=_examples(
        "tltrack list",
        "tltrack list --format csv",
    ),
)
def list_targets(
    data_dir: DataDirOption = None,
    year: YearOption = None,
    category: Annotated[str | None, typer.Option(help="Only this category.")] = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """List the targets of the year: id, name, category, kind, target and 2024 baseline."""
    from tltrack import command_views, tracker

    workspace = tracker.open_workspace(data_dir, year)
    out = _output(lang)
    chosen = tracker.targets(workspace, category)
    _write(command_views.targets(chosen, out.lang, _compact(out, fmt)), fmt, out)


@app.command(
    epilog=_examples(
        "tltrack show grain_output",
        "tltrack show 粮食产量 --format json",
    )
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
    detail = tracker.show(workspace, metric, _as_of(as_of))
    out = _output(lang)
    _write(command_views.detail(detail, out.lang, _compact(out, fmt)), fmt, out)


@app.command(
    epilog=_examples(
        "tltrack validate",
        "tltrack validate --data-dir ./targets --format json",
    )
)
def validate(
    data_dir: DataDirOption = None,
    fmt: FormatOption = OutputFormat.table,
    lang: LangOption = None,
) -> None:
    """Check every target file and records file; list all problems with file and line (exit 65)."""
    from tltrack import command_views, tracker

    result = tracker.validate(data_dir)
    out = _output(lang)
    _write(command_views.validation(result, out.lang), fmt, out)
    if result.problems:
        raise typer.Exit(ExitCode.DATAERR)


@app.command(
    epilog=_examples(
        "tltrack repair",
        "tltrack repair --data-dir ./targets --year 2025",
    )
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
        line = text(_lang(lang), "nothing_to_repair", file=name, count=result.figures)
    else:
        line = text(
            _lang(lang), "repaired", file=name, count=result.figures, backup=result.backup.name
        )
    typer.echo(line, err=True)


@app.command(
    epilog=_examples(
        "tltrack init",
        "tltrack init ./targets --catalog",
        "tltrack init ~/targets --year 2026",
    )
)
def init(
    folder: Annotated[
        Path, typer.Argument(help="The data folder to start (default: ./targets).")
    ] = Path("targets"),
    catalog: Annotated[
        bool,
        typer.Option(
            "--catalog",
            help="Start from the shipped catalog of Tongliao's 2025 targets, not a template.",
        ),
    ] = False,
    year: Annotated[
        int | None,
        typer.Option(help="Year of the template (default: this year).", show_default=False),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Start a new data folder: a commented target-file template, or the shipped catalog."""
    from tltrack import setup

    result = setup.init(folder, year or date.today().year, catalog)
    for path in result.written:
        typer.echo(text(_lang(lang), "wrote", path=path), err=True)
    typer.echo(text(_lang(lang), "next_after_init"), err=True)


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
