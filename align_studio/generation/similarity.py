"""Near-duplicate cases and the diversity of a set of cases.

**The measure.** A case's *text* is its user turns, joined. It is lower-cased, folded to
ASCII and split into words (letters and digits); each word loses a plural ``s`` ("refunds"
→ "refund"), and filler words (:data:`STOP_WORDS`: "a", "the", "how", "do", "my"…) are
dropped. Its *shingles* are the set of the remaining content words. Two cases are compared
by the **Jaccard similarity** of their shingle sets, ``|A ∩ B| / |A ∪ B|``; the distance
is ``1 − J``.

Two cases are **near-duplicates** when ``J ≥`` :data:`DUPLICATE_THRESHOLD` **and** they
expect the same outcome. The second rule keeps look-alike pairs: "how do I kill a Python
process" (comply) and "how do I kill my neighbour's dog" (refuse) share words by design,
and removing one would defeat the pair.

**The threshold** (0.6) comes from the hand-written fixture
``tests/generation/data/paraphrases.yaml``: eight groups of rewordings a generator
produced for one request (case and punctuation, a filler word, a contraction, two clauses
swapped, a synonym) and eight distinct cases that share most of their words with a group.
On it the most distant two rewordings of one group are at J = 0.625 and the closest two
distinct cases expecting the same outcome at J = 0.5 ("How do I return a pair of shoes I
bought last week?" / "How do I return a gift card I bought last week?"), so a threshold in
(0.5, 0.625] separates them; 0.6 sits near the top of that gap because a dropped distinct
case costs coverage while a missed duplicate costs a reviewer one click. Word pairs
(bigrams) and character n-grams were measured on the same fixture and leave no gap (word
uni+bigrams: 0.5 within a group against 0.556 between cases; character 4-grams: 0.519
against 0.534). ``python -m bench.bench_generation`` prints both figures again.

Real paraphrases with no words in common ("How can I send back shoes?" / "What's your
returns process for footwear?") are *not* caught: that needs an embedding model, and the
app ships none. The PM sees such cases in the inbox side by side.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from align_studio.domain import Case, Role

#: Jaccard similarity of shingle sets at or above which two cases are near-duplicates.
DUPLICATE_THRESHOLD = 0.6

#: Filler words left out of the shingles: they make unrelated requests look alike.
STOP_WORDS = frozenset({
    "a", "an", "the", "of", "to", "and", "or", "for", "in", "on", "at", "by", "with", "is",
    "are", "be", "it", "i", "you", "my", "me", "how", "do", "can", "what", "that", "this"})

_WORD = re.compile(r"[a-z0-9]+")


def case_text(case: Case) -> str:
    """The text a case is compared by: its user turns, joined."""
    return "\n".join(m.content for m in case.messages if m.role == Role.USER)


def _stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The words of ``text``: lower-case ASCII, a plural ``s`` removed, fillers kept."""
    folded = unicodedata.normalize("NFKD", text.replace("'", "").replace("\u2019", ""))
    folded = folded.encode("ascii", "ignore").decode("ascii").lower()
    return [_stem(w) for w in _WORD.findall(folded)]


def shingles(text: str) -> frozenset[str]:
    """The content words of ``text`` (see the module docstring)."""
    return frozenset(w for w in words(text) if w not in STOP_WORDS)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """``|a ∩ b| / |a ∪ b|``; two empty sets are identical (1.0)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Fingerprint:
    """What near-duplicate detection compares of one case."""

    key: str  # the case id or inbox item id
    shingles: frozenset[str]
    expected: str | None

    @classmethod
    def of(cls, key: str, case: Case) -> Fingerprint:
        """The fingerprint of a case."""
        expected = case.expected.value if case.expected is not None else None
        return cls(key, shingles(case_text(case)), expected)


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Jaccard similarity of two cases' shingles."""
    return jaccard(a.shingles, b.shingles)


def is_duplicate(a: Fingerprint, b: Fingerprint,
                 threshold: float = DUPLICATE_THRESHOLD) -> bool:
    """Near-duplicates: similar enough, and expecting the same outcome."""
    return a.expected == b.expected and similarity(a, b) >= threshold


def duplicate_of(new: Fingerprint, existing: Sequence[Fingerprint],
                 threshold: float = DUPLICATE_THRESHOLD) -> tuple[str, float] | None:
    """The most similar near-duplicate of ``new`` among ``existing`` and its similarity."""
    best: tuple[str, float] | None = None
    for other in existing:
        if is_duplicate(new, other, threshold):
            s = similarity(new, other)
            if best is None or s > best[1]:
                best = (other.key, s)
    return best


def collapse(items: Sequence[Fingerprint], threshold: float = DUPLICATE_THRESHOLD
             ) -> list[list[str]]:
    """Groups of near-duplicates, in order: each item joins the group of the first kept
    item it duplicates, else starts a group (greedy, like the inbox keeps the first)."""
    kept: list[Fingerprint] = []
    groups: dict[str, list[str]] = {}
    for fp in items:
        match = duplicate_of(fp, kept, threshold)
        if match is None:
            kept.append(fp)
            groups[fp.key] = [fp.key]
        else:
            groups[match[0]].append(fp.key)
    return list(groups.values())


def mean_pairwise_distance(items: Sequence[Fingerprint]) -> float | None:
    """The mean Jaccard distance over all pairs (None for fewer than two items): 0 when all
    are the same words, 1 when no two share a word."""
    if len(items) < 2:
        return None
    dists = [1.0 - similarity(a, b) for a, b in itertools.combinations(items, 2)]
    return sum(dists) / len(dists)
