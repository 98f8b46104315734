"""The recovery journal: written, listed, restored with a warning when the file changed."""

from __future__ import annotations

from pathlib import Path

from align_studio.editing import EditSession, History, SetField
from align_studio.editing.journal import (
    delete_journal,
    journal_path,
    pending_recoveries,
    restore_into,
    text_hash,
    write_journal,
)
from align_studio.editing.unsaved import unified_diff
from align_studio.storage import SpecFile, Workspace


def test_journal_round_trip(spec_path: Path) -> None:
    ws = Workspace(spec_path.parent)
    sf = SpecFile.load(spec_path)
    h = History(EditSession(sf))
    h.push(SetField(sf.spec.behaviors[0], "statement", "Never share personal data."))
    path = write_journal(ws.data_dir, sf.path, text_hash(sf.text), sf.snapshot())
    assert path == journal_path(ws.data_dir, spec_path)
    [rec] = pending_recoveries(ws)
    assert rec.spec_path == spec_path.resolve() and rec.title == "Support assistant"
    restored = restore_into(rec)
    assert restored.warning is None
    assert restored.spec_file.spec.behaviors[0].statement == "Never share personal data."
    assert restored.spec_file.is_modified()
    restored.spec_file.save()
    text = spec_path.read_text()
    assert "statement: Never share personal data.\n" in text and "# the most important rule" in text
    delete_journal(ws.data_dir, spec_path)
    assert pending_recoveries(ws) == []


def test_restore_warns_when_disk_changed(spec_path: Path) -> None:
    ws = Workspace(spec_path.parent)
    sf = SpecFile.load(spec_path)
    sf.spec.title = "Mine"
    write_journal(ws.data_dir, sf.path, text_hash(sf.text), sf.snapshot())
    spec_path.write_text(spec_path.read_text().replace("\nversion: 1\n", "\nversion: 2\n", 1))
    restored = restore_into(pending_recoveries(ws)[0])
    assert restored.disk_changed and "changed on disk" in (restored.warning or "")


def test_unreadable_journal_is_skipped(spec_path: Path) -> None:
    ws = Workspace(spec_path.parent)
    folder = ws.data_dir / "recovery"
    folder.mkdir(parents=True)
    (folder / "junk.json").write_text("{not json")
    assert pending_recoveries(ws) == []


def test_diff_shows_pending_edit(spec_path: Path) -> None:
    sf = SpecFile.load(spec_path)
    sf.spec.title = "Support bot"
    diff = unified_diff(sf, sf.snapshot())
    assert "-title: Support assistant\n" in diff and "+title: Support bot\n" in diff
    assert not sf.path.read_text().count("Support bot")
