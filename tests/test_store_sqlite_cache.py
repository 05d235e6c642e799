"""A SQLite store's status read again before the next write comes from the parse cache, and
every change to the database, however made, is seen."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tltrack.stores.sqlite import files as sqlite_files
from tltrack.stores.sqlite.store import SqliteStore

AS_OF = ("--as-of", "2025-07-20")


@pytest.fixture
def store(cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite store with two figures, old enough (as far as the cache can tell) to be
    cached at once: the tests do not wait out the racy seconds."""
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    monkeypatch.setattr(sqlite_files, "RECENT_SECONDS", 0.0)
    assert cli("record", "key_projects_started", "421", "--period", "2025-06").exit_code == 0
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    return data_dir / "2025.records.sqlite"


def backdate(database: Path) -> None:
    """Time passes: within one test every write falls in the same tick of the file system's
    clock, which the racy seconds guard against; here the last write's time is moved
    instead (back: a time ahead of the clock is never kept)."""
    info = database.stat()
    os.utime(database, ns=(info.st_atime_ns, info.st_mtime_ns - 10**10))


def later(database: Path) -> None:
    """As backdate, and the database's state is one a read may be kept under."""
    backdate(database)
    assert sqlite_files.files_state(database) is not None


def figures(cli, as_of: str = AS_OF[1]) -> dict[str, float | None]:
    report = json.loads(cli("status", "--format", "json", "--as-of", as_of).stdout)
    return {t["id"]: t["actual"] for t in report["targets"] if t["actual"] is not None}


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("sqlite-latest-*.pickle"))


def test_a_status_again_reads_the_cache_not_the_database(
    cli, store: Path, private_cache: Path, monkeypatch
) -> None:
    first = cli("status", *AS_OF)
    assert first.exit_code == 0 and entries(private_cache) == []  # a state read once: kept
    assert cli("status", *AS_OF).stdout == first.stdout  # only from its second read on
    assert len(entries(private_cache)) == 1

    def no_query(self, query, params=()):
        raise AssertionError("the database was asked")

    monkeypatch.setattr(SqliteStore, "_select", no_query)
    again = cli("status", *AS_OF)
    assert (again.exit_code, again.stdout) == (0, first.stdout)
    assert len(entries(private_cache)) == 1


def test_a_write_is_seen_by_the_next_status(cli, store: Path, private_cache: Path) -> None:
    assert figures(cli) == {"key_projects_started": 421.0, "gdp_growth": 5.8}
    assert figures(cli) == {"key_projects_started": 421.0, "gdp_growth": 5.8}
    assert len(entries(private_cache)) == 1
    run = cli("record", "key_projects_started", "430", "--period", "2025-06", "--correct")
    assert run.exit_code == 0
    later(store)
    assert figures(cli)["key_projects_started"] == 430.0


def test_an_edit_that_keeps_sizes_and_times_is_seen(cli, store, private_cache) -> None:
    """An edit with sqlite3 that leaves every file's size and modification time as they
    were (the value keeps its length; the times are set back): the change time moved."""
    assert figures(cli)["gdp_growth"] == figures(cli)["gdp_growth"] == 5.8
    assert len(entries(private_cache)) == 1  # kept
    wal = store.with_name(store.name + "-wal")
    with closing(sqlite3.connect(store)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    times = {path: path.stat() for path in (store, wal) if path.exists()}
    sizes = {path: info.st_size for path, info in times.items()}
    with closing(sqlite3.connect(store)) as db:
        db.execute("UPDATE figure SET value = '5.9' WHERE metric = 'gdp_growth'")
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path, info in times.items():
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert {path: path.stat().st_size for path in times} == sizes
    assert {path: path.stat().st_mtime_ns for path in times} == {
        path: info.st_mtime_ns for path, info in times.items()
    }
    assert figures(cli)["gdp_growth"] == 5.9


def test_a_database_changed_a_moment_ago_is_not_cached(
    cli, store: Path, private_cache: Path, monkeypatch
) -> None:
    """Within a tick of the file system's clock a second write could keep every time the
    first left: nothing is kept until the database has been still for a while."""
    monkeypatch.setattr(sqlite_files, "RECENT_SECONDS", 3600.0)
    for _ in range(3):
        assert cli("status", *AS_OF).exit_code == 0
    assert list(private_cache.glob("sqlite-*")) == []


def test_another_date_is_another_read(cli, store: Path, private_cache: Path) -> None:
    run = cli("record", "key_projects_started", "430", "--period", "2025-07")
    assert run.exit_code == 0
    later(store)
    assert figures(cli)["key_projects_started"] == figures(cli)["key_projects_started"] == 421.0
    assert len(entries(private_cache)) == 1
    assert figures(cli, "2025-08-20")["key_projects_started"] == 430.0


def nothing_kept(cli, cache: Path) -> None:
    for _ in range(3):
        assert cli("status", *AS_OF).exit_code == 0
    assert list(cache.glob("sqlite-*")) == []


def test_commits_in_a_wal_file_keep_nothing(cli, store: Path, private_cache: Path) -> None:
    """A commit is written to the -wal, then made visible through the -shm: while the -wal
    holds commits (another program keeps the database open), the state cannot tell."""
    with closing(sqlite3.connect(store)) as other:
        other.execute("PRAGMA wal_autocheckpoint = 0")
        other.execute("UPDATE figure SET note = 'checked'")
        other.commit()
        backdate(store)  # the database itself old enough: the -wal is what says no
        assert store.with_name(store.name + "-wal").stat().st_size > 0
        assert sqlite_files.files_state(store) is None
        nothing_kept(cli, private_cache)


def test_a_write_during_the_read_keeps_nothing(cli, store, private_cache, monkeypatch) -> None:
    read_whole = SqliteStore._read_whole
    writing = []

    def writer_meanwhile(self, read, real=None):
        found = read_whole(self, read, real)
        if not writing:  # the writer's own reads come here too
            writing.append(True)
            run = cli("record", "key_projects_started", "430", "--period", "2025-06", "--correct")
            assert run.exit_code == 0
            later(store)
            writing.clear()
        return found

    monkeypatch.setattr(SqliteStore, "_read_whole", writer_meanwhile)
    monkeypatch.setenv("TLTRACK_CACHE_DIR", str(private_cache))
    for _ in range(2):
        assert cli("status", *AS_OF).exit_code == 0
    assert list(private_cache.glob("sqlite-*")) == []


def test_a_network_file_system_keeps_nothing(cli, store, private_cache, monkeypatch) -> None:
    """A network client's file times may come from its cache (NFS: up to a minute)."""
    monkeypatch.setattr(sqlite_files, "local_file_system", lambda path: False)
    nothing_kept(cli, private_cache)


MOUNTS = """\
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
40 27 0:50 / /mnt/nfs\\040share rw,relatime shared:1 - nfs4 server:/export rw
41 40 0:51 / /mnt/nfs\\040share/inner rw - tmpfs tmpfs rw
42 27 0:52 / /srv rw - overlay overlay rw
43 42 0:53 / /srv rw - fuse.sshfs office:/data rw
"""


@pytest.mark.parametrize(
    ("path", "local"),
    [
        ("/data/2025.records.sqlite", True),
        ("/mnt/nfs share/2025.records.sqlite", False),
        ("/mnt/nfs share/inner/2025.records.sqlite", True),
        ("/mnt/nfs sharex/2025.records.sqlite", True),  # a name that begins alike: on /
        ("/srv/2025.records.sqlite", False),  # the last mounted on /srv is what is there
    ],
)
def test_the_file_system_is_read_from_the_kernel_s_mounts(path: str, local: bool) -> None:
    assert sqlite_files.local_file_system(Path(path), MOUNTS) is local
