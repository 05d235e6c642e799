"""The HTML bulletin in a real headless Chromium: it renders, Chinese text is real glyphs
(no tofu), nothing is fetched from anywhere and the console stays clean."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import Browser, evaluate, find_chromium, open_page

# Characters of the page drawn one by one: missing glyphs ("tofu") all look the same.
GLYPH_CHECK = """
(() => {
  const font = getComputedStyle(document.body).fontFamily;
  const draw = (ch) => {
    const c = document.createElement('canvas'); c.width = 40; c.height = 40;
    const g = c.getContext('2d'); g.font = '32px ' + font; g.fillStyle = '#000';
    g.fillText(ch, 2, 32); return c.toDataURL();
  };
  const chars = [...'通辽滞后进度正常粮食产量Ⅴ'];
  const images = chars.map(draw);
  const blank = (() => { const c = document.createElement('canvas'); c.width = 40;
                         c.height = 40; return c.toDataURL(); })();
  return {distinct: new Set(images).size, count: chars.length,
          blanks: images.filter((i) => i === blank).length};
})()
"""


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed here (CI installs it)")
    browser = Browser(executable)
    yield browser
    browser.close()


@pytest.fixture
def bulletin(cli, tmp_path: Path):
    for args in [
        ("key_projects_started", "120", "--period", "2025-03"),
        ("key_projects_started", "421", "--period", "2025-06"),
        ("desertification_control", "150", "--period", "2025-06"),
        ("gdp_growth", "5.8", "--period", "2025-H1"),
        ("inferior_v_water_sections", "1", "--period", "2025-06"),
        ("gahaishan_reservoir", "70%", "--period", "2025-06"),
    ]:
        assert cli("record", *args).exit_code == 0

    def make(lang: str) -> Path:
        out = tmp_path / f"bulletin-{lang}.html"
        result = cli("report", "--as-of", "2025-07-20", "--lang", lang, "-o", str(out))
        assert result.exit_code == 0, result.stderr
        return out

    return make


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_bulletin_renders_in_chromium(
    chromium: Browser, bulletin, lang: str, tmp_path: Path
) -> None:
    page = bulletin(lang)
    chromium.events.clear()
    session = open_page(chromium, page.as_uri())

    title = evaluate(chromium, session, "document.querySelector('h1').textContent")
    assert title == (
        "通辽市2025年政府工作报告目标 "
        + ("月度调度通报" if lang == "zh" else "Monthly progress bulletin")
    )
    width = evaluate(
        chromium, session, "document.querySelector('h1').getBoundingClientRect().width"
    )
    assert width > 300  # the title's text has real width
    glyphs = evaluate(chromium, session, GLYPH_CHECK)
    assert glyphs["blanks"] == 0, glyphs
    assert glyphs["distinct"] == glyphs["count"], glyphs  # every character its own glyph
    assert evaluate(chromium, session, "document.querySelectorAll('td.chart svg').length") == 5
    labels = evaluate(
        chromium,
        session,
        "[...document.querySelectorAll('.chip')].map((c) => c.textContent)",
    )
    expected = ["已完成0", "超进度0", "进度正常2", "滞后2", "严重滞后1", "未完成0", "未填报68"]
    if lang == "en":
        expected = [
            "achieved0",
            "ahead0",
            "on track2",
            "behind2",
            "at risk1",
            "missed0",
            "no data68",
        ]
    assert labels == expected

    shot = chromium.send("Page.captureScreenshot", {"format": "png"}, session=session)
    png = base64.b64decode(shot["data"])
    (tmp_path / f"bulletin-{lang}.png").write_bytes(png)
    assert png.startswith(b"\x89PNG") and len(png) > 30_000  # a blank page is a few KB

    methods = [e.get("method") for e in chromium.events]
    errors = [
        e
        for e in chromium.events
        if (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
        or e.get("method") == "Runtime.exceptionThrown"
    ]
    assert errors == []
    requests = [
        e["params"]["request"]["url"]
        for e in chromium.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert requests == [page.as_uri()], methods  # nothing but the file itself
