"""A write's folder, opened once (files.folder): which links lead there, and that the folder
held is the one written, however its name is swapped afterwards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tltrack.errors import PermissionDeniedError
from tltrack.files.disk import PreparedWrite
from tltrack.files.folder import changeable_by_others, make_folder, open_folder

NOBODY = 65534


def _as_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("links of another user need root to make")


@pytest.mark.linux_only
def test_a_folder_held_is_written_though_its_name_now_leads_elsewhere(tmp_path: Path) -> None:
    mine, elsewhere = tmp_path / "mine", tmp_path / "elsewhere"
    mine.mkdir()
    elsewhere.mkdir()
    with open_folder(mine) as folder:
        write = PreparedWrite(folder, "2025.records.toml", b"new\n")
        mine.rename(tmp_path / "moved")
        mine.symlink_to(elsewhere)
        write.commit()
    assert (tmp_path / "moved" / "2025.records.toml").read_bytes() == b"new\n"
    assert list(elsewhere.iterdir()) == []


def test_own_links_and_dot_dot_are_followed_to_the_real_folder(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "to-b").symlink_to(tmp_path / "a" / "b")
    (tmp_path / "a" / "up").symlink_to("..")
    with open_folder(tmp_path / "to-b" / ".." / "b") as folder:
        assert folder.path == tmp_path / "a" / "b"
    with open_folder(tmp_path / "a" / "up" / "a") as folder:
        assert folder.path == tmp_path / "a"


@pytest.mark.linux_only
def test_another_users_link_leads_only_to_that_users_folder(tmp_path: Path) -> None:
    _as_root()
    hers, roots = tmp_path / "hers", tmp_path / "roots"
    hers.mkdir()
    roots.mkdir()
    os.chown(hers, NOBODY, NOBODY)
    for name, target in (("to-hers", hers), ("to-roots", roots)):
        (tmp_path / name).symlink_to(target)
        os.lchown(tmp_path / name, NOBODY, NOBODY)
    with open_folder(tmp_path / "to-hers") as folder:
        assert folder.path == hers
    with pytest.raises(PermissionDeniedError) as refused:
        open_folder(tmp_path / "to-roots" / ".")
    assert refused.value.exit_code == 77
    with pytest.raises(PermissionDeniedError):
        make_folder(tmp_path / "to-roots" / "new")
    assert list(roots.iterdir()) == []


def test_make_folder_makes_the_missing_folders_only(tmp_path: Path) -> None:
    make_folder(tmp_path / "a" / "b" / "c")
    make_folder(tmp_path / "a" / "b" / "c")  # already there: left as it is
    assert (tmp_path / "a" / "b" / "c").is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(OSError):
        make_folder(tmp_path / "file")


@pytest.mark.linux_only
def test_which_folders_others_could_change(tmp_path: Path) -> None:
    _as_root()
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # sticky: others add, but rename only their own
    kept = shared / "kept"
    kept.mkdir(mode=0o755)
    assert changeable_by_others(kept) is None
    os.chown(kept, NOBODY, NOBODY)  # hers: she may rename or fill it
    assert changeable_by_others(kept) == kept
    os.chown(kept, 0, 0)
    shared.chmod(0o777)  # not sticky: anyone renames what is in it
    assert changeable_by_others(kept) == shared
    kept.chmod(0o2775)  # root trusts no group
    assert changeable_by_others(kept) == kept


@pytest.mark.linux_only
def test_a_sqlite_store_in_a_folder_others_can_write_is_refused(
    cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_root()
    assert cli("record", "gdp_growth", "5.8", "--period", "2025-H1").exit_code == 0
    data_dir.chmod(0o1777)
    run = cli("migrate", "--to", "sqlite")
    assert run.exit_code == 77
    assert f"其他用户可以改动文件夹 {data_dir}" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not (data_dir / "2025.records.sqlite").exists()
    data_dir.chmod(0o755)  # only root writes it now
    assert cli("migrate", "--to", "sqlite").exit_code == 0
    monkeypatch.setenv("TLTRACK_STORE", "sqlite")
    assert cli("status").exit_code == 0
    data_dir.chmod(0o1777)  # a read there opens the database file alone, as a snapshot
    run = cli("status", "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert '"actual": 5.8' in run.stdout
    assert not list(data_dir.glob("*.sqlite-*"))  # no side file made there
    run = cli("record", "gdp_growth", "5.9", "--period", "2025-H1", "--correct")
    assert run.exit_code == 77 and "SQLite 按名称打开其中的文件" in run.stderr
