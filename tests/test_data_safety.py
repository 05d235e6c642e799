"""The README's data-safety promises, each shown by a test that fails without it.

Real processes and real files: concurrent writers, writers killed at each step, faults
injected into every file-system call, a real EFBIG, an unprivileged user, real git.
"""

from __future__ import annotations

import errno
import fcntl
import multiprocessing
import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import records_file
from tltrack.app.recording import record
from tltrack.errors import TltrackError
from tltrack.files import disk as fileio
from tltrack.files import folder as folder_module
from tltrack.files import locking
from tltrack.stores.toml.store import lock_path
from tltrack.workspace.folder import open_workspace

# Cumulative targets: any positive figure is valid for them.
METRICS = [
    "key_projects_started",
    "high_standard_farmland",
    "beef_leading_enterprises",
    "beef_benefit_chains",
    "beef_fattening_enterprises",
    "beef_demo_towns",
    "beef_demo_farms",
    "beef_flagship_products",
    "beef_chain_output",
    "facility_agriculture",
    "industrial_chain_projects_started",
    "industrial_projects_completed",
    "new_industrial_enterprises",
    "service_key_projects",
    "new_service_entities",
    "housing_sales",
    "innovation_consortia",
    "urban_renewal_projects",
]


def figure(n: int) -> tuple[str, str]:
    """The n-th distinct (metric, period) pair."""
    return METRICS[n // 12], f"2025-{n % 12 + 1:02d}"


def entries(path: Path) -> list[dict[str, Any]]:
    return list(tomllib.loads(path.read_text(encoding="utf-8"))["record"])


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def lock_is_free(path: Path) -> bool:
    with lock_path(path).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


# --- 2. no lost update ------------------------------------------------------------------------


def _writer(data_dir: str, worker: int, count: int, barrier: Any) -> None:
    os.environ["TLTRACK_LOCK_TIMEOUT"] = "120"
    workspace = open_workspace(Path(data_dir), None)
    barrier.wait()
    for i in range(count):
        metric, period = figure(worker * count + i)
        # Any figure: explained, so that no review rule stands between the writers.
        record(workspace, metric, str(worker * 1000 + i), period, by=f"w{worker}", explanation="x")


def _run(target: Callable[..., None], args: list[tuple[Any, ...]]) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(args))
    processes = [context.Process(target=target, args=(*a, barrier)) for a in args]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
        assert process.exitcode == 0


def test_eight_writers_lose_nothing(data_dir: Path) -> None:
    _run(_writer, [(str(data_dir), w, 25) for w in range(8)])
    got = entries(records_file(data_dir))
    assert len(got) == 200
    assert sorted((e["by"], e["value"]) for e in got) == sorted(
        (f"w{w}", float(w * 1000 + i)) for w in range(8) for i in range(25)
    )
    assert leftovers(data_dir) == []


def _unlocked_writer(data_dir: str, worker: int, barrier: Any) -> None:
    """A writer without the lock, that waits after reading until the other one has read too:
    the interleaving the lock exists to prevent, made certain instead of left to chance."""
    from contextlib import nullcontext

    from tltrack.stores.toml import store as toml_store

    toml_store.exclusive_lock = lambda *args: nullcontext()  # type: ignore[assignment,misc]
    make_ledger = toml_store.RecordsFileChange.__init__

    def read_then_wait(self: toml_store.RecordsFileChange, *args: Any) -> None:
        make_ledger(self, *args)
        barrier.wait(timeout=60)

    toml_store.RecordsFileChange.__init__ = read_then_wait  # type: ignore[method-assign]
    workspace = open_workspace(Path(data_dir), None)
    metric, period = figure(worker)
    record(workspace, metric, str(worker + 1), period, by=f"w{worker}", explanation="x")


def test_without_the_lock_a_writer_loses_the_other_ones_figure(data_dir: Path) -> None:
    _run(_unlocked_writer, [(str(data_dir), w) for w in range(2)])
    # Both read the same empty file, both wrote it: the second rename dropped the first figure.
    assert len(entries(records_file(data_dir))) == 1


# --- 1, 4. crashes and signals ----------------------------------------------------------------

STEPS = ["after_read", "mid_write", "before_replace"]
PAUSED = Path(__file__).with_name("paused_tltrack.py")


def _start_paused(data_dir: Path, step: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TLTRACK_DATA_DIR": str(data_dir), "TLTRACK_LANG": "en"}
    process = subprocess.Popen(
        [sys.executable, str(PAUSED), step, "30", "record", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    assert line == f"tltrack-test: paused at {step}\n", line
    return process


@pytest.fixture
def with_one_figure(cli, data_dir: Path) -> Path:
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    return records_file(data_dir)


@pytest.mark.parametrize("step", STEPS)
def test_a_writer_killed_at_any_step_leaves_the_old_file(
    cli, data_dir: Path, with_one_figure: Path, step: str
) -> None:
    before = with_one_figure.read_bytes()
    process = _start_paused(data_dir, step, "key_projects_started", "262", "--period", "2025-06")
    process.kill()
    process.wait(timeout=30)
    assert with_one_figure.read_bytes() == before
    assert lock_is_free(with_one_figure)
    # The next writer works, and clears what the killed one left.
    assert cli("record", "key_projects_started", "262", "--period", "2025-06").exit_code == 0
    assert leftovers(data_dir) == []
    assert [e["metric"] for e in entries(with_one_figure)] == ["gdp_growth", "key_projects_started"]


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_and_sigterm_leave_no_trace(
    data_dir: Path, with_one_figure: Path, step: str, sig: int, code: int
) -> None:
    before = with_one_figure.read_bytes()
    process = _start_paused(data_dir, step, "key_projects_started", "262", "--period", "2025-06")
    process.send_signal(sig)
    assert process.wait(timeout=30) == code
    assert process.stderr is not None and "Traceback" not in process.stderr.read()
    assert with_one_figure.read_bytes() == before
    assert leftovers(data_dir) == []
    assert lock_is_free(with_one_figure)


# --- 4. I/O faults ----------------------------------------------------------------------------


class FaultyOs:
    """`os` for the files' modules (disk, locking, folder), except that the n-th file-system call
    fails with `error`."""

    CALLS = frozenset({"open", "write", "fsync", "fchmod", "close", "link", "replace", "unlink"})

    def __init__(self, fail_at: int, error: int) -> None:
        self.fail_at, self.error, self.count = fail_at, error, 0

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name not in self.CALLS:
            return real

        def call(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            if self.count == self.fail_at:
                raise OSError(self.error, os.strerror(self.error))
            return real(*args, **kwargs)

        return call


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EIO, errno.EFBIG])
def test_a_fault_at_any_file_system_call_leaves_no_trace(
    data_dir: Path, with_one_figure: Path, monkeypatch: pytest.MonkeyPatch, error: int
) -> None:
    workspace = open_workspace(data_dir, None)
    before = with_one_figure.read_bytes()
    failures = 0
    for fail_at in range(1, 80):
        with_one_figure.write_bytes(before)
        faulty = FaultyOs(fail_at, error)
        monkeypatch.setattr(fileio, "os", faulty)
        monkeypatch.setattr(locking, "os", faulty)
        monkeypatch.setattr(folder_module, "os", faulty)
        try:
            record(workspace, "key_projects_started", "262", "2025-06")
        except TltrackError as exc:
            failures += 1
            assert exc.exit_code == 74, (fail_at, exc.message)
            monkeypatch.setattr(fileio, "os", os)
            monkeypatch.setattr(locking, "os", os)
            monkeypatch.setattr(folder_module, "os", os)
            assert with_one_figure.read_bytes() == before, fail_at
            assert leftovers(data_dir) == [], fail_at
            assert lock_is_free(with_one_figure), fail_at
            continue
        finally:
            monkeypatch.setattr(fileio, "os", os)
            monkeypatch.setattr(locking, "os", os)
            monkeypatch.setattr(folder_module, "os", os)
        if faulty.count < fail_at:
            break  # every call went through: no fault was injected this time
        # A fault that loses nothing (closing a file only read): the write went through whole.
        assert [e["metric"] for e in entries(with_one_figure)][-1] == "key_projects_started"
    else:
        pytest.fail("the write never went through without a fault")
    assert failures >= 8  # open, write x2, fsync, fchmod, close, link, replace, dir fsync...
    assert [e["metric"] for e in entries(with_one_figure)] == ["gdp_growth", "key_projects_started"]


def test_a_real_efbig_from_a_file_size_limit(data_dir: Path, with_one_figure: Path) -> None:
    before = with_one_figure.read_bytes()
    limit = len(before)  # the new file is larger than this

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tltrack",
            "record",
            "key_projects_started",
            "262",
            "--period",
            "2025-06",
            "--lang",
            "en",
        ],
        env={**os.environ, "TLTRACK_DATA_DIR": str(data_dir)},
        preexec_fn=small_files,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 74, result.stderr
    assert "File too large" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert with_one_figure.read_bytes() == before
    assert leftovers(data_dir) == []


# --- 4. permissions: as an unprivileged user ---------------------------------------------------


def _as_nobody(args: list[str], data_dir: str, result: Any) -> None:
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
    os.environ["TLTRACK_DATA_DIR"] = data_dir
    os.environ["TLTRACK_LANG"] = "en"
    from typer.main import get_command

    from tltrack.cli.main import app

    result.value = get_command(app).main(args=args, standalone_mode=False)


def _run_as_nobody(args: list[str], data_dir: Path) -> int:
    # Fork, so the child has every module loaded before it gives up root.
    context = multiprocessing.get_context("fork")
    result = context.Value("i", -1)
    process = context.Process(target=_as_nobody, args=(args, str(data_dir), result))
    process.start()
    process.join(timeout=60)
    return int(result.value)


def _seed(folder: Path) -> Path:
    workspace = open_workspace(folder, None)
    record(workspace, "gdp_growth", "5.8", "2025-H1", by="root")
    path = records_file(folder)
    path.chmod(0o644)
    lock_path(path).chmod(0o666)
    return path


@pytest.mark.linux_only
def test_a_read_only_folder(shared_folder: Path) -> None:
    path = _seed(shared_folder)
    shared_folder.chmod(0o755)  # nobody may read, not write
    before = path.read_bytes()
    code = _run_as_nobody(
        ["record", "key_projects_started", "262", "--period", "2025-06"], shared_folder
    )
    assert code == 77
    assert path.read_bytes() == before
    assert leftovers(shared_folder) == []
    assert _run_as_nobody(["status"], shared_folder) == 0  # reading still works


@pytest.mark.linux_only
def test_a_read_only_file_in_a_writable_folder(shared_folder: Path) -> None:
    path = _seed(shared_folder)
    shared_folder.chmod(0o777)
    path.chmod(0o444)
    before = path.read_bytes()
    code = _run_as_nobody(
        ["record", "key_projects_started", "262", "--period", "2025-06"], shared_folder
    )
    assert code == 77
    assert path.read_bytes() == before
    assert path.stat().st_mode & 0o777 == 0o444
    assert leftovers(shared_folder) == []


# --- 5, 7. nothing invalid; idempotent and audited -------------------------------------------


def test_nan_never_reaches_the_file(
    data_dir: Path, with_one_figure: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even if a bug let NaN past the value parser, the parse-back check stops it."""
    from tltrack.stores.toml import store as toml_store

    before = with_one_figure.read_bytes()
    real_render_line = toml_store.render_line

    def render_with_nan(record: Any) -> str:
        return real_render_line(record).replace("value = 262.0", "value = nan")

    monkeypatch.setattr(toml_store, "render_line", render_with_nan)
    workspace = open_workspace(data_dir, None)
    with pytest.raises(TltrackError, match="would not read back the same"):
        record(workspace, "key_projects_started", "262", "2025-06")
    assert with_one_figure.read_bytes() == before


def test_a_correction_keeps_who_when_and_why(cli, with_one_figure: Path) -> None:
    assert (
        cli(
            "record",
            "gdp_growth",
            "5.9",
            "--period",
            "2025-H1",
            "--correct",
            "--by",
            "李四",
            "--note",
            "统计局修订",
        ).exit_code
        == 0
    )
    old, new = entries(with_one_figure)
    assert (old["value"], old["by"]) == (5.8, "tester")
    assert (new["value"], new["by"], new["note"], new["correction"]) == (
        5.9,
        "李四",
        "统计局修订",
        True,
    )
    assert new["at"] >= old["at"]


# --- 8. git --------------------------------------------------------------------------------------


def _git(folder: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    result = subprocess.run(
        ["git", *args], cwd=folder, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_two_clones_record_concurrently_and_merge(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = tmp_path / "origin.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    seed = tmp_path / "seed"
    _git(tmp_path, "clone", "-q", str(origin), str(seed))
    assert cli("init", str(seed / "targets"), "--catalog").exit_code == 0
    assert (
        cli(
            "record",
            "gdp_growth",
            "5.3",
            "--period",
            "2025-Q1",
            "--data-dir",
            str(seed / "targets"),
        ).exit_code
        == 0
    )
    (seed / ".gitattributes").write_bytes((seed / "targets" / ".gitattributes").read_bytes())
    _git(seed, "add", "-A")
    _git(seed, "commit", "-qm", "catalog")
    _git(seed, "push", "-q", "origin", "HEAD:main")
    clones = {name: tmp_path / name for name in ("a", "b")}
    for clone in clones.values():
        _git(tmp_path, "clone", "-q", str(origin), str(clone))

    def record_in(name: str, *figures: tuple[str, str, str]) -> Callable[[], None]:
        def run() -> None:
            for metric, value, period in figures:
                result = cli(
                    "record",
                    metric,
                    value,
                    "--period",
                    period,
                    "--data-dir",
                    str(clones[name] / "targets"),
                )
                assert result.exit_code == 0, result.stderr

        return run

    record_in("a", ("gdp_growth", "5.8", "2025-H1"), ("key_projects_started", "262", "2025-06"))()
    record_in("b", ("housing_sales", "70", "2025-06"), ("grain_output", "120", "2025-06"))()
    for name in ("a", "b"):
        _git(clones[name], "commit", "-qam", f"figures from {name}")
    _git(clones["a"], "push", "-q", "origin", "main")
    _git(clones["b"], "pull", "-q", "--no-rebase", "origin", "main")  # merges, no conflict
    merged = clones["b"] / "targets"
    assert [(e["metric"], e["value"]) for e in entries(merged / "2025.records.toml")] == [
        ("gdp_growth", 5.3),
        ("housing_sales", 70.0),
        ("grain_output", 120.0),
        ("gdp_growth", 5.8),
        ("key_projects_started", 262.0),
    ]
    assert cli("validate", "--data-dir", str(merged)).exit_code == 0
    # The merged file is tltrack's own form: the next figure goes in.
    assert (
        cli(
            "record",
            "new_5g_base_stations",
            "100",
            "--period",
            "2025-06",
            "--data-dir",
            str(merged),
        ).exit_code
        == 0
    )
    _git(clones["b"], "commit", "-qam", "one more")
    _git(clones["b"], "push", "-q", "origin", "main")
    _git(clones["a"], "pull", "-q", "--no-rebase", "origin", "main")
    assert len(entries(clones["a"] / "targets" / "2025.records.toml")) == 6
