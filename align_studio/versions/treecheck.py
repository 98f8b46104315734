"""The one check every tree from elsewhere passes before any of it reaches the work tree.

A remote is not trusted: a commit's tree can hold entries no honest git client writes
(``..``, ``.git``, ``/abs``, ``a\\b``, ``C:``), symbolic links that point outside the
workspace, submodule links, or a blob of gigabytes. Pull, fetch and clone call
:func:`check_history` on everything they received *before* a ref moves or a file is
written, so a refused pull leaves the workspace exactly as it was. The message names the
commit and the path, e.g. ``the remote's commit 3f2a… holds the path '../x' ('..' leaves
the folder); nothing was changed``.

Sizes are read from object headers (pack entry or loose header), never by inflating the
blob, so a 100 MB blob is refused after reading a few bytes of it.
"""

from __future__ import annotations

import re
import stat
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from dulwich.index import validate_path_element_hfs, validate_path_element_ntfs
from dulwich.object_store import BaseObjectStore
from dulwich.objects import Commit, ObjectID, Tree

from align_studio.storage.yamlread import MAX_BYTES as SPEC_MAX_BYTES
from align_studio.versions.remote import SyncError
from align_studio.versions.spectext import is_spec_path

#: The largest file a workspace takes from elsewhere (a spec: yamlread's own limit).
MAX_BLOB_BYTES = 50 * 1024 * 1024
MAX_SPEC_BYTES = SPEC_MAX_BYTES
#: Longer names or paths than these fail on some file system, halfway through a pull.
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 1024

TREE_MODE = 0o040000
_FILE_MODES = frozenset({0o100644, 0o100755, 0o100664})
_WINDOWS_DEVICES = re.compile(rb"(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?", re.IGNORECASE)


class UnsafeTree(SyncError):
    """A received commit holds a path or file the workspace must not take."""

    def __init__(self, commit: bytes, path: bytes, reason: str) -> None:
        self.commit = commit.decode("ascii", "replace")
        self.path = path.decode("utf-8", "backslashreplace")
        super().__init__(f"the remote's commit {self.commit} holds {self.path!r}, which "
                         f"Align Studio refuses: {reason}; nothing was changed (no file "
                         "written, no version or ref moved)")


def name_problem(name: bytes) -> str | None:
    """Why one tree entry name must not be written to disk, or None when it is fine."""
    if not name:
        return "an empty name"
    if name in (b".", b".."):
        return f"a '{name.decode()}' component leaves the folder"
    if b"/" in name:
        return "a name with '/' (an absolute path or a path smuggled into one name)"
    if b"\\" in name:
        return "a backslash (a folder separator on Windows)"
    if b"\0" in name or any(c < 0x20 or c == 0x7F for c in name):
        return "a NUL or control character"
    if b":" in name:
        return "a ':' (a drive letter or an NTFS stream)"
    if name.lower() == b".git" or not validate_path_element_ntfs(name) \
            or not validate_path_element_hfs(name):
        return "a '.git' folder (or a name Windows or macOS read as '.git')"
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        return "a name that is not UTF-8"
    if _WINDOWS_DEVICES.fullmatch(name.rstrip(b". ")):
        return "a device name reserved by Windows"
    if len(name) > MAX_NAME_BYTES:
        return f"a name longer than {MAX_NAME_BYTES} bytes"
    return None


def path_problem(path: bytes) -> str | None:
    """Why a whole tree path (``a/b/c``) must not be written, or None when it is fine."""
    if len(path) > MAX_PATH_BYTES:
        return f"a path longer than {MAX_PATH_BYTES} bytes"
    for part in path.split(b"/"):
        problem = name_problem(part)
        if problem:
            return problem
    return None


def object_size(store: BaseObjectStore, sha: bytes) -> tuple[int | None, int]:
    """``(type number, size)`` of an object, read from its header only (3 = blob).

    The type is None for a deltified pack entry (its type is its base's; resolving it
    would read the object). Falls back to reading the object when no header is found.
    """
    for s in (store, *getattr(store, "alternates", ())):
        try:
            hit = _loose_header(s, sha) or _packed_header(s, sha)
        except (IndexError, zlib.error, OSError):
            hit = None  # an odd header: read the object the slow way
        if hit is not None:
            return hit
    type_num, raw = store.get_raw(ObjectID(sha))
    return type_num, len(raw)


def _loose_header(store: BaseObjectStore, sha: bytes) -> tuple[int, int] | None:
    root = getattr(store, "path", None)
    if root is None:
        return None
    hexid = sha.decode()
    try:
        with open(Path(root) / hexid[:2] / hexid[2:], "rb") as f:
            packed = f.read(256)
    except OSError:
        return None
    head = zlib.decompressobj().decompress(packed, 64)
    kind, _, size = head.partition(b"\0")[0].partition(b" ")
    types = {b"commit": 1, b"tree": 2, b"blob": 3, b"tag": 4}
    if kind not in types or not size.isdigit():
        return None
    return types[kind], int(size)


def _packed_header(store: BaseObjectStore, sha: bytes) -> tuple[int | None, int] | None:
    for pack in getattr(store, "packs", ()):
        try:
            offset = pack.index.object_offset(sha)
        except KeyError:
            continue
        with open(pack.data.path, "rb") as f:
            f.seek(offset)
            raw = f.read(128)
        type_num, size, at = _varint(raw, 0, first_shift=4)
        if type_num not in (6, 7):
            return type_num, size
        # A delta: the result's size is the second number at the start of the delta data.
        at = _varint(raw, at, first_shift=0)[2] if type_num == 6 else at + 20
        delta = zlib.decompressobj().decompress(raw[at:], 32)
        pos = _varint(delta, 0, first_shift=0)[2]  # after the source size
        _, size, _ = _varint(delta, pos, first_shift=0)
        return None, size
    return None


def _varint(raw: bytes, at: int, first_shift: int) -> tuple[int, int, int]:
    """A pack header (``first_shift=4``: type bits, then size) or a delta size varint.

    Returns ``(type, value, position after it)``; the type is 0 for a plain varint.
    """
    byte = raw[at]
    if first_shift:
        type_num, value, shift = (byte >> 4) & 7, byte & 0x0F, 4
    else:
        type_num, value, shift = 0, byte & 0x7F, 7
    at += 1
    while byte & 0x80:
        byte = raw[at]
        value |= (byte & 0x7F) << shift
        shift += 7
        at += 1
    return type_num, value, at


def check_tree(store: BaseObjectStore, commit: bytes, tree: bytes, *,
               checked: set[bytes] | None = None, max_blob: int = MAX_BLOB_BYTES,
               max_spec: int = MAX_SPEC_BYTES) -> None:
    """Refuse (:class:`UnsafeTree`) a tree holding anything unsafe to write to disk.

    ``checked`` remembers trees found fine, so shared subtrees of many commits are read
    once. Walks without recursion: nesting depth costs nothing but the path-length rule.
    """
    checked = checked if checked is not None else set()
    todo: list[tuple[bytes, bytes]] = [(tree, b"")]
    while todo:
        tree_id, prefix = todo.pop()
        if tree_id in checked:
            continue
        try:
            obj = store[ObjectID(tree_id)]
        except KeyError:
            raise UnsafeTree(commit, prefix or b".", "a folder the remote did not send") \
                from None
        if not isinstance(obj, Tree):
            raise UnsafeTree(commit, prefix or b".", "a folder that is not a tree object")
        seen: set[bytes] = set()
        for name, mode, sha in obj.iteritems():
            path = prefix + name
            problem = name_problem(name) or (None if len(path) <= MAX_PATH_BYTES else
                                             f"a path longer than {MAX_PATH_BYTES} bytes")
            if problem is None and name in seen:
                problem = "a name listed twice in one folder"
            if problem is None:
                problem = _entry_problem(store, path, mode, sha, max_blob, max_spec)
            if problem:
                raise UnsafeTree(commit, path, problem)
            seen.add(name)
            if mode == TREE_MODE:
                todo.append((sha, path + b"/"))
        checked.add(tree_id)


def _entry_problem(store: BaseObjectStore, path: bytes, mode: int, sha: bytes,
                   max_blob: int, max_spec: int) -> str | None:
    if mode == TREE_MODE:
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link (it could point outside the workspace)"
    if mode == 0o160000:
        return "a submodule (gitlink)"
    if mode not in _FILE_MODES:
        return f"an unknown file mode {mode:o}"
    try:
        type_num, size = object_size(store, sha)
    except KeyError:
        return "a file the remote did not send"
    if type_num not in (3, None):  # None: a delta, checked as a blob when read
        return "a file entry that is not a blob"
    spec = is_spec_path(path.decode("utf-8"))
    cap = max_spec if spec else max_blob
    if size > cap:
        kind = "a spec" if spec else "a file"
        return f"{kind} of {size / 1e6:.1f} MB (the limit is {cap / 1e6:.0f} MB)"
    return None


def check_history(store: BaseObjectStore, tips: Iterable[bytes],
                  trusted: Callable[[bytes], bool], *, max_blob: int = MAX_BLOB_BYTES,
                  max_spec: int = MAX_SPEC_BYTES) -> int:
    """Check each tip's tree and every commit behind it that is not ``trusted``.

    ``trusted(commit)`` says a commit was checked before (it is in the workspace's own
    store); the walk stops there. A tip's own tree is always checked, trusted or not:
    it is what a pull writes. Returns how many commits were checked.
    """
    checked: set[bytes] = set()
    done: set[bytes] = set()
    todo = list(dict.fromkeys(tips))
    first = set(todo)
    count = 0
    while todo:
        cid = todo.pop()
        if cid in done:
            continue
        done.add(cid)
        if cid not in first and trusted(cid):
            continue
        try:
            obj = store[ObjectID(cid)]
        except KeyError:
            raise UnsafeTree(cid, b".", "a commit the remote did not send") from None
        if not isinstance(obj, Commit):
            raise UnsafeTree(cid, b".", "a branch that does not point at a commit")
        check_tree(store, cid, obj.tree, checked=checked, max_blob=max_blob,
                   max_spec=max_spec)
        count += 1
        if not trusted(cid):
            todo.extend(obj.parents)
    return count
