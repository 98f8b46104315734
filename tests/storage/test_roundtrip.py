"""Round trip: unchanged saves are byte-identical; an edit changes only its own lines."""

from __future__ import annotations

import copy
import difflib
import math
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from align_studio.storage import SpecFile
from align_studio.storage.yamlpatch import patch_text
from align_studio.storage.yamlread import Node, parse_yaml
from tests.storage.yamlgen import SCALAR, documents, values

SETTINGS = settings(max_examples=int(os.environ.get("ROUNDTRIP_EXAMPLES", "300")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, prefix + (i,))
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        data = data[p]
    return data


def _node(root: Node, path: tuple[Any, ...]) -> Node:
    node = root
    for p in path:
        child = node.child(p)
        assert child is not None
        node = child
    return node


def _changed_lines(old: str, new: str) -> set[int]:
    """0-based numbers of the old text's lines between the common head and tail of the two
    texts (for a pure insertion, the line before it)."""
    a, b = old.splitlines(), new.splitlines()
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    if a == b:
        return set()
    end = len(a) - tail
    return set(range(head, end)) if end > head else {max(head - 1, 0)}


@SETTINGS
@given(documents())
def test_generated_documents_read_back_their_data(doc: tuple[str, dict[str, Any]]) -> None:
    text, data = doc
    parsed = parse_yaml(text)
    assert _same(parsed.data, data)
    # unchanged data patches nothing
    assert patch_text(text, parsed.root, parsed.data, copy.deepcopy(parsed.data)) == text


@SETTINGS
@given(documents(), st.data())
def test_one_field_edit_changes_only_that_field(doc: tuple[str, dict[str, Any]],
                                                data: st.DataObject) -> None:
    text, _ = doc
    parsed = parse_yaml(text)
    leaves = [p for p in _paths(parsed.data)
              if not isinstance(_get(parsed.data, p), (dict, list))]
    assume(leaves)
    path = data.draw(st.sampled_from(leaves))
    new_value = data.draw(SCALAR)
    assume(not _same(new_value, _get(parsed.data, path)))
    new = copy.deepcopy(parsed.data)
    parent = _get(new, path[:-1])
    parent[path[-1]] = new_value
    out = patch_text(text, parsed.root, parsed.data, new)
    assert _same(parse_yaml(out).data, new)
    node = _node(parsed.root, path)
    first = node.line
    last = text.count("\n", 0, max(node.end, node.start))
    # the key's own line may hold the start of a value written on the next lines
    allowed = set(range(first - 1, last + 1))
    assert _changed_lines(text, out) <= allowed, (path, text, out)


@SETTINGS
@given(documents(), st.data())
def test_structural_edits_read_back(doc: tuple[str, dict[str, Any]],
                                    data: st.DataObject) -> None:
    text, _ = doc
    parsed = parse_yaml(text)
    new = copy.deepcopy(parsed.data)
    containers = [p for p in [()] + _paths(new) if isinstance(_get(new, p), (dict, list))]
    path = data.draw(st.sampled_from(containers))
    target = _get(new, path)
    action = data.draw(st.sampled_from(["add", "remove", "replace"]))
    if isinstance(target, dict):
        if action == "add":
            key = data.draw(st.text("xyz", min_size=1, max_size=4).map(lambda s: "new_" + s))
            assume(key not in target)
            target[key] = data.draw(values(2))
        elif action == "remove" and len(target) > 1:
            del target[data.draw(st.sampled_from(sorted(target)))]
        else:
            key = data.draw(st.sampled_from(sorted(target)))
            target[key] = data.draw(values(2))
    else:
        if action == "add":
            target.insert(data.draw(st.integers(0, len(target))), data.draw(values(2)))
        elif action == "remove" and len(target) > 1:
            del target[data.draw(st.integers(0, len(target) - 1))]
        else:
            target[data.draw(st.integers(0, len(target) - 1))] = data.draw(values(2))
    out = patch_text(text, parsed.root, parsed.data, new)
    assert _same(parse_yaml(out).data, new), out


def test_example_specs_save_byte_identical(workspace_copy: Path) -> None:
    paths = sorted(workspace_copy.rglob("*.yaml"))
    assert len(paths) >= 3
    for p in paths:
        before = p.read_bytes()
        sf = SpecFile.load(p)
        sf.save(force=True)
        assert p.read_bytes() == before


def test_example_spec_one_field_edit(workspace_copy: Path) -> None:
    for p in sorted(workspace_copy.rglob("*.yaml")):
        sf = SpecFile.load(p)
        middle = len(sf.spec.cases) // 2
        edits = [
            (("cases", middle, "notes"),
             lambda s: setattr(s.cases[middle], "notes",  # noqa: B023 - used in this pass
                               "Edited in a test: ünïcödé, 'quotes' and a # hash")),
            (("behaviors", 0, "statement"),
             lambda s: setattr(s.behaviors[0], "statement", "A new statement\nover two lines")),
            (("title",), lambda s: setattr(s, "title", s.title + " (edited)")),
        ]
        for path, edit in edits:
            before = p.read_text(encoding="utf-8")
            sf = SpecFile.load(p)
            line_before = sf.locate(path)[0] if path[-1] != "notes" else 0
            edit(sf.spec)
            assert sf.save() is True
            after = p.read_text(encoding="utf-8")
            assert SpecFile.load(p).spec.to_data() == sf.spec.to_data()
            changed = _changed_lines(before, after)
            assert len(changed) <= 4, (p.name, path, sorted(changed))
            if line_before:
                assert min(changed) == line_before - 1, (p.name, path)


def test_big_spec_round_trip_and_edit(tmp_path: Path, big_spec_text: str) -> None:
    p = tmp_path / "big.yaml"
    p.write_text(big_spec_text, encoding="utf-8")
    sf = SpecFile.load(p)
    assert len(sf.spec.cases) == 1000
    assert sf.save() is False and p.read_text(encoding="utf-8") == big_spec_text
    sf.spec.cases[500].expected = sf.spec.cases[501].expected  # may be a no-op
    sf.spec.cases[500].title = "Edited"
    sf.save()
    after = p.read_text(encoding="utf-8")
    diff = [ln for ln in difflib.unified_diff(big_spec_text.splitlines(), after.splitlines(),
                                              n=0) if ln[:1] in "+-" and ln[:3] not in
            ("+++", "---")]
    assert diff == ["+    title: Edited"] or len(diff) == 3



def test_the_one_rule_of_same_values() -> None:
    from align_studio.storage.yamlsame import same

    assert not same(1, 1.0) and not same(1, True) and not same(1.0, True)
    assert not same("1", 1) and not same(None, "")
    assert same(float("nan"), float("nan"))
    assert same({"a": 1, "b": [1, 2.5]}, {"b": [1, 2.5], "a": 1})  # key order is free
    assert not same([1, 2], [2, 1]) and not same({"a": [1]}, {"a": [1.0]})


def test_a_change_of_kind_alone_is_saved(tmp_path: Path) -> None:
    text = ("format_version: 1\nid: t\ntitle: T\ntargets:\n  - id: m\n    provider: local\n"
            "    model: m\n    params: {temperature: 1, stream: 1}  # as typed\n")
    p = tmp_path / "t.yaml"
    p.write_text(text, encoding="utf-8")
    sf = SpecFile.load(p)
    assert sf.save() is False  # 1 == 1.0 == True in Python, but nothing changed
    sf.spec.targets[0].params = {"temperature": 1.0, "stream": True}
    assert sf.is_modified()
    assert sf.save() is True
    assert p.read_text(encoding="utf-8") == text.replace(
        "{temperature: 1, stream: 1}", "{temperature: 1.0, stream: true}")


def test_a_patch_hands_its_parse_to_the_next_save() -> None:
    from align_studio.storage.yamlpatch import parsed_root

    text = "a: 1  # one\nb: [x, y]\n"
    parsed = parse_yaml(text)
    out = patch_text(text, parsed.root, parsed.data, {"a": 2, "b": ["x", "y", "z"]})
    assert out == "a: 2  # one\nb: [x, y, z]\n"
    root = parsed_root(out)
    assert root is not None and root.data == {"a": 2, "b": ["x", "y", "z"]}
    assert parsed_root(out) is None  # handed out once
