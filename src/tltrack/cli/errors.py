"""How the command line says an error: a core message with the options to use (with_hints),
the first of several problems with how many more there are, and click's usage errors in
the run's language."""

from __future__ import annotations

import re

from tltrack.errors import Message, Problem, TltrackError, ValidationFailed
from tltrack.text.lang import Lang, text

# The hints the command line adds to a core message: the options to use.
_HINTS = {
    "already_has": "hint_correct",
    "no_complete_month": "hint_period",
    "see_list": "hint_list",
    "no_targets_folder": "hint_data_dir",
    "edited_by_hand": "hint_repair",
    "hand_edited_note": "hint_repair_note",
}


def with_hints(message: Message) -> Message:
    """A core message with the command line's hints: the options and commands to use."""
    if message.id in _HINTS:
        return Message(_HINTS[message.id], {"message": message})
    params = {
        key: with_hints(value) if isinstance(value, Message) else value
        for key, value in message.params.items()
    }
    return Message(message.id, params)


def say_error(exc: TltrackError, lang: Lang) -> str:
    """An error in `lang`: the first of several problems says how many more there are."""

    if isinstance(exc, ValidationFailed) and exc.problems:
        said = say_problem(exc.problems[0], lang)
        more = len(exc.problems) - 1
        return text(lang, "and_more", message=said, count=more) if more else said
    return with_hints(exc.msg).say(lang)


def say_problem(problem: Message | Problem, lang: Lang) -> str:
    if isinstance(problem, Message):
        return with_hints(problem).say(lang)
    return problem.say(lang)


# click's own words for usage errors, in Chinese: the only English the command line itself
# has to translate (tltrack's own messages come from the catalogs).
_CLICK_WORDS_ZH = [
    (r"Invalid value for (.+?): ", r"\1 的值无效: "),
    (r"No such option: (\S+)", r"没有选项 \1"),
    (r"No such command ('[^']*')\.", r"没有命令 \1"),
    (r"Missing argument ('[^']*')\.", r"缺少参数 \1"),
    (r"Missing option ('[^']*')\.", r"缺少选项 \1"),
    (r"Got unexpected extra arguments? \((.+)\)", r"多余的参数(\1)"),
    (r"Option ('[^']*') requires an argument\.", r"选项 \1 需要一个值"),
    (r"('[^']*') is not one of (.+)\.", r"\1 不在可选值 \2 之中"),
    (r"('[^']*') is not a valid integer\.", r"\1 不是整数"),
    (r"\(see ('[^']*')\)$", r"(参见 \1)"),
]


def click_words(lang: Lang, said: str) -> str:
    """A usage error of click's in `lang`."""
    if lang != "zh":
        return said

    for pattern, replacement in _CLICK_WORDS_ZH:
        said = re.sub(pattern, replacement, said)
    return said
