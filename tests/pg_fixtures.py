"""The PostgreSQL fixtures (a plugin of conftest): a throwaway server for the session, and
a fresh database with tltrack's schema and its roles for a test."""

from __future__ import annotations

import itertools
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pg_server import NEED_ENV, Server, server
from units_catalog import write_catalog

numbers = itertools.count()


@pytest.fixture(scope="session")
def pg() -> Iterator[Server]:
    try:
        with server() as running:
            yield running
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        if os.environ.get(NEED_ENV):
            pytest.fail(f"PostgreSQL is needed here and cannot start: {exc}")
        pytest.skip(f"no PostgreSQL server can be started here: {exc}")


@pytest.fixture
def db(pg: Server, cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh database with the schema, an office-wide role and two county roles."""
    name = f"t{os.getpid()}_{next(numbers)}"
    pg.sql(f"CREATE DATABASE {name}")
    for role in ("office", "kailu", "naiman", "fgw"):
        pg.sql(f"DO $$ BEGIN CREATE ROLE {role} LOGIN; EXCEPTION WHEN duplicate_object THEN"
               " NULL; END $$")  # fmt: skip
    write_catalog(data_dir)
    monkeypatch.setenv("TLTRACK_STORE", pg.url("admin", name))
    assert cli("db", "init").exit_code == 0
    for role, scope in (
        ("office", ("--all",)),
        ("kailu", ("--region", "开鲁县")),
        ("naiman", ("--region", "奈曼旗")),
        ("fgw", ("--owner", "市发改委")),
    ):
        run = cli("db", "grant", role, *scope)
        assert run.exit_code == 0, run.stderr
    url = lambda role: pg.url(role, name)  # noqa: E731
    url.name = name  # type: ignore[attr-defined]
    return url


def as_role(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("TLTRACK_STORE", url)
