"""Import of Model-Spec-style Markdown: examples become cases, GOOD/BAD answers verdicts.

Reads the format of OpenAI's Model Spec (``model_spec.md``): headings with
``{#anchor authority=…}``, ``**Example**: title`` followed by a fenced ``xml`` block of
``<system>``/``<developer>``/``<user>``/``<assistant>``/``<tool>`` turns and a
``<comparison>`` of ``<assistant> <!-- GOOD[: why] -->`` / ``<!-- BAD[: why] -->`` answers.

- each example becomes a case whose conversation is the turns before the comparison; the
  behavior is the heading the example sits under (its anchor as id, its prose before the
  first example as statement, ``authority`` mapped back: root/system → platform);
- each GOOD answer becomes an accepted judged response, each BAD one a rejected response
  with the comment's text as the reason;
- a document written by :mod:`align_studio.exchange.modelspec` carries
  ``<!-- align-studio {json} -->`` comments; with them, ids, category, expected outcome,
  checks, targets, reviewers and times come back as they were. The visible text wins
  where it was edited by hand (a changed answer, verdict or reason).

Nothing is written here; :func:`add_to_spec` merges an import into an existing spec.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align_studio.domain import (
    Authority,
    Behavior,
    BehaviorKind,
    Case,
    Category,
    Check,
    JudgedResponse,
    Message,
    Outcome,
    Role,
    Severity,
    Spec,
    Target,
    Verdict,
)
from align_studio.editing.ids import unique_id
from align_studio.exchange.common import ExchangeError
from align_studio.exchange.modelspec import MARK, one_line
from align_studio.exchange.modelspec_parse import Block, Example, Section, parse_document

#: The Model Spec's levels of authority → ours (we have no separate "system" level).
AUTHORITY_FROM = {"root": Authority.PLATFORM, "platform": Authority.PLATFORM,
                  "system": Authority.PLATFORM, "developer": Authority.DEVELOPER,
                  "user": Authority.USER, "guideline": Authority.GUIDELINE}
#: The target of answers that name none (documents not written by this app).
DOC_TARGET = "model-spec"


@dataclass
class ModelSpecImport:
    """A spec built from a document, and what could not be taken over (with line numbers)."""

    spec: Spec
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the command line and the import dialog."""
        judged = self.spec.judged_count()
        return (f"{len(self.spec.cases)} cases, {judged} judged responses, "
                f"{len(self.spec.behaviors)} behaviors; {len(self.notes)} notes")


def _slug(text: str, fallback: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-")
    return s or fallback


def _unique(base: str, taken: set[str]) -> str:
    name = unique_id(base, taken)
    taken.add(name)
    return name


def _prefer(visible: str, stored: Any, norm: Any = None) -> str:
    """The stored exact value when it still says what the visible text says."""
    norm = norm or (lambda s: " ".join(str(s).split()))
    if isinstance(stored, str) and norm(stored) == norm(visible):
        return stored
    return visible


def _guess_kind(text: str) -> BehaviorKind:
    low = text.lower()
    if re.search(r"\b(refuse|decline)", low):
        return BehaviorKind.REFUSE
    if re.search(r"\b(ask|clarif)", low):
        return BehaviorKind.CLARIFY
    if re.search(r"\b(must not|never|should not|shouldn't|don't|do not|avoid)\b", low):
        return BehaviorKind.MUST_NOT
    return BehaviorKind.MUST


def _enum(kind: type[Any], value: Any, default: Any) -> Any:
    try:
        return kind(value) if value is not None else default
    except ValueError:
        return default


def _behavior(sec: Section, taken: set[str], where: str) -> Behavior:
    data = sec.data
    prose = sec.statement_text()
    bid = _unique(str(data.get("behavior") or sec.anchor or _slug(sec.title, "behavior")),
                  taken)
    statement = _prefer(prose, data.get("statement")) if prose else \
        str(data.get("statement") or sec.title)
    authority = None
    if sec.authority is not None:
        authority = AUTHORITY_FROM.get(sec.authority.lower())
    extra: dict[str, Any] = {}  # only what the document says, so defaults stay unwritten
    if data.get("severity") is not None:
        extra["severity"] = _enum(Severity, data.get("severity"), Severity.MEDIUM)
    if sec.rationale:
        extra["rationale"] = _prefer(sec.rationale, data.get("rationale"))
    if authority is not None:
        extra["authority"] = authority
    return Behavior(id=bid, kind=_enum(BehaviorKind, data.get("kind"), _guess_kind(statement)),
                    statement=statement, **extra)


def _responses(ex: Example, case_id: str, notes: list[str], where: str
               ) -> list[JudgedResponse]:
    metas = ex.data.get("responses")
    judged = [b for b in ex.answers if b.verdict is not None]
    for b in ex.answers:
        if b.verdict is None:
            notes.append(f"{where}:{b.line}: an answer in a comparison is marked neither GOOD "
                         "nor BAD; it was left out")
    if not isinstance(metas, list) or len(metas) != len(judged):
        metas = [{} for _ in judged]
    out = []
    for i, (b, meta) in enumerate(zip(judged, metas, strict=True)):
        meta = dict(meta) if isinstance(meta, dict) else {}
        word = b.verdict or "BAD"  # judged: GOOD or BAD
        verdict = Verdict.ACCEPT if word == "GOOD" else Verdict.REJECT
        reason = _prefer(b.reason, meta.get("reason"), one_line) if b.reason else None
        meta.pop("reason", None)
        rid = str(meta.pop("id", "") or f"{case_id}-{word.lower()}-{i + 1}")
        target = str(meta.pop("target", "") or DOC_TARGET)
        try:
            out.append(JudgedResponse(id=rid, target=target, text=b.text, verdict=verdict,
                                      reason=reason or None, **meta))
        except ValueError as exc:  # a hand-edited data comment with a bad value
            notes.append(f"{where}:{b.line}: the data comment of this answer was ignored "
                         f"({one_line(str(exc))[:120]})")
            out.append(JudgedResponse(id=rid, target=target, text=b.text, verdict=verdict,
                                      reason=reason or None))
    return out


def _messages(ex: Example, system_prompt: str | None, notes: list[str], where: str
              ) -> tuple[list[Message], str | None]:
    turns = list(ex.turns)
    found = None
    if ex.data.get("system_prompt") and turns and turns[0].tag == "developer":
        found = turns.pop(0).text  # the spec's system prompt, written into every example
    out = []
    for t in turns:
        if t.tag in ("system", "developer"):
            out.append(Message(role=Role.SYSTEM, content=t.text))
        else:
            out.append(Message(role=Role(t.tag), content=t.text))
    if found is not None and system_prompt is not None and found != system_prompt:
        notes.append(f"{where}:{ex.line}: this example's developer message differs from the "
                     "spec's; it was kept as a system turn of the case")
        out.insert(0, Message(role=Role.SYSTEM, content=found))
        found = None
    return out, found


def _case(ex: Example, home: str | None, taken: set[str], notes: list[str], where: str
          ) -> Case:
    d = ex.data
    cid = _unique(str(d.get("case") or "ms-" + _slug(ex.title, "example")), taken)
    shown = d.get("title") or d.get("case")
    title: str | None = ex.title or None
    if isinstance(shown, str) and title is not None and one_line(shown) == title:
        title = d.get("title")
    behaviors = d.get("behaviors") if isinstance(d.get("behaviors"), list) else \
        ([home] if home else [])
    notes_text = _prefer(ex.description, d.get("notes")) if ex.description else None
    checks = []
    for c in d.get("checks") or []:
        try:
            checks.append(Check.model_validate(c))
        except ValueError:
            notes.append(f"{where}:{ex.line}: a check in the data comment was not read")
    extra: dict[str, Any] = {}  # only what the document says, so defaults stay unwritten
    if d.get("category") is not None:
        extra["category"] = _enum(Category, d.get("category"), Category.EXPECTED)
    if behaviors:
        extra["behaviors"] = [str(b) for b in behaviors]
    if checks:
        extra["checks"] = checks
    if isinstance(d.get("position"), int):
        extra["x-position"] = d["position"]
    return Case(id=cid, title=title, expected=_enum(Outcome, d.get("expected"), None),
                notes=notes_text or None, **extra)


def build_spec(sections: list[Section], intro: list[Block], source: str,
               notes: list[str]) -> Spec:
    """The spec a parsed document describes."""
    spec_data = [s.data for s in sections if "spec" in s.data]
    if len(spec_data) > 1:
        notes.append(f"{source}: the document holds {len(spec_data)} specs; all their "
                     "behaviors and examples were imported into one")
    head = spec_data[0] if spec_data else {}
    title = str(head.get("title") or next((s.title for s in sections if s.level == 1),
                                          Path(source).stem))
    spec = Spec(id=str(head.get("spec") or _slug(Path(source).stem, "imported")),
                title=title, version=int(head.get("version") or 1))
    system_prompt = next((b.text for b in intro if b.tag == "developer"), None)
    b_ids: set[str] = set()
    c_ids: set[str] = set()
    for sec in sections:
        is_behavior = ("behavior" in sec.data or sec.authority is not None
                       or (sec.examples and not sec.data.get("unlinked")
                           and "spec" not in sec.data))
        home = None
        if is_behavior:
            b = _behavior(sec, b_ids, source)
            spec.behaviors.append(b)
            home = b.id
        for ex in sec.examples:
            where = source
            case = _case(ex, home, c_ids, notes, where)
            messages, found = _messages(ex, system_prompt, notes, where)
            if found is not None and system_prompt is None:
                system_prompt = found
            responses = _responses(ex, case.id, notes, where)
            # only what the document holds is set: an empty list would be written out
            if messages:
                case.messages = messages
            if responses:
                case.responses = responses
            spec.cases.append(case)
    spec.system_prompt = system_prompt
    order = [c.model_extra.pop("x-position", None) if c.model_extra else None
             for c in spec.cases]
    if all(isinstance(o, int) for o in order):  # our own export: the spec's order
        place = {id(c): o for o, c in zip(order, spec.cases, strict=True)}
        spec.cases.sort(key=lambda c: int(place[id(c)] or 0))
    for t in head.get("targets") or []:
        if isinstance(t, dict) and t.get("id"):
            spec.targets.append(Target(id=str(t["id"]), provider=str(t.get("provider") or
                                                                      DOC_TARGET),
                                       model=str(t.get("model") or t["id"]),
                                       label=t.get("label")))
    known = {t.id for t in spec.targets}
    for c in spec.cases:
        for r in c.responses:
            if r.target not in known:
                known.add(r.target)
                spec.targets.append(Target(
                    id=r.target, provider=DOC_TARGET, model=r.target,
                    label="answers quoted in the Model Spec document"
                    if r.target == DOC_TARGET else None))
    return spec


def parse_model_spec(text: str, source: str = "<text>") -> ModelSpecImport:
    """Build a spec from Model-Spec-style Markdown text; errors name source, line, column."""
    notes: list[str] = []
    sections, intro = parse_document(text, source, notes)
    if not any(s.examples for s in sections):
        raise ExchangeError(f"{source}: no **Example** with a conversation block was found; "
                            "nothing was imported")
    return ModelSpecImport(build_spec(sections, intro, source, notes), notes)


def import_model_spec(path: str | os.PathLike[str]) -> ModelSpecImport:
    """Read a Markdown file (UTF-8) and build a spec from it; nothing is written."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"{p}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ExchangeError(f"{p}:{line}: not UTF-8 text; nothing was imported") from None
    return parse_model_spec(text.replace("\r\n", "\n"), str(p))


def add_to_spec(spec: Spec, imported: Spec) -> list[str]:
    """Merge an import into an existing spec: new behaviors and targets, every case (a case
    id already taken gets a suffix, and so do its response ids within the case). Returns
    what was renamed."""
    renamed = []
    have_b = {b.id for b in spec.behaviors}
    spec.behaviors += [b for b in imported.behaviors if b.id not in have_b]
    have_t = {t.id for t in spec.targets}
    spec.targets += [t for t in imported.targets if t.id not in have_t]
    if not spec.system_prompt and imported.system_prompt:
        spec.system_prompt = imported.system_prompt
    taken = {c.id for c in spec.cases}
    for c in imported.cases:
        new = _unique(c.id, taken)
        if new != c.id:
            renamed.append(f"case {c.id} → {new}")
            c.id = new
        spec.cases.append(c)
    return renamed


__all__ = ["AUTHORITY_FROM", "DOC_TARGET", "MARK", "ModelSpecImport", "add_to_spec",
           "build_spec", "import_model_spec", "parse_model_spec"]
