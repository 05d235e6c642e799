"""What tltrack imports to start: the guard of the typer pin, without timing anything.

A warm `status`, `record`, `show` or `--help` must not import Pydantic: files already read
come from the parse cache, and typer before 0.29 parses options itself. typer 0.29 builds a
Pydantic adapter for every option, which costs about 0.1 s on every run; if an upgrade (or a
new import) brings Pydantic back on the hot path, this fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _imported(data_dir: Path, cache: Path, *args: str) -> set[str]:
    env = {
        **os.environ,
        "TLTRACK_DATA_DIR": str(data_dir),
        "TLTRACK_CACHE_DIR": str(cache),
        "TLTRACK_LANG": "en",
    }
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tltrack", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return {
        line.split("|")[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("--version",),
        ("status", "--as-of", "2025-07-20"),
        ("record", "key_projects_started", "270", "--period", "2025-07"),
        ("show", "gdp_growth", "--as-of", "2025-07-20"),
    ],
    ids=lambda a: a[0],
)
def test_a_warm_run_does_not_import_pydantic(
    cli, data_dir: Path, private_cache: Path, args: tuple[str, ...]
) -> None:
    # The first run reads the files afresh (and may use Pydantic); the second is warm.
    assert cli("record", "key_projects_started", "262", "--period", "2025-06").exit_code == 0
    assert cli("status").exit_code == 0
    modules = _imported(data_dir, private_cache, *args)
    assert "tltrack" in modules
    assert "pydantic" not in modules
    assert "pydantic_core" not in modules


def test_the_typer_in_use_is_one_the_pin_allows() -> None:
    import typer

    major, minor = (int(part) for part in typer.__version__.split(".")[:2])
    assert (0, 28) <= (major, minor) < (0, 29), typer.__version__
