"""The words of the interface in Chinese and English. JSON keys and status words never change.

The language is --lang, else $TLTRACK_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG):
Chinese when the locale is Chinese, English otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from tltrack.text.messages import Lang as Lang
from tltrack.text.messages import say

LANGS: tuple[Lang, ...] = ("zh", "en")


def detect_lang(environ: Mapping[str, str] | None = None) -> Lang:
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
