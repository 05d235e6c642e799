"""One output pipeline: every command renders every format it offers, CSV is for scripts in
every language, and a narrow terminal never cuts a figure, a unit or a status word."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

AS_OF = ("--as-of", "2025-07-20")
FORMATS = ("table", "json", "csv", "markdown")


@pytest.fixture
def month(cli, tmp_path: Path):
    for args in (
        ("key_projects_started", "262", "--period", "2025-06"),
        ("gdp_growth", "5.8", "--period", "2025-H1"),
        ("gdp_growth", "5.9", "--period", "2025-H1", "--correct", "--note", "修订"),
        ("desertification_control", "150", "--period", "2025-06"),
    ):
        assert cli("record", *args).exit_code == 0
    figures = tmp_path / "f.csv"
    figures.write_text("metric,period,value\nhousing_sales,2025-04,30\n")
    return cli, figures


def _commands(figures: Path) -> dict[str, tuple[str, ...]]:
    return {
        "status": ("status", *AS_OF),
        "record": ("record", "key_projects_started", "262", "--period", "2025-06"),
        "import": ("import", str(figures), "--dry-run", "--verbose"),
        "check": ("check", *AS_OF),
        "history": ("history", "gdp_growth"),
        "list": ("list",),
        "show": ("show", "gdp_growth", *AS_OF),
        "validate": ("validate",),
    }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "command", ["status", "record", "import", "check", "history", "list", "show", "validate"]
)
def test_every_command_writes_every_format(month, command: str, fmt: str) -> None:
    cli, figures = month
    result = cli(*_commands(figures)[command], "--format", fmt)
    assert result.exit_code in (0, 1), result.stderr  # check fails: things lag
    out = result.stdout
    if fmt == "json":
        json.loads(out)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows and all(re.fullmatch(r"[a-z_]+", key) for key in rows[0]), rows[:1]
        assert len({len(row) for row in rows}) == 1
    elif fmt == "markdown":
        assert out.strip() == "" or out.startswith(("# ", "|", "- ")) or "\n| " in out, out
        assert "\x1b" not in out
    else:
        assert out.strip() or command == "validate"


def test_csv_is_the_same_in_both_languages(month) -> None:
    cli, figures = month
    for args in _commands(figures).values():
        zh = cli(*args, "--format", "csv", "--lang", "zh")
        en = cli(*args, "--format", "csv", "--lang", "en")
        assert zh.stdout == en.stdout, args


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_narrow_terminal_cuts_no_figure_unit_or_status(month, monkeypatch, lang: str) -> None:
    cli, _ = month
    monkeypatch.setenv("COLUMNS", "80")
    table = cli("status", *AS_OF, "--lang", lang).stdout.splitlines()
    data = json.loads(cli("status", *AS_OF, "--format", "json").stdout)
    body = table[1:-2]  # the title, and the summary line the terminal wraps, aside
    assert max(cell_len(line) for line in body) <= 80
    words = cli("status", *AS_OF, "--lang", lang, "--format", "markdown").stdout
    rows = [
        [cell.strip() for cell in row.strip("|").split("|")]
        for row in words.splitlines()
        if row.startswith("| ") and not row.startswith(("| 指标 |", "| Target |"))
    ]
    assert len(rows) == 73
    for row in rows:
        actual, target, status = row[1], row[3], row[8]
        # A figure with its unit, each word of a target (a sign may begin a line: 较2020年下降
        # then ≥13.5%), the status: each whole on one line.
        words = re.split(r" |(?<=\S)(?=[≥≤])", target)
        for token in (actual, *words, *status.split()):
            if token:
                assert any(token in line for line in body), (token, lang)
    assert len(data["targets"]) == 73
