"""One rule for a figure (domain.figures), the same on every path: typed, imported, written by
each store and read back cold by each reader, as another machine reads after a pull.

The first tests are the two figures that once broke a folder: a write that allowed what the
reader refused, and a write that only the parse cache could read back.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import records_file
from tltrack.domain.figures import TEXT_BOUNDS, Record, figure_problem
from tltrack.errors import DataError, TltrackError, ValidationFailed
from tltrack.stores.sqlite.store import SqliteStore
from tltrack.stores.toml.lines import ARRAY_END, ARRAY_START, HEADER, read_canonical, render_line
from tltrack.stores.toml.store import TomlStore

# --- the two figures that broke a folder -------------------------------------------------------


def test_a_name_longer_than_the_reader_takes_is_refused(cli, data_dir: Path) -> None:
    """`--by` of 250 characters was written (the write allowed 2,000) and then refused by every
    reader without the writer's cache: exit 65 everywhere, on every machine."""
    long_name = "张" * 250
    run = cli("record", "gdp_growth", "5", "--period", "2025-H1", "--by", long_name)
    assert (run.exit_code, run.stderr) == (
        65,
        "tltrack: error: 填报人太长(250 个字符，最多 200)\n",
    )
    assert not records_file(data_dir).exists()
    longest = "张" * 200
    assert cli("record", "gdp_growth", "5", "--period", "2025-H1", "--by", longest).exit_code == 0
    figures = TomlStore(records_file(data_dir)).read()  # the conftest has read it cold too
    assert [r.by for r in figures] == [longest]


def test_an_imported_name_longer_than_the_reader_takes_is_that_rows_problem(
    cli, data_dir: Path, tmp_path: Path
) -> None:
    sent = tmp_path / "figures.csv"
    sent.write_text(
        "指标,期间,数值,填报人\n"
        f"gdp_growth,2025-H1,5.8,张三\nkey_projects_started,2025-06,262,{'李' * 201}\n",
        encoding="utf-8",
    )
    run = cli("import", str(sent))
    assert run.exit_code == 65
    assert run.stderr == (
        "figures.csv: 第 2 行(文件第 3 行): 填报人太长(201 个字符，最多 200)"
        " (figures.csv 未导入任何数据: 1 个问题)\n"
    )
    assert not records_file(data_dir).exists()


@pytest.mark.parametrize("store", ["toml", "sqlite"])
def test_surrounding_spaces_are_trimmed_and_the_figure_reads_cold(
    cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    """`--note " x "` was written as it was typed: read back only through the cache, and cold
    the next write said the file was edited by hand (exit 65); SQLite refused the same row."""
    monkeypatch.setenv("TLTRACK_STORE", store)
    monkeypatch.setenv("TLTRACK_USER", "张三　")  # an input method's full-width space
    monkeypatch.setenv("TLTRACK_CACHE_DIR", "off")
    run = cli("record", "gdp_growth", "5", "--period", "2025-Q1", "--note", " x ")
    assert run.exit_code == 0, run.stderr
    assert (
        cli("record", "gdp_growth", "5.2", "--period", "2025-H1", "--note", "完成　").exit_code == 0
    )
    run = cli("export", "--format", "json")
    assert run.exit_code == 0, run.stderr
    exported = json.loads(run.stdout)["records"]
    assert [(r["note"], r["by"]) for r in exported] == [("x", "张三"), ("完成", "张三")]


# --- the rule against every store, on figures made at random ------------------------------------

_CHARACTERS = [
    "a", "Z", "0", "_", " ", "\t", '"', "\\", "'", "=", "#", "{", "}", ",",
    "中", "旗", "\u3000", "\xa0", "\u2028", "\u2009", "\x85", "\x01", "\x1b", "\x7f", "\x9b",
    "\u200b", "\u202e", "\ufeff", "𝕏", "é", "\ud800",
]  # fmt: skip


@st.composite
def _edge_text(draw: st.DrawFn, field: str) -> str:
    """Text near the field's bounds: short or within a character of its most, with spaces,
    quotes, controls, invisible and wide characters where the rule and TOML are most
    particular."""
    core = draw(st.text(alphabet=st.sampled_from(_CHARACTERS), max_size=6))
    most = TEXT_BOUNDS[field]
    length = draw(
        st.sampled_from([0, most - len(core) - 1, most - len(core), most - len(core) + 1])
    )
    padding = "x" * max(0, length)
    return draw(st.sampled_from([padding + core, core + padding, core]))


# Periods as written and not; 2024-06 is not one of 2025, the year of the stores below.
_PERIODS = ["2025", "2025-Q1", "2025-H2", "2025-06", "2025-12", "2025-6", "2025-q1", " 2025-06"]
_PERIODS += ["2024-06", "20250", "2025-"]


@st.composite
def _figures(draw: st.DrawFn) -> Record:
    """Figures at the edges of the rule, most of which it refuses."""
    offset = timedelta(minutes=draw(st.integers(-16 * 60, 16 * 60)))
    if draw(st.booleans()):
        offset += timedelta(seconds=draw(st.sampled_from([0, 1, 30])))
    at = draw(
        st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31))
    ).replace(tzinfo=timezone(offset))
    region = draw(st.none() | _edge_text("region"))
    record = Record(
        metric=draw(st.sampled_from(["gdp_growth", "key_projects_started"]) | _edge_text("metric")),
        period=draw(st.sampled_from(_PERIODS)),
        value=draw(
            st.floats(allow_nan=True, allow_infinity=True, width=64)
            | st.sampled_from([-0.0, 5e-324, 1e15, -1e15, 1.0000000000000002e15, 421.0])
        ),
        at=at,
        note=draw(_edge_text("note")),
        by=draw(_edge_text("by")),
        correction=draw(st.booleans()),
        revision=draw(st.sampled_from([0, 1, 1_000_000, 1_000_001])),
        region=region,
    )
    return record


@st.composite
def _good_text(draw: st.DrawFn, field: str) -> str:
    """Text the rule allows, as near its edges as it may be: quotes, tabs and spaces inside,
    wide and invisible characters, up to its most."""
    import unicodedata

    text = draw(_edge_text(field))
    text = "".join(c for c in text if c.isprintable() or c == "\t" or c in "\u3000\xa0\u2009")
    if field == "region":
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = text[: TEXT_BOUNDS[field]].strip()
    return text or ("" if field in ("note", "by") else "x")


@st.composite
def _good_figures(draw: st.DrawFn) -> Record:
    offset = timedelta(minutes=draw(st.integers(-15 * 60 - 59, 15 * 60 + 59)))
    at = draw(
        st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31))
    ).replace(tzinfo=timezone(offset))
    value = draw(
        st.floats(min_value=-1e15, max_value=1e15, allow_nan=False)
        | st.sampled_from([-0.0, 5e-324, 1e15, -1e15, 421.0, 0.1 + 0.2])
    )
    record = Record(
        metric=draw(st.sampled_from(["gdp_growth", "key_projects_started"]) | _good_text("metric")),
        period=draw(st.sampled_from(["2025", "2025-Q1", "2025-H2", "2025-06", "2025-12"])),
        value=value,
        at=at,
        note=draw(_good_text("note")),
        by=draw(_good_text("by")),
        correction=draw(st.booleans()),
        revision=draw(st.integers(0, 1_000_000)),
        region=draw(st.none() | _good_text("region")),
    )
    assert figure_problem(record) is None, figure_problem(record)
    return record


# Some good figures, and now and then one the rule refuses among them.
_SOME_FIGURES = st.tuples(
    st.lists(_good_figures(), min_size=1, max_size=4), st.none() | _figures()
).map(lambda drawn: [*drawn[0], *([drawn[1]] if drawn[1] is not None else [])])


def _exact(records: list[Record]) -> list[tuple[object, ...]]:
    """Figures as compared after a round trip: -0.0 is not 0.0, 10:00+08:00 is not 02:00Z."""
    return [(*r, repr(r.value), r.at.isoformat()) for r in records]


@contextmanager
def _no_cache() -> Iterator[None]:
    before = os.environ.get("TLTRACK_CACHE_DIR")
    os.environ["TLTRACK_CACHE_DIR"] = "off"
    try:
        yield
    finally:
        if before is None:
            del os.environ["TLTRACK_CACHE_DIR"]
        else:
            os.environ["TLTRACK_CACHE_DIR"] = before


_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(record=_figures())
def test_a_records_line_reads_back_exactly_when_the_rule_allows_it(record: Record) -> None:
    """The TOML store's own reader takes back exactly the figure written, as tltrack wrote it,
    for every figure the rule allows, and for no other."""
    try:
        line = render_line(record)
    except Exception:  # tomli-w refuses what TOML cannot hold (a lone surrogate, NaN...)
        assert figure_problem(record) is not None
        return
    read = read_canonical(HEADER + ARRAY_START + line + ARRAY_END, HEADER + ARRAY_START)
    allowed = figure_problem(record) is None
    assert (read is not None and _exact(read[0]) == _exact([record]) and not read[1]) == allowed


@_SETTINGS
@given(records=_SOME_FIGURES)
def test_the_toml_store_writes_what_it_reads_back_cold_and_nothing_else(
    tmp_path: Path, records: list[Record]
) -> None:
    path = _year_file(tmp_path, "2025.records.toml")
    store = TomlStore(path)
    allowed = all(figure_problem(r, 2025) is None for r in records)
    try:
        with store.change() as change:
            change.append(records)
    except DataError:
        assert not allowed
        assert not path.exists()
        return
    assert allowed
    with _no_cache():
        assert _exact(store.read()) == _exact(records)
        assert store.check().notes == []  # not edited by hand
        assert _exact(store.read_of({records[0].metric})) == _exact(
            [r for r in records if r.metric == records[0].metric]
        )


_SQLITE_INSERT = (
    "INSERT INTO figure (metric, region, period, period_end, value, note, by, at, correction,"
    " revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@_SETTINGS
@given(records=_SOME_FIGURES)
def test_the_sqlite_store_writes_what_it_reads_back_and_reads_no_row_the_rule_refuses(
    tmp_path: Path, records: list[Record]
) -> None:
    path = _year_file(tmp_path, "2025.records.sqlite")
    store = SqliteStore(path)
    allowed = all(figure_problem(r, 2025) is None for r in records)
    try:
        with store.change() as change:
            change.append(records)
    except DataError:
        assert not allowed
        assert store.read() == []
    else:
        assert allowed
        assert _exact(store.read()) == _exact(records)
        return
    # Written past tltrack with sqlite3, as anyone may: read only where the rule allows it.
    with closing(sqlite3.connect(path)) as db, db:
        for r in records:
            try:
                end = _period_end(r.period)
                at = r.at.isoformat()
                db.execute(_SQLITE_INSERT, (r.metric, r.region, r.period, end, repr(r.value),
                           r.note, r.by, at, int(r.correction), r.revision))  # fmt: skip
            except (UnicodeEncodeError, sqlite3.Error):
                return  # no database can hold it (a lone surrogate): nothing to read
    with pytest.raises(ValidationFailed):
        store.read()


def _year_file(tmp_path: Path, name: str) -> Path:
    """A store of 2025 in a folder of its own: each example starts with none."""
    folder = tmp_path / os.urandom(4).hex()
    folder.mkdir()
    return folder / name


def _period_end(period: str) -> str:
    from tltrack.domain.periods import parse_period

    try:
        return parse_period(period).end.isoformat()
    except TltrackError:
        return "2025-12-31"


def test_the_rules_spaces_are_pythons() -> None:
    from tltrack.domain.figures import SPACES

    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == SPACES


def test_a_figure_of_tltracks_own_making_always_meets_the_rule() -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    assert figure_problem(Record("gdp_growth", "2025-H1", 5.8, now, "统计局", "张三")) is None
    assert figure_problem(Record("gdp_growth", "2025-H1", math.inf, now)) is not None


@pytest.mark.parametrize("store", ["toml", "sqlite"])
def test_a_full_width_space_at_the_end_of_a_name_or_note_is_not_kept(
    cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    """`--note 'x　'`, `--by '张三 '` or TLTRACK_USER ending in U+3000: the store keeps the
    text without it (no reader keeps a space at an end), so the next writer, with no cache,
    finds the file as tltrack wrote it, and the stores agree."""
    monkeypatch.setenv("TLTRACK_STORE", store)
    monkeypatch.setenv("TLTRACK_CACHE_DIR", "off")
    run = cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--note", "x\u3000")
    assert run.exit_code == 0, run.stderr
    run = cli("record", "key_projects_started", "262", "--period", "2025-06", "--by", "张三\u3000")
    assert run.exit_code == 0, run.stderr
    monkeypatch.setenv("TLTRACK_USER", "李四\u3000")
    assert cli("record", "key_projects_started", "240", "--period", "2025-05").exit_code == 0
    records = json.loads(cli("export", "--format", "json").stdout)["records"]
    assert [(r["note"], r["by"]) for r in records] == [("x", "tester"), ("", "张三"), ("", "李四")]
    assert cli("record", "key_projects_started", "200", "--period", "2025-04").exit_code == 0
