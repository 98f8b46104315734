"""The bundle manifest: format version, app version, the specs, and a sha256 of every file."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from align_studio.exchange.common import ExchangeError

#: The bundle layout version this app writes and reads.
BUNDLE_FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` as lower-case hex."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class SpecEntry:
    """One spec carried by a bundle."""

    id: str
    version: int
    path: str  # the member name, e.g. ``specs/customer-support.yaml``
    title: str = ""
    #: True when credentials were removed from the file, so it is not byte-identical.
    redacted: bool = False


@dataclass
class Manifest:
    """What a bundle holds; ``files`` maps every other member's name to its sha256."""

    app_version: str
    created: str
    specs: list[SpecEntry] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    bundle_format_version: int = BUNDLE_FORMAT_VERSION
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> bytes:
        """The manifest as pretty-printed UTF-8 JSON."""
        data = {
            "bundle_format_version": self.bundle_format_version,
            "app": "align-studio",
            "app_version": self.app_version,
            "created": self.created,
            "specs": [vars(s) for s in self.specs],
            "files": dict(sorted(self.files.items())),
            "notes": self.notes,
        }
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes, source: str = MANIFEST_NAME) -> Manifest:
        """Read a manifest; raises :class:`ExchangeError` naming ``source`` (and the line
        and column of a JSON error) for anything malformed."""
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ExchangeError(f"{source} is not UTF-8 text (byte {exc.start})") from None
        except json.JSONDecodeError as exc:
            raise ExchangeError(f"{source}:{exc.lineno}:{exc.colno}: not valid JSON: "
                                f"{exc.msg}") from None
        except RecursionError:  # the parser recurses once per nesting level
            raise ExchangeError(f"{source} is nested too deeply to be a bundle manifest"
                                ) from None
        except ValueError as exc:  # e.g. a number over Python's 4,300-digit limit
            raise ExchangeError(f"{source} is not a valid manifest ({str(exc)[:120]})"
                                ) from None
        if not isinstance(data, dict):
            raise ExchangeError(f"{source} is not a JSON object")
        version = data.get("bundle_format_version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise ExchangeError(f"{source} has no bundle_format_version")
        if version > BUNDLE_FORMAT_VERSION:
            raise ExchangeError(
                f"this bundle uses bundle format {version}, but this Align Studio reads up to "
                f"format {BUNDLE_FORMAT_VERSION}; update Align Studio to import it")
        files = data.get("files")
        specs = data.get("specs")
        if not isinstance(files, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            raise ExchangeError(f"{source} has no valid 'files' table")
        if not isinstance(specs, list):
            raise ExchangeError(f"{source} has no 'specs' list")
        entries: list[SpecEntry] = []
        for i, s in enumerate(specs):
            number = s.get("version", 1) if isinstance(s, dict) else None
            if not isinstance(s, dict) or not isinstance(s.get("path"), str) \
                    or not isinstance(s.get("id"), str) \
                    or not isinstance(number, int) or isinstance(number, bool):
                raise ExchangeError(f"{source}: spec entry {i + 1} is malformed (it needs "
                                    "a text 'id' and 'path' and a whole-number 'version')")
            entries.append(SpecEntry(id=s["id"], version=number, path=s["path"],
                                     title=str(s.get("title", "")),
                                     redacted=bool(s.get("redacted", False))))
        notes = data.get("notes", [])
        return cls(app_version=str(data.get("app_version", "")),
                   created=str(data.get("created", "")), specs=entries, files=files,
                   bundle_format_version=version,
                   notes=[n for n in notes if isinstance(n, str)]
                   if isinstance(notes, list) else [])

    def as_dict(self) -> dict[str, Any]:
        """The manifest as plain data."""
        data: dict[str, Any] = json.loads(self.to_json())
        return data
