"""The interface language: --lang, $TLTRACK_LANG and the locale; JSON never changes."""

from __future__ import annotations

import json

import pytest

from tltrack.i18n import detect_lang, translate_error


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_ALL": "zh_CN.GB18030", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
        ({"TLTRACK_LANG": "en", "LC_ALL": "zh_CN.UTF-8"}, "en"),
        ({"TLTRACK_LANG": "fr", "LANG": "zh_CN.UTF-8"}, "zh"),
    ],
)
def test_default_language(env: dict[str, str], lang: str) -> None:
    assert detect_lang(env) == lang


def test_the_locale_decides_without_lang(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TLTRACK_LANG")
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert "时序进度" in cli("status").stdout
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert "Expected" in cli("status").stdout


def test_status_in_english(cli) -> None:
    cli("record", "key_projects_started", "262", "--period", "2025-06")
    out = cli("status", "--as-of", "2025-07-20", "--lang", "en").stdout
    lines = out.splitlines()
    assert lines[0] == "2025 targets · as of 2025-07-20"
    for word in ("Target", "Actual", "Completion", "Expected", "Gap (pp)", "Year-end", "Status"):
        assert word in out
    row = next(line for line in lines if "开复工重点项目" in line)
    assert "on track" in row and "进度正常" not in row
    assert lines[-1] == (
        "62 targets: achieved 0 · on track 1 · behind 0 · at risk 0 · missed 0 · no data 61"
    )


def test_json_and_csv_do_not_change_with_the_language(cli) -> None:
    cli("record", "key_projects_started", "262", "--period", "2025-06")
    as_of = ("--as-of", "2025-07-20")
    zh = cli("status", "--format", "json", "--lang", "zh", *as_of).stdout
    en = cli("status", "--format", "json", "--lang", "en", *as_of).stdout
    assert zh == en
    by_id = {t["id"]: t["status"] for t in json.loads(zh)["targets"]}
    assert by_id["key_projects_started"] == "on_track"  # 262 of 500 at June: 52.4% against 50%
    check_zh = cli("check", "--format", "csv", "--as-of", "2025-07-20", "--lang", "zh")
    check_en = cli("check", "--format", "csv", "--as-of", "2025-07-20", "--lang", "en")
    assert check_zh.stdout == check_en.stdout
    assert check_zh.stdout.splitlines()[0] == (
        "id,name,actual,period,target,completion,expected,gap,projected,status,category,stale"
    )
    status_zh = cli("status", "--format", "csv", "--lang", "zh", *as_of).stdout
    assert status_zh == cli("status", "--format", "csv", "--lang", "en", *as_of).stdout


def test_an_untranslated_phrase_stays_readable() -> None:
    assert translate_error("zh", "something new happened") == "something new happened"
    assert translate_error("en", "bad value 'x': nan and infinity are not figures") == (
        "bad value 'x': nan and infinity are not figures"
    )
