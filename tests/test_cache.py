"""The parse cache: keyed by content, so it never serves stale data."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import records_file


def figure(cli, target_id: str) -> dict:
    report = json.loads(cli("status", "--format", "json", "--as-of", "2025-07-20").stdout)
    return next(t for t in report["targets"] if t["id"] == target_id)


def _same_size_and_time_edit(path: Path, old: str, new: str) -> None:
    assert len(old.encode()) == len(new.encode())
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns


def test_an_edit_that_keeps_size_and_mtime_is_seen(
    cli, data_dir: Path, private_cache: Path
) -> None:
    assert cli("record", "key_projects_started", "262", "--period", "2025-06").exit_code == 0
    assert figure(cli, "key_projects_started")["actual"] == 262.0
    assert any(private_cache.iterdir())  # the reads above went through the cache

    _same_size_and_time_edit(records_file(data_dir), "value = 262.0", "value = 263.0")
    assert figure(cli, "key_projects_started")["actual"] == 263.0

    _same_size_and_time_edit(data_dir / "2025.toml", "target = 500\n", "target = 600\n")
    item = figure(cli, "key_projects_started")
    assert (item["target"], item["completion"]) == (600.0, pytest.approx(263 / 6))


def test_many_appends_read_back_through_the_cache(cli, data_dir: Path) -> None:
    for month in range(1, 13):
        result = cli("record", "housing_sales", str(month * 10), "--period", f"2025-{month:02d}")
        assert result.exit_code == 0
    history = json.loads(cli("history", "housing_sales", "--format", "json").stdout)
    assert [p["value"] for p in history["periods"]] == [float(m * 10) for m in range(1, 13)]


def test_a_broken_or_missing_cache_is_ignored(
    cli, data_dir: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("record", "key_projects_started", "262", "--period", "2025-06").exit_code == 0
    for entry in private_cache.iterdir():
        entry.write_bytes(b"not a pickle")
    assert figure(cli, "key_projects_started")["actual"] == 262.0
    monkeypatch.setenv("TLTRACK_CACHE_DIR", "off")
    assert figure(cli, "key_projects_started")["actual"] == 262.0
    monkeypatch.setenv("TLTRACK_CACHE_DIR", "/proc/no/such/place")
    assert cli("record", "housing_sales", "70", "--period", "2025-06").exit_code == 0
    assert figure(cli, "housing_sales")["actual"] == 70.0


def test_a_hand_edit_is_still_refused_after_a_cached_read(cli, data_dir: Path) -> None:
    assert cli("record", "key_projects_started", "262", "--period", "2025-06").exit_code == 0
    path = records_file(data_dir)
    path.write_text(path.read_text(encoding="utf-8") + "# note\n", encoding="utf-8")
    assert cli("status").exit_code == 0
    assert cli("record", "housing_sales", "70", "--period", "2025-06").exit_code == 65
