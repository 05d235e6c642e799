"""Text from files other offices send, made safe for the reader it goes to.

Names, notes and categories come from target files, records files and import files that
anyone may have written. Before they reach a reader: control characters are shown escaped, so
no terminal escape sequence (colours, a moved cursor, a changed window title) reaches a
terminal; a spreadsheet cell that would start a formula is neutralised as OWASP advises
(a leading '); Markdown punctuation and HTML are escaped so a name cannot break a table or
inject markup.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, and the bidirectional overrides that can make text read other
# than it is; a tab or a line break is shown as a space where a cell is one line.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]|~#])")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in "\t\n\r":
        return " "
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# Where a database address or libpq's key/value text holds a password: user:…@, password=….
_PASSWORD_PLACES = (
    re.compile(r"(//[^@/\s?#]*?):[^\s]*@"),  # up to the last @: a password may hold @ or /
    re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)", re.IGNORECASE),
)


def without_password(text: str, address: str = "") -> str:
    """`text` without the password of a database address (it may reach cron's mail): any
    password of `address` wherever `text` quotes it (libpq quotes a part of an address it
    cannot read), and whatever stands where an address or key/value text keeps one:
    postgresql://u:s3cret@h/db reads postgresql://u:…@h/db."""
    for secret in sorted(_passwords(address), key=len, reverse=True):
        text = text.replace(secret, "…")
    address_place, key_place = _PASSWORD_PLACES
    text = address_place.sub(lambda found: f"{found.group(1)}:…@", text)
    return key_place.sub(lambda found: f"{found.group(1)}…", text)


def _passwords(address: str) -> set[str]:
    """The passwords `address` may hold, as written and percent-decoded."""
    from urllib.parse import unquote  # only for an address that failed: a quicker start

    found = set()
    authority = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://(.*)@", address.split("?", 1)[0])
    if authority is not None and ":" in authority.group(1):
        found.add(authority.group(1).split(":", 1)[1])
    for place in _PASSWORD_PLACES[1:]:
        found.update(match.group(2).strip("'") for match in place.finditer(address))
    # libpq may read a part of a password holding @ or / as the host or the database name.
    pieces = {part for secret in found for part in re.split(r"[@/]", secret)}
    return {each for s in found | pieces for each in (s, unquote(s)) if len(each) >= 2}


def printable(text: str) -> str:
    """`text` with every control character shown escaped (`\\x1b`), on one line."""
    if text.isprintable():  # the common case, checked at C speed
        return text
    return _UNSAFE.sub(_escape, text)


def printable_lines(text: str) -> str:
    """Like `printable`, but line breaks are kept: for text that spans lines on purpose."""
    if text.isprintable():
        return text
    return "\n".join(printable(line) for line in text.split("\n"))


def spreadsheet_cell(text: str) -> str:
    """A CSV or xlsx cell that cannot start a formula: a text that begins with = + - @, a tab or
    a carriage return and is not a number gets a leading apostrophe."""
    text = printable(text)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def markdown_text(text: str) -> str:
    """Text for a Markdown document: one line, its Markdown punctuation escaped and HTML
    shown as text, so it can neither end a table cell nor add markup or a link. (`_` is left
    alone: inside words, as in `on_track`, it never starts emphasis.)"""
    text = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
