"""The records file: locking, atomic replacement, hand edits, links and modes."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import tomllib
from pathlib import Path

import pytest

from conftest import records_file
from tltrack.app.recording import record
from tltrack.stores.toml.lines import render
from tltrack.stores.toml.reading import read_records
from tltrack.stores.toml.store import lock_path
from tltrack.workspace.folder import open_workspace


def test_a_hand_edited_records_file_is_not_rewritten(cli, data_dir: Path) -> None:
    cli("record", "gdp_growth", "5.8", "--period", "2025-H1")
    path = records_file(data_dir)
    edited = path.read_text(encoding="utf-8") + "# checked by 王五\n"
    path.write_text(edited, encoding="utf-8")
    result = cli("record", "gdp_growth", "5.9", "--period", "2025-Q3", "--lang", "en")
    assert result.exit_code == 65
    assert "was edited by hand" in result.stderr and "tltrack validate" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert path.read_text(encoding="utf-8") == edited
    # Reading still works: the hand edit is only a comment.
    assert cli("status").exit_code == 0


def test_a_broken_records_file_stops_status_and_validate_names_the_line(
    cli, data_dir: Path
) -> None:
    records_file(data_dir).write_text(
        "record = [\n"
        '  { metric = "gdp_growth", period = "2025-06", value = 5.8,'
        " at = 2025-07-01T00:00:00Z },\n"
        '  { metric = "gdp_growth", period = "2025-07", value = "high",'
        " at = 2025-08-01T00:00:00Z },\n"
        "]\n",
        encoding="utf-8",
    )
    result = cli("status", "--lang", "en")
    assert result.exit_code == 65
    assert result.stderr.startswith("tltrack: error: 2025.records.toml:3: target 'gdp_growth")
    checked = cli("validate", "--lang", "en")
    assert checked.exit_code == 65
    assert "2025.records.toml:3: target 'gdp_growth 2025-07': field 'value'" in checked.stdout


def test_records_for_unknown_metrics_are_reported_not_dropped(cli, data_dir: Path) -> None:
    cli("record", "gdp_growth", "5.8", "--period", "2025-H1")
    path = records_file(data_dir)
    path.write_text(
        path.read_text(encoding="utf-8").replace('"gdp_growth"', '"old_metric"'), "utf-8"
    )
    result = cli("status", "--lang", "en")
    assert result.exit_code == 0
    assert "has figures for 'old_metric'" in result.stderr
    checked = cli("validate", "--lang", "en")
    assert checked.exit_code == 65
    assert "2025.records.toml:6: target 'old_metric 2025-H1': field 'metric'" in checked.stdout


@pytest.mark.linux_only
def test_a_busy_lock_is_exit_75_and_nothing_is_written(
    cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TLTRACK_LOCK_TIMEOUT", "0.2")
    lock = lock_path(records_file(data_dir))
    with lock.open("w") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        result = cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--lang", "en")
    assert result.exit_code == 75
    assert "held by another tltrack writer" in result.stderr and "try again" in result.stderr
    assert not records_file(data_dir).exists()
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0


@pytest.mark.linux_only
def test_the_write_keeps_a_symlink_and_the_file_mode(cli, data_dir: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "shared" / "records.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(render([]), encoding="utf-8")
    elsewhere.chmod(0o640)
    records_file(data_dir).symlink_to(elsewhere)
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    assert records_file(data_dir).is_symlink()
    assert [r.value for r in read_records(elsewhere, 2025)] == [5.8]
    assert elsewhere.stat().st_mode & 0o777 == 0o640
    # No temp file left; the lock lives beside the real file, shared by every path to it.
    assert sorted(p.name for p in elsewhere.parent.iterdir()) == [
        ".records.toml.lock",
        "records.toml",
    ]


def _record_many(data_dir: str, worker: int, count: int) -> None:
    workspace = open_workspace(Path(data_dir), None)
    for i in range(count):
        month = f"2025-{(i % 12) + 1:02d}"
        metric = ["key_projects_started", "housing_sales", "new_5g_base_stations"][i // 12]
        record(
            workspace,
            metric,
            str(worker * 100 + i),
            month,
            by=f"w{worker}",
            correct=True,
            explanation="x",  # any figure: no review rule stands between the writers
        )


def test_concurrent_writers_lose_nothing(data_dir: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_record_many, args=(str(data_dir), w, 20)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
        assert process.exitcode == 0
    entries = tomllib.loads(records_file(data_dir).read_text(encoding="utf-8"))["record"]
    assert len(entries) == 80
    assert sorted((e["by"], e["value"]) for e in entries) == sorted(
        (f"w{w}", float(w * 100 + i)) for w in range(4) for i in range(20)
    )
    leftovers = [p.name for p in data_dir.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_records_text_is_deterministic(cli, data_dir: Path) -> None:
    cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--note", "说明")
    path = records_file(data_dir)
    text = path.read_text(encoding="utf-8")
    assert render(read_records(path, 2025)) == text
    assert os.linesep == "\n" and "\r" not in text


def test_a_partial_read_then_all_records_counts_each_figure_once(cli, data_dir: Path) -> None:
    from datetime import UTC, datetime

    from tltrack.domain.figures import Record
    from tltrack.stores.toml.store import open_for_change

    cli("record", "gdp_growth", "5.8", "--period", "2025-H1")
    cli("record", "housing_sales", "70", "--period", "2025-06")
    path = records_file(data_dir)
    new = Record(metric="gdp_growth", period="2025-Q3", value=5.9, at=datetime.now(UTC))
    with open_for_change(path, 2025, metrics={"gdp_growth"}) as ledger:
        assert ledger.read.partial  # the cache vouched for the file: only gdp_growth was read
        assert [r.value for r in ledger.of({"gdp_growth"})] == [5.8]
        ledger.append([new])
        assert [(r.metric, r.value) for r in ledger.records] == [
            ("gdp_growth", 5.8),
            ("housing_sales", 70.0),
            ("gdp_growth", 5.9),
        ]
    assert [r.value for r in read_records(path, 2025)] == [5.8, 70.0, 5.9]


def test_a_period_written_by_hand_in_lower_case_reads_and_is_repaired(cli, data_dir: Path) -> None:
    """A hand edit writes 2025-q1 for 2025-Q1: the file reads (as edited by hand), and
    `repair` writes the period as tltrack does."""
    assert cli("record", "gdp_growth", "5.3", "--period", "2025-Q1").exit_code == 0
    path = records_file(data_dir)
    path.write_text(path.read_text(encoding="utf-8").replace("2025-Q1", "2025-q1"), "utf-8")
    status = cli("status", "--format", "json", "--as-of", "2025-07-20")
    assert status.exit_code == 0 and '"period": "2025-Q1"' in status.stdout
    assert cli("record", "housing_sales", "30", "--period", "2025-04").exit_code == 65
    assert cli("repair").exit_code == 0
    assert '"2025-Q1"' in path.read_text(encoding="utf-8")
    assert cli("record", "housing_sales", "30", "--period", "2025-04").exit_code == 0
