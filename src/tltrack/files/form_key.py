"""The data folder's key for sealing fill-in forms (`.tltrack-form-key`): 32 random bytes as
hex, made by the first `template` run, readable by its owner only. A form's seal is an HMAC
with it (domain.forms.seal): an office that edits a form's hidden marks or locked cells cannot
make the seal match without the key."""

from __future__ import annotations

import os
import re
import secrets
import stat
from pathlib import Path

from tltrack.errors import CannotCreateError, DataError, NoInputError, PermissionDeniedError, msg
from tltrack.files.disk import create_new, os_error, read_bytes
from tltrack.files.folder import open_folder

KEY_NAME = ".tltrack-form-key"
_KEY = re.compile(rb"[0-9a-f]{64}\n?")


def form_key(folder: Path, create: bool) -> bytes | None:
    """The folder's key; None when it has none and `create` is False. A key file that is not
    this user's own, or that others may read or write, is refused: whoever could write it
    could seal forms as this office (exit 77)."""
    path = folder / KEY_NAME
    for _ in range(2):
        try:
            data = read_bytes(path, limit=128, follow=False)
        except NoInputError:
            if not create:
                return None
            try:
                with open_folder(folder) as opened:
                    create_new(
                        path, secrets.token_hex(32).encode() + b"\n", folder=opened, private=True
                    )
            except CannotCreateError:
                continue  # another run made it meanwhile: read that one
            except OSError as exc:
                raise os_error(exc, "create", path) from exc
            continue
        _check_private(path)
        if not _KEY.fullmatch(data):
            raise DataError("form_key_bad", file=path)
        return data.strip()
    raise NoInputError("cannot_read", path=path, reason=msg("os_ENOENT"))


def _check_private(path: Path) -> None:
    info = os.lstat(path)
    mine = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
    if not mine or stat.S_IMODE(info.st_mode) & 0o077:
        raise PermissionDeniedError("form_key_shared", file=path)
