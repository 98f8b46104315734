"""Provider profiles: presets, the settings file round trip, and unreadable settings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from align_studio.appdirs import config_dir
from align_studio.providers.presets import PRESETS
from align_studio.providers.profiles import (
    ProfileError,
    ProfileNotFound,
    ProfileStore,
    ProviderProfile,
    SettingsChanged,
    profile_from_preset,
)
from align_studio.providers.secrets import Keychain


def test_settings_live_under_align_studio_home(tmp_path: Path) -> None:
    store = ProfileStore()
    assert store.path == config_dir() / "providers.json"
    assert str(store.path).startswith(os.environ["ALIGN_STUDIO_HOME"])


def test_every_preset_makes_a_valid_profile() -> None:
    for preset in PRESETS.values():
        url = "https://example.invalid/v1" if preset.needs_base_url else None
        profile = profile_from_preset(f"p-{preset.id}", preset.id, base_url=url)
        assert profile.base_url.startswith("http")
    assert profile_from_preset("o", "ollama").base_url == "http://localhost:11434/v1"
    assert profile_from_preset("o", "ollama").key_required is False
    router = profile_from_preset("r", "openrouter")
    assert router.headers["X-Title"] == "Align Studio" and "HTTP-Referer" in router.headers
    assert profile_from_preset("a", "openai").max_tokens_param == "max_completion_tokens"
    with pytest.raises(ValueError, match="base URL"):
        profile_from_preset("az", "azure")


def test_prices_default_per_preset_and_match_dated_models() -> None:
    profile = profile_from_preset("a", "openai")
    assert profile.price_for("gpt-4o-mini-2024-07-18") == profile.prices["gpt-4o-mini"]
    assert profile.price_for("gpt-4o").input == 2.5  # type: ignore[union-attr]
    assert profile.price_for("llama3") is None
    assert profile_from_preset("o", "ollama").prices == {}


def test_round_trip_and_order(tmp_path: Path) -> None:
    path = tmp_path / "providers.json"
    store = ProfileStore(path)
    store.add(profile_from_preset("Local", "ollama"))
    store.add(profile_from_preset("Cloud", "openai", api_key_env="MY_KEY",
                                  headers={"OpenAI-Organization": "org-1"}))
    again = ProfileStore(path)
    assert again.names() == ["Local", "Cloud"]
    assert again.get("cloud") == store.get("Cloud")  # names are found case-insensitively
    assert again.problems == []
    data = json.loads(path.read_text())
    assert data["format"] == 1 and "\"api_key\"" not in path.read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_add_remove_rename(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "providers.json")
    store.add(profile_from_preset("A", "vllm"))
    with pytest.raises(ProfileError, match="already exists"):
        store.add(profile_from_preset("a", "vllm"))
    renamed = store.rename("A", "B")
    assert renamed.name == "B" and ProfileStore(store.path).names() == ["B"]
    store.remove("B")
    assert ProfileStore(store.path).names() == []
    with pytest.raises(ProfileNotFound, match="no provider profile named 'B'"):
        store.get("B")


def test_rename_and_remove_carry_the_stored_key(tmp_path: Path, keychain_backend: object
                                               ) -> None:
    chain = Keychain(keychain_backend)  # type: ignore[arg-type]
    store = ProfileStore(tmp_path / "providers.json", keychain=chain)
    store.add(profile_from_preset("Old", "openai"))
    chain.set("Old", "sk-rename-test-00001111")
    store.rename("Old", "New")
    assert chain.get("Old") is None and chain.get("New") == "sk-rename-test-00001111"
    store.remove("New")
    assert chain.get("New") is None


def test_keys_and_key_headers_are_refused_in_settings() -> None:
    with pytest.raises(ValueError, match="keychain"):
        ProviderProfile(name="x", base_url="http://h/v1",
                        api_key="sk-should-not-be-here-1234")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="keychain"):
        ProviderProfile(name="x", base_url="http://h/v1",
                        headers={"Authorization": "Bearer sk-nope-12345678"})
    with pytest.raises(ValueError, match="environment variable name"):
        ProviderProfile(name="x", base_url="http://h/v1", api_key_env="sk-abc def")
    try:
        ProviderProfile(name="x", base_url="http://h/v1",
                        api_key="sk-hidden-in-error-9876")  # type: ignore[call-arg]
    except ValueError as exc:
        assert "sk-hidden-in-error-9876" not in str(exc)


def test_corrupt_json_is_reported_with_line_and_kept_as_bak(tmp_path: Path) -> None:
    path = tmp_path / "providers.json"
    broken = '{\n  "format": 1,\n  "profiles": [\n    {"name": "A",, }\n  ]\n}\n'
    path.write_text(broken)
    store = ProfileStore(path)  # never raises
    assert store.list() == []
    assert f"{path}, line 4" in store.problems[0]
    backup = tmp_path / "providers.json.bak"
    assert backup.read_text() == broken and str(backup) in store.problems[-1]
    assert path.read_text() == broken  # reading touched nothing
    # Saving afterwards replaces the file, but the broken one is still there as .bak.
    store.add(profile_from_preset("Fresh", "ollama"))
    assert ProfileStore(path).names() == ["Fresh"]
    assert backup.read_text() == broken


def test_an_invalid_profile_is_skipped_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "providers.json"
    good = profile_from_preset("Good", "ollama").model_dump(mode="json", exclude_none=True)
    text = json.dumps({"format": 1, "profiles": [
        good, {"name": "Bad", "preset": "ollama", "base_url": "localhost:11434",
               "concurrency": 0}]}, indent=2)
    path.write_text(text)
    store = ProfileStore(path)
    assert store.names() == ["Good"]
    line = text.splitlines().index('      "name": "Bad",') + 1
    assert f"line {line}: profile 2 was skipped" in store.problems[0]
    assert "base_url" in store.problems[0] and "concurrency" in store.problems[0]
    assert (tmp_path / "providers.json.bak").read_text() == text
    second_bak = ProfileStore(path)  # the same broken content is kept only once
    assert second_bak.backup_path == tmp_path / "providers.json.bak"


def test_not_an_object_and_unreadable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "providers.json"
    path.write_text("[1, 2, 3]")
    assert "expected an object" in ProfileStore(path).problems[0]
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert "not valid JSON" in ProfileStore(path).problems[0]
    assert (tmp_path / "providers.json.2.bak").exists()  # a second, different broken file


def test_a_file_changed_by_someone_else_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "providers.json"
    store = ProfileStore(path)
    store.add(profile_from_preset("Mine", "ollama"))
    other = ProfileStore(path)
    other.add(profile_from_preset("Theirs", "vllm"))
    with pytest.raises(SettingsChanged, match="changed by another program"):
        store.add(profile_from_preset("Late", "llamacpp"))
    assert ProfileStore(path).names() == ["Mine", "Theirs"]
    store.load()
    store.add(profile_from_preset("Late", "llamacpp"))
    assert ProfileStore(path).names() == ["Mine", "Theirs", "Late"]


def test_unknown_fields_survive_a_save(tmp_path: Path) -> None:
    path = tmp_path / "providers.json"
    data = profile_from_preset("A", "ollama").model_dump(mode="json", exclude_none=True)
    data["future_option"] = {"x": 1}
    path.write_text(json.dumps({"format": 1, "profiles": [data]}))
    store = ProfileStore(path)
    store.add(profile_from_preset("B", "vllm"))
    assert json.loads(path.read_text())["profiles"][0]["future_option"] == {"x": 1}
