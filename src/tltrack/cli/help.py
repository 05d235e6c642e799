"""Help in the run's language. The commands are declared once, at import, with each help
text as a message id (helptext); a run's group puts every help text of every command into
the language of that run before anything is shown (in_language), and click's own words of a
help page too (help_in)."""

from __future__ import annotations

import re
from typing import Any

from tltrack.text.lang import Lang, text
from tltrack.text.messages import CATALOGS


def helptext(key: str) -> str:
    """A help text, as its message id until the run's language is known."""
    return key


def examples(*lines: str) -> str:
    """An epilog of examples under its heading, which is said in the run's language."""
    return "help_examples\n\n" + "\n\n".join(lines)


def _said(lang: Lang, help_text: str | None) -> str | None:
    """A help text whose first line is a message id, in `lang`."""
    if not help_text:
        return help_text
    first, newline, rest = help_text.partition("\n")
    if first in CATALOGS[lang]:
        return text(lang, first) + newline + rest
    return help_text


def in_language(command: Any, lang: Lang) -> None:
    """Every help text of `command` and of each command under it, in `lang`. typer builds
    the commands afresh for every run, so they are changed in place."""
    command.help = _said(lang, command.help)
    command.short_help = _said(lang, command.short_help)
    command.epilog = _said(lang, command.epilog)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _said(lang, param.help)
    for sub in getattr(command, "commands", {}).values():
        in_language(sub, lang)


# click's own words on a help page, in Chinese; the rest of a help page comes from the
# catalogs. (A help page is made once per run, so a plain replacement is enough.)
_HELP_WORDS_ZH = (
    ("Usage:", "用法:"),
    ("[OPTIONS]", "[选项]"),
    ("COMMAND [ARGS]...", "命令 [参数]..."),
    ("Options:", "选项:"),
    ("Arguments:", "参数:"),
    ("Commands:", "命令:"),
    ("Show this message and exit.", "显示此帮助并退出。"),
    ("Install completion for the current shell.", "为当前 shell 安装命令补全。"),
    (
        "Show completion for the current shell, to copy it or customize the installation.",
        "显示当前 shell 的命令补全脚本，以便复制或自定义安装。",
    ),
    ("[default: ", "[默认: "),
    ("[env var: ", "[环境变量: "),
    ("[required]", "[必填]"),
)


def help_in(lang: Lang, page: str) -> str:
    """A help page with click's own words in `lang` too."""
    if lang != "zh":
        return page
    for english, chinese in _HELP_WORDS_ZH:
        # The words may be folded onto two lines of the page.
        pattern = r"\s+".join(map(re.escape, english.split(" ")))
        page = re.sub(pattern, chinese.replace("\\", "\\\\"), page)
    return page
