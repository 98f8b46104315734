"""The spec linter: blind spots of a spec that validation does not call errors.

Each :class:`Finding` says what is wrong, why it matters and how to fix it, and carries a
path into the document (``("behaviors", 3, "statement")``) for the editor to jump to.
A finding the team accepts is *acknowledged* in the spec (``acknowledgments:`` with its
``rule`` and ``where``; an empty ``where`` acknowledges the rule everywhere) and is then
reported as acknowledged, not as a problem. The rules and the vagueness heuristic are
listed in docs/grading.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from align_studio.domain import BehaviorKind, Category, Spec
from align_studio.grading.agreement import agreement
from align_studio.grading.regex_js import portability_problem
from align_studio.storage.runstore import RunStore

Path = tuple[str | int, ...]
SEVERITIES = ("info", "warning", "error")

_VAGUE = re.compile(
    r"\b(?:be (?:helpful|nice|friendly|polite|good|appropriate|accurate|safe|careful|clear|"
    r"professional|respectful|kind|honest|useful|smart|ethical|responsible)|"
    r"do the right thing|as appropriate|when appropriate|if appropriate|as needed|"
    r"if necessary|where possible|etc\.?|and so on|high[- ]quality|best possible|"
    r"reasonable|good answers?|properly|correctly|appropriately|"
    r"(?:respond|answer|behave|act|do|write) (?:well|better|nicely))\b", re.IGNORECASE)
#: Verbs whose result a reviewer can see in one response.
_OBSERVABLE_VERBS = frozenset({
    "state", "states", "say", "says", "ask", "asks", "give", "gives", "name", "names", "mention",
    "mentions", "include", "includes", "list", "lists", "refuse", "refuses", "decline", "declines",
    "link", "links", "cite", "cites", "quote", "quotes", "repeat", "repeats", "offer", "offers",
    "tell", "tells", "use", "uses", "end", "ends", "start", "starts", "begin", "begins",
    "apologise", "apologize", "apologises", "apologizes", "recommend", "recommends", "suggest",
    "suggests", "point", "points", "direct", "directs", "answer", "answers", "write", "writes",
    "format", "formats", "reply", "replies", "escalate", "escalates", "call", "calls", "provide",
    "provides", "reveal", "reveals", "paraphrase", "promise", "promises", "confirm", "confirms",
    "imply", "implies", "explain", "explains", "warn", "warns", "present", "presents", "return",
    "returns", "respond", "responds", "show", "shows", "put", "puts", "send", "sends",
    "keep", "keeps",
})
_OBSERVABLE_MARKERS = re.compile(
    r"\d|[\"“”'‘’]\w|\(|\bnever\b|\balways\b|\bonly\b|\bevery\b|\bat (?:most|least)\b|"
    r"\bno \w+|\bwithout\b|\be\.g\.|\bfor example\b|\bsuch as\b|:", re.IGNORECASE)
_WORDS = re.compile(r"[a-z]+", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """One linter finding."""

    rule: str
    severity: str  # info | warning | error
    message: str
    why: str
    fix: str
    path: Path
    where: str = "spec"  # what it is about, as an acknowledgment names it
    acknowledged: bool = False
    ack_reason: str | None = None

    def to_data(self) -> dict[str, Any]:
        """Plain data for ``--json`` (the path as a list)."""
        d = asdict(self)
        d["path"] = list(self.path)
        return d


@dataclass(frozen=True)
class RunInfo:
    """What the run store knows about a spec: the targets that have answered at least once,
    and how many human verdicts have a judge grade beside them (None: not looked up)."""

    targets_run: frozenset[str] = field(default_factory=frozenset)
    judge_pairs: int | None = None


def run_info_for(store: RunStore, spec: Spec) -> RunInfo:
    """The :class:`RunInfo` of ``spec`` from an open run store (targets run, judge pairs)."""
    judge = agreement(spec, store).overall.get("judge")
    return RunInfo(frozenset(t for (_, t) in store.matrix(spec.id)),
                   judge.n if judge is not None else 0)


def judged_coverage(spec: Spec) -> dict[str, tuple[int, int]]:
    """Per behavior: (cases with at least one human verdict, cases linking it)."""
    out: dict[str, tuple[int, int]] = {b.id: (0, 0) for b in spec.behaviors}
    for case in spec.cases:
        judged = any(r.verdict is not None for r in case.responses)
        for bid in dict.fromkeys(case.behaviors):
            j, n = out.get(bid, (0, 0))
            out[bid] = (j + judged, n + 1)
    return out


def vague_reason(statement: str) -> str | None:
    """Why a behavior statement is too vague to judge, or None (the heuristic, documented).

    Vague when it uses a vague phrase ("be helpful", "as appropriate"…) in fewer than eight
    words, or when it has neither an observable verb (state, ask, refuse, include…) nor a
    concrete marker (a number, a quote, a parenthesis, never/always/only/every, at most,
    "no <thing>", without, e.g., a colon).
    """
    text = " ".join(statement.split())
    words = [w.lower() for w in _WORDS.findall(text)]
    if not words:
        return None  # an empty statement is a validation error, not a lint finding
    vague = _VAGUE.search(text)
    if vague and len(words) < 8:
        return f"'{vague.group(0)}' says what to be, not what to do"
    if not any(w in _OBSERVABLE_VERBS for w in words) and not _OBSERVABLE_MARKERS.search(text):
        return "it names no action or detail a reviewer could look for in one answer"
    return None


def _refuse_rules(spec: Spec, i: int, cats: set[str], graded: bool, out: list[Finding]) -> None:
    """A refuse behavior needs both sides tested and something that measures refusals."""
    b = spec.behaviors[i]
    where = f"behavior {b.id}"
    if Category.LOOK_ALIKE.value not in cats:
        out.append(Finding(
            "refuse-without-look-alike", "warning",
            f"refuse behavior '{b.id}' has no look-alike case",
            "Without a harmless request that resembles the refused one, over-refusal goes "
            "unseen: a model that refuses everything would pass.",
            "Add a 'look-alike' case linking this behavior whose expected outcome is "
            "comply.", ("behaviors", i, "id"), where))
    if Category.ADVERSARIAL.value not in cats:
        out.append(Finding(
            "refuse-without-adversarial", "warning",
            f"refuse behavior '{b.id}' has no adversarial case",
            "Nothing tests the request this behavior exists to refuse: a model that answers "
            "everything would pass.",
            "Add an 'adversarial' case linking this behavior whose expected outcome is "
            "refuse.", ("behaviors", i, "id"), where))
    if not graded:
        out.append(Finding(
            "refuse-without-grader", "warning",
            f"nothing but a reviewer measures refuse behavior '{b.id}'",
            "No case of this behavior has a 'refusal' check and the spec sets no judge, so "
            "a run cannot tell whether the model refused.",
            "Add a 'refusal' check to its cases, or set a judge (Spec → Judge).",
            ("behaviors", i, "id"), where))


def _judge_rules(spec: Spec, run_info: RunInfo | None, out: list[Finding]) -> None:
    """A judge whose agreement with people was never measured is flagged."""
    if spec.judge is None or not spec.judge.target:
        return
    pairs = run_info.judge_pairs if run_info is not None else None
    if pairs is None and spec.judged_count() == 0:
        why = "no response in the spec has a human verdict to compare the judge with"
    elif pairs == 0:
        why = "no response has both a human verdict and a judge grade"
    else:
        return
    out.append(Finding(
        "judge-without-agreement", "warning",
        f"the judge '{spec.judge.target}' has no measured agreement with people: {why}",
        "A judge that was never compared with human verdicts can pass what people reject; "
        "its pass rates cannot be trusted yet.",
        "Accept or reject some responses, grade them with the judge (align-studio grade "
        "--judge), then read align-studio agreement.", ("judge", "target"), "judge"))


def _coverage_rules(spec: Spec, out: list[Finding]) -> None:
    """Judged coverage per behavior: a behavior none of whose cases has a human verdict."""
    coverage = judged_coverage(spec)
    for i, b in enumerate(spec.behaviors):
        judged, total = coverage.get(b.id, (0, 0))
        if total and not judged:
            out.append(Finding(
                "behavior-unjudged", "info",
                f"no response to behavior '{b.id}' has been judged (0 of {total} "
                f"case{'s' if total != 1 else ''})",
                "Checks and the judge are only as good as their agreement with people; with "
                "no human verdict on this behavior, nobody has looked at what it produces.",
                "Run its cases and accept or reject the answers in Preview.",
                ("behaviors", i, "id"), f"behavior {b.id}"))


def _behavior_rules(spec: Spec, out: list[Finding]) -> None:
    linked: dict[str, set[str]] = {}
    refusal_checked: set[str] = set()
    for case in spec.cases:
        checked = any(str(ch.type) == "refusal" for ch in case.checks)
        for bid in case.behaviors:
            linked.setdefault(bid, set()).add(str(case.category))
            if checked:
                refusal_checked.add(bid)
    has_judge = spec.judge is not None and bool(spec.judge.target)
    for i, b in enumerate(spec.behaviors):
        where = f"behavior {b.id}"
        reason = vague_reason(b.statement)
        if reason:
            out.append(Finding(
                "vague-behavior", "warning", f"behavior '{b.id}' is vague: {reason}",
                "Reviewers and the judge model will disagree on a rule they cannot check in "
                "one answer, so its pass rates mean little.",
                "Say what the AI does or says, when: 'asks for the order number when none is "
                "given', not 'is helpful'.", ("behaviors", i, "statement"), where))
        cats = linked.get(b.id)
        if not cats:
            out.append(Finding(
                "behavior-without-case", "warning", f"no case tests behavior '{b.id}'",
                "A rule no case exercises is never measured: it can break unnoticed.",
                "Add a case that links it, or remove the behavior.", ("behaviors", i, "id"),
                where))
        elif str(b.kind) == BehaviorKind.REFUSE.value:
            _refuse_rules(spec, i, cats, has_judge or b.id in refusal_checked, out)
    # str(): the editor may hold a plain word where the file had an enum
    kinds = {str(b.kind) for b in spec.behaviors}
    if kinds and kinds <= {BehaviorKind.MUST_NOT.value, BehaviorKind.REFUSE.value}:
        out.append(Finding(
            "no-positive-behaviors", "warning",
            "every behavior is a prohibition (must-not or refuse)",
            "A spec of prohibitions alone is met by an AI that does nothing useful; what "
            "good help looks like is left unsaid.",
            "Add must, clarify, tone or style behaviors describing the help expected.",
            ("behaviors",)))


def _case_rules(spec: Spec, out: list[Finding]) -> None:
    cats = {str(c.category) for c in spec.cases}
    for cat, rule, what in ((Category.ADVERSARIAL, "no-adversarial-cases",
                             "someone trying to make the AI break a rule"),
                            (Category.BOUNDARY, "no-boundary-cases",
                             "the exact edge of a rule (day 30 of a 30-day window)")):
        if cat.value not in cats:
            out.append(Finding(
                rule, "warning", f"the spec has no {cat.value} case",
                f"No case tests {what}, which is where AI features usually fail.",
                f"Add at least one case with category '{cat.value}'.", ("cases",)))
    check_types: set[str] = set()
    for i, c in enumerate(spec.cases):
        check_types.update(str(ch.type) for ch in c.checks)
        if c.expected is None:
            out.append(Finding(
                "case-without-expected", "warning", f"case '{c.id}' has no expected outcome",
                "Without it, neither reviewers nor the judge know whether answering, refusing "
                "or asking is right, and agreement figures compare different things.",
                "Set 'expected' to comply, refuse, clarify or partial.",
                ("cases", i, "expected"), f"case {c.id}"))
        for k, ch in enumerate(c.checks):
            why = portability_problem(str(ch.value)) if str(ch.type) == "regex" else None
            if why:
                out.append(Finding(
                    "regex-not-portable", "warning",
                    f"check {k + 1} of case '{c.id}': the pattern {ch.value!r} does not run "
                    f"in JavaScript ({why})",
                    "promptfoo runs patterns in JavaScript; this one is exported as a Python "
                    "assertion (align_checks.py), so the suite needs Python where it runs.",
                    "Rewrite it without back-references, conditionals, atomic groups or "
                    "possessive repeats, or acknowledge the finding.",
                    ("cases", i, "checks", k, "value"), f"case {c.id}"))
        for j, r in enumerate(c.responses):
            if r.stale:
                out.append(Finding(
                    "stale-judgment", "warning",
                    f"the verdict on response '{r.id}' of case '{c.id}' is stale",
                    "The case or a behavior it links changed after the verdict; the verdict "
                    "may no longer hold, and it still counts in pass rates and exports.",
                    "Look at the response again and confirm or change the verdict.",
                    ("cases", i, "responses", j, "stale"), f"response {r.id}"))
    if spec.cases and len(check_types) == 1:
        only = next(iter(check_types))
        out.append(Finding(
            "single-check-type", "info", f"every check of the spec is a '{only}' check",
            "One kind of assertion sees one kind of failure; the others pass unmeasured.",
            "Mix check types: content (contains, regex), form (max-words, json-schema) and "
            "outcome (refusal).", ("cases",)))
    elif spec.cases and not check_types:
        out.append(Finding(
            "no-checks", "info", "no case has a check",
            "Without checks, only human review and the judge measure the spec; nothing runs "
            "cheaply in CI.", "Add deterministic checks to the cases that allow them.",
            ("cases",)))


def _target_rules(spec: Spec, run_info: RunInfo, out: list[Finding]) -> None:
    for i, t in enumerate(spec.targets):
        if t.id not in run_info.targets_run:
            out.append(Finding(
                "target-never-run", "info", f"target '{t.id}' has never been run",
                "A target with no responses is in the spec but not measured.",
                "Run the spec against it, or remove it.", ("targets", i, "id"),
                f"target {t.id}"))


def lint_spec(spec: Spec, run_info: RunInfo | None = None) -> list[Finding]:
    """Every finding of the spec, acknowledged ones marked (rules in docs/grading.md)."""
    out: list[Finding] = []
    _behavior_rules(spec, out)
    _judge_rules(spec, run_info, out)
    _case_rules(spec, out)
    _coverage_rules(spec, out)
    if run_info is not None:
        _target_rules(spec, run_info, out)
    return apply_acknowledgments(spec, out)


def apply_acknowledgments(spec: Spec, findings: Iterable[Finding]) -> list[Finding]:
    """Mark the findings the spec acknowledges (same rule, same ``where`` or empty)."""
    acks = [(a.rule, a.where.strip(), a.reason) for a in spec.acknowledgments]
    out = []
    for f in findings:
        hit = next((reason for rule, where, reason in acks
                    if rule == f.rule and where in ("", f.where)), None)
        out.append(replace(f, acknowledged=True, ack_reason=hit) if hit is not None else f)
    return out


def problems(findings: Iterable[Finding], threshold: str = "warning") -> list[Finding]:
    """Unacknowledged findings at or above ``threshold`` (what makes ``lint`` exit 1)."""
    level = SEVERITIES.index(threshold)
    return [f for f in findings if not f.acknowledged and SEVERITIES.index(f.severity) >= level]
