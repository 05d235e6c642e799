"""One run of tltrack: its language, decided once from the arguments and the environment, and
the one place where every error becomes one line on stderr and an exit code.

Every TltrackError, every usage error of click's and every unexpected exception ends in
TltrackGroup.main: one line in the run's language, starting `tltrack: error:` so scripts can
find it, and the documented exit code.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import traceback
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from tltrack.cli.errors import click_words, say_error
from tltrack.cli.help import help_in, in_language
from tltrack.errors import ExitCode, StorageIOError, TltrackError
from tltrack.text.lang import Lang, choose_lang, text
from tltrack.text.safe import printable

# The base of the command-line errors typer raises (click's ClickException, which typer
# vendors); found through a public class so it does not depend on where typer keeps it.
_CLICK_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)
# The language of the run under way, set once by TltrackGroup.main.
_RUN_LANG: ContextVar[Lang] = ContextVar("tltrack_run_lang")


def run_lang() -> Lang:
    """The language of this run: what TltrackGroup.main decided, or (a command called
    outside a run, as a test may) the same decision made now."""
    return _RUN_LANG.get(None) or choose_lang(sys.argv[1:])


class _PipeClosed(Exception):
    """The reader of stdout went away (`tltrack status | head -1`). Not an OSError, so that
    click does not turn it into exit 1."""


class TltrackCommand(TyperCommand):
    """A command whose help page is in the run's language throughout."""

    def get_help(self, ctx: Any) -> str:
        return help_in(run_lang(), super().get_help(ctx))


def _valued_options(command: Any) -> set[str]:
    """The names of every option of `command` and its subcommands that takes a value: what
    follows one on the command line is that value, whatever it looks like."""
    names: set[str] = set()
    for param in command.params:
        if param.param_type_name == "option" and not param.is_flag and not param.count:
            names.update(param.opts, param.secondary_opts)
    for sub in getattr(command, "commands", {}).values():
        names |= _valued_options(sub)
    return names


class TltrackGroup(TyperGroup):
    """The command line's root: decides the run's language, puts every help text into it, and
    turns every error into one clear line on stderr and a documented exit code."""

    def get_help(self, ctx: Any) -> str:
        return help_in(run_lang(), super().get_help(ctx))

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
        lang = choose_lang(argv, valued=_valued_options(self))
        token = _RUN_LANG.set(lang)
        try:
            in_language(self, lang)
            code = self._run(argv, lang, prog_name, complete_var, windows_expand_args, extra)
        finally:
            _say_skipped(lang)
            _RUN_LANG.reset(token)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(
        self,
        argv: list[str],
        lang: Lang,
        prog_name: str | None,
        complete_var: str | None,
        windows_expand_args: bool,
        extra: dict[str, Any],
    ) -> int:
        try:
            code = super().main(argv, prog_name, complete_var, False, windows_expand_args, **extra)
        except TltrackError as exc:
            code = _fail(say_error(exc, lang), exc.exit_code)
        except _CLICK_ERROR as exc:  # usage errors: unknown option, missing argument
            ctx = getattr(exc, "ctx", None)
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            said = f"{exc.format_message()}{hint}"  # type: ignore[attr-defined]
            code = _fail(click_words(lang, said), exc.exit_code)  # type: ignore[attr-defined]
        except (KeyboardInterrupt, typer.Abort):
            code = _fail(text(lang, "interrupted"), 130)
        except (BrokenPipeError, _PipeClosed):
            # `tltrack status | head` is fine: the reader has what it wanted. Point stdout at
            # nothing, so the flush at exit does not fail again.
            with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            code = ExitCode.OK
        except Exception as exc:  # the one place unexpected errors are caught
            if isinstance(exc, OSError) and _written_by_echo(exc):
                # click's own help and --version write stdout too, and messages stderr: on a
                # full disk, say so (where stderr still takes it) and exit 74
                from tltrack.files.disk import os_reason  # loaded only on this failure

                failed = StorageIOError("cannot_write_output", reason=os_reason(exc))
                return _fail(say_error(failed, lang), failed.exit_code)
            if os.environ.get("TLTRACK_DEBUG") == "1":
                raise
            said = text(lang, "internal_error", name=type(exc).__name__, detail=str(exc))
            code = _fail(said, ExitCode.SOFTWARE)
        return code if isinstance(code, int) else ExitCode.OK


# At most this many skipped rows are named one by one; the rest are counted.
_NAMED_ROWS = 5


def _say_skipped(lang: Lang) -> None:
    """A line on stderr for each database row the run's reads skipped as no figure (see
    PgStore.rows): the figures were read without it, and its owner should know."""
    stores = sys.modules.get("tltrack.stores.base")  # not loaded: no store was read
    if stores is None:
        return
    skipped = stores.take_skipped()
    lines = [text(lang, "skipped_store_row", store=s, row=r) for s, r in skipped[:_NAMED_ROWS]]
    if len(skipped) > _NAMED_ROWS:
        lines.append(text(lang, "skipped_more_rows", count=len(skipped) - _NAMED_ROWS))
    with contextlib.suppress(OSError, AttributeError, ValueError):  # stderr closed or full
        for line in lines:
            sys.stderr.write(f"tltrack: {printable(line)}\n")
        sys.stderr.flush()


def _written_by_echo(exc: OSError) -> bool:
    """Whether the error came from writing with click's echo (its help, --version, and the
    commands' messages): a stream on a full disk. A failing stdout is then pointed at
    nothing, so the flush at exit does not fail again."""
    frames = traceback.walk_tb(exc.__traceback__)
    echo = next((f for f, _ in frames if f.f_code.co_name == "echo"), None)
    if echo is None:
        return False
    if not echo.f_locals.get("err"):
        with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return True


def _fail(said: str, code: int) -> int:
    """One line on stderr, in the run's language; `tltrack: error:` in every language, so
    scripts can find it. With stderr closed or full, the exit code is all that is left."""
    with contextlib.suppress(OSError, AttributeError, ValueError):
        sys.stderr.write(f"tltrack: error: {printable(said)}\n")
        sys.stderr.flush()
    return code
