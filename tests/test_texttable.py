"""The fast status table measures text exactly as Rich does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from tltrack.views.texttable import Cell, Column, fold, render, width_of

ALPHABET = st.sampled_from(
    list("abc 123.%-")
    + list("通辽滞后进度正常粮食产量")
    + list("（），、。：；「」")
    + list("ＡＢ１２")
    + list("≥≤Ⅴ█░·—“”é")
    + ["\u3000", "\uff61", "\u30fc", "가", "\U00020000", "\u302a", "\u303e", "─", "\u25fd", "‐"]
)


@given(st.text(alphabet=ALPHABET, max_size=20))
def test_width_matches_rich(text: str) -> None:
    assert width_of(text) == cell_len(text)


def test_columns_line_up_with_chinese_text() -> None:
    columns = [
        Column("指标", wraps=True, min_width=4),
        Column("实际", justify="right"),
        Column("状态"),
    ]
    lines = [
        ("title", "【主要指标】"),
        ("row", ["地区生产总值增长", "5.8%", Cell("滞后", "yellow")]),
        ("row", ["GDP", "10个", "进度正常"]),
    ]
    out = render(columns, lines, 200, colour=False).splitlines()
    assert out[0].startswith(" 指标")
    assert {cell_len(line) for line in out} == {cell_len(out[0])}
    starts = {
        cell_len(line[: line.index(word)])
        for line, word in [(out[3], "滞后"), (out[4], "进度正常")]
    }
    assert len(starts) == 1
    coloured = render(columns, lines, 200, colour=True)
    assert "\x1b[33m滞后\x1b[0m" in coloured
    # The rows may come from a generator, read once (a province's table is drawn that way).
    assert render(columns, iter(lines), 200, colour=False).splitlines() == out


def test_a_control_character_in_one_cell_is_escaped_and_the_others_kept() -> None:
    lines = [("row", ["通辽\x1b[2J", Cell("滞后", "yellow"), "第一行\n第二行"])]
    out = render([Column("指标"), Column("状态"), Column("备注")], lines, 80, colour=False)
    assert "\x1b" not in out
    assert "通辽\\x1b[2J" in out
    assert out.splitlines()[2].split() == ["通辽\\x1b[2J", "滞后", "第一行"]
    assert out.splitlines()[3].strip() == "第二行"


def test_a_narrow_table_folds_the_text_column() -> None:
    columns = [Column("指标", wraps=True, min_width=4), Column("状态")]
    out = render(
        columns, [("row", ["巩固拓展脱贫攻坚成果同乡村振兴有效衔接项目", "滞后"])], 30, colour=False
    ).splitlines()
    assert all(cell_len(line) <= 30 for line in out)
    assert "".join(line.split()[0] for line in out[2:] if line.strip()).startswith("巩固拓展")
    assert fold("通辽市", 4) == ["通辽", "市"]


def test_a_fold_never_cuts_a_number_or_a_latin_word() -> None:
    assert fold("万元工业增加值用水量较2020年下降", 5) == [
        "万元",
        "工业",
        "增加",
        "值用",
        "水量",
        "较",
        "2020",
        "年下",
        "降",
    ]
    assert fold("新建5G基站", 4) == ["新建", "5G基", "站"]
    assert fold("abcdefghij", 4) == ["abcd", "efgh", "ij"]  # wider than the line: cut


def test_a_folded_line_never_starts_with_closing_punctuation() -> None:
    # 行首禁则: the enumeration comma takes the character before it to the next line.
    assert fold("甲乙丙、丁", 6) == ["甲乙", "丙、丁"]
    assert fold("市工信局、市住建局", 8) == ["市工信", "局、市住", "建局"]
    assert fold("ab、cd", 2) == ["ab", "、", "cd"]  # no room to carry: the line stays in width
