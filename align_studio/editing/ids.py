"""Ids that say what they name: derived from a case's title or a behavior's statement.

A new case or behavior is created before the PM has typed anything, so it gets a
placeholder (``case-004``, ``behavior-3``); once its title (or statement) is written, the
placeholder is replaced by a slug of it — ``return-within-the-window`` — unique within the
spec (issue 16). Ids already in a spec are never changed here: only a placeholder is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

#: Words left out of a slug: they make ids longer without telling cases apart.
_FILLER = frozenset({"a", "an", "the", "of", "to", "and", "or", "for", "in", "on", "at", "by",
                     "with", "is", "are", "be", "it", "its", "that", "this", "about"})
_PLACEHOLDER = re.compile(r"^(?:case|behavior)-\d+$")
#: At most this many words and characters: ids are read in tables and YAML keys.
MAX_WORDS = 6
MAX_CHARS = 40


def slug(text: str, max_words: int = MAX_WORDS, max_chars: int = MAX_CHARS) -> str:
    """``"Return within the 30-day window!"`` → ``"return-within-30-day-window"``.

    Lower-case ASCII letters, digits and single hyphens; accents are folded ("café" →
    "cafe"), other scripts dropped; filler words are left out unless nothing else is left.
    ``""`` when the text has no usable word.
    """
    # "customer's" is one word: customers, not customer-s.
    text = text.replace("'", "").replace("\u2019", "")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", folded.lower())
    kept = [w for w in words if w not in _FILLER] or words
    out = ""
    for word in kept[:max_words]:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > max_chars:
            break
        out = candidate
    return out or (kept[0][:max_chars] if kept else "")


def unique_id(stem: str, taken: Collection[str]) -> str:
    """``stem`` itself if free, else ``stem-2``, ``stem-3``…"""
    if stem not in taken:
        return stem
    n = 2
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def is_placeholder(item_id: str) -> bool:
    """Whether ``item_id`` is an automatic id that says nothing (``case-004``)."""
    return bool(_PLACEHOLDER.match(item_id))


def id_from_text(text: str, taken: Collection[str], current: str | None = None) -> str | None:
    """The id for an item whose title (or statement) is ``text``: a slug unique among
    ``taken`` (``current``, the item's own id, does not count as taken). None when the
    text gives no slug."""
    stem = slug(text)
    if not stem:
        return None
    return unique_id(stem, {t for t in taken if t != current})
