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
                 "engineers/training/dpo.jsonl", "engineers/training/kto.jsonl",
                 "engineers/training/openai_preference.jsonl", "engineers/training/sft.jsonl",
                 "engineers/evals/openai_evals.jsonl", "engineers/evals/inspect_dataset.jsonl",
                 "engineers/evals/batch_input.jsonl"]:
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
    md = bundle_files["engineers/model-spec.md"].decode()
    assert "### b-refund-policy" in md
    assert "**GOOD**" in md and "**BAD**" in md


def test_readme_describes_the_bundle(bundle_files: dict[str, bytes]) -> None:
    readme = bundle_files["README.md"].decode()
    assert "customer-support" in readme and "dpo.jsonl" in readme
