"""The domain: pydantic types of a spec and everything in it. Pure: no I/O, no Qt."""

from align_studio.domain.base import (
    Authority,
    BehaviorKind,
    Better,
    Category,
    DomainObject,
    Outcome,
    Role,
    Severity,
    Status,
    Verdict,
)
from align_studio.domain.case import Case, JudgedResponse, Message, Preference, Review
from align_studio.domain.check import Check, CheckType
from align_studio.domain.problems import Problem, find_problems, problems_from_validation
from align_studio.domain.spec import (
    DEFAULT_REASON_PRESETS,
    FORMAT_VERSION,
    Acknowledgment,
    Behavior,
    BehaviorJudge,
    ChangelogEntry,
    JudgeExample,
    JudgeSettings,
    Spec,
    Target,
)

__all__ = [
    "DEFAULT_REASON_PRESETS",
    "FORMAT_VERSION",
    "Acknowledgment",
    "Authority",
    "Behavior",
    "BehaviorJudge",
    "BehaviorKind",
    "Better",
    "Case",
    "Category",
    "ChangelogEntry",
    "Check",
    "CheckType",
    "DomainObject",
    "JudgeExample",
    "JudgeSettings",
    "JudgedResponse",
    "Message",
    "Outcome",
    "Preference",
    "Problem",
    "Review",
    "Role",
    "Severity",
    "Spec",
    "Status",
    "Target",
    "Verdict",
    "find_problems",
    "problems_from_validation",
]
