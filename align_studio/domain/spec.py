"""The spec document: metadata, system prompt, behaviors, cases and targets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from align_studio.domain.base import (
    Authority,
    BehaviorKind,
    DomainObject,
    Severity,
    Status,
    Verdict,
)
from align_studio.domain.case import Case

#: The spec format version this app reads and writes.
FORMAT_VERSION = 1


class JudgeExample(DomainObject):
    """A human-judged response shown to the judge as a few-shot example of a behavior.

    It names the response (``case`` and ``response`` ids) and copies the verdict and the
    reason, so the example keeps its meaning even if the response is later re-judged.
    """

    case: str
    response: str
    verdict: Verdict
    reason: str | None = None


class BehaviorJudge(DomainObject):
    """What the judge checks for one behavior: criteria text and few-shot examples."""

    criteria: str | None = None
    examples: list[JudgeExample] = Field(default_factory=list)


class Behavior(DomainObject):
    """One rule of the spec."""

    id: str
    kind: BehaviorKind
    statement: str = ""
    rationale: str | None = None
    severity: Severity = Severity.MEDIUM
    authority: Authority | None = None
    judge: BehaviorJudge | None = None


class Target(DomainObject):
    """A model to preview: a provider profile, a model name and its parameters.

    ``prompt_variant`` names one of the spec's prompt variants to send instead of the
    spec's ``system_prompt`` (runs in the window and the CLI, batch runs, A/B, stability
    and bisection all honour it).
    """

    id: str
    provider: str
    model: str
    label: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    prompt_variant: str | None = None


class PromptVariant(DomainObject):
    """An alternative system prompt, compared against others across the suite (A/B).

    ``compiled`` is true when the text started as the spec's behaviors compiled into a
    prompt (and was perhaps edited since).
    """

    id: str
    label: str | None = None
    text: str = ""
    compiled: bool | None = None
    notes: str | None = None


class ChangelogEntry(DomainObject):
    """One line of the spec's history, written when a version is saved."""

    version: int
    date: dt.date | None = None
    author: str | None = None
    message: str = ""


class Acknowledgment(DomainObject):
    """A linter finding the team has looked at and accepted, with the reason."""

    rule: str
    where: str = ""  # what the finding is about, e.g. "behavior b-refunds" or "spec"
    reason: str = ""
    by: str | None = None
    time: dt.datetime | None = None


class JudgeSettings(DomainObject):
    """Which target grades responses against the spec, and the prompt it is given.

    ``prompt`` replaces the built-in judge prompt when set (it is shown in the app).
    ``min_kappa`` is the CI gate: ``align-studio grade --gate`` uses the judge only when
    the lower bound of the 95 % interval of its Cohen's kappa with people reaches it.
    """

    target: str | None = None
    prompt: str | None = None
    min_kappa: float | None = None


class Spec(DomainObject):
    """One behavioral specification for one AI feature."""

    format_version: int = FORMAT_VERSION
    id: str
    title: str = ""
    product: str | None = None
    owner: str | None = None
    status: Status = Status.DRAFT
    version: int = 1
    summary: str | None = None
    changelog: list[ChangelogEntry] = Field(default_factory=list)
    system_prompt: str | None = None
    prompt_variants: list[PromptVariant] = Field(default_factory=list)
    reason_presets: list[str] | None = None
    behaviors: list[Behavior] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    judge: JudgeSettings | None = None
    acknowledgments: list[Acknowledgment] = Field(default_factory=list)
    cases: list[Case] = Field(default_factory=list)

    def behavior(self, behavior_id: str) -> Behavior | None:
        """The behavior with this id, if any."""
        for b in self.behaviors:
            if b.id == behavior_id:
                return b
        return None

    def case(self, case_id: str) -> Case | None:
        """The case with this id, if any."""
        for c in self.cases:
            if c.id == case_id:
                return c
        return None

    def target(self, target_id: str) -> Target | None:
        """The target with this id, if any."""
        for t in self.targets:
            if t.id == target_id:
                return t
        return None

    def prompt_variant(self, variant_id: str) -> PromptVariant | None:
        """The prompt variant with this id, if any."""
        for v in self.prompt_variants:
            if v.id == variant_id:
                return v
        return None

    def judged_count(self) -> int:
        """How many responses carry a human verdict."""
        return sum(1 for c in self.cases for r in c.responses if r.verdict is not None)


#: Reason presets offered when a spec names none of its own.
DEFAULT_REASON_PRESETS = [
    "wrong tone",
    "unsafe",
    "over-refusal",
    "factually wrong",
    "ignored instruction",
    "too long",
    "asked nothing when it should have",
]
