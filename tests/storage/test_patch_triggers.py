"""Each layout that used to make a save rewrite the whole file (issue 13, items 2 and 3),
saved after a real edit: the exact text of the file afterwards is written out by hand.

Before the fix every one of these rewrote the document (or the whole ``cases:`` list) from
data, dropping every comment, while the save reported success.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from align_studio.domain import Case, Message, Role
from align_studio.domain.base import Verdict
from align_studio.editing.commands import InsertItem, MoveItem, RemoveItem, SetField
from align_studio.storage import SpecFile
from align_studio.storage.errors import SaveVerificationError

HEAD = """\
# Support spec — every comment must survive
format_version: 1
id: tiny
title: Tiny spec   # trailing comment
behaviors:
  - id: b1
    kind: must
    statement: Answers politely.
cases:
"""

C2 = """\
  - id: c2  # second case
    messages:
      - role: user
        content: Bye
"""


def _save(tmp_path: Path, text: str, edit: object, name: str = "spec.yaml",
          newline: str = "\n") -> str:
    """Write ``text``, open it, apply ``edit(spec)``, save as the app does, return the file."""
    p = tmp_path / name
    p.write_bytes(text.replace("\n", newline).encode("utf-8"))
    sf = SpecFile.load(p)
    edit(sf.spec)  # type: ignore[operator]
    assert sf.save() is True
    sf.refresh()  # the worker's re-read after a save
    out = p.read_bytes().decode("utf-8")
    assert SpecFile.load(p).spec.to_data() == sf.spec.to_data()
    return out


def _title(spec: object) -> None:
    SetField(spec, "title", "Edited").redo()


EDITED_HEAD = HEAD.replace("title: Tiny spec   #", "title: Edited   #")


def test_empty_notes_survive_an_edit_elsewhere(tmp_path: Path) -> None:
    case = "  - id: c1  # first case\n    notes:\n    messages:\n      - role: user\n" \
           "        content: Hi\n"
    assert _save(tmp_path, HEAD + case + C2, _title) == EDITED_HEAD + case + C2


def test_empty_notes_take_a_value_in_place(tmp_path: Path) -> None:
    case = "  - id: c1  # first case\n    notes:   # fill me\n    messages:\n" \
           "      - role: user\n        content: Hi\n"
    out = _save(tmp_path, HEAD + case + C2,
                lambda s: SetField(s.cases[0], "notes", "Now filled").redo())
    assert out == HEAD + case.replace("notes:   #", "notes: Now filled   #") + C2


@pytest.mark.parametrize("written", [
    "2026-11-03T14:20:00+00:00",
    "2026-11-03T14:20:00.000Z",
    "2026-11-03 14:20:00+00:00",
    "'2026-11-03 14:20:00+00:00'",
])
def test_time_spelling_survives_a_verdict_change(tmp_path: Path, written: str) -> None:
    case = ("  - id: c1  # first case\n    messages:\n      - role: user\n        content: Hi\n"
            "    responses:\n      - id: r1\n        target: m\n        verdict: accept  # ok\n"
            f"        time: {written}  # when\n")
    out = _save(tmp_path, HEAD + case + C2, lambda s: SetField(
        s.cases[0].responses[0], "verdict", Verdict.REJECT).redo())
    assert out == HEAD + case.replace("verdict: accept", "verdict: reject") + C2


NUMBERS = ("  - id: c1  # first case\n    messages:\n      - role: user\n        content: Hi\n"
           "    checks:\n      - type: contains-any\n        values: [NHS 111, 111]  # both\n")


def test_number_in_a_list_of_words_survives_an_edit_elsewhere(tmp_path: Path) -> None:
    assert _save(tmp_path, HEAD + NUMBERS + C2, _title) == EDITED_HEAD + NUMBERS + C2


def test_number_in_a_list_of_words_keeps_its_spelling_when_the_list_grows(
        tmp_path: Path) -> None:
    def edit(spec: object) -> None:
        spec.cases[0].checks[0].values.append("999")  # type: ignore[attr-defined]

    out = _save(tmp_path, HEAD + NUMBERS + C2, edit)
    assert out == HEAD + NUMBERS.replace("[NHS 111, 111]", "[NHS 111, 111, '999']") + C2


KEEP = ("  - id: c2  # second case\n    messages:\n      - role: user\n        content: Bye\n"
        "    notes: |+\n      kept with its blank lines\n\n\n")


def test_keep_block_as_last_key_keeps_its_lines_when_a_case_follows(tmp_path: Path) -> None:
    c1 = "  - id: c1  # first case\n    messages:\n      - role: user\n        content: Hi\n"
    new = Case(id="c3", messages=[Message(role=Role.USER, content="New")])
    out = _save(tmp_path, HEAD + c1 + KEEP,
                lambda s: InsertItem(s, "cases", 2, new).redo())
    assert out == HEAD + c1 + KEEP + (
        "  - id: c3\n    messages:\n      - role: user\n        content: New\n")


def test_keep_block_item_is_removed_with_its_lines(tmp_path: Path) -> None:
    c3 = "  # the third\n  - id: c3\n    messages:\n      - role: user\n        content: Hi\n"
    out = _save(tmp_path, HEAD + KEEP + c3, lambda s: RemoveItem(s, "cases", 0).redo())
    assert out == HEAD + c3


def test_explicit_key_value_is_edited_in_place(tmp_path: Path) -> None:
    case = ("  - id: c1  # first case\n    ? title  # explicit\n    : Old title\n"
            "    messages:\n      - role: user\n        content: Hi\n")
    out = _save(tmp_path, HEAD + case + C2,
                lambda s: SetField(s.cases[0], "title", "New title").redo())
    assert out == HEAD + case.replace(": Old title", ": New title") + C2


def test_explicit_key_is_removed_with_its_lines(tmp_path: Path) -> None:
    case = ("  - id: c1  # first case\n    ? notes\n    : Old notes\n"
            "    messages:\n      - role: user\n        content: Hi\n")
    out = _save(tmp_path, HEAD + case + C2,
                lambda s: SetField(s.cases[0], "notes", None).redo())
    assert out == HEAD + case.replace("    ? notes\n    : Old notes\n", "") + C2


MERGE = ("  - id: c1  # first case\n    <<: {x-merged: 1}  # a merge key, kept as a key\n"
         "    messages:\n      - role: user\n        content: Hi\n")


def test_merge_key_case_moves_with_its_text(tmp_path: Path) -> None:
    out = _save(tmp_path, HEAD + MERGE + C2, lambda s: MoveItem(s, "cases", 0, 1).redo())
    assert out == HEAD + C2 + MERGE


def test_merge_key_survives_an_edit_of_its_case(tmp_path: Path) -> None:
    out = _save(tmp_path, HEAD + MERGE + C2,
                lambda s: SetField(s.cases[0], "title", "Titled").redo())
    assert out == HEAD + MERGE.replace("# first case\n", "# first case\n    title: Titled\n") \
        + C2


COMMENTED = ("  - # the first case\n    id: c1\n    messages:\n      - role: user\n"
             "        content: Hi\n"
             "  - # the second case\n    id: c2\n    messages:\n      - role: user\n"
             "        content: Bye\n")


@pytest.mark.parametrize("index", [0, 1])
def test_deleting_a_dash_comment_case_keeps_the_others(tmp_path: Path, index: int) -> None:
    out = _save(tmp_path, HEAD + COMMENTED, lambda s: RemoveItem(s, "cases", index).redo())
    first, second = COMMENTED[:COMMENTED.index("  - # the second")], \
        COMMENTED[COMMENTED.index("  - # the second"):]
    assert out == HEAD + (second if index == 0 else first)


def test_adding_after_a_dash_comment_case(tmp_path: Path) -> None:
    new = Case(id="c3", messages=[Message(role=Role.USER, content="New")])
    out = _save(tmp_path, HEAD + COMMENTED, lambda s: InsertItem(s, "cases", 1, new).redo())
    second = COMMENTED.index("  - # the second")
    assert out == HEAD + COMMENTED[:second] + (
        "  - id: c3\n    messages:\n      - role: user\n        content: New\n"
    ) + COMMENTED[second:]


FLOW = HEAD[:-len("cases:\n")] + (
    "cases: [\n"
    "  {id: c1, messages: [{role: user, content: Hi}]},  # one\n"
    "  # about the second\n"
    "  {id: c2, messages: [{role: user, content: Bye}]},  # two\n"
    "  {id: c3, messages: [{role: user, content: Hey}]}  # three\n"
    "]\n")


def test_flow_cases_lose_only_the_deleted_item(tmp_path: Path) -> None:
    out = _save(tmp_path, FLOW, lambda s: RemoveItem(s, "cases", 0).redo())
    assert out == FLOW.replace(
        "  {id: c1, messages: [{role: user, content: Hi}]},  # one\n", "")
    out = _save(tmp_path, FLOW, lambda s: RemoveItem(s, "cases", 2).redo(), "b.yaml")
    assert out == FLOW.replace("},  # two\n  {id: c3, messages: [{role: user, content: Hey}]}",
                               "}  # two\n  ")


def test_flow_cases_edit_only_the_changed_value(tmp_path: Path) -> None:
    out = _save(tmp_path, FLOW, lambda s: SetField(s.cases[1], "title", "Second").redo())
    assert out == FLOW.replace("{id: c2, messages", "{id: c2, title: Second, messages")
    new = Case(id="c4", messages=[Message(role=Role.USER, content="Yo")])
    out = _save(tmp_path, FLOW, lambda s: InsertItem(s, "cases", 3, new).redo(), "b.yaml")
    assert out == FLOW.replace(
        "content: Hey}]}", "content: Hey}]}, {id: c4, messages: [{role: user, content: Yo}]}")


def test_crlf_and_keep_block_survive_an_insert(tmp_path: Path) -> None:
    c1 = "  - id: c1  # first case\n    messages:\n      - role: user\n        content: Hi\n"
    new = Case(id="c3", messages=[Message(role=Role.USER, content="New")])
    out = _save(tmp_path, HEAD + c1 + KEEP, lambda s: InsertItem(s, "cases", 2, new).redo(),
                newline="\r\n")
    assert out == (HEAD + c1 + KEEP + "  - id: c3\n    messages:\n      - role: user\n"
                   "        content: New\n").replace("\n", "\r\n")


def test_a_value_that_cannot_be_written_stops_the_save_and_touches_nothing(
        tmp_path: Path) -> None:
    p = tmp_path / "spec.yaml"
    text = HEAD + C2
    p.write_text(text, encoding="utf-8")
    sf = SpecFile.load(p)
    sf.spec.title = "half a character \ud800"  # a lone surrogate, e.g. from a bad paste
    with pytest.raises(SaveVerificationError) as err:
        sf.save()
    assert p.read_text(encoding="utf-8") == text
    assert str(p) in str(err.value) and "nothing was written" in str(err.value)
    assert (err.value.place, err.value.line, err.value.column) == ("title", 4, 7)
