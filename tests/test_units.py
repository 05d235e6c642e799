"""Units as people write them beside a figure: converted exactly within one kind and said
back, refused across kinds with the target's unit named (DESIGN §9)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tltrack.domain.units import convert, convertible
from tltrack.domain.values import read_number
from tltrack.errors import DataError
from units_catalog import write_catalog


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("420000亩", "万亩", "42"),
        ("1686000万元", "亿元", "168.6"),
        ("3.5亿元", "万元", "35000"),
        ("123456789元", "亿元", "1.23456789"),
        ("1.5万吨", "亿斤", "0.3"),  # 1 吨 = 2000 斤
        ("200亿斤", "万吨", "1000"),
        ("3万斤", "吨", "15"),
        ("1410万千瓦", "千瓦", "14100000"),
        ("0.1万亩", "亩", "1000"),  # exact: not 999.9999999999999
    ],
)
def test_units_of_one_kind_convert_exactly(text: str, unit: str, value: str) -> None:
    got, conversion = read_number(text, unit)
    assert conversion is not None and conversion.value == Decimal(value)
    assert got == float(value)


@pytest.mark.parametrize(
    ("text", "unit"),
    [("420000个", "万亩"), ("3吨", "万亩"), ("12户", "个"), ("5亩", "亿元"), ("5万千瓦", "万吨")],
)
def test_units_of_other_kinds_are_refused_naming_the_targets(text: str, unit: str) -> None:
    with pytest.raises(DataError) as refused:
        read_number(text, unit)
    assert f"target's unit ({unit})" in refused.value.msg.say("en")


def test_only_the_kinds_named_convert() -> None:
    assert convertible("亩", "万亩") and convertible("吨", "亿斤")
    assert not convertible("个", "户") and not convertible("万人", "人")
    assert convert("7", "万亩", "亩").value == Decimal(70000)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_catalog(tmp_path / "targets")


def test_record_says_the_conversion_back(cli, data_dir: Path) -> None:
    run = cli("record", "fixed_investment", "1686000万元", "--period", "2025-06")
    assert run.exit_code == 0, run.stderr
    assert run.stderr.startswith("1686000万元 → 168.6亿元\n")
    records = (data_dir / "2025.records.toml").read_text(encoding="utf-8")
    assert 'period = "2025-06", value = 168.6,' in records
    refused = cli("record", "fixed_investment", "1686000个", "--period", "2025-05")
    assert refused.exit_code == 65
    assert "'个' 不是目标的单位(亿元)" in refused.stderr


def test_import_reads_a_columns_unit_and_a_figures_own(cli, data_dir: Path, tmp_path) -> None:
    sheet = tmp_path / "投资.csv"
    sheet.write_text(
        "指标,期间,数值(万元),地区\n"
        "固定资产投资,2025年6月,200000,开鲁县\n"
        "固定资产投资,2025年6月,30亿元,奈曼旗\n",  # the figure's own unit wins
        encoding="utf-8",
    )
    run = cli("import", str(sheet))
    assert run.exit_code == 0, run.stderr
    assert "投资.csv 第 1 行(文件第 2 行): 200000万元 → 20亿元" in run.stderr
    records = (data_dir / "2025.records.toml").read_text(encoding="utf-8")
    assert 'region = "开鲁县", period = "2025-06", value = 20.0,' in records
    assert 'region = "奈曼旗", period = "2025-06", value = 30.0,' in records
    wrong = tmp_path / "错.csv"
    wrong.write_text("指标,期间,数值,单位,地区\n固定资产投资,2025年6月,3,万亩,科尔沁区\n", "utf-8")
    refused = cli("import", str(wrong))
    assert refused.exit_code == 65 and "万亩" in refused.stderr and "亿元" in refused.stderr
