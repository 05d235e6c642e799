"""A throwaway PostgreSQL server for the store's tests: initdb in a temporary folder, a Unix
socket there and no TCP port, stopped and removed at the end. Debian's postgresql package
provides the programs (.ci/run installs it); as root they run as the `postgres` user, since
the server refuses to run as root."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NEED_ENV = "TLTRACK_NEED_POSTGRESQL"  # set by .ci/run: there, no server is a failure


def bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


class Server:
    def __init__(self, folder: Path, port: int, runner: list[str]) -> None:
        self.folder = folder
        self.port = port
        self.runner = runner

    def url(self, role: str, database: str = "postgres") -> str:
        return f"postgresql://{role}@/{database}?host={self.folder}&port={self.port}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url("admin", database), autocommit=True) as connection:
            connection.execute(statement)


@contextmanager
def server() -> Iterator[Server]:
    programs = bindir()
    if programs is None:
        raise RuntimeError("no PostgreSQL server programs (initdb, pg_ctl) on this machine")
    folder = Path(tempfile.mkdtemp(prefix="tltrack-pg-"))
    runner: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        runner = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    port = 20000 + os.getpid() % 20000
    try:
        subprocess.run(
            [*runner, str(programs / "initdb"), "-D", str(data), "-U", "admin", "-A", "trust",
             "-E", "UTF8", "--no-locale"],
            check=True, capture_output=True,
        )  # fmt: skip
        options = f"-k {folder} -c listen_addresses='' -p {port} -c fsync=off"
        subprocess.run(
            [*runner, str(programs / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"),
             "-o", options, "-w", "start"],
            check=True, capture_output=True,
        )  # fmt: skip
        yield Server(folder, port, runner)
    finally:
        subprocess.run(
            [*runner, str(programs / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
