from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tltrack.cli.main import app

pytest_plugins = ["pg_fixtures"]

REPO = Path(__file__).resolve().parent.parent
SHIPPED_TARGETS = REPO / "targets"
SOURCE_ARTICLE = SHIPPED_TARGETS / "source" / "tongliao-2025-work-report.txt"


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session", autouse=True)
def shipped_targets_untouched() -> Iterator[None]:
    """No test may change the shipped targets/ folder."""
    before = _tree_digest(SHIPPED_TARGETS)
    yield
    assert _tree_digest(SHIPPED_TARGETS) == before, "a test changed the shipped targets/"


# Set to run the tests as on a system without what Linux gives tltrack's writes (flock,
# O_NOFOLLOW, fork, /proc): .ci/run runs the write tests a second time so.
WITHOUT_LINUX_ENV = "TLTRACK_TEST_WITHOUT_LINUX"


@pytest.fixture(autouse=True)
def without_linux(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if os.environ.get(WITHOUT_LINUX_ENV):
        if request.node.get_closest_marker("linux_only"):
            pytest.skip("checks a feature of Linux's own, which this run takes away")
        from portable import take_away_what_linux_gives

        take_away_what_linux_gives(monkeypatch.setattr)
        monkeypatch.delattr(os, "fork")
        monkeypatch.delattr(os, "O_NOFOLLOW")


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test has its own parse cache, never the user's."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("TLTRACK_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A temporary copy of the shipped target files."""
    folder = tmp_path / "targets"
    folder.mkdir()
    shutil.copy2(SHIPPED_TARGETS / "2025.toml", folder / "2025.toml")
    return folder


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run tltrack in-process against the temporary data folder."""
    monkeypatch.setenv("TLTRACK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("TLTRACK_USER", "tester")
    monkeypatch.delenv("TLTRACK_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TLTRACK_LANG", "zh")
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def run(*args: str) -> Run:
        before = _records_files(data_dir)
        result = runner.invoke(app, list(args), catch_exceptions=False)
        if result.exit_code == 0:
            for path, content in _records_files(data_dir).items():
                if before.get(path) != content:
                    read_back_cold(path)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def _records_files(folder: Path) -> dict[Path, bytes]:
    """The bytes of each store file of the folder: a TOML records file, or a SQLite database
    with its write-ahead log (where a commit stands until it is copied into the database)."""
    found = {}
    for path in [*folder.glob("*.records.toml"), *folder.glob("*.records.sqlite")]:
        if path.is_file() and not path.is_symlink():
            wal = path.with_name(path.name + "-wal")
            found[path] = path.read_bytes() + (wal.read_bytes() if wal.is_file() else b"")
    return found


def read_back_cold(path: Path) -> None:
    """What a command wrote, read as another machine would after a pull: with no parse cache,
    by the reader tltrack uses cold. It reads, in tltrack's own form, and holds the figures
    the warm reader (this test's cache) holds."""
    from tltrack.stores.sqlite.store import SqliteStore
    from tltrack.stores.toml.reading import check_records

    if path.suffix == ".sqlite":
        SqliteStore(path).read()  # every row checked as a figure, with no cache
        return

    warm = check_records(path)
    before = os.environ.get("TLTRACK_CACHE_DIR")
    os.environ["TLTRACK_CACHE_DIR"] = "off"
    try:
        cold = check_records(path)
    finally:
        if before is None:
            del os.environ["TLTRACK_CACHE_DIR"]
        else:
            os.environ["TLTRACK_CACHE_DIR"] = before
    assert cold.problems == [], f"{path.name} does not read cold: {cold.problems[0]}"
    assert not cold.hand_edited, f"{path.name} reads cold as edited by hand"
    assert cold.records == warm.records, f"{path.name} reads otherwise cold than warm"


def records_file(data_dir: Path) -> Path:
    return data_dir / "2025.records.toml"


@pytest.fixture
def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder outside pytest's private tmp, which nobody cannot enter."""
    if os.geteuid() != 0:
        pytest.skip("needs root to drop privileges to nobody")
    base = Path(os.environ.get("TMPDIR", "/tmp")) / f"tltrack-perm-{os.getpid()}"
    shutil.rmtree(base, ignore_errors=True)
    folder = base / "targets"
    folder.mkdir(parents=True)
    base.chmod(0o755)
    shutil.copy2(SHIPPED_TARGETS / "2025.toml", folder / "2025.toml")
    (folder / "2025.toml").chmod(0o644)
    yield folder
    shutil.rmtree(base, ignore_errors=True)


# A month of figures on the shipped catalog: the bulletin's tests read it.
@pytest.fixture
def month(cli):
    for args in [
        ("key_projects_started", "120", "--period", "2025-03"),
        ("key_projects_started", "421", "--period", "2025-06"),  # on track, +2.4 pp
        ("desertification_control", "150", "--period", "2025-06"),  # behind, -7.1 pp
        ("gdp_growth", "5.3", "--period", "2025-Q1"),
        ("gdp_growth", "5.8", "--period", "2025-H1"),  # behind, 0.2 pp short
        ("retail_sales_growth", "2.5", "--period", "2025-06"),  # at risk, 1.5 pp short
        ("housing_sales", "30", "--period", "2025-04"),  # stale
        ("yinchuo_jiliao_phase2_water", "done", "--period", "2025-06"),
        ("gahaishan_reservoir", "70%", "--period", "2025-06"),
        ("online_service_rate", "93", "--period", "2025-06"),  # at risk, 2 points short
    ]:
        assert cli("record", *args).exit_code == 0
    return cli
