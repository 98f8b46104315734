"""The export and import subcommands end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from align_studio.cli import main
from align_studio.storage import SpecFile
from tests.exchange.conftest import CORPUS, SPECS


def test_export_bundle_and_import(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "b.zip"
    assert main(["export", "--bundle", str(out), *map(str, SPECS), "-q"]) == 0
    ws = tmp_path / "ws"
    ws.mkdir()
    assert main(["import", "--bundle", str(out), "--into", str(ws)]) == 0
    for p in SPECS:
        assert (ws / p.name).read_bytes() == p.read_bytes()
    assert main(["import", "--bundle", str(out), "--into", str(ws)]) == 3
    assert "already exist" in capsys.readouterr().err


def test_export_single_format(tmp_path: Path) -> None:
    out = tmp_path / "dpo.jsonl"
    assert main(["export", "--format", "dpo", "-o", str(out), str(SPECS[0])]) == 0
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert rows and set(rows[0]) == {"prompt", "chosen", "rejected", "metadata"}


def test_import_promptfoo_and_cases(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    spec = tmp_path / "pf.yaml"
    assert main(["import", "--promptfoo", str(CORPUS / "25-edge-cases.yaml"),
                 "--into", str(spec)]) == 0
    text = capsys.readouterr().out
    assert "assertion: 3 mapped, 1 kept, 1 unsupported" in text and spec.exists()
    csv_path = tmp_path / "c.csv"
    csv_path.write_text("prompt,title\nhello there,Greeting\n")
    assert main(["import", "--cases", str(csv_path), "--into", str(spec)]) == 0
    assert "hello there" in spec.read_text()


# ---- import: bad input and output names never crash or touch files (issue 13) ----------

def _config(folder: Path) -> Path:
    config = folder / "promptfooconfig.yaml"
    config.write_bytes((CORPUS / "25-edge-cases.yaml").read_bytes())
    return config


def test_promptfoo_default_output_never_replaces_the_config(
        tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """Before: the default output was <spec id>.yaml = the config's own name, and
    --overwrite replaced the user's promptfoo config with the spec."""
    config = _config(tmp_path)
    original = config.read_bytes()
    monkeypatch.chdir(tmp_path)
    assert main(["import", "--promptfoo", config.name, "--overwrite"]) == 0
    assert config.read_bytes() == original
    assert SpecFile.load(tmp_path / "promptfooconfig.spec.yaml").spec.cases
    assert main(["import", "--promptfoo", config.name, "--into", config.name,
                 "--overwrite"]) != 0
    assert "never replaced" in capsys.readouterr().err
    assert config.read_bytes() == original


def test_promptfoo_into_a_folder_with_overwrite(tmp_path: Path) -> None:
    """Before: IsADirectoryError (the folder was unlinked as if it were the file)."""
    config = _config(tmp_path)
    out = tmp_path / "ws"
    out.mkdir()
    assert main(["import", "--promptfoo", str(config), "--into", str(out), "--overwrite"]) == 0
    assert main(["import", "--promptfoo", str(config), "--into", str(out), "--overwrite"]) == 0
    assert [p.name for p in out.iterdir()] == ["promptfooconfig.spec.yaml"]


def test_promptfoo_into_a_missing_folder(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Before: FileNotFoundError from the atomic write."""
    config = _config(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    code = main(["import", "--promptfoo", str(config), "--into",
                 str(tmp_path / "nodir" / "x.yaml")])
    assert code != 0 and "nodir does not exist" in capsys.readouterr().err
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize("content, message", [
    ((CORPUS / "25-edge-cases.yaml").read_text().encode("utf-16"), None),
    (b"\x00\x01\x02binary\xff\xfe", "is a binary file"),
])
def test_promptfoo_utf16_imports_and_binary_is_refused(
        tmp_path: Path, capsys, content: bytes, message: str | None) -> None:  # type: ignore[no-untyped-def]
    """Before: UnicodeDecodeError tracebacks for both."""
    config = tmp_path / "in.yaml"
    config.write_bytes(content)
    out = tmp_path / "out.yaml"
    code = main(["import", "--promptfoo", str(config), "--into", str(out)])
    if message is None:
        assert code == 0 and SpecFile.load(out).spec.cases
    else:
        assert code != 0 and message in capsys.readouterr().err and not out.exists()
        assert config.read_bytes() == content


def test_bundle_import_into_a_missing_folder(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "b.zip"
    assert main(["export", "--bundle", str(out), str(SPECS[0]), "-q"]) == 0
    code = main(["import", "--bundle", str(out), "--into", str(tmp_path / "nope")])
    assert code != 0 and "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "nope").exists()
