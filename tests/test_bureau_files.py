"""Files from the bureaus as they come: 序号 and 责任单位 columns, periods as 1-9月 or an Excel
date, figures with thousands separators, — for "not available", the unit in the header."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def csv_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bureau.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bureaus_form_as_it_comes(cli, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "序号,指标,期间,数值(个),责任单位,备注\n"
        '1,key_projects_started,1-6月,"1,020",,\n'
        "2,new_5g_base_stations,2025年1-9月,2500,,\n"
        "3,grain_output,2025/9/1,—,,待统计局核定\n"
        "4,beef_demo_towns,2025-9,12,,\n",
    )
    run = cli("import", str(path), "--format", "json")
    assert run.exit_code == 0, run.stderr
    added = [(c["metric"], c["period"], c["value"]) for c in json.loads(run.stdout)["changes"]]
    assert added == [
        ("key_projects_started", "2025-06", 1020.0),
        ("new_5g_base_stations", "2025-09", 2500.0),
        ("beef_demo_towns", "2025-09", 12.0),
    ]
    assert "第 3 行(文件第 4 行): 数值为“—”(暂无数据)，未导入" in run.stderr


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("key_projects_started,2025/9/15,300", "是某一天的日期，不是期间"),
        ('key_projects_started,2025-06,"10,20"', "千位分隔符"),
        ("key_projects_started,1-13月,300", "期间"),
    ],
)
def test_what_stays_ambiguous_is_refused_with_its_row(cli, tmp_path: Path, row, problem) -> None:
    path = csv_file(tmp_path, "指标,期间,数值\n" + row + "\n")
    run = cli("import", str(path))
    assert run.exit_code == 65 and problem in run.stderr and "第 1 行" in run.stderr


def test_the_header_unit_is_checked(cli, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "指标,期间,数值(亿元)\ngdp_growth,2025-06,5.8\n")
    run = cli("import", str(path))
    assert run.exit_code == 65 and "单位是 '亿元'，但目标的单位是 '%'" in run.stderr


def test_a_column_no_alias_knows_is_named_with_map(cli, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "指标,期间,完成情况\nkey_projects_started,2025-06,262\n")
    assert cli("import", str(path)).exit_code == 65  # an unknown column is never ignored
    run = cli("import", str(path), "--map", "完成情况=value")
    assert run.exit_code == 0, run.stderr
    assert cli("import", str(path), "--map", "完成情况=数值").exit_code == 2


def test_a_value_with_a_separator_stays_refused_on_the_command_line(cli) -> None:
    run = cli("record", "key_projects_started", "1,020", "--period", "2025-06")
    assert run.exit_code == 65 and "千位分隔符" in run.stderr


def test_the_responsible_unit_is_checked_once_owners_exist(
    cli, tmp_path: Path, monkeypatch
) -> None:
    from units_catalog import write_catalog

    folder = write_catalog(tmp_path / "city")
    monkeypatch.setenv("TLTRACK_DATA_DIR", str(folder))
    good = csv_file(tmp_path, "指标,期间,数值,责任单位\nfixed_investment,2025-06,190,市发改委\n")
    assert cli("import", str(good)).exit_code == 0
    bad = csv_file(tmp_path, "指标,期间,数值,责任单位\nbeef_cattle,2025-06,190,市发改委\n")
    run = cli("import", str(bad))
    assert (
        run.exit_code == 65
        and "肉牛存栏 的牵头单位是 市农牧局，表中责任单位为 市发改委" in run.stderr
    )
