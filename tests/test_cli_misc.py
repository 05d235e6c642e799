"""Help, version, list, show, data-folder discovery and error handling of the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from tltrack import __version__
from tltrack.app import status as app_status
from tltrack.workspace.folder import find_data_dir

COMMANDS = [
    "status",
    "record",
    "import",
    "check",
    "report",
    "history",
    "list",
    "show",
    "validate",
    "repair",
    "init",
]


def test_version(cli) -> None:
    result = cli("--version")
    assert (result.exit_code, result.stdout) == (0, f"tltrack {__version__}\n")


def test_no_arguments_shows_help(cli) -> None:
    result = cli()
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_has_help_with_an_example(cli, command: str, flag: str) -> None:
    for lang, heading in (("en", "Examples:"), ("zh", "示例:")):
        result = cli(command, flag, "--lang", lang)
        assert result.exit_code == 0
        assert heading in result.stdout
        assert f"tltrack {command}" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"tltrack {command}" in (REPO / "README.md").read_text(encoding="utf-8")


def test_list(cli) -> None:
    result = cli("list", "--format", "csv")
    lines = result.stdout.splitlines()
    assert lines[0] == "id,name,category,kind,target,unit,direction,stretch,baseline"
    assert "grain_output,粮食产量,农牧业,cumulative,200,亿斤,at_least,true,194.1" in lines
    assert len(lines) == 74
    table = cli("list").stdout
    assert "力争≥200亿斤" in table and "194.1亿斤" in table and "共 73 项目标" in table
    assert "73 targets" in cli("list", "--lang", "en").stdout
    data = json.loads(cli("list", "--format", "json", "--category", "工业").stdout)
    ids = [t["id"] for t in data]
    assert ids[4] == "naiman_soda_ash_park" and ids[-1] == "mengdong_computing_park_started"


def test_show_gives_details_and_the_quote(cli) -> None:
    result = cli("show", "粮食产量")
    assert result.exit_code == 0
    for text in (
        "粮食产量  (grain_output)",
        "力争≥200亿斤",
        "194.1亿斤",
        "年末",
        "“粮食产量力争突破200亿斤”",
        "“粮食总产194.1亿斤”",
        "尚未填报数据",
    ):
        assert text in result.stdout


def test_show_markdown_and_csv(cli) -> None:
    cli("record", "grain_output", "201.3", "--period", "2025", "--note", "统计公报")
    md = cli("show", "grain_output", "--format", "markdown").stdout
    assert md.startswith("# 粮食产量  (grain_output)\n\n- 类别: 农牧业\n")
    assert "- 原文: “粮食产量力争突破200亿斤”\n" in md
    assert "| 2025 | 201.3亿斤 | 统计公报 | tester |" in md
    csv_lines = cli("show", "grain_output", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == "period,value,note,by,explanation,unit,source,at,correction,current"
    assert csv_lines[1].startswith("2025,201.3,统计公报,tester,,,typed,")


def test_the_nearest_targets_folder_is_found(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TLTRACK_DATA_DIR", raising=False)
    deep = data_dir.parent / "a" / "b"
    deep.mkdir(parents=True)
    assert find_data_dir(None, deep) == data_dir
    with pytest.raises(Exception, match=r"no target file \(such as 2025\.toml\) or targets/"):
        find_data_dir(None, Path("/"))


def test_a_missing_data_folder_is_exit_66(cli, tmp_path: Path) -> None:
    result = cli("status", "--data-dir", str(tmp_path / "nowhere"), "--lang", "en")
    assert result.exit_code == 66
    assert (
        result.stderr
        == f"tltrack: error: data folder {tmp_path / 'nowhere'} does not exist or is not a folder\n"
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("status", "--data-dir", str(empty), "--lang", "en")
    assert result.exit_code == 66 and "no target file (YYYY.toml)" in result.stderr


def test_usage_errors_are_exit_2_on_one_line(cli) -> None:
    for args in (["status", "--as-of", "July"], ["status", "--format", "xml"], ["frobnicate"]):
        result = cli(*args)
        assert result.exit_code == 2, args
        assert len(result.stderr.splitlines()) == 1, result.stderr


def test_an_internal_error_is_exit_70_without_a_traceback(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(app_status, "status", explode)
    result = cli("status", "--lang", "en")
    assert result.exit_code == 70
    assert result.stderr == (
        "tltrack: error: internal error: RuntimeError: boom; run again with TLTRACK_DEBUG=1"
        " for the details\n"
    )
    monkeypatch.setenv("TLTRACK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        cli("status")


def _subprocess(*args: str, cwd: Path, env: dict[str, str] | None = None):
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("TLTRACK_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "tltrack", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_python_m_tltrack_finds_the_targets_folder_from_a_subfolder(data_dir: Path) -> None:
    sub = data_dir.parent / "reports"
    sub.mkdir()
    result = _subprocess("status", "--format", "json", cwd=sub)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["no_data"] == 73
    bad = _subprocess("record", "gdp_growth", "nan", cwd=sub)
    assert (bad.returncode, bad.stdout) == (65, "")
    assert bad.stderr == "tltrack: error: bad value 'nan': nan and infinity are not figures\n"


# --- output that cannot be written ------------------------------------------------------------


@pytest.mark.linux_only
@pytest.mark.parametrize(
    "args",
    [["status"], ["status", "--format", "json"], ["report"], ["--version"], ["--help"],
     ["status", "--help"], ["export"]],
)  # fmt: skip
@pytest.mark.parametrize("where", ["/dev/full", "closed"])
def test_output_that_cannot_be_written_is_exit_74(data_dir: Path, args: list[str], where) -> None:
    """stdout on a full disk, or closed (`>&-`): one line, exit 74 (an I/O error), not 70."""
    env = {**os.environ, "TLTRACK_DATA_DIR": str(data_dir), "TLTRACK_LANG": "zh"}
    command = [sys.executable, "-m", "tltrack", *args]
    if where == "closed":
        run = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: os.close(1))  # fmt: skip
    else:
        with Path(where).open("w") as full:
            run = subprocess.run(command, env=env, stdout=full, stderr=subprocess.PIPE, text=True)
    if where == "closed" and {"--help", "--version"} & set(args):
        assert run.returncode in (0, 74), run.stderr  # click writes nothing where no stdout is
        return
    assert run.returncode == 74, run.stderr
    assert run.stderr.startswith("tltrack: error: 无法输出结果：") and run.stderr.count("\n") == 1


@pytest.mark.parametrize("seconds", ["1e308", "3000000", "inf", "-1", "0"])
def test_any_lock_timeout_is_a_wait_not_a_failure(cli, seconds: str, monkeypatch) -> None:
    monkeypatch.setenv("TLTRACK_LOCK_TIMEOUT", seconds)
    run = cli("record", "gdp_growth", "5.8", "--period", "2025-H1")
    assert run.exit_code == 0, run.stderr


def test_a_database_address_with_a_password_is_never_printed(cli, monkeypatch) -> None:
    for url in ("postgresql://u:pw@[::1", "postgresql://u:s3cret@[::1]:1/db"):
        monkeypatch.setenv("TLTRACK_STORE", url)
        run = cli("status")
        assert run.exit_code == 69
        assert "pw@" not in run.stderr and "s3cret" not in run.stderr


def test_a_name_too_long_is_one_line_not_an_internal_error(
    cli, data_dir: Path, tmp_path: Path
) -> None:
    from units_catalog import write_catalog

    write_catalog(data_dir)
    run = cli("template", "--by", "owner", "--period", "2025-06", "-o", str(tmp_path / ("b" * 300)))
    assert run.exit_code == 73, run.stderr
    assert run.stderr.count("\n") == 1
    run = cli("status", "--data-dir", str(tmp_path) + "/.." * 2000)
    assert run.exit_code == 66, run.stderr
    assert run.stderr.count("\n") == 1


@pytest.mark.linux_only
def test_a_record_with_stdout_closed_stores_nothing(data_dir: Path) -> None:
    """The output is checked before the write: exit 74 means nothing was recorded, and a
    retry is not told the figure is already there."""
    env = {**os.environ, "TLTRACK_DATA_DIR": str(data_dir), "TLTRACK_LANG": "en"}
    command = [
        sys.executable,
        "-m",
        "tltrack",
        "record",
        "gdp_growth",
        "5.8",
        "--period",
        "2025-H1",
    ]
    run = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: os.close(1))  # fmt: skip
    assert run.returncode == 74, run.stderr
    assert not (data_dir / "2025.records.toml").exists()
