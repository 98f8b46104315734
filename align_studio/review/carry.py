"""Carry-forward: a new answer identical to one already judged shows the earlier verdict.

A carried verdict is never silent: it is reported with the run it came from, so the app
says "carried forward from run X" and the reviewer can confirm or change it.
"""

from __future__ import annotations

from dataclasses import dataclass

from align_studio.domain import Case, JudgedResponse, Verdict
from align_studio.editing.commands import Command, Compound, SetField


@dataclass(frozen=True)
class Carried:
    """An earlier verdict that applies to a new, identical answer."""

    response: JudgedResponse
    from_run: str | None  # the run the judged answer came from (None: not recorded)

    @property
    def verdict(self) -> Verdict | None:
        """The carried verdict."""
        return self.response.verdict

    def describe(self) -> str:
        """What the app shows: "carried forward from run X"."""
        source = f"run {self.from_run}" if self.from_run else "an earlier judgment"
        return f"carried forward from {source}"


def judged_match(case: Case, target_id: str, text: str) -> JudgedResponse | None:
    """The judged response of ``target_id`` with exactly this text, if any."""
    for r in reversed(case.responses):
        if r.target == target_id and r.text == text and r.verdict is not None:
            return r
    return None


def carried(case: Case, target_id: str, text: str, run_id: str | None,
            cached: bool = False) -> Carried | None:
    """The verdict carried to an answer of ``run_id``, when an identical answer of another
    run (or of no recorded run) was judged; None when it was judged in this very run or
    never, or when the answer is ``cached``: a re-run served the very answer that was
    judged from the cache, nothing new was generated, so there is nothing to confirm."""
    if not text or cached:
        return None
    match = judged_match(case, target_id, text)
    if match is None or (run_id is not None and match.run == run_id):
        return None
    return Carried(match, match.carried_from or match.run)


def carry_command(case: Case, target_id: str, text: str, run_id: str) -> Command | None:
    """The command that keeps a carried verdict for ``run_id``: the judged response now
    belongs to the new run and records ``carried_from`` (the run it was judged in)."""
    found = carried(case, target_id, text, run_id)
    if found is None:
        return None
    r = found.response
    steps: list[Command] = [SetField(r, "run", run_id)]
    if found.from_run and r.carried_from != found.from_run:
        steps.append(SetField(r, "carried_from", found.from_run))
    if r.stale:
        steps.append(SetField(r, "stale", None))
    return Compound(f"Keep carried verdict of {target_id} on {case.id}", steps)
