"""Every message tltrack says to a person, by id, one catalog per language.

The core raises and returns messages as an id and parameters (Message, below); they become
words only here, at print time, in the language the person asked for. A parameter that is
itself a Message (a reason inside an error) is said in the same language. Core messages hold
no command-line wording: the CLI adds its own hints.

Both catalogs have the same ids and the same placeholders: a test walks them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

from tltrack.text.messages_en import EN
from tltrack.text.messages_zh import ZH

Lang = Literal["zh", "en"]

CATALOGS: Mapping[Lang, Mapping[str, str]] = {"zh": ZH, "en": EN}


def say(lang: Lang, msg_id: str, **params: object) -> str:
    """The text of a message id in `lang`, its parameters filled in."""
    template = CATALOGS[lang][msg_id]
    if not params:
        return template
    return template.format(**{key: _param(lang, value) for key, value in params.items()})


def render(lang: Lang, message: Message) -> str:
    return say(lang, message.id, **message.params)


def _param(lang: Lang, value: object) -> object:
    """A parameter as said in `lang`: a Message or a Problem in its own words."""
    say_it = getattr(value, "say", None)
    return say_it(lang) if callable(say_it) else value


class Message(NamedTuple):
    """Something to say to a person: an id in the catalogs of messages.py and its parameters.
    It becomes words only when printed, in the language asked for."""

    id: str
    params: Mapping[str, object]

    def say(self, lang: Lang = "en") -> str:
        return render(lang, self)

    def __str__(self) -> str:
        return self.say("en")


def msg(msg_id: str, **params: object) -> Message:
    return Message(msg_id, params)


class Joined(NamedTuple):
    """Several messages said one after the other, as one parameter of another."""

    items: Sequence[Message]
    separator: str = ", "

    def say(self, lang: Lang = "en") -> str:
        return self.separator.join(item.say(lang) for item in self.items)
