"""The interface language: --lang, $TLTRACK_LANG and the locale; JSON never changes."""

from __future__ import annotations

import json
import re
import string

import pytest

from test_cli_misc import COMMANDS
from tltrack.text.lang import choose_lang
from tltrack.text.messages_en import EN
from tltrack.text.messages_zh import ZH


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
    assert choose_lang((), env) == lang


@pytest.mark.parametrize(
    ("args", "lang"),
    [
        (("--lang", "zh"), "zh"),
        (("--lang=en",), "en"),
        (("--lang", "fr"), "en"),  # not a language: the environment decides
        (("record", "--note", "--lang"), "en"),  # a note that reads --lang, with no value
        (("--lang", "zh", "status", "--lang", "en"), "en"),  # the last one, as the parser's
        (("record", "--lang", "zh", "--note", "--lang=en"), "zh"),  # a note that reads so
        (("record", "--lang", "zh", "--note", "--lang", "en"), "zh"),  # the note: "--lang"
        (("--lang", "zh", "record", "--", "--lang=en"), "zh"),  # after --, an argument
    ],
)
def test_lang_among_the_arguments_decides_first(args: tuple[str, ...], lang: str) -> None:
    assert choose_lang(args, {"TLTRACK_LANG": "en"}, valued={"--note"}) == lang


def test_an_options_value_is_not_taken_for_lang(cli, data_dir) -> None:
    """`--note --lang=en` records the note "--lang=en": the run speaks the language asked for
    with --lang, as the parser reads the line."""
    run = cli("record", "gdp_growth", "5.8", "--period", "2025-H1", "--lang", "zh",
              "--note", "--lang=en")  # fmt: skip
    assert run.exit_code == 0 and "已填报" in run.stderr and "指标" in run.stdout, run.stderr
    shown = cli("history", "gdp_growth", "--format", "json").stdout
    assert '"note": "--lang=en"' in shown


@pytest.mark.parametrize(("env", "asked"), [("zh", "en"), ("en", "zh")])
def test_one_run_speaks_one_language(
    cli, monkeypatch: pytest.MonkeyPatch, env: str, asked: str
) -> None:
    """The language is decided once for a run: its help (tltrack's words and click's), its
    output and its errors all speak it, whatever the environment says, run after run in one
    process."""
    monkeypatch.setenv("TLTRACK_LANG", env)
    page = cli("status", "--help", "--lang", asked).stdout
    words = {
        "zh": ("用法:", "查看每项目标的进度", "按此日期评估目标"),
        "en": ("Usage:", "Show every target's progress", "Judge the targets as of this date"),
    }
    assert all(word in page for word in words[asked]), page
    assert not any(word in page for word in words[env]), page
    error = cli("record", "no_such_target", "5", "--lang", asked).stderr
    assert error.startswith("tltrack: error: ")
    assert ("中没有指标" in error) == (asked == "zh"), error
    usage = cli("status", "--bogus", "--lang", asked).stderr
    assert ("没有选项" in usage) == (asked == "zh"), usage
    title = cli("status", "--as-of", "2025-07-20", "--lang", asked).stdout.splitlines()[0]
    assert (
        title
        == {"zh": "2025 年目标进度 · 截至 2025-07-20", "en": "2025 targets · as of 2025-07-20"}[
            asked
        ]
    )


def test_the_locale_decides_without_lang(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TLTRACK_LANG")
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert "时序进度" in cli("status").stdout
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert "Expected" in cli("status").stdout


def test_status_in_english(cli) -> None:
    cli("record", "key_projects_started", "421", "--period", "2025-06")
    out = cli("status", "--as-of", "2025-07-20", "--lang", "en").stdout
    lines = out.splitlines()
    assert lines[0] == "2025 targets · as of 2025-07-20"
    for word in ("Target", "Actual", "Completion", "Expected", "Gap (pp)", "Year-end", "Status"):
        assert word in out
    row = next(line for line in lines if "开复工重点项目" in line)
    assert "on track" in row and "进度正常" not in row
    assert lines[-1] == (
        "73 targets: achieved 0 · ahead 0 · on track 1 · behind 0 · at risk 0 · missed 0"
        " · no data 72"
    )


def test_json_and_csv_do_not_change_with_the_language(cli) -> None:
    cli("record", "key_projects_started", "421", "--period", "2025-06")
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


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_message_is_in_both_languages() -> None:
    assert set(EN) == set(ZH), sorted(set(EN) ^ set(ZH))
    for message_id, english in EN.items():
        # Chinese may leave out a detail only English has (a library's English reason).
        assert _placeholders(ZH[message_id]) <= _placeholders(english), message_id
        for lang, template in (("en", english), ("zh", ZH[message_id])):
            values = dict.fromkeys(_placeholders(template), 1)
            assert template.format(**values), (lang, message_id)


# Words a Chinese sentence may hold: the program, option and file names people type, the
# formats of a period, and the field names of a target file.
ALLOWED_IN_CHINESE = re.compile(
    r"tltrack|README|TLTRACK_\w+|YYYY\.toml|--[a-z-]+|-o|FILE|YYYY(-MM-DD|-MM|-Qn|-Hn)?|UTF-(8|16)|GB18030|"
    r"JSON|TOML|CSV|xlsx|csv|json|md|html|done|not done|nan|infinity|true|false|"
    r"records|metric|period|value|target|kind|level|note|by|unit|meta\.year|base_year|change|due|at_risk|on_track|"
    r"Repairing a records file|Target files|validate|repair|list|nobody|"
    r"\b[A-Z][A-Z_]+\b|\bzh\b|\ben\b|markdown|behind|missed|stale|init|status|"
    r"owner|region|reporter|explanation|review|split|template|meta|pdf|docx|lagging|no_data|chromium|"
    r"utf-8-sig|utf-8|gb18030|Excel|\d{4}\.toml|demo|quote|"
    r"plan\.toml|Multi-year plans|end_year|base|path|linear|at_least|at_most|report|store|"
    r"SQLite|sqlite|toml|git|PostgreSQL|postgresql|psycopg|pip install|CREATE|ROLE|LOGIN|db|init"
)


def test_the_chinese_catalog_holds_no_english_sentence() -> None:
    for message_id, template in ZH.items():
        bare = re.sub(r"\{[^}]*\}", "", template)
        bare = ALLOWED_IN_CHINESE.sub("", bare)
        words = re.findall(r"[A-Za-z]{2,}", bare)
        assert not words, (message_id, words)


def test_what_a_chinese_user_reads_is_chinese(cli, tmp_path) -> None:
    """Every document and table a command shows in zh, scanned for English words other than
    ids, file names, option names and what the user typed."""
    import re as regex

    from openpyxl import load_workbook

    from test_bad_inputs import english_words

    for args in (
        ("key_projects_started", "421", "--period", "2025-06"),
        ("gdp_growth", "5.8", "--period", "2025-H1"),
        ("gdp_growth", "5.9", "--period", "2025-H1", "--correct", "--note", "修订"),
    ):
        assert cli("record", *args, "--lang", "zh").exit_code == 0
    figures = tmp_path / "f.csv"
    figures.write_text("metric,period,value\nhousing_sales,2025-04,30\n")
    as_of = ("--as-of", "2025-07-20", "--lang", "zh")
    runs = {
        "report": cli("report", *as_of),
        "check": cli("check", *as_of),
        "import": cli("import", str(figures), "--dry-run", "--lang", "zh"),
        "show": cli("show", "gdp_growth", *as_of),
        "history": cli("history", "gdp_growth", "--lang", "zh"),
        "list": cli("list", "--lang", "zh"),
        "validate": cli("validate", "--lang", "zh"),
        "status": cli("status", *as_of),
    }
    for name, run in runs.items():
        assert english_words(run.stdout + run.stderr) == [], name
    html = cli("report", "--format", "html", *as_of).stdout
    visible = regex.sub(r"<[^>]+>", " ", regex.sub(r"<style>.*?</style>", "", html, flags=regex.S))
    assert english_words(visible) == []
    out = tmp_path / "b.xlsx"
    assert cli("report", "-o", str(out), *as_of).exit_code == 0
    cells = [
        c
        for sheet in load_workbook(out).worksheets
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if isinstance(c, str)
    ]
    assert english_words(" ".join(cells)) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_in_the_language_asked_for(command: str) -> None:
    import subprocess
    import sys

    def helped(lang: str) -> str:
        env = {k: v for k, v in __import__("os").environ.items() if k != "TLTRACK_LANG"}
        result = subprocess.run(
            [sys.executable, "-m", "tltrack", command, "--help", "--lang", lang],
            capture_output=True,
            text=True,
            env={**env, "COLUMNS": "200"},
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return " ".join(result.stdout.split())  # as one line: help folds to the width

    def flat(text: str) -> str:
        return " ".join(text.split())

    key = f"help_cmd_{command}"
    chinese, english = helped("zh"), helped("en")
    assert flat(ZH[key].split("\n")[0]) in chinese
    assert flat(EN[key].split("\n")[0]) in english
    ours = [flat(v) for k, v in EN.items() if k.startswith("help_") and k != "help_examples"]
    assert [v for v in ours if v in chinese] == []
    assert "示例:" in chinese


@pytest.mark.parametrize(("lang", "words"), [("zh", "进度曲线"), ("en", "Fields of a target")])
def test_init_comments_its_template_in_the_language_asked_for(
    cli, tmp_path, lang: str, words: str
) -> None:
    folder = tmp_path / f"new-{lang}"
    assert cli("init", str(folder), "--year", "2026", "--lang", lang).exit_code == 0
    template = (folder / "2026.toml").read_text(encoding="utf-8")
    assert words in template
    assert cli("validate", "--data-dir", str(folder)).exit_code == 0


def test_a_chinese_help_page_holds_only_names_in_latin_letters() -> None:
    """click's own words (用法, 选项, 显示此帮助并退出) are Chinese too; what stays in Latin
    letters is what a user types: commands, formats, options, file names, variables."""
    import os
    import subprocess
    import sys

    from test_bad_inputs import english_words

    pages = []
    for command in ("", "status", "record", "import", "check", "report", "init"):
        args = [command, "--help", "--lang", "zh"] if command else ["--help"]
        env = {**os.environ, "TLTRACK_LANG": "zh", "COLUMNS": "100"}
        run = subprocess.run(
            [sys.executable, "-m", "tltrack", *args], env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        pages.append(run.stdout)
    typed = {
        *("status", "record", "import", "check", "report", "history", "list", "show"),
        *("validate", "repair", "init", "table", "json", "csv", "markdown", "html", "zh", "en"),
        *("bulletin", "file", "folder", "targets", "shell", "CI", "LC", "ALL", "LANG", "MM"),
        *("owner", "region", "files", "missing", "template", "pdf", "docx", "lagging"),
        *("utf", "sig", "gb", "Excel", "demo"),  # encodings, a program, a command
        *("migrate", "export", "SQLite", "git", "db", "PostgreSQL", "review"),
    }
    page = regex_metavars("\n".join(pages))
    assert set(english_words(page)) <= typed, set(english_words(page)) - typed
    assert "Usage" not in page and "Show this message" not in page


def regex_metavars(page: str) -> str:
    import re as regex

    return regex.sub(r"<\w+>|\{\w+\}", "", page)
