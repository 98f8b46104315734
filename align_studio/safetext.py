"""Text a server sent, made safe to store: no lone surrogates, nothing XML cannot hold.

JSON may escape half of a UTF-16 surrogate pair (``"\\ud83d"``); Python decodes it into a
``str`` that UTF-8 cannot encode, so SQLite, YAML and XML writers raise on it. The policy of
the app is to *replace* such a code point with U+FFFD (the replacement character, as a
browser shows it) and to count the replacements, so the response can say that its text was
repaired. A surrogate pair split across two stream chunks is joined, not replaced. Pure
functions, no imports beyond the standard library: every layer can use them.
"""

from __future__ import annotations

import json
import re
from typing import Any

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89abcdefABCDEF]")
#: Code points XML 1.0 forbids (besides surrogates): C0 controls other than tab, newline
#: and carriage return, and the two non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def repair(text: str) -> tuple[str, int]:
    """``text`` with every lone surrogate replaced by U+FFFD, and how many were replaced.

    A high and a low surrogate that stand next to each other become the one character
    they encode. Text without surrogates is returned as it is (checked cheaply).
    """
    if text.isascii() or _SURROGATE.search(text) is None:
        return text, 0
    fixed = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return fixed, fixed.count(REPLACEMENT) - text.count(REPLACEMENT)


def storable(text: str) -> str:
    """``text`` that UTF-8 can encode (lone surrogates replaced); see :func:`repair`."""
    return repair(text)[0]


def xml_safe(text: str) -> str:
    """``text`` that an XML 1.0 document can hold: forbidden code points become U+FFFD."""
    text = storable(text)
    if text.isascii() and text.isprintable():
        return text
    return _NOT_XML.sub(REPLACEMENT, text)


def storable_tree(value: Any) -> Any:
    """``value`` (parsed JSON or YAML) with every string, keys included, made :func:`storable`.

    JSON's ``"\\ud83d"`` and YAML's double-quoted escapes decode to lone surrogates, which
    no spec file can hold; importers pass what they parsed through this before it reaches
    the domain, so that a save never refuses an imported text.
    """
    if isinstance(value, str):
        return value if value.isascii() else storable(value)
    if isinstance(value, list):
        return [storable_tree(v) for v in value]
    if isinstance(value, dict):
        return {storable_tree(k): storable_tree(v) for k, v in value.items()}
    return value


def json_loads(text: str | bytes) -> Any:
    """:func:`json.loads` whose strings are :func:`storable` (see :func:`storable_tree`).

    Only an escape of a surrogate (``\\ud800``–``\\udfff``) can produce a lone one, so text
    without such an escape is returned as parsed (a cheap check)."""
    data = json.loads(text)
    probe = text if isinstance(text, str) else text.decode("utf-8", "replace")
    return storable_tree(data) if _ESCAPED_SURROGATE.search(probe) else data


def repaired_note(count: int) -> str | None:
    """The sentence a response carries when ``count`` characters had to be replaced."""
    if count <= 0:
        return None
    what = "character" if count == 1 else "characters"
    return (f"{count} {what} the server sent could not be stored as text "
            f"(half of an emoji or other invalid Unicode) and shown as {REPLACEMENT}")


class StreamRepair:
    """:func:`repair` for text that arrives in pieces (a streamed answer).

    A high surrogate at the end of a piece is held back until the next piece, which may
    start with its other half; ``replaced`` counts what had to be replaced so far.
    """

    __slots__ = ("_held", "replaced")

    def __init__(self) -> None:
        self._held = ""
        self.replaced = 0

    def feed(self, piece: str) -> str:
        """The part of ``piece`` that is final now, repaired."""
        if not self._held and piece.isascii():
            return piece
        piece, self._held = self._held + piece, ""
        if piece and "\ud800" <= piece[-1] <= "\udbff":
            piece, self._held = piece[:-1], piece[-1]
        fixed, count = repair(piece)
        self.replaced += count
        return fixed

    def close(self) -> str:
        """Whatever was held back (a lone high surrogate, now replaced)."""
        held, self._held = self._held, ""
        fixed, count = repair(held)
        self.replaced += count
        return fixed
