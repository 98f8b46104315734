"""What changed between two versions of a spec, in the spec's own terms.

Behaviors, cases and targets are matched by id. An id that disappears while another
appears with exactly the same content otherwise counts as *renamed*; any other difference
makes it a removal and an addition. Cases are compared field by field except their judged
responses, which are reported as judgment changes (verdict flips, new and removed
verdicts). Rates (acceptance from the spec's judgments; check pass rates from the run
store where runs exist for both spec versions) are compared per target and per behavior.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from align_studio.versions.history import WORKING, VersionText, read_version
from align_studio.versions.rates import RateChange, rate_changes
from align_studio.versions.repo import WorkspaceRepo

_ITEM_KEYS = ("behaviors", "cases", "targets")
_NOT_METADATA = frozenset((*_ITEM_KEYS, "changelog", "version"))  # version: in the labels


@dataclass
class FieldChange:
    """One field whose value differs (``None`` on a side where the field is absent)."""

    field: str
    old: Any
    new: Any


@dataclass
class ItemChanges:
    """Behaviors, cases or targets added, removed, renamed or changed (by id)."""

    kind: str  # "behavior" | "case" | "target"
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    changed: dict[str, list[FieldChange]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.renamed or self.changed)


@dataclass
class JudgmentChange:
    """A human verdict that flipped, appeared, disappeared, or whose details changed."""

    case: str
    response: str
    target: str | None
    change: str  # "flipped" | "added" | "removed" | "changed"
    old: str | None  # the verdict before
    new: str | None  # the verdict after
    fields: list[str] = field(default_factory=list)  # for "changed": which fields


@dataclass
class SpecDiff:
    """Every difference between two versions of one spec."""

    spec_id: str
    old_label: str
    new_label: str
    old_version: int | None
    new_version: int | None
    metadata: list[FieldChange] = field(default_factory=list)
    changelog_added: list[dict[str, Any]] = field(default_factory=list)
    behaviors: ItemChanges = field(default_factory=lambda: ItemChanges("behavior"))
    cases: ItemChanges = field(default_factory=lambda: ItemChanges("case"))
    targets: ItemChanges = field(default_factory=lambda: ItemChanges("target"))
    judgments: list[JudgmentChange] = field(default_factory=list)
    rates: list[RateChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether the two versions say the same (rates aside)."""
        return not (self.metadata or self.changelog_added or self.behaviors or self.cases
                    or self.targets or self.judgments)

    def to_json(self) -> dict[str, Any]:
        """Plain data (``align-studio diff --json``)."""
        out = asdict(self)
        for key in ("behaviors", "cases", "targets"):
            out[key]["renamed"] = [{"from": a, "to": b} for a, b in out[key]["renamed"]]
        return out


def _by_id(items: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out.setdefault(item["id"], item)
    return out


def _field_changes(old: dict[str, Any], new: dict[str, Any], skip: frozenset[str]
                   ) -> list[FieldChange]:
    keys = list(dict.fromkeys([*old, *new]))
    return [FieldChange(k, old.get(k), new.get(k)) for k in keys
            if k not in skip and old.get(k) != new.get(k)]


def _rest_key(item: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in item.items() if k != "id"}, sort_keys=True, default=str)


def diff_items(kind: str, old_items: Any, new_items: Any, skip: frozenset[str] = frozenset()
               ) -> ItemChanges:
    """Compare two lists of id-carrying items (behaviors, cases, targets, responses)."""
    old, new = _by_id(old_items), _by_id(new_items)
    out = ItemChanges(kind)
    removed = [i for i in old if i not in new]
    added = [i for i in new if i not in old]
    if removed and added:
        by_rest: dict[str, list[str]] = {}
        for i in removed:
            by_rest.setdefault(_rest_key(old[i]), []).append(i)
        for j in added:
            candidates = by_rest.get(_rest_key(new[j]))
            if candidates:
                out.renamed.append((candidates.pop(0), j))
        gone = {a for a, _ in out.renamed}
        came = {b for _, b in out.renamed}
        removed = [i for i in removed if i not in gone]
        added = [j for j in added if j not in came]
    out.added, out.removed = added, removed
    for i, item in new.items():
        before = old.get(i)
        if before is not None and before != item:
            changes = _field_changes(before, item, skip)
            if changes:
                out.changed[i] = changes
    return out


def _judgments(case_id: str, old_case: dict[str, Any] | None, new_case: dict[str, Any] | None
               ) -> list[JudgmentChange]:
    old = _by_id((old_case or {}).get("responses"))
    new = _by_id((new_case or {}).get("responses"))
    out: list[JudgmentChange] = []
    for rid in dict.fromkeys([*old, *new]):
        a, b = old.get(rid), new.get(rid)
        va = a.get("verdict") if a else None
        vb = b.get("verdict") if b else None
        target = (b or a or {}).get("target")
        if va and vb and va != vb:
            out.append(JudgmentChange(case_id, rid, target, "flipped", va, vb))
        elif vb and not va:
            out.append(JudgmentChange(case_id, rid, target, "added", None, vb))
        elif va and not vb:
            out.append(JudgmentChange(case_id, rid, target, "removed", va, None))
        elif a and b and a != b:
            fields = [f.field for f in _field_changes(a, b, frozenset())]
            out.append(JudgmentChange(case_id, rid, target, "changed", va, vb, fields))
    return out


def diff_data(old: dict[str, Any], new: dict[str, Any], old_label: str = "old",
              new_label: str = "new") -> SpecDiff:
    """The semantic diff of two specs' data (as :meth:`Spec.to_data` writes it)."""
    out = SpecDiff(str(new.get("id") or old.get("id") or ""), old_label, new_label,
                   old.get("version"), new.get("version"))
    meta_old = {k: v for k, v in old.items() if k not in _NOT_METADATA}
    meta_new = {k: v for k, v in new.items() if k not in _NOT_METADATA}
    out.metadata = _field_changes(meta_old, meta_new, frozenset())
    old_log = old.get("changelog") or []
    out.changelog_added = [e for e in new.get("changelog") or [] if e not in old_log]
    out.behaviors = diff_items("behavior", old.get("behaviors"), new.get("behaviors"))
    out.targets = diff_items("target", old.get("targets"), new.get("targets"))
    out.cases = diff_items("case", old.get("cases"), new.get("cases"),
                           skip=frozenset({"responses"}))
    old_cases, new_cases = _by_id(old.get("cases")), _by_id(new.get("cases"))
    renamed = dict(out.cases.renamed)
    pairs: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = []
    for cid, case in new_cases.items():
        before = old_cases.get(cid)
        if before is None and cid in renamed.values():
            continue  # identical content under a new id: nothing was judged differently
        if before is None or before.get("responses") != case.get("responses"):
            pairs.append((cid, before, case))
    for cid, case in old_cases.items():
        if cid not in new_cases and cid not in renamed:
            pairs.append((cid, case, None))
    for cid, a, b in pairs:
        out.judgments.extend(_judgments(cid, a, b))
    return out


def compare(repo: WorkspaceRepo, spec_path: str | os.PathLike[str], rev_a: str | None = None,
            rev_b: str | None = None, workspace: str | os.PathLike[str] | None = None
            ) -> SpecDiff:
    """The diff between two versions of a spec (by default: last saved → working file).

    Raises :class:`VersionUnreadable` naming why a version cannot be compared.
    """
    a = read_version(repo, spec_path, rev_a or "HEAD")
    b = read_version(repo, spec_path, rev_b or WORKING)
    return diff_versions(a, b, workspace if workspace is not None else repo.workspace)


def diff_versions(a: VersionText, b: VersionText,
                  workspace: str | os.PathLike[str] | None = None) -> SpecDiff:
    """The diff of two opened versions, with rate changes from the workspace's run store."""
    out = diff_data(a.data, b.data, a.label, b.label)
    if workspace is not None:
        out.rates, notes = rate_changes(workspace, a.data, b.data)
        out.notes.extend(notes)
    return out
