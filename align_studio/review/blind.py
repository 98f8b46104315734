"""Column order and labels of the side-by-side preview, with blind mode.

In blind mode the target names are hidden ("Model A", "Model B"…) and the column order is
shuffled per case, seeded by the case id, so the same case always shows the same order
(reviewers can come back to it) while no position gives a target away across cases. The
mapping is kept, so a verdict on "Model B" is recorded against the right target.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def blind_label(position: int) -> str:
    """The name shown for the column at ``position`` in blind mode ("Model A"…)."""
    return f"Model {LETTERS[position % len(LETTERS)]}"


def shuffled(case_id: str, target_ids: Sequence[str], salt: str = "") -> list[str]:
    """``target_ids`` in a per-case order, the same every time for the same case."""
    seed = int.from_bytes(hashlib.sha256(f"{salt}\0{case_id}".encode()).digest()[:8], "big")
    order = list(target_ids)
    random.Random(seed).shuffle(order)
    return order


@dataclass(frozen=True)
class ColumnMap:
    """Which target each column of one case shows, and what the column is called."""

    case_id: str
    targets: tuple[str, ...]  # target id per column, left to right
    labels: tuple[str, ...]  # header text per column
    blind: bool

    def target_at(self, column: int) -> str:
        """The target id behind column ``column`` (0-based)."""
        return self.targets[column]

    def column_of(self, target_id: str) -> int:
        """The column showing ``target_id``."""
        return self.targets.index(target_id)

    def label_of(self, target_id: str) -> str:
        """The header text of the column showing ``target_id``."""
        return self.labels[self.column_of(target_id)]


def column_map(case_id: str, target_ids: Sequence[str], names: Sequence[str] | None = None,
               *, blind: bool = False, salt: str = "") -> ColumnMap:
    """The columns of ``case_id``: spec order and target names, or shuffled and lettered."""
    if blind:
        order = shuffled(case_id, target_ids, salt)
        return ColumnMap(case_id, tuple(order), tuple(blind_label(i) for i in range(len(order))),
                         True)
    shown = list(names) if names is not None else list(target_ids)
    return ColumnMap(case_id, tuple(target_ids), tuple(shown), False)
