"""Provider profiles: named connection settings kept in the user's config folder.

Profiles are app settings (``providers.json`` in :func:`~align_studio.appdirs.config_dir`),
never part of a spec. The file is written atomically; a file that cannot be read is
reported with its name and line, kept as ``providers.json.bak`` and never overwritten
silently; a file changed by another program since it was loaded is not overwritten either.
Keys are not in this file: see :mod:`align_studio.providers.secrets`.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from align_studio.appdirs import config_dir
from align_studio.providers.endpoint import MAX_ANSWER_CHARS, REQUEST_DEADLINE
from align_studio.providers.presets import PRESETS, get_preset
from align_studio.providers.redact import url_credentials
from align_studio.storage.atomic import atomic_write

log = logging.getLogger(__name__)

SETTINGS_FILE = "providers.json"
FORMAT_VERSION = 1

KeySourcePref = Literal["auto", "env", "keychain", "session", "none"]
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Headers that would carry a key in plain text in the settings file.
_SECRET_HEADERS = {"authorization", "api-key", "x-api-key", "proxy-authorization"}


class ModelPrice(BaseModel):
    """USD per 1M tokens for one model."""

    model_config = ConfigDict(extra="forbid")

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    #: Batch API rates; None: half the listed price (what OpenAI and Azure charge).
    batch_input: float | None = Field(default=None, ge=0)
    batch_output: float | None = Field(default=None, ge=0)

    def batch_rates(self) -> tuple[float, float]:
        """(input, output) USD per 1M tokens for a batch run: the profile's batch prices,
        else half the listed ones."""
        return (self.input / 2 if self.batch_input is None else self.batch_input,
                self.output / 2 if self.batch_output is None else self.batch_output)


class ProviderProfile(BaseModel):
    """One named connection: where the server is, how to talk to it, what it costs."""

    model_config = ConfigDict(extra="allow", validate_assignment=True, hide_input_in_errors=True)

    name: str = Field(min_length=1, max_length=80)
    preset: str = "custom"
    base_url: str
    #: Name of an environment variable holding the key (only that one is read).
    api_key_env: str | None = None
    #: auto = env → keychain → session; or only one source; none = no key needed.
    key_source: KeySourcePref = "auto"
    headers: dict[str, str] = Field(default_factory=dict)
    max_tokens_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    stream_usage: bool = True
    concurrency: int = Field(default=8, ge=1, le=256)
    #: Seconds to wait for answer data; SSE keep-alives (comments, empty lines) don't count.
    timeout: float = Field(default=60.0, gt=0, le=3600)
    max_retries: int = Field(default=3, ge=0, le=20)
    #: Seconds one request may take in all, however steadily data arrives.
    deadline: float = Field(default=REQUEST_DEADLINE, gt=0, le=86_400)
    #: The longest answer kept (characters); a longer one is cut and marked truncated.
    max_answer_chars: int = Field(default=MAX_ANSWER_CHARS, ge=1_000, le=100_000_000)
    prices: dict[str, ModelPrice] = Field(default_factory=dict)
    #: False: the server has no Batch API, so batch runs stream this profile's targets
    #: (True: try it; a server answering 404/405 on /files or /batches is streamed too).
    batch_api: bool = True
    #: Azure OpenAI only.
    api_version: str | None = None
    deployment: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_keys_here(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for field_name in ("api_key", "key", "secret", "token"):
                if data.get(field_name):
                    raise ValueError(f"'{field_name}' does not belong in the settings file: "
                                     "keys live in the keychain (align-studio providers "
                                     "set-key) or in an environment variable you name")
        return data

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not value or any(ord(c) < 32 for c in value):
            raise ValueError("a profile name must be non-empty text on one line")
        return value

    @field_validator("preset")
    @classmethod
    def _preset(cls, value: str) -> str:
        if value not in PRESETS:
            raise ValueError(f"unknown preset {value!r}; choose one of: " + ", ".join(PRESETS))
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("the base URL must start with http:// or https:// "
                             "(for example http://localhost:11434/v1)")
        problem = url_credentials(value)  # the same check as every Endpoint's
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("api_key_env")
    @classmethod
    def _env(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not _ENV_NAME.match(value):
            raise ValueError(f"{value!r} is not an environment variable name "
                             "(letters, digits and _; give the name, not the key)")
        return value

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if name.strip().lower() in _SECRET_HEADERS:
                raise ValueError(f"the header {name!r} would keep a key in the settings "
                                 "file; store the key in the keychain instead")
        return value

    @property
    def key_required(self) -> bool:
        """Whether the server normally needs a key (local servers do not)."""
        preset = PRESETS.get(self.preset)
        return preset.key_required if preset else True

    def price_for(self, model: str | None) -> ModelPrice | None:
        """The price of ``model``: an exact entry, else the longest name it starts with
        (``gpt-4o-mini-2024-07-18`` → ``gpt-4o-mini``), else None."""
        if not model:
            return None
        if model in self.prices:
            return self.prices[model]
        best = max((name for name in self.prices if model.startswith(name + "-")),
                   key=len, default=None)
        return self.prices[best] if best else None

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            # Custom headers may carry tokens a user added; never show their values.
            yield name, ({k: "…" for k in value} if name == "headers" else value)


def profile_from_preset(name: str, preset_id: str, *, base_url: str | None = None,
                        api_key_env: str | None = None, **overrides: Any) -> ProviderProfile:
    """A new profile filled from a preset; ``ValueError`` with a plain message if invalid."""
    preset = get_preset(preset_id)
    if preset.needs_base_url and not base_url:
        raise ValueError(f"the {preset.label} preset needs a base URL (--base-url), "
                         f"for example {preset.base_url}")
    data: dict[str, Any] = {
        "name": name, "preset": preset.id, "base_url": base_url or preset.base_url,
        "api_key_env": api_key_env or preset.api_key_env,
        "headers": dict(preset.headers), "max_tokens_param": preset.max_tokens_param,
        "stream_usage": preset.stream_usage, "concurrency": preset.concurrency,
        "timeout": preset.timeout, "api_version": preset.api_version,
        "prices": {m: {"input": i, "output": o} for m, (i, o) in preset.prices.items()},
    }
    data.update(overrides)
    try:
        return ProviderProfile.model_validate(data)
    except ValidationError as exc:
        raise ValueError(_plain_errors(exc)) from None


# ---------------------------------------------------------------------------- store


class ProfileError(Exception):
    """A profile operation failed; the message is meant for a PM."""


class ProfileNotFound(ProfileError):
    """No profile has this name."""


class SettingsChanged(ProfileError):
    """The settings file was changed by another program since it was loaded."""


class ProfileStore:
    """The provider profiles of this user, loaded from and saved to one JSON file.

    ``problems`` lists what could not be read (file, line, what is wrong); the profiles
    that could be read are still available, and the unreadable file is kept as ``.bak``
    before it is ever replaced. ``keychain`` (optional) moves or removes a profile's stored
    key when the profile is renamed or removed.
    """

    def __init__(self, path: Path | None = None, *, keychain: Any = None) -> None:
        if path is None:
            path = config_dir() / SETTINGS_FILE
        self.path = Path(path)
        self.keychain = keychain
        self.problems: list[str] = []
        self.backup_path: Path | None = None
        self._profiles: dict[str, ProviderProfile] = {}
        self._loaded_digest: str | None = None
        self.load()

    # -- reading

    def load(self) -> None:
        """(Re)read the settings file; never raises for a bad file (see ``problems``)."""
        self.problems = []
        self.backup_path = None
        self._profiles = {}
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self._loaded_digest = None
            return
        except OSError as exc:
            self._loaded_digest = None
            self.problems.append(f"{self.path}: cannot be read ({exc.strerror or exc}).")
            return
        self._loaded_digest = _digest(raw)
        text = raw.decode("utf-8", errors="replace")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self._bad_file(raw, f"{self.path}, line {exc.lineno}, column {exc.colno}: "
                                f"not valid JSON ({exc.msg}).")
            return
        except (ValueError, RecursionError) as exc:  # a number past the digit limit; deep nesting
            self._bad_file(raw, f"{self.path}: not valid settings ({type(exc).__name__}: "
                                f"{str(exc)[:120]}).")
            return
        if not isinstance(data, dict) or not isinstance(data.get("profiles", []), list):
            self._bad_file(raw, f"{self.path}, line 1: expected an object with a "
                                f"\"profiles\" list.")
            return
        for index, item in enumerate(data.get("profiles", [])):
            line = _line_of_item(text, item, index)
            try:
                profile = ProviderProfile.model_validate(item)
            except ValidationError as exc:
                self.problems.append(f"{self.path}, line {line}: profile {index + 1} was "
                                     f"skipped: {_plain_errors(exc)}")
                continue
            if profile.name.casefold() in {n.casefold() for n in self._profiles}:
                self.problems.append(f"{self.path}, line {line}: a second profile named "
                                     f"'{profile.name}' was skipped.")
                continue
            self._profiles[profile.name] = profile
        if self.problems:
            self._keep_backup(raw)

    def _bad_file(self, raw: bytes, message: str) -> None:
        self.problems.append(message)
        self._keep_backup(raw)

    def _keep_backup(self, raw: bytes) -> None:
        """Copy an unreadable file next to itself (once per distinct content)."""
        for n in range(1, 100):
            candidate = self.path.with_name(self.path.name + (".bak" if n == 1 else f".{n}.bak"))
            if candidate.exists():
                if _digest(candidate.read_bytes()) == _digest(raw):
                    break
                continue
            try:
                atomic_write(candidate, raw, mode=0o600)
            except OSError as exc:
                self.problems.append(f"could not keep a copy at {candidate}: {exc}")
                return
            break
        else:  # pragma: no cover - a hundred different broken files
            return
        self.backup_path = candidate
        self.problems.append(f"The file was not changed; a copy is kept at {candidate}.")
        log.warning("provider settings unreadable; copy kept at %s", candidate)

    # -- queries

    def list(self) -> builtins.list[ProviderProfile]:  # the method shadows the builtin
        """All profiles, in file order."""
        return list(self._profiles.values())

    def names(self) -> builtins.list[str]:
        """All profile names, in file order."""
        return list(self._profiles)

    def get(self, name: str) -> ProviderProfile:
        """The profile called ``name``; :class:`ProfileNotFound` otherwise."""
        profile = self._profiles.get(name) or next(
            (p for n, p in self._profiles.items() if n.casefold() == name.casefold()), None)
        if profile is None:
            known = ", ".join(self._profiles) or "none yet"
            raise ProfileNotFound(f"There is no provider profile named '{name}' "
                                  f"(profiles: {known}).")
        return profile

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and any(n.casefold() == name.casefold()
                                             for n in self._profiles)

    def __len__(self) -> int:
        return len(self._profiles)

    # -- changes (each saves)

    def add(self, profile: ProviderProfile) -> None:
        """Add a new profile and save."""
        if profile.name in self:
            raise ProfileError(f"A provider profile named '{profile.name}' already exists.")
        self._profiles[profile.name] = profile
        self.save()

    def update(self, profile: ProviderProfile) -> None:
        """Replace the profile of the same name and save."""
        existing = self.get(profile.name)
        self._profiles = {(profile.name if n == existing.name else n):
                          (profile if n == existing.name else p)
                          for n, p in self._profiles.items()}
        self.save()

    def remove(self, name: str) -> None:
        """Remove a profile (and its stored key, when a keychain was given) and save."""
        profile = self.get(name)
        del self._profiles[profile.name]
        self.save()
        if self.keychain is not None and self.keychain.available():
            self.keychain.delete(profile.name)

    def rename(self, old: str, new: str) -> ProviderProfile:
        """Rename a profile (moving its stored key along) and save; returns it renamed."""
        profile = self.get(old)
        if new in self and new.casefold() != old.casefold():
            raise ProfileError(f"A provider profile named '{new}' already exists.")
        renamed = profile.model_copy(update={"name": new})
        renamed = ProviderProfile.model_validate(renamed.model_dump())
        self._profiles = {(renamed.name if n == profile.name else n):
                          (renamed if n == profile.name else p)
                          for n, p in self._profiles.items()}
        self.save()
        if self.keychain is not None and self.keychain.available():
            self.keychain.rename(profile.name, renamed.name)
        return renamed

    def save(self) -> None:
        """Write all profiles atomically; keeps an unreadable old file as ``.bak`` first."""
        try:
            current: bytes | None = self.path.read_bytes()
        except FileNotFoundError:
            current = None
        current_digest = _digest(current) if current is not None else None
        if current_digest != self._loaded_digest:
            raise SettingsChanged(f"{self.path} was changed by another program since Align "
                                  "Studio read it; reload the profiles and try again.")
        if current is not None and self.problems and self.backup_path is None:
            self._keep_backup(current)
        data = {"format": FORMAT_VERSION,
                "profiles": [p.model_dump(mode="json", exclude_none=True)
                             for p in self._profiles.values()]}
        raw = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, raw, mode=0o600)
        self._loaded_digest = _digest(raw)
        log.debug("saved %d provider profiles to %s", len(self._profiles), self.path)

    def __repr__(self) -> str:
        return f"ProfileStore(path={str(self.path)!r}, profiles={self.names()!r})"


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _line_of_item(text: str, item: Any, index: int) -> int:
    """The line where profile ``index`` starts, found by its name (best effort)."""
    if isinstance(item, dict) and isinstance(item.get("name"), str):
        m = re.search(r'"name"\s*:\s*' + re.escape(json.dumps(item["name"])), text)
        if m:
            return text.count("\n", 0, m.start()) + 1
    m = re.search(r'"profiles"\s*:', text)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _plain_errors(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err["loc"]) or "profile"
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {msg}")
    return "; ".join(parts)


