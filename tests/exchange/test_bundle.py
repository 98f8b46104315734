"""Bundle export and import: manifest, byte-identical round trip, no overwrite, verification."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import zipfile
from pathlib import Path

import pytest

from align_studio import __version__
from align_studio.exchange.bundle import export_bundle
from align_studio.exchange.bundle_import import import_bundle, read_bundle
from align_studio.exchange.common import Cancelled, ExchangeError
from align_studio.storage import SpecFile
from tests.exchange.conftest import SPECS


def test_manifest_lists_every_file_with_its_sha256(bundle_files: dict[str, bytes]) -> None:
    manifest = json.loads(bundle_files["manifest.json"])
    assert manifest["bundle_format_version"] == 1
    assert manifest["app_version"] == __version__
    assert set(manifest["files"]) == set(bundle_files) - {"manifest.json"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(bundle_files[name]).hexdigest() == digest
    ids = {s["id"]: s["version"] for s in manifest["specs"]}
    for p in SPECS:
        spec = SpecFile.load(p).spec
        assert ids[spec.id] == spec.version


def test_bundle_layout(bundle_files: dict[str, bytes]) -> None:
    for name in ["README.md", "report.html", "engineers/model-spec.md",
                 "engineers/customer-support/promptfooconfig.yaml",
                 ".env.example",
                 "engineers/training/dpo/train.jsonl", "engineers/training/dpo/validation.jsonl",
                 "engineers/training/kto/train.jsonl", "engineers/training/kto/validation.jsonl",
                 "engineers/training/openai_preference/train.jsonl",
                 "engineers/training/openai_preference/train.provenance.jsonl",
                 "engineers/training/openai_preference/validation.jsonl",
                 "engineers/training/openai_preference/validation.provenance.jsonl",
                 "engineers/training/sft/train.jsonl",
                 "engineers/training/sft/train.provenance.jsonl",
                 "engineers/training/sft/validation.jsonl",
                 "engineers/training/sft/validation.provenance.jsonl",
                 "engineers/evals/openai_evals.jsonl", "engineers/evals/inspect_dataset.jsonl",
                 "engineers/customer-support/batch/t-gpt4o-mini.jsonl",
                 "engineers/customer-support/batch/t-gpt41-mini.jsonl"]:
        assert name in bundle_files, name
    for p in SPECS:  # spec files byte for byte as on disk
        assert bundle_files[f"specs/{p.name}"] == p.read_bytes()


def test_export_then_import_reproduces_specs_byte_identically(bundle: Path,
                                                               tmp_path: Path) -> None:
    result = import_bundle(bundle, tmp_path)
    assert sorted(p.name for p in result.written) == sorted(p.name for p in SPECS)
    for p in SPECS:
        assert (tmp_path / p.name).read_bytes() == p.read_bytes()
        SpecFile.load(tmp_path / p.name)


def test_import_never_overwrites_without_the_flag(bundle: Path, tmp_path: Path) -> None:
    victim = tmp_path / SPECS[0].name
    victim.write_text("mine\n")
    with pytest.raises(ExchangeError, match="already exist"):
        import_bundle(bundle, tmp_path)
    assert victim.read_text() == "mine\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == [SPECS[0].name]  # nothing else
    result = import_bundle(bundle, tmp_path, overwrite=True)
    assert victim in result.replaced and victim.read_bytes() == SPECS[0].read_bytes()


def _rezip(src: Path, dst: Path, change: dict[str, bytes | None]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            if name in change:
                if change[name] is not None:
                    zout.writestr(name, change[name])  # type: ignore[arg-type]
            else:
                zout.writestr(name, zin.read(name))
        for name, data in change.items():
            if name not in zin.namelist() and data is not None:
                zout.writestr(name, data)


@pytest.mark.parametrize("change, message", [
    ({"specs/customer-support.yaml": b"format_version: 1\nid: tampered\n"}, "sha256"),
    ({"README.md": None}, "missing"),
    ({"extra.txt": b"smuggled"}, "not in the manifest"),
    ({"manifest.json": None}, "no manifest.json"),
    ({"manifest.json": b"{not json"}, "not valid JSON"),
])
def test_tampered_bundles_are_refused_before_anything_is_written(
        bundle: Path, tmp_path: Path, change: dict[str, bytes | None], message: str) -> None:
    bad = tmp_path / "bad.zip"
    _rezip(bundle, bad, change)
    dest = tmp_path / "ws"
    dest.mkdir()
    with pytest.raises(ExchangeError, match=message):
        import_bundle(bad, dest)
    assert list(dest.iterdir()) == []


def test_newer_bundle_format_is_refused(bundle: Path, tmp_path: Path,
                                        bundle_files: dict[str, bytes]) -> None:
    manifest = json.loads(bundle_files["manifest.json"])
    manifest["bundle_format_version"] = 99
    bad = tmp_path / "newer.zip"
    _rezip(bundle, bad, {"manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(ExchangeError, match="bundle format 99"):
        read_bundle(bad)


def test_cancelled_export_leaves_nothing(tmp_path: Path) -> None:
    flag = threading.Event()
    seen: list[str] = []

    def progress(done: int, total: int, what: str) -> None:
        seen.append(what)
        if len(seen) == 3:
            flag.set()
    with pytest.raises(Cancelled):
        export_bundle(SPECS, tmp_path / "out.zip", progress=progress, cancel=flag)
    assert list(tmp_path.iterdir()) == []


def test_report_is_self_contained_with_inline_svg_charts(bundle_files: dict[str, bytes]) -> None:
    html = bundle_files["report.html"].decode()
    assert html.count("<svg") >= 6  # two charts per spec
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r"""\b(src|href)\s*=\s*["'](?!#)""", html)
    assert "url(http" not in html and "@import" not in html
    for name in ("acceptance rate", "check rate", "b-refund-policy", "t-llama31-8b"):
        assert name in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "element ids must be unique across charts"


def test_model_spec_has_good_and_bad_examples(bundle_files: dict[str, bytes]) -> None:
    # the format itself is checked by the Model Spec tests; here: it is in the bundle
    md = bundle_files["engineers/model-spec.md"].decode()
    assert "b-refund-policy" in md
    assert "GOOD" in md and "BAD" in md


def test_readme_describes_the_bundle(bundle_files: dict[str, bytes]) -> None:
    readme = bundle_files["README.md"].decode()
    assert "customer-support" in readme and "engineers/training/dpo/" in readme


def _bundle_of(path: Path, specs: dict[str, bytes]) -> Path:
    """A hand-made bundle holding these spec members (manifest with their sha256)."""
    from align_studio.exchange.manifest import Manifest, SpecEntry, sha256_hex

    manifest = Manifest("test", "2026-01-01T00:00:00Z",
                        [SpecEntry(f"s{i}", 1, name) for i, name in enumerate(specs)],
                        {name: sha256_hex(raw) for name, raw in specs.items()})
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", manifest.to_json())
        for name, raw in specs.items():
            zf.writestr(name, raw)
    return path


def _spec_text(title: str) -> bytes:
    support = next(p for p in SPECS if p.name == "customer-support.yaml")
    return support.read_bytes().replace(b"title: Northwind support chat",
                                         f"title: {title}".encode(), 1)


def test_two_specs_of_one_file_name_keep_distinct_paths(tmp_path: Path) -> None:
    """Issue 13: same-named specs from two folders replaced each other (the second spec's
    promptfoo config overwrote the first's; import flattened both to one file name)."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "support.yaml").write_bytes(_spec_text(f"Copy {folder}"))
    out = tmp_path / "two.zip"
    export_bundle([tmp_path / "a" / "support.yaml", tmp_path / "b" / "support.yaml"], out)
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
    assert {"specs/a/support.yaml", "specs/b/support.yaml"} <= names
    assert {"engineers/customer-support/promptfooconfig.yaml",
            "engineers/customer-support-2/promptfooconfig.yaml"} <= names
    assert [s["path"] for s in manifest["specs"]] == ["specs/a/support.yaml",
                                                      "specs/b/support.yaml"]
    ws = tmp_path / "ws"
    ws.mkdir()
    result = import_bundle(out, ws)
    assert sorted(p.relative_to(ws).as_posix() for p in result.written) == [
        "a/support.yaml", "b/support.yaml"]
    assert b"title: Copy a" in (ws / "a" / "support.yaml").read_bytes()
    assert b"title: Copy b" in (ws / "b" / "support.yaml").read_bytes()


def test_the_same_spec_given_twice_is_exported_once(tmp_path: Path) -> None:
    out = tmp_path / "once.zip"
    export_bundle([SPECS[0], SPECS[0].parent / ".." / SPECS[0].parent.name / SPECS[0].name],
                  out)
    with zipfile.ZipFile(out) as zf:
        specs = [n for n in zf.namelist() if n.startswith("specs/")]
    assert specs == [f"specs/{SPECS[0].name}"]


def test_import_refuses_two_specs_landing_on_one_file(tmp_path: Path) -> None:
    bad = _bundle_of(tmp_path / "clash.zip", {"specs/x.yaml": _spec_text("One"),
                                              "X.yaml": _spec_text("Two")})
    ws = tmp_path / "ws"
    ws.mkdir()
    with pytest.raises(ExchangeError, match=r"specs/x\.yaml and X\.yaml would both"):
        import_bundle(bad, ws)
    assert list(ws.iterdir()) == []


def test_import_keeps_folders_of_same_named_specs(tmp_path: Path) -> None:
    """Before: both were written to ws/x.yaml, the second silently replacing the first."""
    bundle = _bundle_of(tmp_path / "two.zip", {"specs/a/x.yaml": _spec_text("One"),
                                               "specs/b/x.yaml": _spec_text("Two")})
    ws = tmp_path / "ws"
    ws.mkdir()
    result = import_bundle(bundle, ws)
    assert len(result.written) == 2 and not result.replaced
    assert b"title: One" in (ws / "a" / "x.yaml").read_bytes()
    assert b"title: Two" in (ws / "b" / "x.yaml").read_bytes()


@pytest.mark.parametrize("manifest, message", [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"a": ' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
    (b'{\n  "bundle_format_version": 1,\n  "files": {,}\n}', r"manifest\.json:3:13: not valid"),
    ((b'{"bundle_format_version": 1, "files": {}, "specs": [{"id": "a", "path": "x.yaml", '
     b'"version": "two"}]}'), "spec entry 1 is malformed"),
    (b'{"bundle_format_version": 1, "files": {}, "specs": [], "notes": 5}', "no manifest"),
    (b"\xff\xfe{}", "not UTF-8"),
])
def test_bad_manifests_get_a_clear_error_naming_the_bundle(
        tmp_path: Path, manifest: bytes, message: str) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", manifest)
    ws = tmp_path / "ws"
    ws.mkdir()
    if message == "no manifest":  # notes of the wrong type are ignored, not a crash
        assert import_bundle(bad, ws).written == []
        return
    with pytest.raises(ExchangeError, match=message) as err:
        import_bundle(bad, ws)
    assert str(bad) in str(err.value)
    assert list(ws.iterdir()) == []


# ---- the README runs each file, .env.example, the targets table (issue 15) --------------

def _test_extra_pins() -> dict[str, str]:
    import tomllib

    from tests.exchange.conftest import ROOT

    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    pins = {}
    for req in data["project"]["optional-dependencies"]["test"]:
        name, sep, version = req.partition("==")
        if sep:
            pins[name.strip().lower()] = version.strip()
    return pins


def test_readme_pins_the_tool_versions_that_were_checked(bundle_files: dict[str, bytes]) -> None:
    from dev import PROMPTFOO_VERSION

    readme = bundle_files["README.md"].decode()
    # promptfoo as dev.py installs it for the opt-in promptfoo tests
    assert readme.count(f"npx --yes promptfoo@{PROMPTFOO_VERSION} eval -c "
                        "promptfooconfig.yaml") == len(SPECS)
    assert "promptfoo@latest" not in readme
    for spec_id in ("customer-support", "health-info", "coding-assistant"):
        assert f"`cd engineers/{spec_id} && npx --yes promptfoo@{PROMPTFOO_VERSION}" in readme
    # the trainers as the test extra pins them (tests/exchange/test_trl_trainers.py runs them)
    pins = _test_extra_pins()
    install = (f'pip install "trl=={pins["trl"]}" "transformers=={pins["transformers"]}" '
               f'"torch=={pins["torch"]}" "datasets=={pins["datasets"]}"')
    assert install in readme
    for trainer, folder in (("DPO", "dpo"), ("KTO", "kto"), ("SFT", "sft")):
        assert f"from trl import {trainer}Config, {trainer}Trainer" in readme
        assert f'"train": "engineers/training/{folder}/train.jsonl"' in readme
        assert f'"validation": "engineers/training/{folder}/validation.jsonl"' in readme


def test_readme_says_what_each_export_left_out(bundle_files: dict[str, bytes]) -> None:
    readme = bundle_files["README.md"].decode()
    manifest = json.loads(bundle_files["manifest.json"])
    # customer-support has a stale verdict and ties; both are counted in README and manifest
    dpo = next(n for n in manifest["notes"] if n.startswith("engineers/training/dpo:"))
    assert "because a reviewer judged the two answers a tie" in dpo
    assert "because the verdict awaits a second look (stale)" in dpo
    assert dpo.split(": ", 1)[1] in readme
    rows = [line for line in readme.splitlines()
            if line.startswith("| `engineers/evals/inspect_dataset.jsonl` | 80 |")]
    assert len(rows) == 1 and "answers left out: 1 (1 because the verdict awaits" in rows[0]


def test_env_example_lists_every_variable_with_local_defaults(
        bundle_files: dict[str, bytes]) -> None:
    env = bundle_files[".env.example"].decode()
    listed = {}
    for line in env.splitlines():
        m = re.match(r"^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if m:
            listed[m.group(1)] = m.group(2)
    used: set[str] = set()
    for name, raw in bundle_files.items():
        if name.startswith("engineers/") and not name.endswith(".jsonl"):
            text = raw.decode()
            used |= set(re.findall(r"\{\{\s*env\.([A-Z][A-Z0-9_]*)", text))
            used |= set(re.findall(r"apiKeyEnvar:\s*([A-Z][A-Z0-9_]*)", text))
    assert used and used <= set(listed), used - set(listed)
    assert {"OPENAI_API_KEY", "OPENAI_BASE_URL"} <= set(listed)
    assert listed["ALIGN_STUDIO_OLLAMA_BASE_URL"] == "http://localhost:11434/v1"
    assert listed["OPENAI_BASE_URL"] == "https://api.openai.com/v1"
    # keys are commented out: loading an unedited copy never blanks a key already set
    assert "\n# OPENAI_API_KEY=\n" in env and "\nOPENAI_API_KEY=" not in env


def test_readme_table_of_targets_models_and_parameters(bundle_files: dict[str, bytes]) -> None:
    readme = bundle_files["README.md"].decode()
    rows = [line for line in readme.splitlines() if line.startswith("| health-info |")]
    assert len(rows) == 3
    llama = next(r for r in rows if "t-llama31-8b" in r)
    assert "ollama (ollama)" in llama and "`llama3.1:8b`" in llama
    assert "`num_ctx=8192`" in llama  # the target's own parameters are shown
    assert "none: Ollama has no batch endpoint, and OpenAI's Batch API cannot run local " \
           "models" in llama
    gpt4o = next(r for r in rows if "`t-gpt4o`" in r)
    assert "`engineers/health-info/batch/t-gpt4o.jsonl` (OpenAI Batch API)" in gpt4o
    assert "sends `temperature=0`, `max_completion_tokens=500`" in gpt4o


def test_a_new_engineer_file_is_one_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    """Other files (an Inspect task, a promptfoo assertion) join the bundle by one entry."""
    from align_studio.exchange import bundle

    entry = bundle.EngineerFile("engineers/{folder}/notes.txt",
                                lambda specs: f"notes of {specs[0].id}\n", "notes",
                                "`cat {path}`")
    monkeypatch.setattr(bundle, "ENGINEER_FILES", [*bundle.ENGINEER_FILES, entry])
    files, manifest, _ = bundle.build_bundle_files([SPECS[0]])
    spec_id = SpecFile.load(SPECS[0]).spec.id
    name = f"engineers/{spec_id}/notes.txt"
    assert files[name] == f"notes of {spec_id}\n".encode()
    assert name in manifest.files
    assert f"| `{name}` | notes | `cat {name}` |" in files["README.md"].decode()
