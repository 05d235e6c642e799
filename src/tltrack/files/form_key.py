"""The data folder's key for sealing fill-in forms (`.tltrack-form-key`): 32 random bytes as
hex, made by the first `template` run, readable by its owner only. A form's seal is an HMAC
with it (domain.forms.seal): an office that edits a form's hidden marks or locked cells cannot
make the seal match without the key."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from pathlib import Path

from tltrack.errors import CannotCreateError, DataError, NoInputError, PermissionDeniedError, msg
from tltrack.files.disk import create_new, os_error
from tltrack.files.folder import NotRegularFileError, open_folder

KEY_NAME = ".tltrack-form-key"
_KEY = re.compile(rb"[0-9a-f]{64}\n?")


def form_key(folder: Path, create: bool) -> bytes | None:
    """The folder's key; None when it has none and `create` is False. A key file that is not
    this user's own, or that others may read or write, is refused: whoever could write it
    could seal forms as this office (exit 77). The file checked is the file read: one
    descriptor, opened in the folder without following a link."""
    path = folder / KEY_NAME
    try:
        with open_folder(folder) as opened:
            for _ in range(2):
                try:
                    fd = opened.open(KEY_NAME, os.O_RDONLY)
                except FileNotFoundError:
                    if not create:
                        return None
                    made = secrets.token_hex(32).encode() + b"\n"
                    # Another run may have made it meanwhile: then that one is read.
                    with contextlib.suppress(CannotCreateError):
                        create_new(path, made, folder=opened, private=True)
                    continue
                with os.fdopen(fd, "rb") as key_file:
                    _check_private(path, os.fstat(key_file.fileno()))
                    data = key_file.read(129)
                if not _KEY.fullmatch(data):
                    raise DataError("form_key_bad", file=path)
                return data.strip()
    except NotRegularFileError:
        raise DataError("form_key_bad", file=path) from None
    except OSError as exc:
        raise os_error(exc, "read", path) from exc
    raise NoInputError("cannot_read", path=path, reason=msg("os_ENOENT"))


def _check_private(path: Path, info: os.stat_result) -> None:
    mine = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
    if not mine or stat.S_IMODE(info.st_mode) & 0o077:
        raise PermissionDeniedError("form_key_shared", file=path)
