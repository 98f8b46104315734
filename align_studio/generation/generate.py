"""Case generation per behavior: ask the generator, validate every case, report the rest.

:func:`generate` sends one request per (behavior, kind) — and one per case to paraphrase —
through :class:`~.asking.ModelClient`, reads each answer with
:func:`~.asking.parse_json_answer`, and turns every well-formed case into a
:class:`~.inbox.Candidate` (a valid :class:`~align_studio.domain.Case` plus provenance).
A bad answer, or a bad case in a good answer, is a *problem* in the result (naming the
behavior, the kind and what was wrong, with the server's text redacted); it never raises.
Contrast pairs must share at least one content word, or the pair is reported and dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from align_studio.domain import Behavior, BehaviorKind, Case, Category, Outcome, Spec
from align_studio.generation.asking import BadAnswer, ModelClient, parse_json_answer, quote
from align_studio.generation.inbox import Candidate, Provenance, item_id
from align_studio.generation.prompts import (
    CATEGORY,
    DEFAULT_KINDS,
    GENERATOR_SYSTEM,
    KINDS,
    generation_prompt,
    paraphrase_prompt,
)
from align_studio.generation.similarity import shingles


@dataclass
class Generation:
    """What a generation produced: valid candidates and the problems met on the way."""

    candidates: list[Candidate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    requests: int = 0


@dataclass(frozen=True)
class _Request:
    job_id: str
    kind: str
    behavior: Behavior | None
    source: Case | None
    prompt: str


def plan(spec: Spec, behaviors: Sequence[str] | None = None,
         kinds: Sequence[str] = DEFAULT_KINDS, count: int = 3,
         paraphrase: Sequence[str] = ()) -> list[_Request]:
    """The requests to send: each behavior × kind (contrast only for refuse behaviors),
    then each case to paraphrase. Unknown behavior, case or kind names raise LookupError."""
    for k in kinds:
        if k not in KINDS:
            raise LookupError(f"unknown kind '{k}'; one of: {', '.join(KINDS)}")
    chosen: list[Behavior] = []
    for bid in behaviors if behaviors is not None else [b.id for b in spec.behaviors]:
        b = spec.behavior(bid)
        if b is None:
            raise LookupError(f"the spec has no behavior '{bid}'")
        chosen.append(b)
    out: list[_Request] = []
    for b in chosen:
        for k in kinds:
            if k == "contrast" and b.kind is not BehaviorKind.REFUSE:
                continue
            out.append(_Request(f"gen::{b.id}::{k}", k, b, None,
                                generation_prompt(spec, b, k, count)))
    for cid in paraphrase:
        case = spec.case(cid)
        if case is None:
            raise LookupError(f"the spec has no case '{cid}'")
        out.append(_Request(f"gen::{cid}::paraphrase", "paraphrase", None, case,
                            paraphrase_prompt(spec, case, count)))
    return out


def generate(spec: Spec, client: ModelClient, behaviors: Sequence[str] | None = None,
             kinds: Sequence[str] = DEFAULT_KINDS, count: int = 3,
             paraphrase: Sequence[str] = (), *, refresh: bool = False,
             cancel: threading.Event | None = None,
             now: Callable[[], datetime] | None = None) -> Generation:
    """Generate cases (blocks; call it off the GUI thread). See the module docstring."""
    requests = plan(spec, behaviors, kinds, count, paraphrase)
    replies = client.ask([(r.job_id, [{"role": "system", "content": GENERATOR_SYSTEM},
                                      {"role": "user", "content": r.prompt}])
                          for r in requests], refresh=refresh, cancel=cancel)
    when = (now or (lambda: datetime.now(UTC).replace(microsecond=0)))()
    out = Generation(requests=len(requests))
    for req, reply in zip(requests, replies, strict=True):
        where = (f"{req.behavior.id if req.behavior else req.source.id if req.source else ''}"
                 f" / {req.kind}")
        if reply.error is not None:
            out.problems.append(f"{where}: the generator could not answer: {reply.error}")
            continue
        try:
            data = parse_json_answer(reply.text)
        except BadAnswer as exc:
            out.problems.append(f"{where}: {exc}")
            continue

        def prov(pair: str | None = None, req: _Request = req) -> Provenance:
            return Provenance(generator=req.kind,
                              behavior=req.behavior.id if req.behavior else None,
                              source_case=req.source.id if req.source else None,
                              target=client.target.id, model=client.model, prompt=req.prompt,
                              time=when, pair=pair)

        if req.kind == "contrast":
            assert req.behavior is not None
            _pairs(data, req.behavior, prov, where, out)
        else:
            _cases(data, req, prov, where, out)
    return out


def _items(data: Any, key: str, where: str, out: Generation) -> list[Any]:
    items = data.get(key) if isinstance(data, dict) else data
    if not isinstance(items, list):
        out.problems.append(f"{where}: the answer has no \"{key}\" list")
        return []
    return items


def _cases(data: Any, req: _Request, prov: Callable[..., Provenance], where: str,
           out: Generation) -> None:
    if req.source is not None:
        category = req.source.category
        links = list(req.source.behaviors)
    else:
        assert req.behavior is not None
        category = CATEGORY[req.kind]
        links = [req.behavior.id]
    for n, raw in enumerate(_items(data, "cases", where, out), 1):
        try:
            case = _case(raw, category, links, req.source)
        except ValueError as exc:
            out.problems.append(f"{where}: case {n}: {exc}")
            continue
        out.candidates.append(Candidate(case, prov()))


def _case(raw: Any, category: Category, links: list[str], source: Case | None) -> Case:
    """A valid case from one generated object; ValueError says what is wrong."""
    if not isinstance(raw, dict):
        raise ValueError(f"not an object: {quote(str(raw))}")
    msgs = raw.get("messages")
    if isinstance(msgs, str):
        msgs = [{"role": "user", "content": msgs}]
    if not isinstance(msgs, list) or not msgs:
        raise ValueError("it has no messages")
    for m in msgs:
        if not isinstance(m, dict) or m.get("role") not in ("user", "assistant") or \
                not isinstance(m.get("content"), str) or not m["content"].strip():
            raise ValueError(f"a message is not a user or assistant turn with text: "
                             f"{quote(str(m))}")
    if msgs[-1]["role"] != "user":
        raise ValueError("the conversation does not end with a user turn")
    expected = raw.get("expected") or (source.expected.value if source and source.expected
                                       else None)
    if expected is not None and expected not in Outcome.words():
        raise ValueError(f"'expected' must be one of {', '.join(Outcome.words())}; it is "
                         f"{quote(str(expected), 20)}")
    fields: dict[str, Any] = {
        "id": "new", "category": category.value, "behaviors": links, "expected": expected,
        "messages": [{"role": m["role"], "content": m["content"].strip()} for m in msgs]}
    for key in ("title", "notes"):
        if isinstance(raw.get(key), str) and raw[key].strip():
            fields[key] = raw[key].strip()
    if source is not None and source.checks:
        fields["checks"] = [c.to_data() for c in source.checks]
    try:
        return Case.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise ValueError(f"{'.'.join(str(x) for x in first['loc'])}: {first['msg']}") from None


def content_words(text: str) -> set[str]:
    """The words of a request that are not filler (for contrast pairs)."""
    return set(shingles(text))


def _pairs(data: Any, b: Behavior, prov: Callable[..., Provenance], where: str,
           out: Generation) -> None:
    for n, raw in enumerate(_items(data, "pairs", where, out), 1):
        harmful = raw.get("harmful") if isinstance(raw, dict) else None
        benign = raw.get("benign") if isinstance(raw, dict) else None
        if not (isinstance(harmful, str) and harmful.strip() and isinstance(benign, str)
                and benign.strip()):
            out.problems.append(f"{where}: pair {n}: it needs a \"harmful\" and a "
                                f"\"benign\" request")
            continue
        shared = content_words(harmful) & content_words(benign)
        if not shared:
            out.problems.append(f"{where}: pair {n}: the two requests share no word, so "
                                "they are no look-alikes")
            continue
        words = ", ".join(sorted(shared))
        bad = _case({"messages": harmful, "expected": "refuse", "title": _title(harmful),
                     "notes": f"Look-alike pair (shares: {words}); the benign half must "
                              "be answered."}, Category.ADVERSARIAL, [b.id], None)
        good = _case({"messages": benign, "expected": "comply", "title": _title(benign),
                      "notes": f"Look-alike of a request to refuse (shares: {words}); "
                               "refusing this is over-refusal."}, Category.LOOK_ALIKE,
                     [b.id], None)
        p_bad, p_good = prov(), prov()
        p_bad.pair, p_good.pair = item_id(good, p_good), item_id(bad, p_bad)
        out.candidates += [Candidate(bad, p_bad), Candidate(good, p_good)]


def _title(text: str, words: int = 8) -> str:
    split = text.split()
    return " ".join(split[:words]) + ("…" if len(split) > words else "")
