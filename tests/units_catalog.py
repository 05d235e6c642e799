"""A city's targets with lead units, supporting units and a split among its regions: the
data the tests of units, regions, ranking and forms run on. 示例数据: the owners, the splits
and every figure here are invented for the tests, not Tongliao's."""

from __future__ import annotations

from pathlib import Path

REGIONS = (
    "科尔沁区",
    "霍林郭勒市",
    "开鲁县",
    "科尔沁左翼中旗",
    "科尔沁左翼后旗",
    "库伦旗",
    "奈曼旗",
    "扎鲁特旗",
)

CATALOG = """\
# 示例数据: units, splits and figures invented for tests
[meta]
year = 2025
title = "示例市 2025 年目标（示例数据）"
regions = ["科尔沁区", "霍林郭勒市", "开鲁县", "科尔沁左翼中旗", "科尔沁左翼后旗",
           "库伦旗", "奈曼旗", "扎鲁特旗"]

[meta.thresholds]
rule = "gap_pp"
behind_pp = 10
at_risk_pp = 30
ahead_pp = 5
growth_ahead_pp = 1

[[target]]
id = "key_projects_started"
name = "开复工重点项目"
category = "项目建设"
kind = "cumulative"
target = 500
unit = "个"
owner = "市发改委"
co_owners = ["市工信局", "市住建局"]
quote = "示例数据"
[target.split]
"科尔沁区" = 120
"霍林郭勒市" = 60
"开鲁县" = 60
"科尔沁左翼中旗" = 60
"科尔沁左翼后旗" = 60
"库伦旗" = 50
"奈曼旗" = 50
"扎鲁特旗" = 60

[[target]]
id = "gdp_growth"
name = "地区生产总值增长"
category = "经济发展"
kind = "growth"
target = 6
unit = "%"
owner = "市统计局"
co_owners = ["市发改委"]
quote = "示例数据"
[target.split]
"科尔沁区" = 6.5
"霍林郭勒市" = 6
"开鲁县" = 6
"科尔沁左翼中旗" = 6
"科尔沁左翼后旗" = 6
"库伦旗" = 5.5
"奈曼旗" = 6
"扎鲁特旗" = 6

[[target]]
id = "fixed_investment"
name = "固定资产投资"
category = "经济发展"
kind = "cumulative"
target = 400
unit = "亿元"
owner = "市发改委"
quote = "示例数据"
[target.split]
"科尔沁区" = 100
"开鲁县" = 80
"奈曼旗" = 60
"扎鲁特旗" = 60
"霍林郭勒市" = 110

[[target]]
id = "beef_cattle"
name = "肉牛存栏"
category = "农牧业"
kind = "cumulative"
target = 400
unit = "万头"
owner = "市农牧局"
quote = "示例数据"

[[target]]
id = "grain_output"
name = "粮食产量"
category = "农牧业"
kind = "cumulative"
target = 200
unit = "亿斤"
owner = "市农牧局"
pace = "year_end"
quote = "示例数据"

[[target]]
id = "online_services"
name = "网上办事率"
category = "营商环境"
kind = "level"
target = 95
unit = "%"
owner = "市政务服务局"
quote = "示例数据"

[[target]]
id = "new_jobs"
name = "城镇新增就业"
category = "民生"
kind = "cumulative"
target = 2.4
unit = "万人"
owner = "市人社局"
quote = "示例数据"

[[target]]
id = "reservoir"
name = "水库建成"
category = "项目建设"
kind = "milestone"
owner = "市水利局"
quote = "示例数据"
"""


def write_catalog(folder: Path, text: str = CATALOG) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "2025.toml"
    path.write_text(text, encoding="utf-8")
    return folder
