"""No input crashes tltrack, and nothing hostile reaches a reader.

Hostile target files and import files: each refused with its line and exit 65, in bounded
time, the data folder unchanged. Output streams that are not UTF-8 or close early. Names and
notes built to start a spreadsheet formula, move a terminal's cursor or break a Markdown table.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from conftest import records_file
from test_data_safety import _run_as_nobody
from tltrack.app.importing import import_figures
from tltrack.app.recording import record
from tltrack.sources import reader as source_reader
from tltrack.sources import rows as source_rows
from tltrack.text.safe import markdown_text, printable, spreadsheet_cell
from tltrack.views import texttable
from tltrack.workspace.folder import open_workspace

AS_OF = ("--as-of", "2025-07-20")


def _edit(data_dir: Path, old: str, new: str) -> None:
    path = data_dir / "2025.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- 9. target files --------------------------------------------------------------------------

GDP_NAME = 'name = "地区生产总值增长"'
TARGET_CASES = {
    "on_track above 1": (
        "on_track = 0.95",
        "on_track = 1.5",
        "2025.toml:44: field 'meta.thresholds.on_track': Input should be less than or equal to 1",
    ),
    "thresholds out of order": (
        "at_risk = 0.75",
        "at_risk = 0.99",
        "2025.toml:43: field 'meta.thresholds': at_risk must not exceed on_track",
    ),
    "stale_after_days absurd": (
        "stale_after_days = 45",
        "stale_after_days = 1000000000000",
        "2025.toml:47: field 'meta.thresholds.stale_after_days': Input should be less than or equal"
        " to 3660",
    ),
    "name with an escape": (
        GDP_NAME,
        'name = "地区生产总值\\u001b[31m增长"',
        "2025.toml:53: target 'gdp_growth': field 'name': holds control or"
        " invisible characters (zero-width, direction marks, U+FFFF)",
    ),
    "name with a zero-width space": (
        'name = "粮食产量"',
        'name = "地区生产总值\\u200b增长"',
        "2025.toml:227: target 'grain_output': field 'name': holds control or"
        " invisible characters (zero-width, direction marks, U+FFFF)",
    ),
}


@pytest.mark.parametrize("case", TARGET_CASES, ids=lambda k: k.replace(" ", "-"))
def test_a_hostile_target_file_is_a_problem_with_its_line(cli, data_dir: Path, case: str) -> None:
    old, new, problem = TARGET_CASES[case]
    _edit(data_dir, old, new)
    before = _tree(data_dir)
    result = cli("validate", "--lang", "en")
    assert result.exit_code == 65
    assert problem in result.stdout.splitlines()
    status = cli("status", "--lang", "en")
    assert status.exit_code == 65
    assert len(status.stderr.splitlines()) == 1 and "\x1b" not in status.stderr
    assert _tree(data_dir) == before


def test_names_equal_after_nfkc_are_duplicates(cli, data_dir: Path) -> None:
    _edit(data_dir, 'name = "粮食产量"', 'name = "ＧＤＰ增长"')
    _edit(data_dir, GDP_NAME, 'name = "GDP增长"')
    result = cli("validate", "--lang", "en")
    assert result.exit_code == 65
    assert (
        "2025.toml:227: target 'grain_output': field 'name': duplicate name 'GDP增长'"
        " (first at line 53)"
    ) in result.stdout


def test_a_base_year_not_before_the_target_year(cli, data_dir: Path) -> None:
    path = data_dir / "2025.toml"
    text = path.read_text(encoding="utf-8")
    assert "base_year = 2020" in text
    path.write_text(text.replace("base_year = 2020", "base_year = 2025"), encoding="utf-8")
    line = text[: text.index("base_year = 2020")].count("\n") + 1
    result = cli("validate", "--lang", "en")
    assert result.exit_code == 65
    assert any(
        re.fullmatch(
            rf"2025\.toml:{line}: target '\w+': field 'base_year': base_year 2025 must be"
            r" before the target year 2025",
            row,
        )
        for row in result.stdout.splitlines()
    ), result.stdout


def test_deep_nesting_and_a_huge_quote_are_refused_quickly(cli, data_dir: Path) -> None:
    path = data_dir / "2025.toml"
    shipped = path.read_text(encoding="utf-8")
    path.write_text(shipped + "deep = " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    started = time.monotonic()
    result = cli("validate", "--lang", "en")
    assert result.exit_code == 65
    line = shipped.count("\n") + 1
    assert result.stdout == f"2025.toml:{line}: nested deeper than 32 levels\n"
    huge = shipped.replace('quote = "2025年全市', 'quote = "' + "x" * 50_000_000 + "2025年全市", 1)
    path.write_text(huge, encoding="utf-8")  # a 50 MB quote
    number, long_line = next(
        (n, line) for n, line in enumerate(huge.split("\n"), start=1) if len(line) > 65_536
    )
    result = cli("validate", "--lang", "en")
    assert result.exit_code == 65
    assert result.stdout == (
        f"2025.toml:{number}: line is {len(long_line):,} characters long; at most 65,536\n"
    )
    assert cli("status").exit_code == 65
    assert time.monotonic() - started < 20


# --- 10. import files -------------------------------------------------------------------------


def _xlsx(path: Path, sheet: str, extra: dict[str, bytes] | None = None) -> None:
    """A minimal .xlsx made by hand, so a test can make what Excel never would."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
            '"xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
            'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id='
            '"rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
            '"worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)


def _sheet(rows: str, dimension: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
        f'org/spreadsheetml/2006/main">{dim}<sheetData>{rows}</sheetData></worksheet>'
    )


def _row(number: int, *cells: str) -> str:
    inner = "".join(
        f'<c r="{"ABC"[i]}{number}" t="inlineStr"><is><t>{c}</t></is></c>'
        for i, c in enumerate(cells)
    )
    return f'<row r="{number}">{inner}</row>'


HEADER_ROW = _row(1, "metric", "period", "value")


def _import(cli: Any, data_dir: Path, file: Path) -> Any:
    before = _tree(data_dir)
    started = time.monotonic()
    result = cli("import", str(file), "--lang", "en")
    assert time.monotonic() - started < 30
    assert result.exit_code == 65, result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert _tree(data_dir) == before
    return result


def test_an_xlsx_with_a_huge_cell(cli, data_dir: Path, tmp_path: Path) -> None:
    file = tmp_path / "huge.xlsx"
    _xlsx(file, _sheet(HEADER_ROW + _row(2, "gdp_growth", "2025-06", "x" * 5_000_000)))
    result = _import(cli, data_dir, file)
    assert "row 1 (sheet row 2) has a cell of 5,000,000 characters; at most 10,000" in (
        result.stderr
    )


def test_an_xlsx_declaring_a_million_rows(cli, data_dir: Path, tmp_path: Path) -> None:
    file = tmp_path / "million.xlsx"
    _xlsx(file, _sheet(HEADER_ROW + _row(2, "gdp_growth", "2025-06", "5.8"), "A1:C1000001"))
    result = _import(cli, data_dir, file)
    assert "it holds over 300,000 rows of figures" in result.stderr


def test_an_xlsx_with_more_rows_than_it_declares(
    cli, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source_rows, "MAX_ROWS", 50)
    file = tmp_path / "lying.xlsx"
    rows = "".join(_row(n, "gdp_growth", "2025-06", "5.8") for n in range(2, 200))
    _xlsx(file, _sheet(HEADER_ROW + rows, "A1:C2"))
    assert "it holds over 50 rows of figures" in _import(cli, data_dir, file).stderr


def test_an_xlsx_zip_bomb(cli, data_dir: Path, tmp_path: Path) -> None:
    file = tmp_path / "bomb.xlsx"
    _xlsx(file, _sheet(HEADER_ROW), {"xl/media/padding.bin": b"\0" * (300 * 1024 * 1024)})
    assert file.stat().st_size < 2 * 1024 * 1024
    result = _import(cli, data_dir, file)
    assert "bomb.xlsx: it unpacks to" in result.stderr and "at most 268,435,456" in result.stderr


def test_json_nested_a_million_deep(cli, data_dir: Path, tmp_path: Path) -> None:
    file = tmp_path / "deep.json"
    file.write_text("[" * 1_000_000 + "]" * 1_000_000)
    assert "its JSON is nested too deeply" in _import(cli, data_dir, file).stderr


def test_a_file_too_large_to_import(
    cli, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source_reader, "MAX_FILE_BYTES", 1000)
    file = tmp_path / "big.csv"
    file.write_text("metric,period,value\n" + "gdp_growth,2025-06,5.8\n" * 100)
    assert "it holds 2,320 bytes; at most 1,000 are read" in _import(cli, data_dir, file).stderr


# --- 11. output streams -----------------------------------------------------------------------


def _tltrack(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "TLTRACK_DATA_DIR": str(data_dir), **env}
    environment.pop("COLUMNS", None)
    return subprocess.run(
        [sys.executable, "-m", "tltrack", *args], env=environment, capture_output=True, timeout=60
    )


@pytest.mark.parametrize(
    "env", [{"PYTHONIOENCODING": "gbk"}, {"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C"}]
)
def test_a_stdout_that_is_not_utf8(cli, data_dir: Path, env: dict[str, str]) -> None:
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    result = _tltrack(data_dir, "status", "--lang", "zh", *AS_OF, **env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    encoding = env.get("PYTHONIOENCODING", "utf-8")
    shown = result.stdout.decode(encoding)
    assert "421" in shown and "84.2%" in shown


def test_a_closed_pipe_is_not_an_error(cli, data_dir: Path) -> None:
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    script = f"set -o pipefail; {sys.executable} -m tltrack status --lang zh | head -1"
    result = subprocess.run(
        ["bash", "-c", script],
        env={**os.environ, "TLTRACK_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("2025 年目标进度")


def test_a_dry_run_needs_no_write_access(shared_folder: Path) -> None:
    record(open_workspace(shared_folder, None), "gdp_growth", "5.8", "2025-H1")
    file = shared_folder.parent / "f.csv"
    file.write_text("metric,period,value\nkey_projects_started,2025-06,262\n")
    file.chmod(0o644)
    shared_folder.chmod(0o755)  # nobody may read the folder, not write it
    before = _tree(shared_folder)
    # Once as root first, so the forked child finds every module it needs already loaded.
    assert (
        _run_as_nobody.__module__
        and import_figures(open_workspace(shared_folder, None), [file], dry_run=True).dry_run
    )
    import rich.console
    import rich.table  # noqa: F401 (loaded for the child)

    assert _tree(shared_folder) == before
    assert _run_as_nobody(["import", str(file), "--dry-run"], shared_folder) == 0
    assert _run_as_nobody(["import", str(file)], shared_folder) != 0  # the real one may not
    assert _tree(shared_folder) == before


def test_a_dry_run_takes_no_lock_and_writes_nothing(cli, data_dir: Path, tmp_path: Path) -> None:
    file = tmp_path / "f.csv"
    file.write_text("metric,period,value\ngdp_growth,2025-H1,5.8\n")
    result = cli("import", str(file), "--dry-run", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in data_dir.iterdir()) == ["2025.toml"]


# --- 12-14. nothing hostile reaches a reader --------------------------------------------------


def test_the_safe_text_functions() -> None:
    assert printable("a\x1b[31mb\x9bc\u202ed\te") == "a\\x1b[31mb\\x9bc\\u202ed e"
    assert spreadsheet_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    for formula in ("+1+1", "-2+3", "@SUM(A1)", "-2.1亿元"):
        assert spreadsheet_cell(formula).startswith("'"), formula
    # A leading tab or carriage return is shown as a space, which starts no formula.
    assert spreadsheet_cell("\t=1") == " =1" and spreadsheet_cell("\r=1") == " =1"
    for number in ("-7.1", "+2.4", "-2.1%", "5.8", "1e3", "-0.5"):
        assert spreadsheet_cell(number) == number
    assert markdown_text("a|b<script>*x*</script>[l](u)") == (
        "a\\|b&lt;script&gt;\\*x\\*&lt;/script&gt;\\[l\\](u)"
    )


HOSTILE_NAME = '=HYPERLINK("http://x","点击")|<b>名称</b>'
HOSTILE_CATEGORY = "@农牧业|<img src=x onerror=alert(1)>"
HOSTILE_NOTE = '+cmd|" /C calc"!A0 | <script>x</script> [link](javascript:x)'


@pytest.fixture
def hostile(cli, data_dir: Path) -> Path:
    _edit(data_dir, 'name = "粮食产量"', f"name = '{HOSTILE_NAME}'")
    _edit(data_dir, 'category = "农牧业"', f"category = '{HOSTILE_CATEGORY}'")
    _edit(data_dir, 'title = "通辽市2025年政府工作报告目标"', 'title = "# 通报 <script>"')
    result = cli("record", "grain_output", "150", "--period", "2025", "--note", HOSTILE_NOTE)
    assert result.exit_code == 0, result.stderr
    return data_dir


def test_no_live_formula_in_any_csv(cli, hostile: Path) -> None:
    outputs = [
        cli("status", "--format", "csv", *AS_OF).stdout,
        cli("list", "--format", "csv").stdout,
        cli("history", "grain_output", "--format", "csv").stdout,
        cli("show", "grain_output", "--format", "csv", *AS_OF).stdout,
        cli("check", "--format", "csv", "--as-of", "2026-01-20").stdout,
    ]
    cells = [cell for out in outputs for row in csv.reader(io.StringIO(out)) for cell in row]
    assert f"'{HOSTILE_NAME}" in cells
    assert f"'{HOSTILE_NOTE}" in cells
    for cell in cells:
        if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert re.fullmatch(r"[+-]?[\d.]+(e[+-]?\d+)?%?", cell), cell


def test_no_formula_in_the_xlsx_bulletin(cli, hostile: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "b.xlsx"
    assert cli("report", "-o", str(out), *AS_OF).exit_code == 0
    book = load_workbook(out)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert not cell.value.startswith(("=", "+", "@", "\t", "\r")), cell.value
    assert f"'{HOSTILE_NAME}" in texts
    assert f"'{HOSTILE_CATEGORY}" in texts


def _cells_per_row(table: str) -> list[int]:
    """The cells of each Markdown table row, counting only unescaped pipes."""
    rows = [line for line in table.splitlines() if line.startswith("|")]
    return [len(re.findall(r"(?<!\\)\|", row)) - 1 for row in rows]


def test_markdown_holds_no_markup_from_the_data(cli, hostile: Path) -> None:
    for args in (("report", *AS_OF), ("status", "--format", "markdown", *AS_OF)):
        md = cli(*args).stdout
        assert "<script" not in md and "<img" not in md and "<b>" not in md
        assert "[link](" not in md
        widths = set(_cells_per_row(md))
        assert widths == {9}, widths  # no name or category added or removed a column
    report = cli("report", *AS_OF).stdout
    assert report.startswith("# \\# 通报 &lt;script&gt; 月度调度通报\n")
    history = cli("history", "grain_output", "--format", "markdown").stdout
    assert set(_cells_per_row(history)) == {11}  # with who sent each figure, and from where
    assert "&lt;script&gt;" in history


def test_no_control_character_reaches_a_terminal(cli, data_dir: Path) -> None:
    # A hand-edited records file with escapes in its metric and note: refused, and the line
    # that says so carries the escapes as text, not as escapes.
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    path = records_file(data_dir)
    text = path.read_text(encoding="utf-8").replace('note = ""', 'note = "\\u001b]0;pwned\\u0007"')
    text = text.replace('metric = "gdp_growth"', 'metric = "gdp\\u001b[2J"')
    path.write_text(text, encoding="utf-8")
    for args in (("status",), ("validate",), ("show", "gdp_growth"), ("history", "gdp_growth")):
        result = cli(*args, "--lang", "en")
        assert result.exit_code == 65, args
        everything = result.stdout + result.stderr
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", everything), (args, everything)
        assert "\\x1b" in everything, args


def test_a_table_never_cuts_or_passes_an_escape(monkeypatch: pytest.MonkeyPatch) -> None:
    columns = [texttable.Column("名称", wraps=True, min_width=4), texttable.Column("状态")]
    lines: list[texttable.Line] = [
        ("title", "【分类\x1b[31m】"),
        ("row", ["很长的名称\x1b[2J很长的名称很长的名称", texttable.Cell("滞后", "yellow")]),
    ]
    out = texttable.render(columns, lines, 20, colour=True)
    sequences = re.findall(r"\x1b[^m]*m", out)
    assert all(re.fullmatch(r"\x1b\[[\d;]*m", s) for s in sequences)
    assert out.count("\x1b") == len(sequences)  # every escape is one of ours, whole
    assert "x1b[2J" in out  # shown as text, folded like any other
    for line in out.splitlines():
        assert line.count("\x1b[0m") == line.count("\x1b[") - line.count("\x1b[0m")


# --- also fixed -------------------------------------------------------------------------------


def test_conflicting_rows_keep_both_values_in_chinese(cli, tmp_path: Path) -> None:
    file = tmp_path / "c.csv"
    file.write_text("metric,period,value\ngdp_growth,2025-H1,5.8\ngdp_growth,2025-H1,5.9\n")
    result = cli("import", str(file), "--lang", "zh")
    assert result.exit_code == 65
    assert "gdp_growth 2025-H1 在此为 5.9，但在第 1 行(文件第 2 行)中为 5.8" in result.stderr


def test_list_with_an_unknown_category_is_a_usage_error(cli) -> None:
    result = cli("list", "--category", "农业", "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr.startswith("tltrack: error: no category '农业'; the categories are: ")


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_validate_prints_csv_and_markdown(cli, data_dir: Path, fmt: str) -> None:
    _edit(data_dir, "on_track = 0.95", "on_track = 1.5")
    result = cli("validate", "--format", fmt, "--lang", "en")
    assert result.exit_code == 65
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows == [
            ["file", "line", "target", "field", "message"],
            [
                "2025.toml",
                "44",
                "",
                "meta.thresholds.on_track",
                "Input should be less than or equal to 1",
            ],
        ]
    else:
        assert result.stdout.splitlines()[:3] == [
            "| file | line | target | field | message |",
            "|---|---|---|---|---|",
            "| 2025.toml | 44 |  | meta.thresholds.on_track | Input should be less than or equal"
            " to 1 |",
        ]


def test_json_output_escapes_what_it_carries(cli, data_dir: Path) -> None:
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--note", "a|b").exit_code == 0
    shown = json.loads(cli("show", "gdp_growth", "--format", "json").stdout)
    assert shown["records"][0]["note"] == "a|b"


# --- the target checks no test showed before ----------------------------------------------------

TARGET_RULES = {
    "pace with 11 shares": (
        "pace = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0]",
        "field 'pace': monthly pace needs 12 cumulative shares, one per month",
    ),
    "pace that falls": (
        "pace = [0.1, 0.2, 0.3, 0.4, 0.5, 0.4, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0]",
        "field 'pace': monthly pace shares must not decrease",
    ),
    "pace short of 1": (
        "pace = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.99]",
        "field 'pace': monthly pace shares run from 0 up to 1.0 in December",
    ),
    "growth without a target": (
        "",
        "a growth target needs a target value",
    ),
    "due on a growth target": (
        "due = 2025-06-30",
        "only a milestone has a due date",
    ),
    "base_year without change": (
        "base_year = 2020",
        "base_year and change go together",
    ),
}


@pytest.mark.parametrize("rule", TARGET_RULES, ids=lambda k: k.replace(" ", "-"))
def test_each_target_rule_is_a_problem_with_its_line(cli, data_dir: Path, rule: str) -> None:
    added, message = TARGET_RULES[rule]
    if rule == "growth without a target":
        _edit(data_dir, 'kind = "growth"\ntarget = 6\n', 'kind = "growth"\n')
    else:
        _edit(data_dir, 'id = "gdp_growth"\n', f'id = "gdp_growth"\n{added}\n')
    result = cli("validate", "--lang", "en")
    assert result.exit_code == 65
    [problem] = result.stdout.splitlines()
    assert problem.startswith("2025.toml:5") and "target 'gdp_growth'" in problem, problem
    assert problem.endswith(message), problem
