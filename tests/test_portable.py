"""Writes where the system lacks what Linux gives tltrack (files.platform): no flock (a holder
file instead), no O_NOFOLLOW (the file looked at, then checked), no fork (no reading ahead),
no /proc (no check of the files SQLite opened). Each is taken away here, and the writes must
still be whole, locked against each other, never through a link, and read back cold (the
conftest reads every records file a command wrote).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import records_file
from portable import take_away_what_linux_gives
from test_data_safety import figure
from tltrack.errors import DataError
from tltrack.files import disk
from tltrack.files.locking import HOLDER_SUFFIX


@pytest.fixture(params=["linux", "elsewhere"])
def system(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "elsewhere":
        take_away_what_linux_gives(monkeypatch.setattr)
        monkeypatch.delattr(os, "fork")  # nothing may fork where there is no fork
        monkeypatch.delattr(os, "O_NOFOLLOW")
    yield request.param


def _figures(cli) -> list[tuple[Any, ...]]:
    exported = json.loads(cli("export", "--format", "json").stdout)["records"]
    return [(r["metric"], r["period"], r["value"], r["note"], r["revision"]) for r in exported]


def test_a_months_writes_are_the_same_anywhere(cli, data_dir: Path, tmp_path: Path, system) -> None:
    """record, a correction, an import, a hand edit repaired, a migration and back: the same
    figures whatever the system lacks."""
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    run = cli("record", "gdp_growth", "5.9", "--period", "2025-H1", "--correct", "--note", "修订")
    assert run.exit_code == 0, run.stderr
    sent = tmp_path / "figures.csv"
    sent.write_text("指标,期间,数值\nkey_projects_started,2025-06,262\n", encoding="utf-8")
    assert cli("import", str(sent)).exit_code == 0
    path = records_file(data_dir)
    path.write_text(path.read_text(encoding="utf-8").replace(" }", "}"), encoding="utf-8")
    assert cli("record", "housing_sales", "30", "--period", "2025-04").exit_code == 65
    assert cli("repair").exit_code == 0
    assert cli("record", "housing_sales", "30", "--period", "2025-04").exit_code == 0
    assert cli("migrate", "--to", "sqlite").exit_code == 0
    assert not list(data_dir.glob(f"*{HOLDER_SUFFIX}"))  # a holder file never outlives a write
    # Linux locks its lock file with flock; elsewhere only the holder file held the lock.
    assert (data_dir / ".2025.records.toml.lock").exists() == (system == "linux")
    assert _figures(cli) == [
        ("gdp_growth", "2025-H1", 5.8, "", 0),
        ("gdp_growth", "2025-H1", 5.9, "修订", 1),
        ("key_projects_started", "2025-06", 262.0, "", 0),
        ("housing_sales", "2025-04", 30.0, "", 0),
    ]


def test_the_sqlite_store_writes_without_proc(
    cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch, system
) -> None:
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    status = json.loads(cli("status", "--format", "json", "--as-of", "2025-07-20").stdout)
    gdp = next(t for t in status["targets"] if t["id"] == "gdp_growth")
    assert gdp["actual"] == 5.8


def test_a_big_records_file_is_read_without_reading_ahead(
    cli, monkeypatch: pytest.MonkeyPatch, system
) -> None:
    from tltrack.stores.toml import read_ahead

    monkeypatch.setattr(read_ahead, "READ_AHEAD_BYTES", 0)  # every records file is big
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    run = cli("status", "--format", "json", "--as-of", "2025-07-20", "--lang", "en")
    assert run.exit_code == 0 and '"actual": 5.8' in run.stdout


def test_a_link_planted_at_the_lock_is_not_written_through(
    cli, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, system
) -> None:
    monkeypatch.setenv("TLTRACK_LOCK_TIMEOUT", "0.2")
    victim = tmp_path / "victim"
    victim.write_bytes(b"someone else's\n")
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    lock = data_dir / ".2025.records.toml.lock"
    lock.unlink(missing_ok=True)
    lock.symlink_to(victim)
    holder = data_dir / f".2025.records.toml.lock{HOLDER_SUFFIX}"
    if system == "elsewhere":  # the holder file is the lock there: plant the link at it
        holder.symlink_to(victim)
    run = cli("record", "key_projects_started", "262", "--period", "2025-06", "--lang", "en")
    assert run.exit_code in (73, 75), run.stderr
    assert victim.read_bytes() == b"someone else's\n"


def test_a_file_swapped_for_a_link_while_it_is_opened_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, system
) -> None:
    """Without O_NOFOLLOW a file is looked at, opened, and looked at again: a link swapped in
    between is caught as O_NOFOLLOW would catch it."""
    sent = tmp_path / "figures.csv"
    sent.write_text("metric,period,value\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("secret\n", encoding="utf-8")
    real_open = os.open

    def swapping_open(path: Any, *args: Any, **kwargs: Any) -> int:
        if Path(path) == sent and not sent.is_symlink():
            sent.unlink()
            sent.symlink_to(elsewhere)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(disk.os, "open", swapping_open)
    with pytest.raises(DataError) as refused:
        disk.read_bytes(sent, follow=False)
    assert refused.value.msg.params["reason"].id == "link_not_read"  # as O_NOFOLLOW's ELOOP


def _portable_writer(data_dir: str, worker: int, count: int, barrier: Any) -> None:
    """A writer in a process of its own, on a system without flock."""
    take_away_what_linux_gives(setattr)
    from test_data_safety import _writer

    _writer(data_dir, worker, count, barrier)


def test_writers_without_flock_lose_nothing(data_dir: Path) -> None:
    workers, count = 4, 12
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers)
    processes = [
        context.Process(target=_portable_writer, args=(str(data_dir), w, count, barrier))
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
        assert process.exitcode == 0
    from tltrack.stores.toml.store import TomlStore

    written = {(r.metric, r.period) for r in TomlStore(records_file(data_dir)).read()}
    assert written == {figure(n) for n in range(workers * count)}
    assert not list(data_dir.glob(f"*{HOLDER_SUFFIX}"))
    assert not (data_dir / ".2025.records.toml.lock").exists()  # no flock was taken


def test_a_holder_left_by_a_killed_writer_is_named_and_then_removable(
    cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    take_away_what_linux_gives(monkeypatch.setattr)
    monkeypatch.setenv("TLTRACK_LOCK_TIMEOUT", "0.2")
    holder = data_dir / f".2025.records.toml.lock{HOLDER_SUFFIX}"
    holder.write_text("4242 office-pc 2025-07-08T02:14:09+00:00\n", encoding="utf-8")
    run = cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--lang", "en")
    assert run.exit_code == 75
    assert "(4242 office-pc 2025-07-08T02:14:09+00:00)" in run.stderr
    assert f"remove {holder.name}" in run.stderr
    assert not records_file(data_dir).exists()
    holder.unlink()
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0


def test_a_holder_that_is_no_longer_this_writers_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone removed the holder while a writer held it (as the message about one left
    behind advises) and another writer made its own: the first, done, leaves that one."""
    from tltrack.files.folder import open_folder
    from tltrack.files.locking import exclusive_lock

    take_away_what_linux_gives(monkeypatch.setattr)
    lock = tmp_path / ".2025.records.toml.lock"
    holder = lock.with_name(lock.name + HOLDER_SUFFIX)
    with open_folder(tmp_path) as folder, exclusive_lock(folder, lock.name, 1.0):
        assert holder.read_text(encoding="utf-8").split()[0] == str(os.getpid())
        holder.unlink()
        holder.write_text("4242 office-pc 2025-07-08T02:14:09+00:00\n", encoding="utf-8")
    assert holder.read_text(encoding="utf-8").startswith("4242 ")


def test_a_fifo_planted_at_the_holder_is_not_waited_on(
    cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anyone who can write the folder may put a FIFO where the holder file goes: the writer
    waits its lock timeout, says the lock is held, and never blocks reading who holds it."""
    take_away_what_linux_gives(monkeypatch.setattr)
    monkeypatch.setenv("TLTRACK_LOCK_TIMEOUT", "0.2")
    holder = data_dir / f".2025.records.toml.lock{HOLDER_SUFFIX}"
    os.mkfifo(holder)
    runs: list[Any] = []
    writer = threading.Thread(
        target=lambda: runs.append(
            cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--lang", "en")
        )
    )
    writer.start()
    writer.join(timeout=20)
    if writer.is_alive():  # blocked on the FIFO: give it an end so the test run goes on
        os.close(os.open(holder, os.O_WRONLY | os.O_NONBLOCK))
        writer.join()
        pytest.fail("the writer waited on a FIFO at the holder file")
    assert runs[0].exit_code == 75
    assert "(?)" in runs[0].stderr
    assert not records_file(data_dir).exists()
