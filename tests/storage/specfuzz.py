"""The loss-free save fuzz: random spec files in every layout, one app edit each, checked
against an independent YAML parser (ruamel.yaml, pure Python) as the oracle.

Each trial writes a spec whose layout and value forms are drawn at random (block and flow
collections, comments before, after and inside items, ``- # comment`` items, block scalars
``|``, ``|-``, ``|+`` and ``>``, quoted and plain scalars, empty values, explicit ``? key``
entries, ``<<:`` keys, times written ``Z``/``+00:00``/``.000Z``/with a space, numbers in
lists of words, unknown keys, CRLF, a BOM…), applies one edit through the app's edit
commands, saves through :class:`SpecFile` and checks that:

* the oracle reads the new file as the old file's data with exactly that edit applied
  (values compared with type: ``1``, ``1.0`` and ``true`` differ);
* the text outside the edited region is unchanged (common head and tail of the two texts),
  and every comment outside it survives; a whole-document rewrite is counted apart;
* the app reads the new file back as the spec it saved.

A save that refuses (:class:`SaveVerificationError`, file untouched) is counted apart.
Used by ``bench/bench_patch_fuzz.py`` (2,000+ trials) and ``tests/storage/test_patch_fuzz.py``.
"""

from __future__ import annotations

import copy
import random
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.resolver import BaseResolver

from align_studio.domain import Behavior, Case, Message, Role
from align_studio.domain.base import BehaviorKind, Verdict
from align_studio.domain.case import JudgedResponse
from align_studio.editing.commands import InsertItem, MoveItem, RemoveItem, SetField
from align_studio.storage import SpecFile
from align_studio.storage.errors import SaveVerificationError
from align_studio.storage.yamlread import parse_yaml
from align_studio.storage.yamlsame import first_difference, same
from align_studio.storage.yamlwrite import _plain_ok


class CoreResolver(BaseResolver):
    """The YAML 1.2 core schema the app reads: no timestamps, no merge keys, no ``yes``."""

    processing_version = (1, 2)

    def __init__(self, version: Any = None, loader: Any = None) -> None:
        super().__init__(loader)


CoreResolver.yaml_implicit_resolvers = {}
for _tag, _rx, _first in (
    ("bool", r"(?:true|True|TRUE|false|False|FALSE)", "tTfF"),
    ("int", r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)", "-+0123456789"),
    ("float", (r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))"), "-+.0123456789"),
    ("null", r"(?:~|null|Null|NULL|)", "~nN"),
):
    CoreResolver.add_implicit_resolver_base(f"tag:yaml.org,2002:{_tag}",
                                            re.compile(f"^{_rx}$"), list(_first) + [""])


def oracle(text: str) -> Any:
    """The data of ``text`` as ruamel.yaml reads it under the core schema."""
    y = YAML(typ="safe", pure=True)
    y.Resolver = CoreResolver
    return y.load(text.lstrip("\ufeff"))


# ---- the generator ---------------------------------------------------------------------
WORDS = ["refund", "order", "account", "billing", "cancel", "upgrade", "receipt", "address",
         "email", "policy"]
TEXTS = ["Hello", "yes", "no", "1.0", "12", "a: b", "# not a comment", "O'Brien",
         "ünïcödé 🎉", "- dash", "true", "null", "x, y", "[x]", "{y}", "tab\there",
         "ends with space ", "two\nlines", "three\nlines\nhere\n", "kept\n\n",
         "@at", "%pct", "2026-11-03"]
TIMES = ["2026-11-03T14:20:00Z", "2026-11-03T14:20:00+00:00", "2026-11-03T14:20:00.000Z",
         "2026-11-03 14:20:00+00:00", "2026-11-03T16:20:00+02:00"]


@dataclass
class Gen:
    """Renders one random spec text; ``rng`` draws every choice."""

    rng: random.Random
    seq_indent: int = 2
    comments: int = 0
    lines: list[str] = field(default_factory=list)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def comment(self) -> str:
        self.comments += 1
        return f"# c{self.comments} {self.rng.choice(WORDS)}"

    def trail(self) -> str:
        return "  " + self.comment() if self.chance(0.2) else ""

    # scalars ---------------------------------------------------------------------------
    def scalar(self, value: Any, flow: bool = False) -> str:
        if value is None:
            return self.rng.choice(["", "~", "null"]) if not flow else "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return repr(value)
        options = ["double"]
        if _plain_ok(value) and not (flow and any(c in value for c in ",[]{}#:")):
            options += ["plain", "plain"]
        if "\n" not in value and "\t" not in value and value == value.strip(" "):
            options.append("single")
        style = self.rng.choice(options)
        if style == "plain":
            return value
        if style == "single":
            return "'" + value.replace("'", "''") + "'"
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace(
            "\n", "\\n").replace("\t", "\\t") + '"'

    def block_scalar(self, value: str, indent: int) -> list[str] | None:
        """``|``, ``|-``, ``|+`` or ``>`` lines for ``value`` (header first), if it fits."""
        if "\t" in value or value.startswith((" ", "\n")) or value.strip() != value.strip(" "):
            return None
        pad = " " * indent
        if value.endswith("\n\n") and value.rstrip("\n"):
            body, header = value.rstrip("\n"), "|+"
            return [header] + [pad + ln if ln else "" for ln in body.split("\n")] + \
                [""] * (len(value) - len(value.rstrip("\n")) - 1)
        if "\n" not in value and " " in value and not value.endswith(" ") and self.chance(0.5):
            words = value.split(" ")
            cut = self.rng.randrange(1, len(words)) if len(words) > 1 else 1
            return [">-", pad + " ".join(words[:cut])] + (
                [pad + " ".join(words[cut:])] if words[cut:] else [])
        if "\n" not in value.rstrip("\n"):
            return None
        header = "|" if value.endswith("\n") else "|-"
        body = value.removesuffix("\n")
        if any(ln.strip(" ") == "" and ln for ln in body.split("\n")) or body.endswith(" "):
            return None
        return [header] + [pad + ln if ln else "" for ln in body.split("\n")]

    # collections -----------------------------------------------------------------------
    def flowable(self, v: Any) -> bool:
        if isinstance(v, dict):
            return all(self.flowable(x) for x in v.values())
        if isinstance(v, list):
            return all(self.flowable(x) for x in v)
        return not (isinstance(v, str) and ("\n" in v or "\t" in v))

    def flow(self, v: Any) -> str:
        if isinstance(v, dict):
            parts = []
            for k, x in v.items():
                parts.append(k if x is None and self.chance(0.3) else
                             f"{k}: {self.flow(x)}")
            return "{" + ", ".join(parts) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(self.flow(x) for x in v) + "]"
        return self.scalar(v, flow=True)

    def flow_lines(self, v: Any, indent: int) -> list[str]:
        """A flow collection, sometimes over several lines with a comment after a comma."""
        if not isinstance(v, (list, dict)) or len(v) < 2 or not self.chance(0.4):
            return [self.flow(v)]
        pad = " " * (indent + 2)
        parts = [self.flow(x) for x in v] if isinstance(v, list) else \
            [f"{k}: {self.flow(x)}" for k, x in v.items()]
        open_, close = ("[", "]") if isinstance(v, list) else ("{", "}")
        out = [open_ + parts[0] + "," + self.trail()]
        for p in parts[1:-1]:
            out.append(pad + p + "," + self.trail())
        out.append(pad + parts[-1] + close)
        return out

    def value(self, head: str, v: Any, indent: int) -> None:
        """``head`` (``key:`` or ``-``, already indented) followed by the value."""
        pad = " " * indent
        if isinstance(v, (dict, list)) and v and self.flowable(v) and self.chance(0.25):
            fl = self.flow_lines(v, indent)
            self.lines.append(pad + head + " " + fl[0] + ("" if len(fl) > 1 else self.trail()))
            self.lines.extend(fl[1:])
            return
        if isinstance(v, dict) and v:
            if head == "-" and self.chance(0.7):
                if self.chance(0.2):
                    self.lines.append(pad + "- " + self.comment())  # "- # comment" item
                    self.mapping(v, indent + 2)
                else:
                    self.mapping(v, indent + 2, first_prefix=pad + "- ")
                return
            self.lines.append(pad + head + self.trail())
            self.mapping(v, indent + 2)
        elif isinstance(v, list) and v:
            self.lines.append(pad + head + self.trail())
            child = indent + (self.seq_indent if head != "-" else 2)
            for item in v:
                if self.chance(0.1):
                    self.lines.append(" " * child + self.comment())
                self.value("-", item, child)
        elif isinstance(v, (dict, list)):
            self.lines.append(pad + head + (" {}" if isinstance(v, dict) else " []"))
        elif isinstance(v, str) and self.chance(0.5) and \
                (block := self.block_scalar(v, indent + 2)) is not None:
            self.lines.append(pad + head + " " + block[0] + self.trail())
            self.lines.extend(block[1:])
        else:
            text = self.scalar(v)
            self.lines.append(pad + head + (" " + text if text else "") + self.trail())

    def mapping(self, data: dict[str, Any], indent: int, first_prefix: str | None = None) -> None:
        pad = " " * indent
        for i, (key, v) in enumerate(data.items()):
            prefix = first_prefix if (i == 0 and first_prefix) else pad
            if i and self.chance(0.1):
                self.lines.append("")
            if i and self.chance(0.12):
                self.lines.append(pad + self.comment())
            if i and not isinstance(v, (dict, list)) and self.chance(0.06) and \
                    not (isinstance(v, str) and "\n" in v):
                # an explicit key: "? key" then ": value"
                self.lines.append(prefix + "? " + key + self.trail())
                text = self.scalar(v)
                self.lines.append(pad + ":" + (" " + text if text else ""))
                continue
            head = key + ":"
            start = len(self.lines)
            self.value(head, v, indent)
            self.lines[start] = prefix + self.lines[start][indent:]


def _text(rng: random.Random) -> str:
    return rng.choice(TEXTS) if rng.random() < 0.5 else " ".join(
        rng.choice(WORDS) for _ in range(rng.randrange(1, 5))).capitalize()


def spec_data(rng: random.Random) -> dict[str, Any]:
    """Random spec data with the forms that used to make saves rewrite the file."""
    behaviors = [{"id": f"b{i}", "kind": rng.choice(["must", "must-not", "tone"]),
                  "statement": _text(rng)} for i in range(rng.randrange(1, 4))]
    for b in behaviors:
        if rng.random() < 0.3:
            b["x-note"] = _text(rng)
    data: dict[str, Any] = {"format_version": 1, "id": "fuzz", "title": _text(rng)}
    if rng.random() < 0.5:
        data["system_prompt"] = rng.choice(["You help.\nBe brief.\n", "One line", "kept\n\n"])
    if rng.random() < 0.3:
        data["x-team"] = {"owner": "ana", "tags": [1, "two", 3.5]}
    data["behaviors"] = behaviors
    if rng.random() < 0.5:
        data["targets"] = [{"id": "m", "provider": "local", "model": "m",
                            "params": {"temperature": rng.choice([1, 1.0, 0.5])}}]
    cases = []
    for i in range(rng.randrange(1, 6)):
        case: dict[str, Any] = {"id": f"c{i}"}
        if rng.random() < 0.15:
            case["<<"] = {"x-merged": rng.choice([1, "one"])}
        if rng.random() < 0.5:
            case["title"] = _text(rng)
        case["messages"] = [{"role": "user", "content": _text(rng)}]
        if rng.random() < 0.6:
            case["behaviors"] = rng.sample([b["id"] for b in behaviors],
                                           rng.randrange(1, len(behaviors) + 1))
        if rng.random() < 0.3:
            case["checks"] = [{"type": "contains-any",
                               "values": [rng.choice(["NHS 111", "call"]), 111]}]
        if rng.random() < 0.5:
            case["responses"] = [
                {"id": f"r{i}{j}", "target": "m", "text": _text(rng),
                 "verdict": rng.choice(["accept", "reject"]), "time": rng.choice(TIMES)}
                for j in range(rng.randrange(1, 3))]
        if rng.random() < 0.25:
            case["notes"] = None  # an empty "notes:"
        elif rng.random() < 0.25:
            case["notes"] = rng.choice(["kept\n\n", "line one\nline two\n", "short"])
        if rng.random() < 0.15:
            case["x-extra"] = rng.choice([True, 1, 1.0, "x"])
        cases.append(case)
    data["cases"] = cases
    return data


def render(rng: random.Random, data: dict[str, Any]) -> str:
    """``data`` as a spec file in random layout (CRLF and a BOM sometimes)."""
    gen = Gen(rng, seq_indent=rng.choice([0, 2, 2]))
    gen.lines.append("# spec fuzz " + gen.comment())
    gen.mapping(data, 0)
    text = "\n".join(gen.lines) + "\n"
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    if rng.random() < 0.1:
        text = "\ufeff" + text
    return text


# ---- edits -----------------------------------------------------------------------------
def _new_case(rng: random.Random) -> Case:
    return Case(id=f"new-{rng.randrange(10**6)}", title=_text(rng),
                messages=[Message(role=Role.USER, content=_text(rng))])


def pick_edit(rng: random.Random, sf: SpecFile) -> tuple[str, Any, tuple[Any, ...]]:
    """A random edit as ``(name, command, path)``; ``path`` is where it acts in the data."""
    spec = sf.spec
    i = rng.randrange(len(spec.cases))
    case = spec.cases[i]
    kinds = ["title", "notes", "clear-notes", "add-case", "remove-case", "statement",
             "add-behavior", "remove-behavior", "add-judgment", "verdict", "move-case",
             "add-message", "links", "temperature"]
    kind = rng.choice(kinds)
    if kind == "title":
        return kind, SetField(case, "title", _text(rng)), ("cases", i, "title")
    if kind == "notes":
        return kind, SetField(case, "notes", rng.choice(["n1", "two\nlines", "1.0", "kept\n\n"])), \
            ("cases", i, "notes")
    if kind == "clear-notes" and case.notes:
        return kind, SetField(case, "notes", None), ("cases", i, "notes")
    if kind == "add-case":
        at = rng.randrange(len(spec.cases) + 1)
        return kind, InsertItem(spec, "cases", at, _new_case(rng)), ("cases", at)
    if kind == "remove-case" and len(spec.cases) > 1:
        return kind, RemoveItem(spec, "cases", i), ("cases", i)
    if kind == "statement":
        j = rng.randrange(len(spec.behaviors))
        return kind, SetField(spec.behaviors[j], "statement", _text(rng)), \
            ("behaviors", j, "statement")
    if kind == "add-behavior":
        at = rng.randrange(len(spec.behaviors) + 1)
        b = Behavior(id=f"nb{rng.randrange(10**6)}", kind=BehaviorKind.MUST, statement=_text(rng))
        return kind, InsertItem(spec, "behaviors", at, b), ("behaviors", at)
    if kind == "remove-behavior" and len(spec.behaviors) > 1:
        j = rng.randrange(len(spec.behaviors))
        return kind, RemoveItem(spec, "behaviors", j), ("behaviors", j)
    if kind == "add-judgment":
        r = JudgedResponse(id=f"nr{rng.randrange(10**6)}", target="m", text=_text(rng),
                           verdict=Verdict.ACCEPT, reviewer="ana",
                           time=datetime(2026, 11, 4, 9, tzinfo=UTC))
        return kind, InsertItem(case, "responses", len(case.responses), r), \
            ("cases", i, "responses", len(case.responses))
    if kind == "verdict" and case.responses:
        j = rng.randrange(len(case.responses))
        r = case.responses[j]
        word = Verdict.REJECT if r.verdict == Verdict.ACCEPT else Verdict.ACCEPT
        return kind, SetField(r, "verdict", word), ("cases", i, "responses", j, "verdict")
    if kind == "move-case" and len(spec.cases) > 1:
        dst = rng.randrange(len(spec.cases) - 1)
        dst += dst >= i
        return kind, MoveItem(spec, "cases", i, dst), ("cases", i, dst)
    if kind == "add-message":
        m = Message(role=Role.ASSISTANT, content=_text(rng))
        return kind, InsertItem(case, "messages", len(case.messages), m), \
            ("cases", i, "messages", len(case.messages))
    if kind == "links" and spec.behaviors:
        links = list(case.behaviors) + [spec.behaviors[-1].id]
        return "links", SetField(case, "behaviors", links), ("cases", i, "behaviors")
    if kind == "temperature" and spec.targets:
        # 1, 1.0 and true are three different values: changing only the kind is an edit
        now = spec.targets[0].params.get("temperature")
        other = {int: 1.0, float: True}.get(type(now), 1)
        return kind, SetField(spec.targets[0], "params", {**spec.targets[0].params,
                                                         "temperature": other}), \
            ("targets", 0, "params")
    return "title", SetField(case, "title", "Fallback title"), ("cases", i, "title")


def expected_raw(raw: Any, kind: str, path: tuple[Any, ...], data: dict[str, Any]) -> Any:
    """The oracle's data of the old file with the edit applied (new values from ``data``)."""
    out = copy.deepcopy(raw)

    def get(d: Any, p: tuple[Any, ...]) -> Any:
        for part in p:
            d = d[part]
        return d

    if kind.startswith("add-"):
        get(out, path[:-2])[path[-2]] = get(out, path[:-2]).get(path[-2]) or []
        get(out, path[:-1]).insert(path[-1], get(data, path))
    elif kind.startswith("remove-"):
        del get(out, path[:-1])[path[-1]]
    elif kind == "move-case":
        items = out["cases"]
        items.insert(path[2], items.pop(path[1]))
    else:
        parent, parent_new = get(out, path[:-1]), get(data, path[:-1])
        if path[-1] in parent_new:
            parent[path[-1]] = parent_new[path[-1]]
        else:
            parent.pop(path[-1], None)
    return out


# ---- regions -----------------------------------------------------------------------------
def allowed_region(text: str, kind: str, path: tuple[Any, ...]) -> tuple[int, int] | None:
    """The span of the old text an edit may change; ``None`` for a pure insertion."""
    root = parse_yaml(text.lstrip("\ufeff")).root
    off = 1 if text.startswith("\ufeff") else 0
    if kind.startswith("add-"):
        parent = _walk(root, path[:-1])
        if parent is not None and not parent.items:
            return parent.start + off, parent.end + off  # an empty list is replaced
        return None
    if kind == "move-case":
        cases = _walk(root, ("cases",))
        assert cases is not None and cases.items is not None
        a, b = sorted((path[1], path[2]))
        lo = cases.items[a - 1].end if a else cases.start
        return lo + off, _line_after(text, cases.items[b].end + off)
    if kind.startswith("remove-"):
        parent = _walk(root, path[:-1])
        assert parent is not None and parent.items is not None
        i = path[-1]
        lo = parent.items[i - 1].end if i else parent.start
        hi = parent.items[i + 1].start if i + 1 < len(parent.items) else parent.end
        return lo + off, _line_after(text, hi + off)
    parent = _walk(root, path[:-1])
    assert parent is not None and parent.entries is not None
    pair = parent.entries.get(path[-1])
    if pair is None:
        return None
    key, value = pair
    lo, hi = key.start, max(key.end, value.end)
    if parent.style == "block":
        lo, hi = _line_start(text, lo + off) - off, _line_after(text, hi + off) - off
    else:  # in a flow mapping the entry owns one comma: up to its neighbours
        pairs = list(parent.entries.values())
        i = pairs.index(pair)
        lo = max(pairs[i - 1][0].end, pairs[i - 1][1].end) if i else parent.start
        hi = pairs[i + 1][0].start if i + 1 < len(pairs) else parent.end
    return lo + off, hi + off


def _walk(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        if node is None:
            return None
        node = node.child(part)
    return node


def _line_start(text: str, i: int) -> int:
    return text.rfind("\n", 0, i) + 1


def _line_after(text: str, i: int) -> int:
    j = text.find("\n", i)
    return len(text) if j < 0 else j + 1


def _common(a: str, b: str) -> tuple[int, int]:
    n = min(len(a), len(b))
    head = 0
    while head < n and a[head] == b[head]:
        head += 1
    tail = 0  # counted on its own: the edit fits if head and tail cover the rest
    while tail < n and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


COMMENT = re.compile(r"# c\d+ \w+")


# ---- one trial ---------------------------------------------------------------------------
@dataclass
class Tally:
    """What the trials found."""

    trials: int = 0
    ok: int = 0
    refused: int = 0
    outside: int = 0
    whole: int = 0
    oracle: int = 0
    domain: int = 0
    crashed: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def fail(self, what: str, detail: str) -> None:
        setattr(self, what, getattr(self, what) + 1)
        if len(self.failures) < 20:
            self.failures.append(f"{what}: {detail}")


def run_trial(seed: int, folder: Path, tally: Tally) -> None:
    """One random spec, one edit, every check; the result goes to ``tally``."""
    rng = random.Random(seed)
    text = render(rng, spec_data(rng))
    path = folder / f"t{seed}.yaml"
    raw_bytes = text.encode("utf-8")
    path.write_bytes(raw_bytes)
    sf = SpecFile.load(path)
    before = oracle(text)
    kind, command, where = pick_edit(rng, sf)
    region = allowed_region(text, kind, where)
    command.redo()
    tally.trials += 1
    tally.kinds[kind] += 1
    label = f"seed {seed} {kind} {where}"
    try:
        sf.save()
        sf.refresh()  # what the app's worker does after a save
    except SaveVerificationError as exc:
        assert path.read_bytes() == raw_bytes, "a refused save changed the file"
        tally.fail("refused", f"{label}: {exc}")
        return
    except Exception as exc:  # noqa: BLE001 - counted: any other error is a failure
        tally.fail("crashed", f"{label}: {type(exc).__name__}: {exc}")
    new = path.read_bytes().decode("utf-8")
    data = sf.spec.to_data()
    bad = False
    want = expected_raw(before, kind, where, data)
    got = oracle(new)
    if not same(got, want):
        bad = True
        tally.fail("oracle", f"{label} at {first_difference(want, got)}\n{text}\n---\n{new}")
    head, tail = _common(text, new)
    lo, hi = region if region is not None else (len(text), len(text))
    outside = Counter((text[:lo] + text[hi:]).splitlines())
    kept_lines = sum((outside & Counter(new.splitlines())).values())
    if "# spec fuzz" not in new or kept_lines < sum(outside.values()) // 2:
        bad = True
        tally.fail("whole", f"{label}\n{text}\n---\n{new}")
    else:
        fits = head + tail >= len(text) <= len(new) if region is None else \
            head >= lo and tail >= len(text) - hi and len(new) >= lo + len(text) - hi
        gone = [c for c in COMMENT.findall(text[:lo] + text[hi:]) if c not in new]
        if not fits or gone:
            bad = True
            tally.fail("outside", f"{label} region {region} head {head} tail {tail} "
                       f"lost {gone}\n{text}\n---\n{new}")
    if not same(SpecFile.load(path).spec.to_data(), data):
        bad = True
        tally.fail("domain", label)
    tally.ok += not bad


def run(seeds: range) -> Tally:
    """Run one trial per seed in a temporary folder."""
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            run_trial(seed, Path(tmp), tally)
    return tally
