"""The language of a run, decided in one place (choose_lang), and the words of the interface
in it. JSON keys and status words never change with the language.

The language is --lang, else $TLTRACK_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG):
Chinese when the locale is Chinese, English otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence

from tltrack.text.messages import Lang as Lang
from tltrack.text.messages import say

LANGS: tuple[Lang, ...] = ("zh", "en")


def choose_lang(
    argv: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    valued: Collection[str] = (),
) -> Lang:
    """The one place the language is decided: `--lang zh|en` among the arguments (read before
    they are parsed, so that help and the errors of parsing speak it too), else
    $TLTRACK_LANG, else the locale. `valued` names the options that take a value: what
    follows one (`--note --lang=en`) is its value, as it is after `--`, not an option."""
    given: Lang | None = None
    index = 0
    while index < len(argv):  # the last --lang wins, as it does for the parser
        arg = argv[index]
        if arg == "--":
            break
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        given = next((lang for lang in LANGS if lang == value), given)
        index += 2 if arg == "--lang" or arg in valued else 1
    if given is not None:
        return given
    env = os.environ if environ is None else environ
    chosen = env.get("TLTRACK_LANG", "").strip().lower()
    for lang in LANGS:
        if chosen == lang:
            return lang
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def text(lang: Lang, key: str, **values: object) -> str:
    """A message of the catalogs (messages.py) in `lang`."""
    return say(lang, key, **values)


def status_label(lang: Lang, status: str) -> str:
    """The status as people read it: in Chinese the Chinese word alone, as an official writes
    it. Scripts read the English word from JSON, which never changes with the language."""
    return text(lang, f"status_{status}")
