"""The records file read line by line in tltrack's form, and by the TOML parser otherwise:
both readings give the same figures and the same verdict on hand edits."""

from __future__ import annotations

import json
import math
import os
import shutil
import time
import tomllib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tltrack.domain.figures import Record
from tltrack.files.schema import read_records_file
from tltrack.stores.toml import lines as record_lines
from tltrack.stores.toml import read_ahead
from tltrack.stores.toml import reading as toml_reading
from tltrack.stores.toml.lines import read_canonical, rows_of_bytes

AT = datetime(2025, 7, 8, 2, 14, 9, tzinfo=UTC)
FIGURES = [
    Record("key_projects_started", "2025-06", 421.0, AT, "市发改委调度", "张三"),
    Record("gdp_growth", "2025-H1", -2.1, AT, 'a "quoted" C:\\path', "李四"),
    Record("x", "2025-06", 1e16 / 100, AT.replace(microsecond=5), "tab\there", "", region="开鲁县"),
    Record("x", "2025-06", 0.0000004, AT.astimezone(timezone(timedelta(hours=8))), "", "by"),
    Record("x", "2025-06", 12.5, AT, "更正", "王五", correction=True, revision=3),
]


def full_parse(text: str) -> tuple[list[Record], bool]:
    records = read_records_file(tomllib.loads(text))
    return records, text != record_lines.render(records)


def test_what_tltrack_writes_reads_the_same_both_ways() -> None:
    text = record_lines.render(FIGURES)
    assert read_canonical(text, record_lines.HEADER + record_lines.ARRAY_START) == (FIGURES, False)
    assert full_parse(text) == (FIGURES, False)
    empty = record_lines.render([])
    assert read_canonical(empty, record_lines.HEADER + record_lines.ARRAY_START) == ([], False)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("value = 421.0", "value = 421"),  # an integer: tltrack writes 421.0
        ("value = 421.0", "value = 4.21e2"),
        ('note = "市发改委调度"', 'note = " 市发改委调度"'),  # the parser keeps no outer space
        ('by = "张三"', "by = '张三'"),  # a literal string
        ('"李四", at = 2025-07-08 02:14:09+00:00', '"李四", at = 2025-07-08T02:14:09Z'),
        ('note = "市发改委调度"', 'note = "\\u5e02发改委调度"'),  # an escape tomli-w does not use
    ],
)
def test_a_line_edited_by_hand_is_read_and_called_edited(old: str, new: str) -> None:
    text = record_lines.render(FIGURES)
    assert text.count(old) == 1
    edited = text.replace(old, new)
    assert read_canonical(edited, record_lines.HEADER + record_lines.ARRAY_START) == full_parse(
        edited
    )
    assert full_parse(edited)[1] is True


@pytest.mark.parametrize(
    "line",
    [
        '  { metric = "x", period = "2025-06", value = nan, note = "", by = "", '
        "at = 2025-07-08 02:14:09+00:00 },",
        '  { metric = "x", period = "2025-06", value = 1e16, note = "", by = "", '
        "at = 2025-07-08 02:14:09+00:00 },",
        '  { metric = "x", period = "2025-06", value = 1.0, note = "\x9b", by = "", '
        "at = 2025-07-08 02:14:09+00:00 },",
        '  { metric = "x", period = "2025-06", value = 1.0, note = "", by = "", '
        "at = 2025-07-08 02:14:09 },",  # no offset
        '  { metric = "x", region = "开\u200b鲁县", period = "2025-06", value = 1.0, note = "", '
        'by = "", at = 2025-07-08 02:14:09+00:00 },',
        '  { metric = "x", period = "2025-06", value = 1.0, note = "", by = "", '
        "at = 2025-07-08 02:14:09+00:00, extra = 1 },",
        "  # a comment",
    ],
)
def test_what_does_not_check_is_left_to_the_full_reading(line: str) -> None:
    text = record_lines.HEADER + record_lines.ARRAY_START + line + "\n" + record_lines.ARRAY_END
    assert read_canonical(text, record_lines.HEADER + record_lines.ARRAY_START) is None


# Text that tries the edges of tltrack's form: outer and inner white space of every kind
# (str.strip's and the expression's \s must agree), quotes and backslashes to escape, control
# characters the full check refuses, and lengths around the limits.
EDGY_TEXT = st.text(
    alphabet=st.sampled_from(["a", "开", " ", "\t", "\u3000", "\xa0", "\u2028", '"', "\\"]),
    max_size=4,
) | st.sampled_from(["", "x" * 200, "x" * 201, "y" * 20, "y" * 21, "a\x1cb", "\x85", "开\u200b"])


@settings(max_examples=500, deadline=None)
@given(
    metric=EDGY_TEXT,
    period=EDGY_TEXT,
    note=EDGY_TEXT,
    by=EDGY_TEXT,
    region=st.none() | st.just("开鲁县") | EDGY_TEXT,
    value=st.floats(-1e15, 1e15) | st.sampled_from([-0.0, 1e-7, 1e15 + 2, math.inf]),
    revision=st.integers(0, 3) | st.sampled_from([999_999, 1_000_000, 1_000_001]),
    correction=st.booleans(),
)
def test_a_whole_file_reads_as_the_toml_parser_reads_it(
    metric: str,
    period: str,
    note: str,
    by: str,
    region: str | None,
    value: float,
    revision: int,
    correction: bool,
) -> None:
    record = Record(metric, period, value, AT, note, by, correction, revision, region)
    text = record_lines.render([FIGURES[0], record, FIGURES[4]])
    try:
        expected: tuple[list[Record], bool] | None = full_parse(text)
    except ValidationError:
        expected = None
    assert read_canonical(text, record_lines.HEADER + record_lines.ARRAY_START) == expected
    # Read from the bytes, a file in tltrack's form gives the same figures, unedited.
    rows = rows_of_bytes(text.encode(), record_lines.HEADER + record_lines.ARRAY_START)
    assert rows is None or (expected is not None and (rows, False) == expected)


def test_a_file_read_in_pieces_misses_no_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(record_lines, "_CHUNK", 150)  # a piece or two a line
    lines = [record_lines.render_line(r) for r in FIGURES]
    header = record_lines.HEADER + record_lines.ARRAY_START
    text = header + "".join(lines) + record_lines.ARRAY_END
    assert read_canonical(text, header) == (FIGURES, False)
    for place in range(len(lines) + 1):  # an empty line anywhere is an edit, even the last
        blank = (
            header + "".join(lines[:place]) + "\n" + "".join(lines[place:]) + record_lines.ARRAY_END
        )
        assert read_canonical(blank, header) is None
    # Read from the bytes (lines with nothing escaped), the same, and the same refusals.
    plain = [record_lines.render_line(r) for r in (FIGURES[0], FIGURES[3], FIGURES[4])]
    text = header + "".join(plain) + record_lines.ARRAY_END
    assert rows_of_bytes(text.encode(), header) == [FIGURES[0], FIGURES[3], FIGURES[4]]
    for place in range(len(plain) + 1):
        blank = (
            header + "".join(plain[:place]) + "\n" + "".join(plain[place:]) + record_lines.ARRAY_END
        )
        assert rows_of_bytes(blank.encode(), header) is None
    assert rows_of_bytes(text.encode().replace("更正".encode(), b"\xff\xfe"), header) is None


def test_a_bad_line_is_still_reported_with_its_line(cli, data_dir: Path) -> None:
    path = data_dir / "2025.records.toml"
    good = record_lines.render_line(FIGURES[0])
    bad = good.replace("421.0", "1e16")
    path.write_text(
        record_lines.HEADER + record_lines.ARRAY_START + good + bad + record_lines.ARRAY_END,
        "utf-8",
    )
    run = cli("validate", "--lang", "en")
    assert run.exit_code == 65
    assert "2025.records.toml:7: target 'key_projects_started 2025-06': field 'value'" in run.stdout


def lines_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many figure lines each reading of records text holds, from now on."""
    read: list[int] = []
    # Records, rows for the cache, rows read from the bytes.
    for name in ("read_canonical", "read_canonical_rows", "rows_of_bytes"):
        real = getattr(toml_reading, name)

        def counted(text: str | bytes, header: str, real: Any = real) -> Any:
            read.append(text.count("\n  {" if isinstance(text, str) else b"\n  {"))
            return real(text, header)

        monkeypatch.setattr(toml_reading, name, counted)
    return read


def test_status_after_many_writes_reads_the_cache_chain(
    cli, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for month in range(1, 13):
        for metric in ("housing_sales", "key_projects_started"):
            run = cli("record", metric, str(month * 10), "--period", f"2025-{month:02d}")
            assert run.exit_code == 0
    read = lines_read(monkeypatch)
    run = cli("status", "--as-of", "2026-01-20", "--format", "json")
    assert run.exit_code == 0
    assert read == []  # 24 writes with no read between: the file is not read afresh


@pytest.mark.linux_only
def test_a_big_records_file_is_read_ahead_while_the_targets_are_read(
    cli, data_dir: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for month in range(1, 7):
        run = cli("record", "housing_sales", str(month * 10), "--period", f"2025-{month:02d}")
        assert run.exit_code == 0
    shutil.rmtree(private_cache)  # a fresh runner: nothing cached
    monkeypatch.setattr(read_ahead, "READ_AHEAD_BYTES", 1)  # any file counts as big
    read = lines_read(monkeypatch)
    report = json.loads(cli("status", "--format", "json", "--as-of", "2025-07-20").stdout)
    assert {t["id"]: t["actual"] for t in report["targets"]}["housing_sales"] == 60.0
    assert read == []  # the child process read the file; this one found it in the cache


def test_a_read_ahead_that_cannot_cache_changes_nothing(
    cli, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("record", "housing_sales", "60", "--period", "2025-06").exit_code == 0
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("TLTRACK_CACHE_DIR", str(blocked / "cache"))  # nothing can be kept
    monkeypatch.setattr(read_ahead, "READ_AHEAD_BYTES", 1)
    read = lines_read(monkeypatch)
    run = cli("status", "--format", "json", "--as-of", "2025-07-20")
    assert run.exit_code == 0
    assert {t["id"]: t["actual"] for t in json.loads(run.stdout)["targets"]}["housing_sales"] == 60
    assert read == [1]  # read here, as without a child


@pytest.mark.linux_only
def test_a_read_ahead_stops_with_the_command(
    data_dir: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = data_dir / "2025.records.toml"
    path.write_text(record_lines.render(FIGURES), encoding="utf-8")
    monkeypatch.setattr(read_ahead, "READ_AHEAD_BYTES", 1)
    monkeypatch.setattr(read_ahead, "check_records", lambda _: time.sleep(60))  # a slow read
    started = time.monotonic()
    with pytest.raises(KeyError), read_ahead.reading_ahead(path) as ahead:
        child = ahead.child
        assert child > 0
        raise KeyError("the target file does not read")
    assert time.monotonic() - started < 10  # not the child's minute
    with pytest.raises(ChildProcessError):  # stopped and reaped: nothing outlives the command
        os.waitpid(child, os.WNOHANG)


@pytest.mark.linux_only
def test_no_process_to_spare_reads_the_file_here(
    cli, data_dir: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("record", "housing_sales", "60", "--period", "2025-06").exit_code == 0
    shutil.rmtree(private_cache)
    monkeypatch.setattr(read_ahead, "READ_AHEAD_BYTES", 1)

    def no_fork() -> int:
        raise BlockingIOError("fork: Resource temporarily unavailable")

    monkeypatch.setattr(read_ahead.os, "fork", no_fork)
    read = lines_read(monkeypatch)
    run = cli("status", "--format", "json", "--as-of", "2025-07-20")
    assert run.exit_code == 0
    assert {t["id"]: t["actual"] for t in json.loads(run.stdout)["targets"]}["housing_sales"] == 60
    assert read == [1]


def _pulled(path: Path, line: str) -> None:
    """Another clone's figure arrives by git pull: a line before the closing bracket."""
    data = path.read_bytes()
    assert data.endswith(b"]\n")
    path.write_bytes(data[:-2] + line.encode() + b"]\n")


PULLED = (
    '  { metric = "housing_sales", period = "2025-06", value = 70.0, note = "", '
    'by = "乙", at = 2025-07-02 01:00:00+00:00 },\n'
)


def test_after_a_pull_only_the_added_lines_are_read(
    cli, data_dir: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    _pulled(data_dir / "2025.records.toml", PULLED)
    read = lines_read(monkeypatch)
    report = json.loads(cli("status", "--format", "json", "--as-of", "2025-07-20").stdout)
    actual = {t["id"]: t["actual"] for t in report["targets"]}
    assert (actual["housing_sales"], actual["key_projects_started"]) == (70.0, 421.0)
    assert read == [1]  # the pulled line alone
    assert cli("record", "housing_sales", "80", "--period", "2025-07").exit_code == 0


def test_a_pull_that_changes_old_lines_is_read_whole(cli, data_dir: Path, private_cache) -> None:
    path = data_dir / "2025.records.toml"
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    path.write_text(path.read_text("utf-8").replace("421.0", "422.0"), encoding="utf-8")
    _pulled(path, PULLED)
    report = json.loads(cli("status", "--format", "json", "--as-of", "2025-07-20").stdout)
    assert {t["id"]: t["actual"] for t in report["targets"]}["key_projects_started"] == 422.0
    _pulled(path, PULLED.replace("value = 70.0", "value = 70"))  # not tltrack's form
    run = cli("record", "housing_sales", "80", "--period", "2025-07", "--lang", "en")
    assert run.exit_code == 65 and "edited by hand" in run.stderr


def test_history_reads_only_its_metrics_lines(
    cli, data_dir: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for metric in ("key_projects_started", "housing_sales", "gdp_growth"):
        assert cli("record", metric, "5", "--period", "2025-Q1", "--explain", "x").exit_code == 0
    read = lines_read(monkeypatch)
    monkeypatch.setattr(toml_reading, "_cached_rows", lambda key: None)  # no whole-file entry
    history = json.loads(cli("history", "housing_sales", "--format", "json").stdout)
    assert [p["value"] for p in history["periods"]] == [5.0]
    assert read == [1]  # its one line, found by a byte search, not the file's three lines


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (record_lines.render_line(FIGURES[0]).replace("2025-07-08 02", "2025-02-30 02"), "date"),
        (record_lines.render_line(FIGURES[0]).replace("02:14:09", "24:14:09"), "toml"),
        (
            record_lines.render_line(FIGURES[4]).replace("revision = 3", "revision = 9999999"),
            "1000000",
        ),
        (record_lines.render_line(FIGURES[0]).replace("},\n", "}\n"), "array"),
        # Digits of another script: int() reads them, TOML does not.
        (
            record_lines.render_line(FIGURES[4]).replace("revision = 3", "revision = 1\u0660"),
            "toml",
        ),
        (record_lines.render_line(FIGURES[0]).replace("421.0", "4\u0662\u0661.0"), "toml"),
    ],
)
def test_a_line_the_full_reading_refuses_is_a_problem_not_a_crash(
    cli, data_dir: Path, line: str, said: str
) -> None:
    path = data_dir / "2025.records.toml"
    text = (
        record_lines.HEADER + record_lines.ARRAY_START + line + record_lines.render_line(FIGURES[1])
    )
    path.write_text(text + record_lines.ARRAY_END, encoding="utf-8")
    for command in ("validate", "status"):
        run = cli(command, "--lang", "en")
        assert run.exit_code == 65, (command, run.stderr)
    assert said in cli("validate", "--lang", "en").stdout.lower()


@pytest.mark.parametrize("end", ["}#,", "} # ,"])
def test_a_comma_inside_a_comment_separates_nothing(
    cli, data_dir: Path, end: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`}#,` ends a line as a comma would, to the eye and to a reader of the line alone; but
    the comma is the comment's, and the next figure makes the file TOML no reader takes.
    tltrack refuses it as tomllib does, cold, instead of reading it as edited by hand."""
    figures = [
        Record("gdp_growth", "2025-H1", 5.8, datetime(2025, 7, 1, tzinfo=UTC)),
        Record("gdp_growth", "2025-Q1", 5.7, datetime(2025, 4, 1, tzinfo=UTC)),
    ]
    text = record_lines.render(figures).replace("},\n", end + "\n", 1)
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    (data_dir / "2025.records.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("TLTRACK_CACHE_DIR", "off")
    run = cli("validate", "--lang", "en")
    assert run.exit_code == 65
    assert "2025.records.toml:7: not valid TOML" in run.stdout + run.stderr
