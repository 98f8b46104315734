"""A spec file on disk: load it to validated domain objects, save edits loss-free.

:class:`SpecFile` keeps the text as read, the span tree of the text and the data as last
written. Saving compares the spec's data with that baseline and patches only the changed
regions of the text (:mod:`yamlpatch`), then writes atomically (:mod:`atomic`). A file
changed on disk since it was read is never overwritten silently
(:class:`SpecChangedOnDisk`), and a file written by a newer app is opened read-only.

Several programs may write one spec (the app, the CLI, scripts using the write-back API).
Every save holds the spec's advisory lock (:mod:`lock`) from its changed-on-disk check to
its rename, and the check compares the SHA-256 of the bytes on disk with the bytes this
object last read or wrote, so a save can never slip in unnoticed between the two steps.
:meth:`SpecFile.update` goes one step further for independent edits (a judgment, imported
cases): under the lock it takes the other program's content first and applies the edit
on top of it.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from align_studio.bulk import building
from align_studio.domain import FORMAT_VERSION, Problem, Spec, find_problems
from align_studio.domain.problems import Path as DocPath
from align_studio.domain.problems import find_raw_problems, problems_from_validation
from align_studio.storage.atomic import atomic_write, remove_stale_temps
from align_studio.storage.errors import (
    NewerFormatError,
    SpecChangedOnDisk,
    SpecLoadError,
    SpecReadOnly,
)
from align_studio.storage.lock import remove_stale_lock, spec_lock
from align_studio.storage.yamlpatch import parsed_root, patch_text, strict_eq
from align_studio.storage.yamlread import MAX_BYTES, Node, ParsedYaml, YamlSyntaxError, parse_yaml
from align_studio.storage.yamlwrite import dump_document

_BOM = "\ufeff"
_T = TypeVar("_T")


@dataclass(frozen=True)
class DiskStamp:
    """The bytes of the file as this program last read or wrote them (size and SHA-256).

    Taken from those very bytes, never from a later ``stat()``: a stat after the read may
    already describe another program's newer file, whose change would then go unseen.
    Modification times are not used at all, because a clock tick can hold two writes.
    """

    size: int
    sha256: str

    @classmethod
    def of(cls, data: bytes) -> DiskStamp:
        """The stamp of ``data``."""
        return cls(len(data), hashlib.sha256(data).hexdigest())

    def matches(self, data: bytes) -> bool:
        """Whether ``data`` is what was stamped."""
        return len(data) == self.size and hashlib.sha256(data).hexdigest() == self.sha256


def _stamp(path: Path, data: bytes) -> DiskStamp:
    # ``path`` is unused (the stamp depends only on the bytes); kept for the callers.
    return DiskStamp.of(data)


def read_text(path: Path) -> tuple[str, bytes]:
    """The file's text (without a BOM) and raw bytes; refuses what cannot be a spec."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise SpecLoadError.single(name, "the file does not exist") from None
    except OSError as exc:
        raise SpecLoadError.single(name, f"the file cannot be read: {exc.strerror}") from None
    if path.is_dir():
        raise SpecLoadError.single(name, "this is a folder, not a spec file")
    if size > MAX_BYTES:
        raise SpecLoadError.single(
            name, f"the file is {size / 1e6:.0f} MB; a spec may be at most "
            f"{MAX_BYTES / 1e6:.0f} MB — split it into several specs")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecLoadError.single(name, f"the file cannot be read: {exc.strerror}") from None
    if not raw.strip():
        raise SpecLoadError.single(name, "the file is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpecLoadError.single(name, "the file is UTF-16 text; save it as UTF-8")
    nul = raw.find(b"\0")
    if nul >= 0:
        line, col = _line_col_bytes(raw, nul)
        raise SpecLoadError.single(name, "this is a binary file, not a YAML spec "
                                   "(it contains a NUL byte)", line, col)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col_bytes(raw, exc.start)
        raise SpecLoadError.single(
            name, f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as "
            "UTF-8", line, col) from None
    if text.startswith(_BOM):
        text = text[1:]
    return text, raw


def _line_col_bytes(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    col = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


class SpecFile:
    """One spec file: its validated :class:`Spec`, its text, and loss-free saving.

    The ``spec`` attribute is the live document that editors change; :meth:`save` writes
    whatever differs from the file. Not thread-safe for concurrent edits: take a
    :meth:`snapshot` on the thread that edits, and :meth:`write_snapshot` anywhere.
    """

    def __init__(self, path: Path, text: str, raw: bytes, root: Node, spec: Spec,
                 baseline: dict[str, Any], stamp: DiskStamp) -> None:
        self.path = Path(path)
        self.spec = spec
        self.problems: list[Problem] = []
        self.read_only_reason: str | None = None
        self._text = text
        self._bom = raw.startswith(b"\xef\xbb\xbf")
        self._newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1 or len(text)] else "\n"
        self._root: Node | None = root
        self._baseline = baseline
        self._stamp = stamp
        self._lock = threading.Lock()

    # ---- loading ---------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SpecFile:
        """Read and validate a spec; raises :class:`SpecLoadError` listing every problem.

        Type problems (a wrong word, a missing id) stop the load; semantic problems
        (duplicate ids, unknown links) are kept in :attr:`problems` for the editor to show.
        A newer ``format_version`` raises :class:`NewerFormatError`.
        """
        p = Path(path)
        text, raw = read_text(p)
        remove_stale_temps(p.parent, p.name)  # only dead saves' files: see atomic.py
        remove_stale_lock(p)
        name = str(p)
        with building():
            parsed = _parse(name, text)
            data, root = parsed.data, parsed.root
            spec = _validate(name, data, root)
            baseline = spec.to_data()
        sf = cls(p, text, raw, root, spec, baseline, _stamp(p, raw))
        sf.problems = sf.find_problems()
        return sf

    def find_problems(self) -> list[Problem]:
        """The spec's semantic problems now, each located in the file where possible."""
        root = self._current_root()
        return [_locate(pr, root, str(self.path)) for pr in find_problems(self.spec)]

    def locate(self, path: DocPath) -> tuple[int, int]:
        """The 1-based line and column of a place in the document (as last saved)."""
        node = self._current_root().at(path)
        return node.line + 1, node.col + 1

    @property
    def text(self) -> str:
        """The text as last read or written."""
        return self._text

    # ---- saving ----------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """The spec's data now (cheap enough for the editing thread)."""
        return self.spec.to_data()

    def is_modified(self) -> bool:
        """Whether the spec differs from the file as last read or written."""
        data = self.snapshot()
        return not (data == self._baseline and strict_eq(data, self._baseline))

    def changed_on_disk(self) -> bool:
        """Whether someone else changed (or removed) the file since it was read or written.

        Compares the content (hashing a 1,000-case spec takes about a millisecond);
        a file replaced by one with the same bytes has not changed.
        """
        try:
            return not self._stamp.matches(self.path.read_bytes())
        except OSError:
            return True

    def save(self, force: bool = False) -> bool:
        """Write the edits; returns whether anything was written.

        Raises :class:`SpecChangedOnDisk` if the file changed since it was read (pass
        ``force=True`` to overwrite after the user chose "keep mine"), and
        :class:`SpecReadOnly` for a file written by a newer app.
        """
        return self.write_snapshot(self.snapshot(), force=force)

    def render_snapshot(self, data: dict[str, Any]) -> str:
        """The text a save of ``data`` would write (nothing is written).

        Raises :class:`SaveVerificationError` if that text would not read back as ``data``
        (a save of it would be refused the same way).
        """
        with self._lock:
            return patch_text(self._text, self._current_root(), self._baseline, data,
                              self._newline)

    def write_snapshot(self, data: dict[str, Any], force: bool = False) -> bool:
        """Write a :meth:`snapshot`; safe to call from a worker thread.

        Raises :class:`SpecChangedOnDisk` (nothing written) if another program changed
        the file since it was read, unless ``force``. The check and the rename happen
        under the spec's lock, so another program's save cannot fall between them.
        """
        if self.read_only_reason:
            raise SpecReadOnly(str(self.path), self.read_only_reason)
        with self._lock:
            if data == self._baseline and strict_eq(data, self._baseline) \
                    and self.path.exists():
                return False
            with spec_lock(self.path):
                if not force and self.changed_on_disk():
                    raise SpecChangedOnDisk(str(self.path))
                self._write_locked(data)
            return True

    def update(self, edit: Callable[[Spec], _T]) -> _T:
        """Apply an independent edit to the spec as it is on disk now, and save it.

        For edits that do not depend on the rest of the document (recording a judgment,
        adding imported cases): under the spec's lock, if another program changed the
        file since it was read, its content is loaded first (replacing :attr:`spec`) and
        ``edit`` is applied on top of it, so neither program's work is lost. Returns what
        ``edit`` returns once the result is on disk.

        If this object has unsaved edits of its own and the file changed, nothing is
        merged or written: :class:`SpecChangedOnDisk` is raised. Any error (also from
        ``edit``) means nothing was written; ``edit`` may already have changed
        :attr:`spec` in memory, which the caller undoes. ``edit`` must not save.
        """
        if self.read_only_reason:
            raise SpecReadOnly(str(self.path), self.read_only_reason)
        with self._lock, spec_lock(self.path):
            if self.changed_on_disk():
                if self.is_modified():
                    raise SpecChangedOnDisk(str(self.path))
                self._adopt(SpecFile.load(self.path))  # consistent: writers wait for us
            result = edit(self.spec)
            data = self.snapshot()
            if not (data == self._baseline and strict_eq(data, self._baseline)):
                self._write_locked(data)
            return result

    def _write_locked(self, data: dict[str, Any]) -> None:
        # The caller holds self._lock and the spec's lock and has checked the disk.
        new_text = patch_text(self._text, self._current_root(), self._baseline, data,
                              self._newline)
        raw = ((_BOM if self._bom else "") + new_text).encode("utf-8")
        atomic_write(self.path, raw)
        self._stamp = _stamp(self.path, raw)  # the bytes written, not a later stat
        if new_text != self._text:
            self._text = new_text
            self._root = None  # re-read lazily (refresh) — saving stays fast
        self._baseline = data
        remove_stale_temps(self.path.parent, self.path.name)

    def _adopt(self, fresh: SpecFile) -> None:
        # Take over everything a fresh load knows (text, spans, baseline, stamp, spec,
        # problems…) but keep our own thread lock, which the caller is holding. Copying
        # the attribute dict keeps this right when SpecFile gains attributes.
        state = dict(vars(fresh))
        state.pop("_lock", None)
        vars(self).update(state)

    def refresh(self) -> None:
        """Re-read the span tree of the saved text (a worker calls this after a save)."""
        with self._lock:
            self._current_root()

    def _current_root(self) -> Node:
        # The text is always one that was read, or one that patch_text verified against
        # the data before it was written, so its spans are taken as they are. The save's
        # own parse of that text is handed over (parsed_root): a refresh costs nothing.
        if self._root is None:
            root = parsed_root(self._text)
            if root is None:
                with building():
                    root = parse_yaml(self._text).root
            self._root = root
        self._root.file = str(self.path)  # patch_text names the file in its errors
        return self._root

    # ---- creating --------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike[str], spec: Spec,
               header: str | None = None) -> SpecFile:
        """Write a new spec file (refusing to replace an existing one) and open it."""
        p = Path(path)
        if p.exists():
            raise FileExistsError(f"{p} already exists")
        text = dump_document(spec.to_data())
        if header:
            text = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) \
                + text
        atomic_write(p, text.encode("utf-8"))
        return cls.load(p)


def read_spec(path: str | os.PathLike[str]) -> Spec:
    """Read and validate a spec that will only be read (a run, a report): its :class:`Spec`.

    The same checks and the same errors as :meth:`SpecFile.load` (a
    :class:`SpecLoadError` naming file, line and column; :class:`NewerFormatError`), at
    well under half its memory: nothing for saving is kept (no span tree, no baseline,
    no text), and the span tree is dropped as soon as the text is parsed, before the
    domain objects are built, so the two are never in memory together (issue 20: a
    50,000-case spec). Semantic problems are not looked for, and nothing on disk is
    touched (a dead save's temporary file stays for the next :meth:`SpecFile.load`).
    """
    p = Path(path)
    text, raw = read_text(p)
    del raw
    name = str(p)
    with building():
        parsed = _parse(name, text)
        data = parsed.data
        _check_document(name, data, parsed.root)
        del parsed  # the tree (the root's ``data`` is ``data``, still held here)
        try:
            return Spec.model_validate(data)
        except ValidationError:
            pass
        # Rare: read the spans again, only to place the problems in the text.
        parsed = _parse(name, text)
        return _validate(name, parsed.data, parsed.root)


def _parse(name: str, text: str) -> ParsedYaml:
    try:
        return parse_yaml(text)
    except YamlSyntaxError as exc:
        raise SpecLoadError.single(name, exc.message, exc.line, exc.column) from None


def _check_document(name: str, data: Any, root: Node) -> None:
    """Refuse what is not a spec mapping, or a spec of a newer format."""
    if not isinstance(data, dict):
        raise SpecLoadError.single(name, "a spec file must be a mapping of keys "
                                   "(format_version, id, title, behaviors, cases…)",
                                   root.line + 1, root.col + 1)
    version = data.get("format_version", FORMAT_VERSION)
    if isinstance(version, int) and not isinstance(version, bool) \
            and version > FORMAT_VERSION:
        node = root.child("format_version") or root
        raise NewerFormatError(name, version, node.line + 1, node.col + 1)


def _validate(name: str, data: Any, root: Node) -> Spec:
    """The spec of ``data``, or a :class:`SpecLoadError` placing every problem."""
    _check_document(name, data, root)
    try:
        return Spec.model_validate(data)
    except ValidationError as exc:
        found = problems_from_validation(exc) + find_raw_problems(data)
        problems = [_locate(pr, root, name) for pr in found]
        problems.sort(key=lambda pr: (pr.line or 0, pr.column or 0))
        raise SpecLoadError(name, problems) from None


def _locate(problem: Problem, root: Node, file: str) -> Problem:
    node = root.at(problem.path)
    return problem.located(file, node.line + 1, node.col + 1)


__all__ = [
    "DiskStamp", "NewerFormatError", "SpecChangedOnDisk", "SpecFile", "SpecLoadError",
    "SpecReadOnly", "read_spec", "read_text",
]
