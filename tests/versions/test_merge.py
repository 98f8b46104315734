"""Three-way merge of spec data: non-overlapping edits merge, overlaps become conflicts."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from align_studio.versions.merge import Custom, merge3, resolve

BASE: dict[str, Any] = {
    "id": "s", "title": "T", "version": 3,
    "changelog": [{"version": 3, "message": "base"}],
    "behaviors": [{"id": "b1", "statement": "one"}, {"id": "b2", "statement": "two"}],
    "cases": [{"id": "c1", "title": "one", "behaviors": ["b1"],
               "responses": [{"id": "r1", "target": "t", "verdict": "accept"}]},
              {"id": "c2", "title": "two"}],
}


def _sides() -> tuple[dict[str, Any], dict[str, Any]]:
    return copy.deepcopy(BASE), copy.deepcopy(BASE)


def test_non_overlapping_edits_merge() -> None:
    ours, theirs = _sides()
    ours["behaviors"][0]["statement"] = "ONE"
    ours["cases"].insert(1, {"id": "c-ours"})
    ours["version"] = 4
    ours["changelog"].append({"version": 4, "message": "ours"})
    theirs["behaviors"][1]["statement"] = "TWO"
    theirs["cases"][0]["responses"][0]["reason"] = "fine"
    theirs["cases"][0]["behaviors"].append("b2")
    theirs["cases"].append({"id": "c-theirs"})
    theirs["version"] = 4
    theirs["changelog"].append({"version": 4, "message": "theirs"})
    del theirs["cases"][1]  # c2 removed by them, untouched by us
    r = merge3(BASE, ours, theirs)
    assert r.clean
    d = r.data
    assert [b["statement"] for b in d["behaviors"]] == ["ONE", "TWO"]
    assert [c["id"] for c in d["cases"]] == ["c1", "c-ours", "c-theirs"]
    assert d["cases"][0]["responses"][0]["reason"] == "fine"
    assert d["cases"][0]["behaviors"] == ["b1", "b2"]
    assert d["version"] == 4
    assert [e["message"] for e in d["changelog"]] == ["base", "ours", "theirs"]


def test_overlapping_edits_are_conflicts_and_resolve_to_choices() -> None:
    ours, theirs = _sides()
    ours["title"], theirs["title"] = "Ours", "Theirs"
    ours["cases"][0]["responses"][0]["verdict"] = "reject"
    theirs["cases"][0]["responses"][0]["verdict"] = "accept"  # same as base: no conflict
    theirs["cases"][0]["responses"][0]["reason"] = "x"
    del ours["cases"][1]
    theirs["cases"][1]["title"] = "edited by them"  # removed here, edited there
    ours["behaviors"][0]["statement"], theirs["behaviors"][0]["statement"] = "o", "t"
    r = merge3(BASE, ours, theirs)
    assert sorted(c.key for c in r.conflicts) == ["behaviors[b1].statement", "cases[c2]",
                                                  "title"]
    c2 = next(c for c in r.conflicts if c.key == "cases[c2]")
    assert c2.ours is None and c2.theirs["title"] == "edited by them"
    assert r.data["title"] == "Ours"  # ours until chosen
    with pytest.raises(ValueError, match="no choice"):
        resolve(r, {"title": "theirs"})
    data = resolve(r, {"title": "theirs", "cases[c2]": "theirs",
                       "behaviors[b1].statement": Custom("both")})
    assert data["title"] == "Theirs"
    assert [c["id"] for c in data["cases"]] == ["c1", "c2"]  # restored in place
    assert data["cases"][1]["title"] == "edited by them"
    assert data["behaviors"][0]["statement"] == "both"
    resp = data["cases"][0]["responses"][0]
    assert (resp["verdict"], resp["reason"]) == ("reject", "x")
    # a list of choices in conflict order works too
    assert resolve(r, ["ours"] * len(r.conflicts))["title"] == "Ours"


def test_no_common_ancestor_and_duplicate_ids() -> None:
    ours, theirs = _sides()
    theirs["title"] = "X"
    r = merge3(None, ours, theirs)
    assert [c.key for c in r.conflicts] == ["title"]
    dup_o, dup_t = _sides()
    dup_o["cases"].append({"id": "c1", "title": "dup"})
    dup_t["cases"][0]["title"] = "changed"
    r = merge3(BASE, dup_o, dup_t)  # a list with duplicate ids is one value, never dropped
    assert [c.key for c in r.conflicts] == ["cases"]
