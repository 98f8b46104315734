"""The train/validation split of the training exports, by case.

A random split of rows would leak prompts: one case gives several rows (every pair of its
answers), so the same prompt would land in both halves. Here a whole case goes to one
split, decided by a hash of ``<spec id>/<case id>``:

- it is deterministic (the same bundle exported twice, on any machine, splits the same);
- it is stable: adding or removing other cases never moves a case to the other split, so
  a model trained on one export is not validated on its own training prompts later;
- cases that send the very same prompt (duplicates, in one spec or across specs) follow
  the first of them, so no prompt text appears on both sides.

About :data:`VALIDATION_RATIO` of the cases go to validation (a hash threshold, so a small
spec can fall a case or two either way of the exact ratio).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from align_studio.domain import Spec
from align_studio.exchange.common import prompt_messages

#: The share of cases that go to the validation split.
VALIDATION_RATIO = 0.2
TRAIN, VALIDATION = "train", "validation"
SPLITS = (TRAIN, VALIDATION)


def case_split(spec_id: str, case_id: str, ratio: float = VALIDATION_RATIO) -> str:
    """``train`` or ``validation`` for one case, from the SHA-256 of ``spec/case``."""
    digest = hashlib.sha256(f"{spec_id}/{case_id}".encode()).digest()
    share = int.from_bytes(digest[:8], "big") / 2**64
    return VALIDATION if share < ratio else TRAIN


def assign_splits(specs: Sequence[Spec], ratio: float = VALIDATION_RATIO
                  ) -> dict[tuple[str, str], str]:
    """The split of every case, keyed by ``(spec id, case id)``.

    A case whose prompt (system prompt and turns, as exported) is the same as an earlier
    case's takes that case's split.
    """
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"the validation ratio must be between 0 and 1, not {ratio}")
    by_prompt: dict[str, str] = {}
    out: dict[tuple[str, str], str] = {}
    for spec in specs:
        for case in spec.cases:
            key = json.dumps(prompt_messages(spec, case), ensure_ascii=False, sort_keys=True)
            split = by_prompt.setdefault(key, case_split(spec.id, case.id, ratio))
            out[(spec.id, case.id)] = split
    return out
