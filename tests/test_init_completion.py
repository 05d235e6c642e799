"""tltrack init, and shell completion of commands and metric ids."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHIPPED_TARGETS


def test_init_with_the_shipped_catalog(cli, tmp_path: Path) -> None:
    folder = tmp_path / "new" / "targets"
    result = cli("init", str(folder), "--catalog", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert (folder / "2025.toml").read_bytes() == (SHIPPED_TARGETS / "2025.toml").read_bytes()
    assert (folder / "source" / "tongliao-2025-work-report.txt").is_file()
    ignored = (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".*.lock" in ignored and ".*.lock.held" in ignored
    assert result.stderr.splitlines()[-1] == "next: edit the target file, then 'tltrack validate'"
    status = cli("status", "--data-dir", str(folder), "--format", "json")
    assert status.exit_code == 0 and '"no_data": 73' in status.stdout


def test_init_with_a_template_that_validates(cli, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    assert cli("init", str(folder), "--year", "2026").exit_code == 0
    text = (folder / "2026.toml").read_text(encoding="utf-8")
    assert text.startswith("# 2026 年目标") and "[meta.thresholds]" in text
    checked = cli("validate", "--data-dir", str(folder), "--lang", "en")
    assert checked.exit_code == 0
    assert checked.stderr == "2026.toml: valid (3 entries)\n"
    record = cli(
        "record", "key_projects_started", "100", "--period", "2026-03", "--data-dir", str(folder)
    )
    assert record.exit_code == 0


def test_init_never_overwrites(cli, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    assert cli("init", str(folder), "--year", "2026").exit_code == 0
    (folder / "2026.toml").write_text("# mine\n", encoding="utf-8")
    again = cli("init", str(folder), "--year", "2026", "--lang", "en")
    assert again.exit_code == 73
    assert (
        again.stderr
        == f"tltrack: error: {folder / '2026.toml'} already exists; nothing was changed\n"
    )
    assert (folder / "2026.toml").read_text(encoding="utf-8") == "# mine\n"


def _complete(words: str, cword: int, data_dir: Path) -> list[str]:
    env = {
        **os.environ,
        "TLTRACK_DATA_DIR": str(data_dir),
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
        "_TLTRACK_COMPLETE": "complete_bash",
    }
    result = subprocess.run(
        [sys.executable, "-m", "tltrack"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("tltrack sh", 1, ["show"]),
        ("tltrack re", 1, ["record", "review", "report", "repair"]),
        ("tltrack show gdp", 2, ["gdp_growth"]),
        ("tltrack record grain", 2, ["grain_output"]),
        ("tltrack history 粮", 2, ["粮食产量"]),
    ],
)
def test_shell_completion(data_dir: Path, words: str, cword: int, expected: list[str]) -> None:
    assert _complete(words, cword, data_dir) == expected


def test_completion_script_is_offered(cli) -> None:
    result = cli("--help")
    assert "--install-completion" in result.stdout
