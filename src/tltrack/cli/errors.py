"""Where the command line turns every error into one line on stderr and an exit code.

Every TltrackError, every usage error of click's and every unexpected exception ends here,
in TltrackGroup.main: one line, in the language the command asked for, starting
`tltrack: error:` so scripts can find it, and the documented exit code.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from tltrack.errors import ExitCode, Message, Problem, TltrackError, ValidationFailed
from tltrack.text.lang import LANGS, Lang, detect_lang, text
from tltrack.text.safe import printable

# The base of the command-line errors typer raises (click's ClickException, which typer
# vendors); found through a public class so it does not depend on where typer keeps it.
_CLICK_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


class _PipeClosed(Exception):
    """The reader of stdout went away (`tltrack status | head -1`). Not an OSError, so that
    click does not turn it into exit 1."""


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


class TltrackCommand(TyperCommand):
    """A command whose help page is in the interface language throughout."""

    def get_help(self, ctx: Any) -> str:
        return help_in(lang_of(sys.argv[1:]), super().get_help(ctx))


class TltrackGroup(TyperGroup):
    """Turns every error into one clear line on stderr and a documented exit code."""

    def get_help(self, ctx: Any) -> str:
        return help_in(lang_of(sys.argv[1:]), super().get_help(ctx))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise _PipeClosed() from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(argv, prog_name, complete_var, False, windows_expand_args, **extra)
        except TltrackError as exc:
            error = exc  # the name `exc` ends with the except clause
            code = _fail(argv, lambda lang: say_error(error, lang), exc.exit_code)
        except _CLICK_ERROR as exc:  # usage errors: unknown option, missing argument
            ctx = getattr(exc, "ctx", None)
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            message = exc.format_message()  # type: ignore[attr-defined]
            said = f"{message}{hint}"
            code = _fail(argv, lambda lang: _click_words(lang, said), exc.exit_code)  # type: ignore[attr-defined]
        except (KeyboardInterrupt, typer.Abort):
            code = _fail(argv, lambda lang: text(lang, "interrupted"), 130)
        except (BrokenPipeError, _PipeClosed):
            # `tltrack status | head` is fine: the reader has what it wanted. Point stdout at
            # nothing, so the flush at exit does not fail again.
            with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            code = ExitCode.OK
        except Exception as exc:  # the one place unexpected errors are caught
            if os.environ.get("TLTRACK_DEBUG") == "1":
                raise
            name, detail = type(exc).__name__, str(exc)
            code = _fail(
                argv,
                lambda lang: text(lang, "internal_error", name=name, detail=detail),
                ExitCode.SOFTWARE,
            )
        code = code if isinstance(code, int) else ExitCode.OK
        if standalone_mode:
            sys.exit(code)
        return code


def _fail(argv: Sequence[str], said: Callable[[Lang], str], code: int) -> int:
    """One line on stderr, in the language the command asked for; `tltrack: error:` in every
    language, so scripts can find it."""

    sys.stderr.write(f"tltrack: error: {printable(said(lang_of(argv)))}\n")
    sys.stderr.flush()
    return code


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


def _click_words(lang: Lang, said: str) -> str:
    if lang != "zh":
        return said

    for pattern, replacement in _CLICK_WORDS_ZH:
        said = re.sub(pattern, replacement, said)
    return said


def lang_of(argv: Sequence[str]) -> Lang:
    """--lang from the command line, which may not have been parsed when an error struck."""

    for index, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        for lang in LANGS:
            if value == lang:
                return lang
    return detect_lang()
