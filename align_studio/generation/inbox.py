"""The inbox: generated cases waiting for a PM to accept, edit or discard them.

**Where it lives.** A YAML file beside the spec, hidden: ``.<spec file stem>.inbox.yaml``
(for ``specs/refunds.yaml``, ``specs/.refunds.inbox.yaml``). Beside the spec so it travels
with it (a copied folder, a zip, a teammate's clone if they commit it); hidden so the
workspace does not take it for a spec; YAML so a PM or engineer can read it. Not the run
store: the run store is machine data that is never versioned, and a pending case is the
PM's unfinished work, not a record of a run.

**States.** An item is *pending* or *discarded* in the file. It is *accepted* when the spec
holds a case whose ``generated.item`` is the item's id — so accepting is an ordinary
undoable edit of the spec (:func:`accept_command`), and undoing it puts the item back in
the inbox without touching this file. Discarded items stay (marked) so that the same case
generated again is recognised as a duplicate and not proposed twice.

**Duplicates.** :meth:`Inbox.add` drops a candidate that is a near-duplicate
(:mod:`.similarity`) of a spec case or of any item in the inbox, and says which.
"""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from align_studio.domain import Case, Generated, Spec
from align_studio.editing.commands import Command, Compound, InsertItem
from align_studio.editing.ids import id_from_text, unique_id
from align_studio.generation.similarity import (
    DUPLICATE_THRESHOLD,
    Fingerprint,
    duplicate_of,
    mean_pairwise_distance,
)
from align_studio.storage.atomic import atomic_write
from align_studio.storage.lock import spec_lock

INBOX_VERSION = 1


class InboxError(ValueError):
    """The inbox file cannot be read, or an item id is unknown; the message says which."""


class Provenance(BaseModel):
    """Where a generated case came from: generator, model, prompt, time."""

    model_config = ConfigDict(extra="allow")

    generator: str  # the kind: expected, adversarial, …, contrast, paraphrase
    behavior: str | None = None
    source_case: str | None = None  # for paraphrases
    target: str
    model: str
    prompt: str
    time: datetime
    pair: str | None = None  # the other half of a look-alike pair


class InboxItem(BaseModel):
    """One generated case: its data (a case without a final id) and its provenance."""

    model_config = ConfigDict(extra="allow")

    id: str
    status: Literal["pending", "discarded"] = "pending"
    case: dict[str, Any]
    provenance: Provenance

    def to_case(self) -> Case:
        """The item's case (its id is the item id until it is accepted)."""
        return Case.model_validate({**self.case, "id": self.id})


class _File(BaseModel):
    format_version: int = INBOX_VERSION
    spec: str
    items: list[InboxItem] = Field(default_factory=list)


@dataclass(frozen=True)
class Candidate:
    """A validated generated case and its provenance, not yet in the inbox."""

    case: Case
    provenance: Provenance


@dataclass
class AddReport:
    """What :meth:`Inbox.add` did: ids added, and each dropped duplicate with what it
    duplicates (a spec case id or an inbox item id) and their similarity."""

    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str, float]] = field(default_factory=list)


@dataclass
class Diversity:
    """What the pending items hold: counts per category, kind and behavior, and the mean
    pairwise Jaccard distance of their texts (0 = all alike, 1 = no shared word)."""

    pending: int
    discarded: int
    accepted: int
    per_category: dict[str, int]
    per_kind: dict[str, int]
    per_behavior: dict[str, int]
    mean_distance: float | None


def inbox_path(spec_path: str | Path) -> Path:
    """The inbox file of a spec file."""
    p = Path(spec_path)
    return p.with_name(f".{p.stem}.inbox.yaml")


def item_id(c: Case, prov: Provenance) -> str:
    """A stable id: the same generated case from the same request gets the same id."""
    blob = "\x1f".join([prov.generator, prov.behavior or "", prov.source_case or "",
                        *(f"{m.role.value}:{m.content}" for m in c.messages)])
    return "g-" + hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def _read(path: Path) -> _File:
    """The inbox file at ``path``; :class:`InboxError` naming the place if it is bad."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = _File.model_validate(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise InboxError(f"{path}{where}: not readable YAML: "
                         f"{getattr(exc, 'problem', exc)}") from None
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise InboxError(f"{path}: {loc}: {first['msg']}") from None
    return data


class Inbox:
    """The inbox of one spec. Load with :meth:`load`; every change is saved by :meth:`save`."""

    def __init__(self, path: Path, spec_id: str, items: list[InboxItem] | None = None) -> None:
        self.path = path
        self.spec_id = spec_id
        self.items: list[InboxItem] = items or []
        #: Ids added, discarded or edited here since the last save: a save writes these
        #: over what another program saved meanwhile, and keeps everything else it saved.
        self._touched: set[str] = set()

    @classmethod
    def load(cls, spec_path: str | Path, spec_id: str) -> Inbox:
        """The inbox beside ``spec_path`` (empty when there is none yet)."""
        path = inbox_path(spec_path)
        if not path.exists():
            return cls(path, spec_id)
        return cls(path, spec_id, _read(path).items)

    def snapshot(self) -> Inbox:
        """A copy to save in the background (with what was changed here since the last
        save; from now on this one counts its changes afresh)."""
        snap = Inbox(self.path, self.spec_id, copy.deepcopy(self.items))
        snap._touched, self._touched = self._touched, set()
        return snap

    def save(self) -> None:
        """Write the inbox atomically, under the file's lock, merged with what another
        program (a second ``generate``, the window) saved since this one was loaded: its
        items are kept, and the items changed here replace theirs."""
        with spec_lock(self.path):
            disk = _read(self.path).items if self.path.exists() else []
            mine = {it.id: it for it in self.items if it.id in self._touched}
            merged = [mine.pop(it.id, it) for it in disk]
            merged += [it for it in self.items if it.id in mine]
            data = _File(spec=self.spec_id, items=merged).model_dump(mode="json",
                                                                     exclude_none=True)
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
            atomic_write(self.path, text.encode("utf-8"))
        self.items = merged
        self._touched.clear()

    def item(self, iid: str) -> InboxItem:
        """The item with this id; :class:`InboxError` if there is none."""
        for it in self.items:
            if it.id == iid:
                return it
        raise InboxError(f"the inbox has no item '{iid}'")

    def pending(self, spec: Spec) -> list[InboxItem]:
        """Items neither discarded nor accepted into ``spec``."""
        taken = accepted_ids(spec)
        return [it for it in self.items if it.status == "pending" and it.id not in taken]

    def add(self, candidates: Iterable[Candidate], spec: Spec,
            threshold: float = DUPLICATE_THRESHOLD) -> AddReport:
        """Add candidates, dropping near-duplicates of the spec's cases and of every item
        (pending, discarded or accepted) — and of each other, the first one kept."""
        report = AddReport()
        known = [Fingerprint.of(c.id, c) for c in spec.cases]
        known += [Fingerprint.of(it.id, it.to_case()) for it in self.items]
        ids = {it.id for it in self.items}
        for cand in candidates:
            iid = item_id(cand.case, cand.provenance)
            fp = Fingerprint.of(iid, cand.case)
            match = (iid, 1.0) if iid in ids else duplicate_of(fp, known, threshold)
            if match is not None:
                report.duplicates.append((iid, match[0], round(match[1], 3)))
                continue
            data = cand.case.to_data()
            data.pop("id", None)
            self.items.append(InboxItem(id=iid, case=data, provenance=cand.provenance))
            known.append(fp)
            ids.add(iid)
            self._touched.add(iid)
            report.added.append(iid)
        return report

    def discard(self, ids: Sequence[str]) -> None:
        """Mark items discarded (kept, so that the same case is not proposed again)."""
        for iid in ids:
            self.item(iid).status = "discarded"
            self._touched.add(iid)

    def edit(self, iid: str, changes: dict[str, Any]) -> InboxItem:
        """Change an item's case data (``title``, ``messages``, ``expected``, ``category``,
        ``notes``, ``behaviors``, ``checks``); the result must still be a valid case."""
        it = self.item(iid)
        data = {**it.case, **changes}
        try:
            Case.model_validate({**data, "id": iid})
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            loc = ".".join(str(x) for x in first["loc"])
            raise InboxError(f"item '{iid}': {loc}: {first['msg']}") from None
        it.case = data
        self._touched.add(iid)
        return it

    def diversity(self, spec: Spec) -> Diversity:
        """Counts and mean pairwise distance of the pending items."""
        pending = self.pending(spec)
        cases = [it.to_case() for it in pending]
        taken = accepted_ids(spec)
        return Diversity(
            len(pending), sum(1 for it in self.items if it.status == "discarded"),
            sum(1 for it in self.items if it.id in taken),
            dict(Counter(c.category.value for c in cases)),
            dict(Counter(it.provenance.generator for it in pending)),
            dict(Counter(b for c in cases for b in c.behaviors)),
            mean_pairwise_distance([Fingerprint.of(c.id, c) for c in cases]))


def accepted_ids(spec: Spec) -> set[str]:
    """Inbox item ids the spec holds as accepted cases."""
    return {c.generated.item for c in spec.cases if c.generated and c.generated.item}


def accept_command(spec: Spec, items: Sequence[InboxItem]) -> tuple[Command, list[str]]:
    """The undoable command adding these items to the spec as cases, and their case ids.

    The case id is a slug of its title (else ``gen-<item>``), unique in the spec; the case
    keeps its provenance under ``generated`` (generator, target, model, time, item, pair).
    """
    taken = {c.id for c in spec.cases}
    cmds: list[Command] = []
    ids: list[str] = []
    index = len(spec.cases)
    pair_ids: dict[str, str] = {}
    for it in items:
        case = it.to_case()
        cid = id_from_text(case.title or "", taken) or unique_id(f"gen-{it.id[2:]}", taken)
        taken.add(cid)
        pair_ids[it.id] = cid
        prov = it.provenance
        case.id = cid
        case.generated = Generated(generator=prov.generator, target=prov.target,
                                   model=prov.model, time=prov.time, item=it.id,
                                   pair=prov.pair)
        cmds.append(InsertItem(spec, "cases", index, case, f"Accept case {cid}"))
        ids.append(cid)
        index += 1
    for cmd in cmds:  # a pair accepted together names its partner's case id
        assert isinstance(cmd, InsertItem)
        gen = cmd.item.generated
        if gen is not None and gen.pair in pair_ids:
            gen.pair = pair_ids[gen.pair]
    text = f"Accept {len(ids)} generated case{'s' if len(ids) != 1 else ''}"
    return (cmds[0] if len(cmds) == 1 else Compound(text, cmds)), ids
