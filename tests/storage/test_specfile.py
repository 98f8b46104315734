"""SpecFile behaviours: conflicts on disk, permissions, line endings, BOM, creation."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from align_studio.domain import Case, Message, Role, Spec
from align_studio.storage import SpecChangedOnDisk, SpecFile, Workspace

SPEC = """\
# A small spec — comments survive
format_version: 1
id: tiny
title: Tiny spec   # trailing comment
behaviors:
  - id: b1
    kind: must
    statement: Answers politely.
    x-team-note: kept by the app   # an unknown key
cases:
  - id: c1
    messages:
      - role: user
        content: Hello
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    p = tmp_path / "tiny.yaml"
    p.write_text(SPEC, encoding="utf-8")
    return p


def test_unknown_keys_and_comments_survive_an_edit(tiny: Path) -> None:
    sf = SpecFile.load(tiny)
    sf.spec.title = "Tiny"
    sf.save()
    text = tiny.read_text(encoding="utf-8")
    assert text == SPEC.replace("title: Tiny spec   #", "title: Tiny   #")
    assert SpecFile.load(tiny).spec.behaviors[0].model_extra == {"x-team-note": "kept by the app"}


def test_adding_a_case_appends_only_its_lines(tiny: Path) -> None:
    sf = SpecFile.load(tiny)
    sf.spec.cases.append(Case(
        id="c2", messages=[Message(role=Role.USER, content="Line one\nLine two")],
        behaviors=["b1"]))
    sf.save()
    assert tiny.read_text(encoding="utf-8") == SPEC + (
        "  - id: c2\n"
        "    messages:\n"
        "      - role: user\n"
        "        content: |-\n"
        "          Line one\n"
        "          Line two\n"
        "    behaviors: [b1]\n")


def test_change_on_disk_is_never_overwritten_silently(tiny: Path) -> None:
    sf = SpecFile.load(tiny)
    theirs = SPEC.replace("Hello", "Hello from someone else")
    tiny.write_text(theirs, encoding="utf-8")
    os.utime(tiny, ns=(1, 1))  # a different stamp even on coarse clocks
    assert sf.changed_on_disk()
    sf.spec.title = "Mine"
    with pytest.raises(SpecChangedOnDisk):
        sf.save()
    assert tiny.read_text(encoding="utf-8") == theirs
    sf.save(force=True)  # the user chose "keep mine"
    assert "title: Mine" in tiny.read_text(encoding="utf-8")


def test_replaced_file_with_same_content_is_not_a_conflict(tiny: Path) -> None:
    sf = SpecFile.load(tiny)
    tiny.unlink()
    tiny.write_text(SPEC, encoding="utf-8")  # an editor that replaces the file
    os.utime(tiny, ns=(1, 1))
    assert not sf.changed_on_disk()


def test_deleted_file_counts_as_changed(tiny: Path) -> None:
    sf = SpecFile.load(tiny)
    tiny.unlink()
    assert sf.changed_on_disk()


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_save_keeps_permissions(tiny: Path) -> None:
    os.chmod(tiny, 0o640)
    sf = SpecFile.load(tiny)
    sf.spec.title = "x"
    sf.save()
    assert stat.S_IMODE(tiny.stat().st_mode) == 0o640


def test_crlf_and_bom_are_kept(tmp_path: Path) -> None:
    p = tmp_path / "win.yaml"
    raw = ("\ufeff" + SPEC).replace("\n", "\r\n").encode("utf-8")
    p.write_bytes(raw)
    sf = SpecFile.load(p)
    assert sf.save(force=True) is False or p.read_bytes() == raw
    sf.spec.cases[0].notes = "two\nlines"
    sf.save()
    out = p.read_bytes()
    assert out.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in out.replace(b"\r\n", b"")
    assert SpecFile.load(p).spec.cases[0].notes == "two\nlines"


def test_clearing_a_field_removes_its_line(tiny: Path) -> None:
    sf = SpecFile.load(tiny)
    sf.spec.cases[0].notes = "temporary"
    sf.save()
    sf.refresh()
    sf.spec.cases[0].notes = None
    sf.save()
    assert tiny.read_text(encoding="utf-8") == SPEC


def test_problems_are_located(tiny: Path) -> None:
    tiny.write_text(SPEC.replace("messages:\n      - role: user\n        content: Hello\n",
                                 "behaviors: [b1, nope]\n    messages: []\n"), encoding="utf-8")
    sf = SpecFile.load(tiny)
    messages = {p.message: (p.line, p.column) for p in sf.problems}
    assert messages["case 'c1' links behavior 'nope', which the spec does not have"] == (12, 21)
    assert messages["case 'c1' has no conversation"] == (13, 15)


def test_create_refuses_to_replace(tmp_path: Path) -> None:
    from align_studio.cli.specs import starter_spec

    p = tmp_path / "new.yaml"
    sf = SpecFile.create(p, starter_spec("New one"))
    assert sf.spec.id == "new-one" and sf.problems == []
    with pytest.raises(FileExistsError):
        SpecFile.create(p, starter_spec("Again"))


def test_workspace_lists_specs_recursively_and_skips_junk(tmp_path: Path) -> None:
    (tmp_path / "team" / "deep").mkdir(parents=True)
    (tmp_path / ".align-studio").mkdir()
    (tmp_path / ".git").mkdir()
    for rel in ["a.yaml", "team/b.yml", "team/deep/c.yaml"]:
        (tmp_path / rel).write_text(SPEC, encoding="utf-8")
    for junk in [".hidden.yaml", "a.yaml~", ".~align-a.yaml.x.tmp", "notes.txt",
                 ".align-studio/x.yaml", ".git/y.yaml", "team/#b.yml.swp"]:
        (tmp_path / junk).write_text("junk", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: [", encoding="utf-8")
    ws = Workspace(tmp_path)
    names = [str(p.relative_to(tmp_path)) for p in ws.spec_paths()]
    assert names == ["a.yaml", "broken.yaml", "team/b.yml", "team/deep/c.yaml"]
    summaries = {s.name: s for s in ws.summaries()}
    assert summaries["a.yaml"].behaviors == 1 and summaries["a.yaml"].cases == 1
    assert summaries["broken.yaml"].error and "not valid YAML" in summaries["broken.yaml"].error


def test_same_size_change_within_one_clock_tick_is_seen(tiny: Path) -> None:
    # Another program rewrites the file with as many bytes, and the file's time ends up
    # as it was (a coarse clock, or a tool that keeps times): only the content tells.
    sf = SpecFile.load(tiny)
    st = tiny.stat()
    theirs = SPEC.replace("Hello", "Howdy")
    assert len(theirs) == len(SPEC)
    tiny.write_text(theirs, encoding="utf-8")
    os.utime(tiny, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert sf.changed_on_disk()
    sf.spec.title = "Mine"
    with pytest.raises(SpecChangedOnDisk):
        sf.save()
    assert tiny.read_text(encoding="utf-8") == theirs


def test_update_applies_an_edit_on_top_of_another_programs_save(tiny: Path) -> None:
    mine, theirs = SpecFile.load(tiny), SpecFile.load(tiny)
    theirs.spec.cases[0].notes = "their note"
    theirs.save()

    def add(spec: Spec) -> str:
        spec.cases.append(Case(id="c2", messages=[Message(role=Role.USER, content="Mine")]))
        return "c2"

    assert mine.update(add) == "c2"
    again = SpecFile.load(tiny)
    assert [c.id for c in again.spec.cases] == ["c1", "c2"]
    assert again.spec.cases[0].notes == "their note"
    assert mine.text == tiny.read_text(encoding="utf-8") and not mine.changed_on_disk()


def test_update_refuses_to_merge_over_unsaved_edits(tiny: Path) -> None:
    mine, theirs = SpecFile.load(tiny), SpecFile.load(tiny)
    mine.spec.title = "Unsaved"
    theirs.spec.cases[0].notes = "their note"
    theirs.save()
    written = tiny.read_bytes()
    with pytest.raises(SpecChangedOnDisk):
        mine.update(lambda spec: None)
    assert tiny.read_bytes() == written and mine.spec.title == "Unsaved"


def test_no_lock_or_temp_file_is_left_after_saves(tiny: Path) -> None:
    sf = SpecFile.load(tiny)
    for title in ("One", "Two"):
        sf.spec.title = title
        sf.save()
    sf.update(lambda spec: setattr(spec, "title", "Three"))
    assert [p.name for p in tiny.parent.iterdir()] == ["tiny.yaml"]
