"""A race: a user who may write a shared data folder swaps a folder of her own for a link to
a root-only folder, again and again (renameat2 with RENAME_EXCHANGE), while root's tltrack
writes through her folder. Nothing in the root-only folder may change, whatever the timing.

Used by tests/test_folder_swap.py (a bounded number of tries, in CI) and by
bench/folder_swap.py (a long run, whose result the README gives). Needs root and Linux.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import multiprocessing
import os
import pwd
import shutil
import stat
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tltrack.cli.main import app
from tltrack.domain.figures import Record
from tltrack.stores.toml.lines import render

RENAME_EXCHANGE = 2
REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "targets" / "2025.toml"
# What a command may end with under the race: done (0); refused, having met her link to the
# root-only folder on the way (77, 73, 74), or read through it what is no data file (65,
# 66). Never 70 or 1 (an error tltrack did not expect), never a traceback.
EXPECTED = {0, 65, 66, 73, 74, 77}
# Her records file, as tltrack writes it; for repair, with a comment added by hand.
HERS = render([Record("gdp_growth", "2025-H1", 5.7, datetime(2025, 7, 5, 9, tzinfo=UTC))])
HAND_EDITED = b"# figures of the banner office\n" + HERS.encode()


@dataclass
class Outcome:
    tries: int = 0
    exits: Counter[int] = field(default_factory=Counter)
    swaps: int = 0
    tracebacks: int = 0
    changed: list[str] = field(default_factory=list)  # what changed in the root-only folder
    said: dict[int, str] = field(default_factory=dict)  # a line each exit ended with


class Stage:
    """The folders of the race, under a fresh folder everyone may enter:

    data/      root's data folder, mode 1777 (a shared office folder): the target file, and
               links the user planted there to her own records file and SQLite store;
    attic/     the user's own folder: m/ (hers, holding her records file) and lnk, a link to
               rootonly/; she exchanges the two names without pause;
    rootonly/  root's folder, which only root may write: files under the names tltrack
               would write, which must stay as they are.
    """

    def __init__(self) -> None:
        self.user = pwd.getpwnam("nobody")
        self.base = Path(tempfile.mkdtemp(prefix="tltrack-swap-"))
        self.base.chmod(0o755)
        self.data, self.attic, self.rootonly = (
            self.base / "data",
            self.base / "attic",
            self.base / "rootonly",
        )
        self.data.mkdir(mode=0o755)
        shutil.copy2(SHIPPED, self.data / "2025.toml")
        self.data.chmod(0o1777)
        self.rootonly.mkdir(mode=0o755)
        for name in ("2025.records.toml", "2025.records.sqlite", "report.xlsx", "ld.so.preload"):
            (self.rootonly / name).write_bytes(b"root's own " + name.encode() + b"\n")
        mine = self.attic / "m"
        mine.mkdir(parents=True)
        (self.attic / "lnk").symlink_to(self.rootonly)
        (self.data / "2025.records.toml").symlink_to(mine / "2025.records.toml")
        (self.data / "2025.records.sqlite").symlink_to(mine / "2025.records.sqlite")
        for path in (self.attic, mine, self.attic / "lnk"):
            os.lchown(path, self.user.pw_uid, self.user.pw_gid)
        for name in ("2025.records.toml", "2025.records.sqlite"):
            os.lchown(self.data / name, self.user.pw_uid, self.user.pw_gid)
        # Her folder, held open by root here: her files are set through it, however the names
        # stand at the moment.
        self.mine = os.open(mine, os.O_RDONLY | os.O_DIRECTORY)
        self.reset_hers()

    def reset_hers(self, edited: bool = False) -> None:
        """Her records file (`edited` by hand: repair writes it), and her empty SQLite file."""
        records = HAND_EDITED if edited else HERS.encode()
        for name, data in (("2025.records.toml", records), ("2025.records.sqlite", b"")):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name, dir_fd=self.mine)
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=self.mine)
            os.write(fd, data)
            os.fchown(fd, self.user.pw_uid, self.user.pw_gid)
            os.close(fd)

    def settle(self) -> None:
        """Put her folder back under its name, whichever way the last swap left it."""
        if (self.attic / "m").is_symlink():
            _exchange(self.attic, "m", "lnk")

    def close(self) -> None:
        os.close(self.mine)
        shutil.rmtree(self.base, ignore_errors=True)


def snapshot(folder: Path) -> dict[str, tuple[int, int, int, str]]:
    """Every name in `folder`, with its owner, mode, kind and bytes (not through links)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        data = path.read_bytes() if stat.S_ISREG(info.st_mode) else b""
        found[str(path.relative_to(folder))] = (
            info.st_uid,
            stat.S_IMODE(info.st_mode),
            stat.S_IFMT(info.st_mode),
            hashlib.sha256(data).hexdigest(),
        )
    return found


def _exchange(folder: Path, one: str, other: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if libc.renameat2(fd, one.encode(), fd, other.encode(), RENAME_EXCHANGE) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))
    finally:
        os.close(fd)


def _swap_until_stopped(attic: str, uid: int, gid: int, stop: Any, swaps: Any) -> None:
    """The user's side: exchange m and lnk without pause until told to stop."""
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(attic, os.O_RDONLY | os.O_DIRECTORY)
    done = 0
    while not stop.is_set():
        for _ in range(64):
            libc.renameat2(fd, b"m", fd, b"lnk", RENAME_EXCHANGE)
        done += 64
    swaps.value = done


def commands(stage: Stage, attempt: int) -> dict[str, list[str]]:
    """Each writing command, pointed through her folder (attic/m) or at the links she
    planted in the shared data folder."""
    hers = stage.attic / "m"
    figures = stage.base / "figures.csv"
    if not figures.exists():
        figures.write_text("metric,period,value\nkey_projects_started,2025-06,262\n", "utf-8")
        figures.chmod(0o644)
    return {
        "record": ["record", "gdp_growth", "5.8", "--period", "2025-H1", "--correct"],
        "import": ["import", str(figures)],
        "repair": ["repair"],
        "migrate": ["migrate", "--to", "sqlite"],
        "template": ["template", "--by", "region", "-o", str(hers / f"forms-{attempt}")],
        "report": ["report", "-o", str(hers / "report.xlsx"), "--as-of", "2025-07-31"],
        "init": ["init", str(hers / f"new-{attempt}")],
        "demo": ["demo", str(hers / f"demo-{attempt}")],
    }


def race(
    tries: int, names: list[str] | None = None, log: Callable[[str], None] = print
) -> dict[str, Outcome]:
    """Run each command `tries` times while the user swaps; what each ended with."""
    if os.geteuid() != 0:
        raise RuntimeError("the race is against root's writes: run it as root")
    outcomes: dict[str, Outcome] = {}
    runner = CliRunner()
    stage = Stage()
    context = multiprocessing.get_context("fork")
    try:
        for name in names or list(commands(stage, 0)):
            outcome = outcomes[name] = Outcome()
            before = snapshot(stage.rootonly)
            stop, swaps = context.Event(), context.Value("q", 0)
            swapper = context.Process(
                target=_swap_until_stopped,
                args=(str(stage.attic), stage.user.pw_uid, stage.user.pw_gid, stop, swaps),
            )
            swapper.start()
            try:
                for attempt in range(tries):
                    stage.reset_hers(edited=name == "repair")
                    args = [*commands(stage, attempt)[name]]
                    env = {
                        "TLTRACK_DATA_DIR": str(stage.data),
                        "TLTRACK_LANG": "en",
                        "TLTRACK_DEBUG": "1",
                    }
                    result = runner.invoke(app, args, env=env)
                    outcome.tries += 1
                    outcome.exits[result.exit_code] += 1
                    said = result.stderr + result.stdout
                    outcome.said.setdefault(result.exit_code, said.strip()[-300:])
                    if result.exception is not None and not isinstance(
                        result.exception, SystemExit
                    ):
                        import traceback

                        outcome.said[result.exit_code] = "".join(
                            traceback.format_exception(result.exception)
                        )[-1500:]
                    outcome.tracebacks += "Traceback" in said or (
                        result.exception is not None
                        and (not isinstance(result.exception, SystemExit))
                    )
            finally:
                stop.set()
                swapper.join(timeout=30)
                outcome.swaps = int(swaps.value)
                stage.settle()
            after = snapshot(stage.rootonly)
            outcome.changed = sorted(k for k in {*before, *after} if before.get(k) != after.get(k))
            log(
                f"{name:9} tries {outcome.tries:5}  swaps {outcome.swaps:9}  exits "
                f"{dict(sorted(outcome.exits.items()))}  root-only folder changed: "
                f"{outcome.changed or 'nothing'}"
            )
    finally:
        stage.close()
    return outcomes
