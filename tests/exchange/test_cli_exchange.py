"""The export and import subcommands end to end."""

from __future__ import annotations

import json
from pathlib import Path

from align_studio.cli import main
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
    assert rows and set(rows[0]) == {"prompt", "chosen", "rejected"}


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
