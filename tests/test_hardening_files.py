"""tltrack touches only its own files, and a correction always counts.

A root run in a folder an unprivileged user can write: links planted at the lock, the
records file, a backup or -o never lead a write elsewhere. Owner, group and mode survive a
write. For one period, the clock never decides which figure counts.
"""

from __future__ import annotations

import grp
import multiprocessing
import os
import pickle
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, SHIPPED_TARGETS, records_file
from test_data_safety import entries, figure
from tltrack.app.recording import record
from tltrack.app.stores import repair
from tltrack.files import cache
from tltrack.stores.toml.lines import render
from tltrack.stores.toml.store import lock_path
from tltrack.workspace.folder import open_workspace

AS_OF = ("--as-of", "2025-07-20")
NOBODY = 65534


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def attacked(tmp_path: Path) -> tuple[Path, Path]:
    """A data folder anyone may write (as /srv/shared often is) and a root-owned victim file
    outside it that must never change."""
    if os.geteuid() != 0:
        pytest.skip("the attack is on a root run")
    folder = tmp_path / "shared"
    folder.mkdir()
    shutil.copy2(SHIPPED_TARGETS / "2025.toml", folder / "2025.toml")
    folder.chmod(0o1777)
    victim_dir = tmp_path / "etc"
    victim_dir.mkdir()
    victim = victim_dir / "passwd"
    victim.write_text("root:x:0:0::/root:/bin/sh\n")
    return folder, victim


def _plant_link(link: Path, target: Path) -> None:
    """A link as an unprivileged user would leave it: owned by nobody."""
    link.symlink_to(target)
    os.lchown(link, NOBODY, NOBODY)


# --- 1. no write through a link -----------------------------------------------------------------


@pytest.mark.linux_only
@pytest.mark.parametrize("dangling", [False, True])
def test_a_lock_file_planted_as_a_link_is_refused(
    cli, attacked: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, dangling: bool
) -> None:
    folder, victim = attacked
    monkeypatch.setenv("TLTRACK_DATA_DIR", str(folder))
    target = victim.with_name("cron-job") if dangling else victim
    _plant_link(folder / ".2025.records.toml.lock", target)
    before = victim.read_bytes()
    result = cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--lang", "en")
    assert result.exit_code == 73
    assert result.stderr == (
        f"tltrack: error: cannot lock {folder / '.2025.records.toml.lock'}: it is a symbolic"
        " link, and tltrack does not write through links\n"
    )
    assert victim.read_bytes() == before
    assert not victim.with_name("cron-job").exists()
    assert not records_file(folder).exists()


@pytest.mark.linux_only
def test_a_lock_file_planted_as_a_fifo_is_refused_at_once(
    cli, attacked: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _ = attacked
    monkeypatch.setenv("TLTRACK_DATA_DIR", str(folder))
    os.mkfifo(folder / ".2025.records.toml.lock")
    started = time.monotonic()
    result = cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--lang", "en")
    assert result.exit_code == 73
    assert "it is not a regular file" in result.stderr
    assert time.monotonic() - started < 5


def test_a_records_file_linked_by_another_user_is_not_written(
    cli, attacked: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, victim = attacked
    monkeypatch.setenv("TLTRACK_DATA_DIR", str(folder))
    # The victim even reads as a records file: only the link's owner gives it away.
    victim.write_text("record = [\n]\n")
    before = victim.read_bytes()
    _plant_link(records_file(folder), victim)
    result = cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--lang", "en")
    assert result.exit_code == 77
    assert "the link belongs to another user than the owner of that file" in result.stderr
    assert victim.read_bytes() == before


def test_another_users_link_to_her_own_file_in_roots_folder_is_not_written(
    cli, attacked: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Her own file, in a folder only root may write: a write there would make root's lock
    and temporary file in that folder, so her link is not followed."""
    folder, victim = attacked
    monkeypatch.setenv("TLTRACK_DATA_DIR", str(folder))
    hers = victim.with_name("mallory.mbox")
    hers.write_text("record = [\n]\n")
    os.chown(hers, NOBODY, NOBODY)
    _plant_link(records_file(folder), hers)
    before = sorted(p.name for p in victim.parent.iterdir())
    result = cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--lang", "en")
    assert result.exit_code == 77, result.stderr
    assert "the owner of that file and its folder" in result.stderr
    assert sorted(p.name for p in victim.parent.iterdir()) == before
    assert hers.read_text() == "record = [\n]\n"


def test_a_dangling_records_link_creates_nothing(
    cli, attacked: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, victim = attacked
    monkeypatch.setenv("TLTRACK_DATA_DIR", str(folder))
    planted = victim.with_name("cron.d-job")
    _plant_link(records_file(folder), planted)
    result = cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--lang", "en")
    assert result.exit_code == 66
    assert not planted.exists()


@pytest.mark.parametrize("dangling", [False, True])
def test_report_output_planted_as_a_link_is_refused(
    cli, attacked: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, dangling: bool
) -> None:
    folder, victim = attacked
    monkeypatch.setenv("TLTRACK_DATA_DIR", str(folder))
    out = folder.parent / "public" / "bulletin.html"
    out.parent.mkdir()
    out.parent.chmod(0o1777)
    target = victim.with_name("new-file") if dangling else victim
    _plant_link(out, target)
    before = victim.read_bytes()
    result = cli("report", "-o", str(out), *AS_OF, "--lang", "en")
    assert result.exit_code == 73
    assert result.stderr == (
        f"tltrack: error: cannot write {out}: it is a symbolic link, and tltrack does not"
        " write through links\n"
    )
    assert victim.read_bytes() == before
    assert not victim.with_name("new-file").exists()
    assert out.is_symlink()


def _hand_edit(path: Path) -> bytes:
    path.write_text(path.read_text(encoding="utf-8") + "# checked by 李四\n", encoding="utf-8")
    return path.read_bytes()


def test_repair_backups_are_unguessable_and_never_through_a_link(
    cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    path = records_file(data_dir)
    edited = _hand_edit(path)
    # Make the "random" part known, plant a link at the name it gives: the repair must fail
    # on it rather than write through it, and leave everything as it was.
    real_urandom = os.urandom
    monkeypatch.setattr(os, "urandom", lambda n: b"\x00" * n)
    victim = data_dir.parent / "victim"
    victim.write_text("keep")
    stamp = time.strftime("%Y%m%dT%H%M", time.gmtime())
    for second in range(60):
        (data_dir / f"2025.records.toml.{stamp}{second:02d}Z.00000000.hand-edited").symlink_to(
            victim
        )
    result = cli("repair", "--lang", "en")
    assert result.exit_code == 73, result.stderr
    assert victim.read_text() == "keep"
    assert path.read_bytes() == edited
    monkeypatch.setattr(os, "urandom", real_urandom)
    for link in data_dir.glob("*.hand-edited"):
        link.unlink()
    # Two real repairs: two different, unpredictable names, each a regular file.
    assert cli("repair").exit_code == 0
    _hand_edit(path)
    assert cli("repair").exit_code == 0
    backups = sorted(data_dir.glob("2025.records.toml.*.hand-edited"))
    assert len(backups) == 2
    assert all(b.is_file() and not b.is_symlink() for b in backups)
    assert backups[0].name.split(".")[-2] != backups[1].name.split(".")[-2]


def test_a_failed_repair_leaves_no_backup(
    cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tltrack.stores.toml import store as toml_store

    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    edited = _hand_edit(records_file(data_dir))

    def full_disk(self: Any, records: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(toml_store.RecordsFileChange, "save", full_disk)
    with pytest.raises(OSError, match="No space"):
        repair(open_workspace(data_dir, None))
    assert list(data_dir.glob("*.hand-edited")) == []
    assert records_file(data_dir).read_bytes() == edited


# --- 2. one lock for every path to one file --------------------------------------------------


def _writer(data_dir: str, worker: int, barrier: Any) -> None:
    os.environ["TLTRACK_LOCK_TIMEOUT"] = "120"
    workspace = open_workspace(Path(data_dir), None)
    barrier.wait()
    for i in range(12):
        metric, period = figure(worker * 12 + i)
        record(workspace, metric, str(worker * 100 + i), period, by=f"w{worker}", explanation="x")


def test_writers_through_a_link_and_the_real_path_share_one_lock(tmp_path: Path) -> None:
    real_dir, linked_dir = tmp_path / "city", tmp_path / "office"
    for folder in (real_dir, linked_dir):
        folder.mkdir()
        shutil.copy2(SHIPPED_TARGETS / "2025.toml", folder / "2025.toml")
    records_file(real_dir).write_text(render([]))
    records_file(linked_dir).symlink_to(records_file(real_dir))
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(8)
    # Four writers use each path; each records 12 figures of its own.
    processes = [
        context.Process(target=_writer, args=(str(folder), w, barrier))
        for w, folder in enumerate([real_dir, linked_dir] * 4)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
        assert process.exitcode == 0
    got = entries(records_file(real_dir))
    assert sorted((e["by"], e["value"]) for e in got) == sorted(
        (f"w{w}", float(w * 100 + i)) for w in range(8) for i in range(12)
    )
    assert records_file(linked_dir).is_symlink()
    assert [p.name for p in real_dir.iterdir() if p.name.endswith(".tmp")] == []
    assert not lock_path(records_file(linked_dir)).exists()  # the lock is beside the real file
    assert lock_path(records_file(real_dir)).exists()


# --- 3. report -o never replaces a data file ---------------------------------------------------


@pytest.mark.parametrize("name", ["2025.toml", "2025.records.toml", "2026.toml"])
def test_report_never_writes_over_a_data_file(cli, data_dir: Path, name: str) -> None:
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    before = _tree(data_dir)
    result = cli("report", "-o", str(data_dir / name), "--format", "markdown", "--lang", "en")
    assert result.exit_code == 73
    assert result.stderr == (
        f"tltrack: error: refusing to write to {data_dir / name}: it is a data file of"
        f" {data_dir}, not a document\n"
    )
    assert _tree(data_dir) == before


def test_report_never_writes_over_a_hard_link_to_the_records(
    cli, data_dir: Path, tmp_path: Path
) -> None:
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    other = tmp_path / "bulletin.md"
    os.link(records_file(data_dir), other)
    before = records_file(data_dir).read_bytes()
    assert cli("report", "-o", str(other)).exit_code == 73
    assert records_file(data_dir).read_bytes() == before


def test_report_refuses_an_unknown_suffix(cli, tmp_path: Path) -> None:
    out = tmp_path / "bulletin.txt"
    result = cli("report", "-o", str(out), "--lang", "en")
    assert result.exit_code == 2
    assert "bulletin.txt: unknown suffix; use .md, .html or .xlsx, or give --format" in (
        result.stderr
    )
    assert not out.exists()
    assert cli("report", "-o", str(out), "--format", "markdown").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# ")
    mismatch = cli("report", "-o", str(tmp_path / "b.xlsx"), "--format", "html")
    assert mismatch.exit_code == 2


# --- 4. owner, group and mode ------------------------------------------------------------------


def _staff_folder(tmp_path: Path) -> tuple[Path, int]:
    if os.geteuid() != 0:
        pytest.skip("needs root to play two users")
    staff = grp.getgrnam("staff").gr_gid
    base = Path("/tmp") / f"tltrack-staff-{os.getpid()}"
    shutil.rmtree(base, ignore_errors=True)
    folder = base / "targets"
    folder.mkdir(parents=True)
    base.chmod(0o755)
    os.chown(folder, 0, staff)
    folder.chmod(0o2775)  # a shared folder: the group writes, new files take its group
    shutil.copy2(SHIPPED_TARGETS / "2025.toml", folder / "2025.toml")
    (folder / "2025.toml").chmod(0o644)
    return folder, staff


def _record_as(uid: int, gid: int, groups: list[int], folder: str, value: str) -> None:
    os.setgroups(groups)
    os.setgid(gid)
    os.setuid(uid)
    os.umask(0o022)  # a typical login: without the folder rule, group members could not write
    workspace = open_workspace(Path(folder), None)
    record(workspace, "key_projects_started", value, "2025-06", correct=True)


def _fork_record(uid: int, gid: int, groups: list[int], folder: Path, value: str) -> int:
    context = multiprocessing.get_context("fork")
    process = context.Process(target=_record_as, args=(uid, gid, groups, str(folder), value))
    process.start()
    process.join(timeout=60)
    return int(process.exitcode or 0)


@pytest.mark.linux_only
def test_a_shared_folder_stays_writable_for_the_group(tmp_path: Path) -> None:
    folder, staff = _staff_folder(tmp_path)
    try:
        os.umask(0o022)
        workspace = open_workspace(folder, None)
        record(workspace, "gdp_growth", "5.8", "2025-H1")  # root starts the file
        path, lock = records_file(folder), lock_path(records_file(folder))
        for made in (path, lock):
            info = made.stat()
            assert info.st_gid == staff, made
            assert stat.S_IMODE(info.st_mode) & 0o060 == 0o060, made  # group may write
        # A member of the group (nobody, in staff) records: the file keeps group and mode.
        assert _fork_record(NOBODY, NOBODY, [staff], folder, "262") == 0
        info = path.stat()
        assert (info.st_gid, stat.S_IMODE(info.st_mode)) == (staff, 0o664)
        # Root records after the member: the member still owns the file, and can go on.
        record(workspace, "housing_sales", "30", "2025-04")
        info = path.stat()
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (NOBODY, staff, 0o664)
        assert _fork_record(NOBODY, NOBODY, [staff], folder, "270") == 0
        assert len(entries(path)) == 4
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


def test_root_keeps_the_owner_group_and_mode_of_a_records_file(cli, data_dir: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file away")
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    path = records_file(data_dir)
    os.chown(path, NOBODY, NOBODY)
    path.chmod(0o640)
    assert cli("record", "key_projects_started", "262", "--period", "2025-06").exit_code == 0
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (NOBODY, NOBODY, 0o640)


# --- 5. nothing for tests in the package, nothing unpickled from another user ------------------


def test_the_package_has_no_test_switches() -> None:
    source = "\n".join(p.read_text() for p in (REPO / "src" / "tltrack").rglob("*.py"))
    assert "TLTRACK_TEST" not in source
    assert "pause_point" not in source


class _Planted:
    """What an attacker would pickle: unpickling it runs a command."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("how", ["foreign folder", "foreign entry", "known key"])
def test_the_cache_never_runs_a_planted_pickle(
    cli, data_dir: Path, private_cache: Path, tmp_path: Path, how: str
) -> None:
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    marker = tmp_path / "pwned"
    data = records_file(data_dir).read_bytes()
    entry = private_cache / f"records-{cache.FORMAT}-{cache.digest(data)}.pickle"
    assert entry.exists()
    entry.write_bytes(pickle.dumps(_Planted(marker)))
    if how == "foreign folder":
        private_cache.chmod(0o777)
    elif how == "foreign entry":
        if os.geteuid() != 0:
            pytest.skip("needs root to make a file another user's")
        os.chown(entry, NOBODY, NOBODY)
    result = cli("status", "--format", "json", *AS_OF)
    assert result.exit_code == 0, result.stderr
    assert not marker.exists()
    assert '"actual": 5.8' in result.stdout


# --- 6, 7. a correction always counts; one rule for ties ----------------------------------------


def _line(metric: str, period: str, value: float, at: str, extra: str = "") -> str:
    return (
        f'  {{ metric = "{metric}", period = "{period}", value = {value}, note = "", by = "x",'
        f" at = {at}{extra} }},\n"
    )


def _records(path: Path, *lines: str) -> None:
    from tltrack.stores.toml.lines import ARRAY_END, ARRAY_START, HEADER

    path.write_text(HEADER + ARRAY_START + "".join(lines) + ARRAY_END, encoding="utf-8")


def _actual(cli: Any, metric: str) -> tuple[float, str]:
    import json

    result = cli("status", "--format", "json", *AS_OF)
    assert result.exit_code == 0, result.stderr
    row = next(t for t in json.loads(result.stdout)["targets"] if t["id"] == metric)
    return row["actual"], row["period"]


def test_a_correction_beats_a_line_from_a_clock_running_ahead(cli, data_dir: Path) -> None:
    # A clone whose clock ran 5 years ahead recorded 5.8; git merged it in.
    _records(
        records_file(data_dir), _line("gdp_growth", "2025-H1", 5.8, "2030-01-01 00:00:00+00:00")
    )
    result = cli("record", "gdp_growth", "5.9", "--period", "2025-H1", "--correct")
    assert result.exit_code == 0, result.stderr
    assert _actual(cli, "gdp_growth") == (5.9, "2025-H1")
    assert 'revision = 1, source = "typed" }' in records_file(data_dir).read_text("utf-8")
    # A second correction counts over the first, whatever the clocks say.
    assert cli("record", "gdp_growth", "6.0", "--period", "2025-H1", "--correct").exit_code == 0
    assert _actual(cli, "gdp_growth") == (6.0, "2025-H1")
    history = cli("history", "gdp_growth", "--format", "json").stdout
    assert '"value": 6.0' in history


def test_a_correction_counts_over_a_figure_a_merge_put_after_it(cli, data_dir: Path) -> None:
    # Clone A corrected 5.8 to 5.9; clone B, not knowing, recorded 5.7 later in the file.
    _records(
        records_file(data_dir),
        _line("gdp_growth", "2025-H1", 5.8, "2025-07-08 00:00:00+00:00"),
        _line("gdp_growth", "2025-H1", 5.9, "2025-07-09 00:00:00+00:00", ", correction = true"),
        _line("gdp_growth", "2025-H1", 5.7, "2025-07-10 00:00:00+00:00"),
    )
    assert _actual(cli, "gdp_growth") == (5.9, "2025-H1")


def test_periods_ending_the_same_day_resolve_the_same_everywhere(cli, data_dir: Path) -> None:
    same_second = "2025-07-08 02:14:09+00:00"
    _records(
        records_file(data_dir),
        _line("key_projects_started", "2025-06", 262.0, same_second),
        _line("key_projects_started", "2025-Q2", 250.0, same_second),
        _line("key_projects_started", "2025-05", 200.0, same_second),
    )
    # The later line of the two ending on June 30th counts: assess, show and the bulletin.
    assert _actual(cli, "key_projects_started") == (250.0, "2025-Q2")
    show = cli("show", "key_projects_started", "--format", "json", *AS_OF).stdout
    assert '"actual": 250.0' in show
    html = cli("report", "--format", "html", *AS_OF).stdout
    row = html[html.index('data-id="key_projects_started"') :]
    chart = row[: row.index("</svg>")]
    assert chart.count("<circle") == 2  # May, and one point for June 30th: no zigzag
    assert ">250</text>" in chart


# --- 8. what git and editors do to a records file ---------------------------------------------


def test_a_time_without_offset_is_a_problem_with_its_line(cli, data_dir: Path) -> None:
    path = records_file(data_dir)
    _records(
        path,
        _line("gdp_growth", "2025-Q1", 5.1, "2025-04-08 00:00:00+00:00"),
        _line("gdp_growth", "2025-H1", 5.8, "2025-07-08 02:14:09"),
    )
    before = path.read_bytes()
    result = cli("validate", "--lang", "en")
    assert result.exit_code == 65
    assert "2025.records.toml:7: target 'gdp_growth 2025-H1': field 'at'" in result.stdout
    assert "needs a UTC offset" in result.stdout
    for args in (("status",), ("record", "gdp_growth", "5.9", "--period", "2025-H1")):
        run = cli(*args, "--lang", "en")
        assert run.exit_code == 65, args
        assert len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr
    assert path.read_bytes() == before


def test_an_empty_records_file_is_a_file_with_no_figures(cli, data_dir: Path) -> None:
    records_file(data_dir).write_bytes(b"")
    assert cli("status").exit_code == 0
    assert cli("validate").exit_code == 0
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    assert [e["value"] for e in entries(records_file(data_dir))] == [5.8]


@pytest.mark.parametrize("form", ["crlf", "bom"])
def test_crlf_and_bom_do_not_stop_later_writes(cli, data_dir: Path, form: str) -> None:
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    path = records_file(data_dir)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"\n", b"\r\n") if form == "crlf" else b"\xef\xbb\xbf" + data)
    assert cli("validate").exit_code == 0
    assert _actual(cli, "gdp_growth") == (5.8, "2025-H1")
    assert cli("record", "key_projects_started", "262", "--period", "2025-06").exit_code == 0
    assert [e["metric"] for e in entries(path)] == ["gdp_growth", "key_projects_started"]
    assert cli("record", "housing_sales", "30", "--period", "2025-04").exit_code == 0


def test_init_keeps_records_files_lf(cli, tmp_path: Path) -> None:
    assert cli("init", str(tmp_path / "new")).exit_code == 0
    attributes = (tmp_path / "new" / ".gitattributes").read_text()
    assert attributes == "*.records.toml merge=union eol=lf\n"
    subprocess.run(["git", "init", "-q", str(tmp_path / "new")], check=True)
    checked = subprocess.run(
        [
            "git",
            "-C",
            str(tmp_path / "new"),
            "check-attr",
            "eol",
            "merge",
            "--",
            "2025.records.toml",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "eol: lf" in checked and "merge: union" in checked
    assert sys.platform != "win32"
