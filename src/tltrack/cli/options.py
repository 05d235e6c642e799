"""The options and arguments the commands share, and the little steps every command takes:
the output (in the run's language, see cli.run), a date, the statuses."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from tltrack.cli.errors import say_problem
from tltrack.cli.help import helptext
from tltrack.cli.run import run_lang
from tltrack.domain.statuses import STATUSES, Status
from tltrack.errors import UsageError
from tltrack.text.lang import status_label, text


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
        help=helptext("help_data_dir"),
        show_default=False,
    ),
]
YearOption = Annotated[
    int | None,
    typer.Option("--year", help=helptext("help_year"), show_default=False),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help=helptext("help_format"), case_sensitive=False)
]


class LangChoice(enum.StrEnum):
    zh = "zh"
    en = "en"


# Every command takes --lang, so that `tltrack status --lang en` parses and its help lists it;
# the language itself is decided once for the run, from the arguments (cli.run.run_lang).
LangOption = Annotated[
    LangChoice | None,
    typer.Option(
        "--lang",
        help=helptext("help_lang"),
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help=helptext("help_as_of"),
        show_default=False,
    ),
]


RegionOption = Annotated[
    str | None,
    typer.Option("--region", help=helptext("help_region"), show_default=False),
]
OwnerOption = Annotated[
    str | None,
    typer.Option("--owner", help=helptext("help_owner"), show_default=False),
]


# --by as people say it: the words of the command line, or the office's own.
BY_WORDS: dict[str, Literal["region", "owner"]] = {
    "region": "region",
    "地区": "region",
    "旗县区": "region",
    "旗县市区": "region",
    "owner": "owner",
    "牵头单位": "owner",
    "单位": "owner",
}
ByChoice = str  # read by by_value: region/owner, or 地区/牵头单位


def by_value(choice: str | None) -> Literal["region", "owner"] | None:
    if choice is None:
        return None
    found = BY_WORDS.get(choice.strip().lower())
    if found is None:
        raise UsageError("by_choice", by=choice, choices="region (地区), owner (牵头单位)")
    return found


ByOption = Annotated[
    str | None,
    typer.Option(
        "--by", help=helptext("help_by_groups"), show_default=False, metavar="region|owner"
    ),
]


def _complete_metric(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of target ids and names from the data folder; never fails."""
    try:
        # loaded only when the shell asks to complete a name
        from tltrack.workspace.folder import open_workspace

        catalog = open_workspace(None, None).catalog
    except Exception:
        return []
    by_id = [(t.id, t.name) for t in catalog.targets if t.id.startswith(incomplete)]
    by_name = [(t.name, t.id) for t in catalog.targets if t.name.startswith(incomplete)]
    return by_id + by_name


MetricArgument = Annotated[
    str,
    typer.Argument(
        help=helptext("help_metric"),
        autocompletion=_complete_metric,
    ),
]


def output_for() -> Any:
    """Where a command writes, in the run's language (see cli.run)."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.views.writers import Output

    return Output.terminal(run_lang())


def workspace_for(
    data_dir: Path | None,
    year: int | None,
    period: str | None = None,
    reads_all: bool = False,
    as_of: date | None = None,
) -> Any:
    """The year's workspace a command works on (see open_workspace); a newer year passed over
    because its targets are still to be filled in is said on stderr, once."""
    # loaded when the command runs, not at start: a quick --help
    from tltrack.workspace.folder import open_workspace

    workspace = open_workspace(data_dir, year, period, reads_all, as_of)
    if workspace.passed_over is not None:
        lang = run_lang()
        said = f"tltrack: {text(lang, 'warning')}: {workspace.passed_over.say(lang)}"
        output_for().message(said)
    return workspace


def compact_for(out: Any, fmt: OutputFormat) -> bool:
    """A narrow terminal's table folds; Markdown, CSV and JSON never depend on the width."""
    return bool(out.compact) and fmt == OutputFormat.table


def write_view(view: Any, fmt: OutputFormat, out: Any, encoding: Encoding | None = None) -> None:
    # loaded when the command runs, not at start: a quick --help
    from tltrack.views.writers import write

    write(view, fmt.value, out, None if encoding in (None, Encoding.utf8) else str(encoding))


class Encoding(enum.StrEnum):
    utf8 = "utf-8"
    utf8_sig = "utf-8-sig"
    gb18030 = "gb18030"


EncodingOption = Annotated[
    Encoding | None,
    typer.Option("--encoding", help=helptext("help_encoding"), show_default=False),
]


def print_problems(problems: Sequence[object], out: Any, file: str) -> None:
    """Every problem of a refused import on its own line on stderr, then what came of it."""
    lines = [say_problem(problem, out.lang) for problem in problems]  # type: ignore[arg-type]
    verdict = text(out.lang, "import_failed", file=file, count=len(problems))
    if len(lines) == 1:  # one bad row: one line
        out.message(f"{lines[0]} ({verdict})")
        return
    for line in lines:
        out.message(line)
    out.message(verdict)


def parse_as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError("not_a_date", text=text) from None


def parse_statuses(values: list[str] | None) -> list[Status]:
    chosen: list[Status] = []
    for value in values or []:
        for word in value.replace("，", ",").split(","):
            word = word.strip()
            # The status word, or its label in either language: 滞后 as well as behind.
            match = next(
                (s for s in STATUSES if word in (s, status_label("zh", s), status_label("en", s))),
                None,
            )
            if match is None:
                raise UsageError("not_a_status", word=word, statuses=", ".join(STATUSES))
            chosen.append(match)
    return chosen


def parse_column_map(given: Sequence[str]) -> dict[str, str]:
    """--map 完成情况=value: a column no alias knows, named for the field it holds."""
    # loaded only for --map, not at start
    from tltrack.sources.rows import COLUMN_NAMES

    chosen = {}
    for item in given:
        header, _, field = item.partition("=")
        if not header.strip() or field.strip() not in COLUMN_NAMES:
            raise UsageError("bad_map", given=item, fields=", ".join(COLUMN_NAMES))
        chosen[header.strip()] = field.strip()
    return chosen


def refuse_with_plan(*given: object) -> None:
    """`status --plan` shows the plan's goals: an option that picks targets of one year would
    be silently ignored, so it is refused."""
    names = ("--year", "--category", "--owner", "--region", "--by", "--status")
    for name, value in zip(names, given, strict=True):
        if value is not None and value != []:
            raise UsageError("plan_only", option=name)
