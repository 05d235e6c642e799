"""A SQLite store in a folder this user cannot write (a read-only share, another office's
folder): it is read as a snapshot, and never written."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tltrack.stores.sqlite.store import SqliteStore


def read_only_run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """tltrack run where `folder` cannot be written: as root, in a mount namespace of its
    own where the folder is a read-only bind mount (root ignores a folder's mode bits);
    else with the folder's write bits cleared."""
    command = [sys.executable, "-m", "tltrack", *args, "--data-dir", str(folder)]
    env = {**os.environ, "TLTRACK_STORE": "sqlite", "TLTRACK_CACHE_DIR": "off"}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            return subprocess.run(command, env=env, capture_output=True, text=True)
        finally:
            folder.chmod(0o755)
    if shutil.which("unshare") is None:
        pytest.skip("no unshare to mount the folder read-only")
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    wrapped = ["unshare", "--mount", "sh", "-c", script, "sh", str(folder), *command]
    run = subprocess.run(wrapped, env=env, capture_output=True, text=True)
    if "mount:" in run.stderr or "unshare:" in run.stderr:
        pytest.skip(f"cannot mount the folder read-only here: {run.stderr.strip()}")
    return run


def test_a_store_in_a_read_only_folder_is_read(cli, data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    database = data_dir / "2025.records.sqlite"
    before = database.read_bytes()
    run = read_only_run(data_dir, "status", "--as-of", "2025-07-20", "--lang", "zh")
    assert run.returncode == 0, run.stderr
    assert "421个" in run.stdout
    assert read_only_run(data_dir, "validate").returncode == 0
    record = read_only_run(data_dir, "record", "key_projects_started", "430", "--lang", "zh")
    assert record.returncode == 77
    assert record.stderr.startswith("tltrack: error: 无法写入 2025.records.sqlite: 所在文件夹 ")
    assert record.stderr.endswith(" 不可写\n")
    assert database.read_bytes() == before
    assert sorted(p.name for p in data_dir.iterdir()) == ["2025.records.sqlite", "2025.toml"]


def test_changes_left_in_a_wal_file_are_not_read_past(cli, data_dir: Path, monkeypatch) -> None:
    """A writer that stopped before its changes reached the database leaves them in the -wal
    file; a snapshot of the database alone would miss them, so the store is refused."""
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    database = data_dir / "2025.records.sqlite"
    writer = sqlite3.connect(database)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute(
        "INSERT INTO figure (metric, region, period, period_end, value, note, by, at,"
        " correction, revision) SELECT metric, region, '2025-07', '2025-07-31', '430.0', note,"
        " by, at, correction, revision FROM figure"
    )
    writer.commit()
    left = data_dir.parent / "left"
    left.mkdir()
    for name in ("2025.toml", "2025.records.sqlite", "2025.records.sqlite-wal"):
        shutil.copyfile(data_dir / name, left / name)  # as a crash leaves them, but -shm
    writer.close()
    wal = (left / "2025.records.sqlite-wal").read_bytes()
    run = read_only_run(left, "status", "--as-of", "2025-08-20", "--lang", "zh")
    assert run.returncode == 77, run.stderr
    assert run.stderr.startswith("tltrack: error: 无法读取 2025.records.sqlite：所在文件夹")
    assert "2025.records.sqlite-wal 中还有尚未写入数据库的数据" in run.stderr
    assert len(run.stderr.splitlines()) == 1
    assert (left / "2025.records.sqlite-wal").read_bytes() == wal


@pytest.fixture
def snapshot_store(cli, data_dir: Path, monkeypatch) -> SqliteStore:
    """A store holding one figure (421), read only as a snapshot, as in a folder it cannot
    write: SQLite's own open fails and the folder is not writable. Only this store object:
    a writer through the command line is not touched."""
    from tltrack.errors import DataError
    from tltrack.stores.sqlite import store as store_sqlite

    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    store = SqliteStore(data_dir / "2025.records.sqlite")

    def only_snapshots(real: Path, create: bool, snapshot: bool):
        if not snapshot:
            raise DataError("not_a_store", file=store.name, reason="unable to open database file")
        return SqliteStore._open(store, real, create, snapshot)

    monkeypatch.setattr(store, "_open", only_snapshots, raising=False)
    monkeypatch.setattr(store_sqlite, "snapshot_readable", lambda path: True)
    monkeypatch.setattr(store_sqlite.time, "sleep", lambda seconds: None)
    return store


@pytest.mark.parametrize("torn", [False, True], ids=["a mix", "a torn page"])
def test_a_snapshot_that_raced_a_writer_is_read_again(cli, snapshot_store, monkeypatch, torn):
    """A writer with the right to write may change the database while it is read as a
    snapshot: what was read (or the error a torn page gave) is then read again, and the
    writer's figure is in it."""
    from tltrack.errors import DataError

    store = snapshot_store
    reads = []

    def writer_meanwhile(connection, query, params):
        reads.append(1)
        if len(reads) == 1:
            run = cli("record", "key_projects_started", "430", "--period", "2025-07")
            assert run.exit_code == 0
            if torn:
                raise DataError("not_a_store", file=store.name, reason="disk image is malformed")
        return SqliteStore.rows(store, connection, query, params)

    monkeypatch.setattr(store, "rows", writer_meanwhile, raising=False)
    assert [r.value for r in store.read()] == [421.0, 430.0]
    assert len(reads) == 2


def test_a_snapshot_that_never_holds_still_is_said(cli, snapshot_store, monkeypatch) -> None:
    store = snapshot_store
    written = []

    def writer_each_time(connection, query, params):
        written.append(1)
        month = f"2025-{6 + len(written):02d}"
        run = cli("record", "key_projects_started", "430", "--period", month)
        assert run.exit_code == 0, run.stderr
        return SqliteStore.rows(store, connection, query, params)

    monkeypatch.setattr(store, "rows", writer_each_time, raising=False)
    from tltrack.errors import LockBusyError

    with pytest.raises(LockBusyError) as refused:
        store.read()
    assert refused.value.exit_code == 75 and len(written) == 3
    assert "changed each time it was read" in str(refused.value.msg)


def test_a_half_made_change_in_a_journal_is_not_read_past(cli, data_dir, monkeypatch) -> None:
    """A writer stopped halfway in rollback mode leaves a -journal: the database itself
    then holds a half-made change, which only SQLite's own open would roll back."""
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    left = data_dir.parent / "left"
    left.mkdir()
    for name in ("2025.toml", "2025.records.sqlite"):
        shutil.copyfile(data_dir / name, left / name)
    (left / "2025.records.sqlite-journal").write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" * 64)
    run = read_only_run(left, "status", "--lang", "zh")
    assert run.returncode == 77, run.stderr
    assert "2025.records.sqlite-journal 中还有尚未写入数据库的数据" in run.stderr


def test_a_later_store_in_a_read_only_folder_says_so(cli, data_dir, monkeypatch) -> None:
    """A write where the folder cannot be written: what is wrong with the store itself is
    said first (a later tltrack's store), not only that the folder is read-only."""
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    with closing(sqlite3.connect(data_dir / "2025.records.sqlite")) as db:
        db.execute("PRAGMA user_version = 5")
    run = read_only_run(data_dir, "record", "key_projects_started", "430", "--lang", "en")
    assert run.returncode == 65
    assert "was made by a later tltrack (schema 5)" in run.stderr


@pytest.mark.linux_only
def test_a_store_on_a_full_disk_is_still_read(cli, data_dir: Path, monkeypatch) -> None:
    """On a full disk SQLite cannot make its -shm file (here: no file may grow past two
    bytes, RLIMIT_FSIZE), which made `status` exit 74; with no change pending in a -wal
    or -journal, the database is read as a snapshot."""
    import resource

    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    for leftover in data_dir.glob("*.sqlite-*"):
        leftover.unlink()
    command = [sys.executable, "-m", "tltrack", "status", "--format", "json"]
    env = {**os.environ, "TLTRACK_DATA_DIR": str(data_dir), "TLTRACK_CACHE_DIR": "off"}

    def full() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2, 2))

    run = subprocess.run(command, env=env, capture_output=True, text=True, preexec_fn=full)
    assert run.returncode == 0, run.stderr
    assert '"actual": 421.0' in run.stdout
