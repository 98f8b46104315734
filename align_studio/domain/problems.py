"""Problems in a spec, found all at once and told in a PM's words.

A problem names the place it concerns as a *path* into the document (for example
``("cases", 3, "behaviors", 0)``); the storage layer turns a path into a file, line and
column, and the editor turns it into the field to highlight.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from align_studio.domain.base import StrEnum
from align_studio.domain.check import REQUIRED_FIELD, Check
from align_studio.domain.spec import Spec

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec."""

    path: Path
    message: str
    level: str = "error"  # "error" blocks a clean validate; "warning" does not
    line: int | None = None  # 1-based, filled in by the storage layer
    column: int | None = None  # 1-based
    file: str | None = None

    def located(self, file: str | None, line: int | None, column: int | None) -> Problem:
        """The same problem with its place in a file."""
        return Problem(self.path, self.message, self.level, line, column, file)

    def __str__(self) -> str:
        where = f"{self.file or '<spec>'}:{self.line or 0}:{self.column or 0}"
        return f"{where}: {self.level}: {self.message}"


@dataclass
class ProblemList:
    """Problems, in document order as found."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: Path, message: str, level: str = "error") -> None:
        self.items.append(Problem(path, message, level))


def describe_path(path: Path, data: Any = None) -> str:
    """A readable name for a place: ``case 'refund-1' → checks → 2nd``."""
    return " → ".join(str(p) for p in path) if path else "the spec"


def _enum_words(enum: type[StrEnum]) -> str:
    return ", ".join(enum.words())


def problems_from_validation(err: ValidationError) -> list[Problem]:
    """Turn pydantic's errors into PM-readable problems, each with its path."""
    out: list[Problem] = []
    for e in err.errors(include_url=False):
        path: Path = tuple(e["loc"])
        kind = e["type"]
        field_name = str(path[-1]) if path else "value"
        got = e.get("input")
        if kind == "missing":
            msg = f"'{field_name}' is missing"
        elif kind == "enum":
            expected = e.get("ctx", {}).get("expected", "")
            msg = f"'{field_name}' must be one of {expected}; it is {got!r}"
        elif kind in ("string_type",):
            msg = f"'{field_name}' must be text; it is {_kind_of(got)}"
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            msg = f"'{field_name}' must be a whole number; it is {got!r}"
        elif kind in ("list_type",):
            msg = f"'{field_name}' must be a list; it is {_kind_of(got)}"
        elif kind in ("model_type", "dict_type", "model_attributes_type"):
            msg = f"'{field_name}' must be a mapping of keys to values; it is {_kind_of(got)}"
        elif kind in ("bool_type", "bool_parsing"):
            msg = f"'{field_name}' must be true or false; it is {got!r}"
        elif kind.startswith("datetime") or kind.startswith("date"):
            msg = f"'{field_name}' must be a date and time like 2026-01-31T14:05:00Z; it is {got!r}"
        else:
            msg = f"'{field_name}': {e['msg']}"
        out.append(Problem(path, msg))
    return out


def _kind_of(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return repr(value)


def _duplicates(ids: list[str]) -> set[str]:
    return {i for i, n in Counter(ids).items() if n > 1}


def find_problems(spec: Spec) -> list[Problem]:
    """Every semantic problem of a valid-typed spec: ids, links, empty text, check fields."""
    p = ProblemList()
    if not spec.id.strip():
        p.add(("id",), "the spec has no id")
    if not spec.title.strip():
        p.add(("title",), "the spec has no title", "warning")
    _check_ids(p, "behaviors", [b.id for b in spec.behaviors], "behavior")
    _check_ids(p, "cases", [c.id for c in spec.cases], "case")
    _check_ids(p, "targets", [t.id for t in spec.targets], "target")
    for i, b in enumerate(spec.behaviors):
        if not b.statement.strip():
            p.add(("behaviors", i, "statement"), f"behavior '{b.id}' has an empty statement")
    for i, b in enumerate(spec.behaviors):
        for j, ex in enumerate(b.judge.examples if b.judge else []):
            case = spec.case(ex.case)
            if case is None or case.response(ex.response) is None:
                # a warning: the example still carries its copied verdict and reason
                p.add(("behaviors", i, "judge", "examples", j),
                      f"a judge example of behavior '{b.id}' names response '{ex.response}' "
                      f"of case '{ex.case}', which the spec does not have", "warning")
    if spec.judge is not None and spec.judge.min_kappa is not None and \
            not -1.0 <= spec.judge.min_kappa <= 1.0:
        p.add(("judge", "min_kappa"), "the judge's min_kappa must lie between -1 and 1")
    behavior_ids = {b.id for b in spec.behaviors}
    target_ids = {t.id for t in spec.targets}
    _check_ids(p, "prompt_variants", [v.id for v in spec.prompt_variants], "prompt variant")
    variant_ids = {v.id for v in spec.prompt_variants}
    for v_i, v in enumerate(spec.prompt_variants):
        if v.id == "default":  # the word that names the spec's own system_prompt
            p.add(("prompt_variants", v_i, "id"), "a prompt variant cannot be named "
                  "'default': that word means the spec's system_prompt")
    for t_i, t in enumerate(spec.targets):
        if t.prompt_variant is not None and t.prompt_variant not in variant_ids | {"default"}:
            p.add(("targets", t_i, "prompt_variant"), f"target '{t.id}' names prompt variant "
                  f"'{t.prompt_variant}', which the spec does not have")
        if not t.model.strip():
            p.add(("targets", t_i, "model"), f"target '{t.id}' names no model")
        if not t.provider.strip():
            p.add(("targets", t_i, "provider"), f"target '{t.id}' names no provider")
    for i, c in enumerate(spec.cases):
        here: Path = ("cases", i)
        if not c.messages:
            p.add(here + ("messages",), f"case '{c.id}' has no conversation")
        elif all(not m.content.strip() for m in c.messages):
            p.add(here + ("messages",), f"case '{c.id}' has only empty messages")
        for j, link in enumerate(c.behaviors):
            if link not in behavior_ids:
                p.add(here + ("behaviors", j),
                      f"case '{c.id}' links behavior '{link}', which the spec does not have")
        for j, chk in enumerate(c.checks):
            _check_check(p, here + ("checks", j), c.id, chk)
        _check_ids(p, here + ("responses",), [r.id for r in c.responses],
                   f"response of case '{c.id}'")
        response_ids = {r.id for r in c.responses}
        for j, r in enumerate(c.responses):
            if r.target not in target_ids:
                p.add(here + ("responses", j, "target"),
                      f"a judged response of case '{c.id}' is for target '{r.target}', "
                      "which the spec does not have")
            if (r.verdict is not None and r.verdict.value == "reject"
                    and not (r.reason or "").strip()):
                p.add(here + ("responses", j, "reason"),
                      f"a rejected response of case '{c.id}' gives no reason", "warning")
        for j, pref in enumerate(c.preferences):
            for side in ("a", "b"):
                rid = getattr(pref, side)
                if rid not in response_ids:
                    p.add(here + ("preferences", j, side),
                          f"a preference in case '{c.id}' names response '{rid}', "
                          "which the case does not have")
            if pref.a == pref.b:
                p.add(here + ("preferences", j), f"a preference in case '{c.id}' compares "
                      "a response with itself")
    return p.items


def _check_ids(p: ProblemList, where: str | Path, ids: list[str], noun: str) -> None:
    base: Path = (where,) if isinstance(where, str) else where
    for i, ident in enumerate(ids):
        if not str(ident).strip():
            p.add(base + (i, "id"), f"a {noun} has no id")
    dups = _duplicates(ids)
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in dups:
            if ident in seen:
                p.add(base + (i, "id"), f"the {noun} id '{ident}' is used more than once")
            seen.add(ident)


def _check_check(p: ProblemList, here: Path, case_id: str, chk: Check) -> None:
    need = REQUIRED_FIELD.get(chk.type)
    if need is None:
        return
    name, sort = need
    value = chk.schema_ if name == "schema" else getattr(chk, name)
    what = f"the {chk.type.value} check of case '{case_id}'"
    if value is None or value == "" or value == []:
        p.add(here, f"{what} needs a '{name}'")
    elif sort == "number" and (not isinstance(value, (int, float)) or isinstance(value, bool)):
        p.add(here + (name,), f"{what} needs a number as '{name}'; it is {value!r}")
    elif sort == "text" and not isinstance(value, str):
        p.add(here + (name,), f"{what} needs text as '{name}'; it is {value!r}")
    if chk.type.value == "regex" and isinstance(chk.value, str):
        try:
            re.compile(chk.value)
        except re.error as exc:
            p.add(here + ("value",), f"{what} has a pattern that does not work: {exc}")
    if chk.type.value == "refusal" and chk.value not in (None, "comply", "refuse", "partial"):
        p.add(here + ("value",), f"{what} must expect comply, refuse or partial")


def _raw_items(data: Any, key: str) -> list[dict[str, Any]]:
    items = data.get(key) if isinstance(data, dict) else None
    return [x for x in items if isinstance(x, dict)] if isinstance(items, list) else []


def find_raw_problems(data: Any) -> list[Problem]:
    """The id and link problems of a spec whose types are wrong, read from the raw data.

    A load that stops on type problems still reports these, so that one ``validate`` run
    shows every problem at once.
    """
    p = ProblemList()
    for key, noun in (("behaviors", "behavior"), ("cases", "case"), ("targets", "target")):
        items = data.get(key) if isinstance(data, dict) else None
        if not isinstance(items, list):
            continue
        ids = [str(x.get("id")) if isinstance(x, dict) and x.get("id") is not None else ""
               for x in items]
        dups = _duplicates([i for i in ids if i])
        seen: set[str] = set()
        for i, ident in enumerate(ids):
            if ident in dups:
                if ident in seen:
                    p.add((key, i, "id"), f"the {noun} id '{ident}' is used more than once")
                seen.add(ident)
    behavior_ids = {str(b.get("id")) for b in _raw_items(data, "behaviors")}
    cases = data.get("cases") if isinstance(data, dict) else None
    for i, c in enumerate(cases if isinstance(cases, list) else []):
        if not isinstance(c, dict) or not isinstance(c.get("behaviors"), list):
            continue
        for j, link in enumerate(c["behaviors"]):
            if isinstance(link, str) and link not in behavior_ids:
                p.add(("cases", i, "behaviors", j),
                      f"case '{c.get('id')}' links behavior '{link}', which the spec does not have")
    return p.items
