"""promptfoo configurations → a spec: prompts, providers, tests, assertions.

Every item of the configuration is accounted for in an :class:`ImportReport`: **mapped**
(it became part of the spec: a case, a check, a target, the system prompt), **kept** (no
equivalent, so it is stored verbatim in the spec's unknown keys, e.g. a case's
``x-promptfoo-assert`` list, where the app carries it through every save) or
**unsupported** (it could not be read, e.g. a test file outside the configuration's folder
or a Python test generator; the reference is kept and the reason reported). Nothing is
dropped silently — except credentials (``apiKey`` and friends), which are never imported
and are reported as such.

Tests may be inline, in CSV/JSONL/JSON/YAML files (``file://tests.csv``, globs too),
with ``defaultTest`` and ``scenarios``. Cases get their conversation from the first prompt
rendered with the test's variables (a prompt that renders to a JSON list of chat messages
becomes a multi-turn conversation).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from align_studio.domain import Case, Check, Role, Spec, Target
from align_studio.exchange.common import (
    SECRET_PARAM,
    CancelFlag,
    ExchangeError,
    Progress,
    step,
)
from align_studio.exchange.promptfoo_assert import assertion_to_check, parse_expected
from align_studio.exchange.promptfoo_files import (
    load_yaml,
    parse_config_text,
    read_text_file,
)
from align_studio.exchange.promptfoo_restore import (
    app_metadata,
    restored_case,
    restored_spec_fields,
    restored_targets,
)
from align_studio.exchange.promptfoo_template import (
    messages_checked,
    render,
)
from align_studio.safetext import json_loads

MAPPED, KEPT, UNSUPPORTED = "mapped", "kept", "unsupported"


@dataclass(frozen=True)
class ReportItem:
    """One item of the configuration and what became of it."""

    kind: str  # prompt, provider, test, assertion, scenario, option, file
    status: str  # mapped, kept, unsupported
    where: str
    detail: str = ""


@dataclass
class ImportReport:
    """Every item of an import with its fate."""

    items: list[ReportItem] = field(default_factory=list)

    def add(self, kind: str, status: str, where: str, detail: str = "") -> None:
        self.items.append(ReportItem(kind, status, where, detail))

    def counts(self) -> dict[str, dict[str, int]]:
        """``{kind: {status: n}}``."""
        out: dict[str, Counter[str]] = {}
        for it in self.items:
            out.setdefault(it.kind, Counter())[it.status] += 1
        return {k: dict(v) for k, v in out.items()}

    def total(self, kind: str, status: str | None = None) -> int:
        """How many items of a kind (and status) there are."""
        return sum(1 for it in self.items if it.kind == kind and
                   (status is None or it.status == status))

    def summary(self) -> str:
        """One line per kind: ``assertion: 12 mapped, 3 kept, 0 unsupported``."""
        lines = []
        for kind, c in self.counts().items():
            lines.append(f"{kind}: " + ", ".join(f"{c.get(s, 0)} {s}"
                                                 for s in (MAPPED, KEPT, UNSUPPORTED)))
        return "\n".join(lines)


@dataclass
class PromptfooImport:
    """The spec built from a configuration, and the report."""

    spec: Spec
    report: ImportReport


_MAX_CASES = 20000


class _Importer:
    def __init__(self, path: Path, progress: Progress | None, cancel: CancelFlag | None):
        self.path = path
        self.folder = path.parent.resolve()
        self.report = ImportReport()
        self.progress, self.cancel = progress, cancel
        self.cases: list[Case] = []
        self.ids: set[str] = set()
        self.spec_extra: dict[str, Any] = {}
        self.config: dict[str, Any] = {}
        self.prompts: list[PromptText] = []
        #: why no prompt could be read, when prompts were given and none was
        self.no_prompt: str | None = None
        #: the spec data an Align Studio export carries (None for other configs)
        self.app: dict[str, Any] | None = None

    # ---- files ----------------------------------------------------------------------
    def _local(self, ref: str, where: str) -> list[Path] | None:
        rel = ref.removeprefix("file://")
        rel = rel.split(":", 1)[0] if re.match(r".+\.(py|js|ts|mjs|cjs):\w+$", rel) else rel
        p = Path(rel)
        pattern = p if p.is_absolute() else self.folder / p
        if any(ch in rel for ch in "*?["):
            matches = sorted(Path(self.folder).glob(rel)) if not p.is_absolute() else []
        else:
            matches = [pattern]
        out = []
        for m in matches:
            r = m.resolve()
            if self.folder not in r.parents and r != self.folder:
                self.report.add("file", UNSUPPORTED, where,
                                f"{ref} is outside the configuration's folder; not read")
                return None
            if not r.is_file():
                self.report.add("file", UNSUPPORTED, where, f"{ref} does not exist")
                return None
            out.append(r)
        if not out:
            self.report.add("file", UNSUPPORTED, where, f"{ref} matches no file")
            return None
        return out

    def _load_tests_file(self, ref: str, where: str) -> list[Any] | None:
        files = self._local(ref, where)
        if files is None:
            return None
        tests: list[Any] = []
        for f in files:
            suffix = f.suffix.lower()
            text = read_text_file(f)
            if suffix == ".csv" or suffix == ".tsv":
                tests += self._csv_tests(text, "\t" if suffix == ".tsv" else ",")
            elif suffix == ".jsonl":
                for n, line in enumerate(text.splitlines(), 1):
                    if line.strip():
                        try:
                            tests.append(json_loads(line))
                        except ValueError as exc:
                            self.report.add("test", UNSUPPORTED, f"{f.name}:{n}",
                                            f"not JSON: {exc}")
            elif suffix in (".json", ".yaml", ".yml"):
                try:
                    data = json_loads(text) if suffix == ".json" else load_yaml(text)
                except (ValueError, yaml.YAMLError, RecursionError) as exc:
                    self.report.add("file", UNSUPPORTED, where, f"{f.name} cannot be read: "
                                    f"{' '.join(str(exc).split())}")
                    self.spec_extra.setdefault("x-promptfoo-tests-unread", []).append(ref)
                    continue
                tests += data if isinstance(data, list) else [data]
            else:
                self.report.add("file", UNSUPPORTED, where,
                                f"{f.name}: tests from {suffix or 'this kind of'} files (code "
                                "generators, sheets) cannot be read; kept as a reference")
                self.spec_extra.setdefault("x-promptfoo-tests-unread", []).append(ref)
                continue
            self.report.add("file", MAPPED, where, f.name)
        return tests

    def _csv_tests(self, text: str, delimiter: str) -> list[dict[str, Any]]:
        rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
        out = []
        for row in rows:
            test: dict[str, Any] = {"vars": {}}
            asserts = []
            for col, cell in row.items():
                if col is None:
                    continue
                cell = cell or ""
                if col.startswith("__expected"):
                    if cell.strip():
                        asserts.append(parse_expected(cell))
                elif col == "__description":
                    test["description"] = cell
                elif col.startswith("__metadata:"):
                    key = col.split(":", 1)[1]
                    if key.endswith("[]"):
                        test.setdefault("metadata", {})[key[:-2]] = [
                            v.strip() for v in re.split(r"(?<!\\),", cell) if v.strip()]
                    else:
                        test.setdefault("metadata", {})[key] = cell
                elif col.startswith("__"):
                    test.setdefault("x-promptfoo-csv", {})[col] = cell
                else:
                    test["vars"][col] = cell
            if asserts:
                test["assert"] = asserts
            out.append(test)
        return out

    # ---- assertions -----------------------------------------------------------------
    def resolve_ref(self, a: Any, where: str) -> Any:
        """An assertion ``{"$ref": "#/assertionTemplates/name"}`` replaced by its target
        (a JSON pointer into the configuration); None when it does not resolve."""
        if not (isinstance(a, dict) and isinstance(a.get("$ref"), str)):
            return a
        ref = a["$ref"]
        target: Any = self.config
        if not ref.startswith("#/"):
            target = None
        for part in ref[2:].split("/") if target is not None else []:
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            self.report.add("assertion", UNSUPPORTED, where,
                            f"$ref {ref} does not resolve in this configuration; kept")
            return None
        return {**target, **{k: v for k, v in a.items() if k != "$ref"}}

    def assertions(self, raw: Any, where: str, variables: dict[str, Any],
                   transform: str | None = None) -> tuple[list[Check], list[Any]]:
        if raw is None:
            return [], []
        if not isinstance(raw, list):
            raw = [raw]
        checks: list[Check] = []
        kept: list[Any] = []
        for i, a0 in enumerate(raw):
            here = f"{where} assert[{i}]"
            a = self.resolve_ref(a0, here)
            if a is None:
                kept.append(a0)
                continue
            if isinstance(a, dict) and isinstance(a.get("value"), str):
                a_r = dict(a, value=render(a["value"], variables))
            else:
                a_r = a
            if self.app is not None and isinstance(a, dict) and a.get("type") == "llm-rubric" \
                    and a.get("metric") == "judge":
                self.report.add("assertion", MAPPED, here, "llm-rubric → the spec's judge")
                continue
            check = None if transform else assertion_to_check(a_r)
            if check is not None:
                checks.append(check)
                self.report.add("assertion", MAPPED, here,
                                f"{a['type']} → {check.type.value}")
            elif isinstance(a, dict) and isinstance(a.get("type"), str):
                kept.append(a)
                why = (f"not mapped: {transform} changes the output first"
                       if transform else "has no check equivalent")
                self.report.add("assertion", KEPT, here,
                                f"{a['type']} {why}; kept in x-promptfoo-assert")
            else:
                kept.append(a)
                self.report.add("assertion", UNSUPPORTED, here,
                                "not an assertion (no type); kept in x-promptfoo-assert")
        return checks, kept

    # ---- tests ----------------------------------------------------------------------
    def _vars(self, raw: Any, where: str) -> dict[str, Any]:
        if raw is None:
            return {}
        if isinstance(raw, str) and raw.startswith("file://"):
            loaded = self._load_tests_file(raw, where)
            raw = loaded[0] if loaded else {}
        if isinstance(raw, list):  # a list of var files, merged
            merged: dict[str, Any] = {}
            for r in raw:
                merged.update(self._vars(r, where))
            return merged
        if not isinstance(raw, dict):
            return {}
        out = {}
        for k, v in raw.items():
            if isinstance(v, str) and v.startswith("file://") and \
                    Path(v[7:]).suffix.lower() in (".txt", ".md", ".json", ".yaml", ".yml"):
                files = self._local(v, f"{where} vars.{k}")
                v = read_text_file(files[0]) if files else v
            out[str(k)] = v
        return out

    def expand(self, tests: Any, where: str) -> list[tuple[dict[str, Any], str]]:
        """Test entries (inline or from files) with the place each came from."""
        if tests is None:
            return []
        if isinstance(tests, (str, dict)) and not (isinstance(tests, dict) and
                                                   ("vars" in tests or "assert" in tests)):
            tests = [tests]
        out: list[tuple[dict[str, Any], str]] = []
        for i, t in enumerate(tests if isinstance(tests, list) else [tests]):
            here = f"{where}[{i}]"
            if isinstance(t, str) and re.match(r"[a-z][a-z0-9+.-]*://", t) and \
                    not t.startswith("file://"):
                self.report.add("test", UNSUPPORTED, here, f"{t!r}: tests from a remote "
                                "source are not downloaded; kept in x-promptfoo-tests-unread")
                self.spec_extra.setdefault("x-promptfoo-tests-unread", []).append(t)
            elif isinstance(t, str):
                if t.startswith(("file://",)) or re.search(r"\.(csv|tsv|jsonl|json|ya?ml)$", t):
                    loaded = self._load_tests_file(t if t.startswith("file://") else
                                                   "file://" + t, here)
                    for j, lt in enumerate(loaded or []):
                        if isinstance(lt, dict):
                            out.append((lt, f"{here} {t} #{j + 1}"))
                        else:
                            self.report.add("test", UNSUPPORTED, f"{here} #{j + 1}",
                                            "not a test object")
                else:
                    self.report.add("test", UNSUPPORTED, here,
                                    f"{t!r}: tests from this source cannot be read; kept")
                    self.spec_extra.setdefault("x-promptfoo-tests-unread", []).append(t)
            elif isinstance(t, dict) and "path" in t and "vars" not in t:
                self.report.add("test", UNSUPPORTED, here,
                                f"test generator {t['path']!r} cannot be run; kept")
                self.spec_extra.setdefault("x-promptfoo-tests-unread", []).append(t)
            elif isinstance(t, dict):
                out.append((t, here))
            else:
                self.report.add("test", UNSUPPORTED, here, "not a test object")
        return out

    def _skip(self, test: dict[str, Any], where: str, why: str) -> None:
        """A test that cannot become a case: reported, and kept verbatim in the spec."""
        self.report.add("test", UNSUPPORTED, where, f"{why}; no case written, test kept in "
                        "x-promptfoo-tests-unmapped")
        raw = test.get("assert")
        for i, a in enumerate(raw if isinstance(raw, list) else ([raw] if raw else [])):
            kind = a.get("type") if isinstance(a, dict) else None
            self.report.add("assertion", KEPT, f"{where} assert[{i}]",
                            f"{kind or 'assertion'} kept with its test in "
                            "x-promptfoo-tests-unmapped")
        self.spec_extra.setdefault("x-promptfoo-tests-unmapped", []).append(
            _strip_secrets(test))

    def _candidates(self, test: dict[str, Any], where: str) -> list[PromptText]:
        wanted = test.get("prompts")
        if not isinstance(wanted, list) or not wanted:
            return self.prompts
        names = {str(w) for w in wanted}
        chosen = [p for p in self.prompts
                  if names & {p.id, p.label, p.text} or any(
                      n.endswith("*") and (p.label or "").startswith(n[:-1]) for n in names)]
        if not chosen:
            self.report.add("option", UNSUPPORTED, f"{where}.prompts",
                            f"{sorted(names)} names no prompt of this configuration")
        return chosen

    def add_cases(self, test: dict[str, Any], where: str, default: DefaultTest) -> None:
        variables = {**default.vars, **self._vars(test.get("vars"), where)}
        transform = _transform_of(test, "test options") or default.transform
        candidates = self._candidates(test, where)
        if not candidates:
            self._skip(test, where, self.no_prompt or "no prompt applies to it")
            return
        combos = _combinations(variables)
        chosen: PromptText | None = None
        needs: list[str] = []
        for pt in candidates:  # promptfoo runs it on each; the first it has variables for
            _, missing = messages_checked(pt.text, combos[0])
            if not missing:
                chosen = pt
                break
            needs += [m for m in missing if m not in needs]
        if chosen is None:
            self._skip(test, where, "its prompt needs " + ", ".join(needs[:4])
                       + ", which the test does not give")
            return
        checks_cache: tuple[list[Check], list[Any]] | None = None
        default_checks, default_kept = default.checks, []
        if transform and not default.transform and (default.checks or default.kept):
            # defaultTest's assertions were mapped on the raw output; this test changes it
            default_checks, default_kept = [], list(default.raw)
            self.report.add("option", KEPT, where, f"defaultTest assertions not mapped "
                            f"here: {transform} changes the output first; kept in "
                            "x-promptfoo-assert")
        meta: dict[str, Any] = test["metadata"] if isinstance(test.get("metadata"), dict) \
            else {}
        made = 0
        for n, v in enumerate(combos):
            step(self.progress, self.cancel, len(self.cases), 0, "importing tests")
            messages, missing = messages_checked(chosen.text, v)
            if missing:
                self.report.add("test", UNSUPPORTED, f"{where} ({n + 1})",
                                f"its prompt needs {', '.join(missing[:4])}; no case written")
                continue
            checks, kept = self.assertions(test.get("assert"), where, v, transform) \
                if checks_cache is None else checks_cache
            if len(combos) > 1 and checks_cache is None:
                checks_cache = ([c.model_copy(deep=True) for c in checks], kept)
            desc = test.get("description")
            title = str(desc) if desc else None
            data: dict[str, Any] = {
                "messages": [m.to_data() for m in messages],
                "checks": [c.to_data() for c in checks + [c.model_copy(deep=True)
                                                          for c in default_checks]],
            }
            if self.app is not None and isinstance(meta.get("case"), str):
                data.update(restored_case(meta))
                self.ids.add(data["id"])
            else:
                data["id"] = self._case_id(title or f"test-{len(self.cases) + 1}")
                if title:
                    data["title"] = title + (f" ({n + 1})" if len(combos) > 1 else "")
                if v:
                    data["x-promptfoo-vars"] = v
            if len(self.prompts) > 1:
                data["x-promptfoo-prompt"] = chosen.name
            if kept or default_kept:
                data["x-promptfoo-assert"] = kept + default_kept
            extra = {k: val for k, val in test.items()
                     if k not in ("vars", "assert", "description")
                     and not (self.app is not None and k == "metadata")}
            if extra:
                data["x-promptfoo-test"] = _strip_secrets(extra)
            self.cases.append(Case.model_validate(data))
            made += 1
            if len(self.cases) > _MAX_CASES:
                raise ExchangeError(f"the configuration expands to more than {_MAX_CASES} "
                                    "cases; split it")
        detail = f"→ {made} cases" if len(combos) > 1 else "→ 1 case"
        if len(self.prompts) > 1:
            detail += f" with prompt {chosen.name}"
        self.report.add("test", MAPPED, where, detail)

    def _case_id(self, text: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-") or "case"
        base = "pf-" + base
        cid, n = base, 2
        while cid in self.ids:
            cid, n = f"{base}-{n}", n + 1
        self.ids.add(cid)
        return cid


def _combinations(variables: dict[str, Any]) -> list[dict[str, Any]]:
    # promptfoo runs a test once per combination of the values of list-valued variables
    # (lists of scalars); lists of objects are values in their own right.
    keys = [k for k, v in variables.items() if isinstance(v, list) and v and
            all(isinstance(x, (str, int, float, bool)) for x in v)]
    if not keys:
        return [variables]
    out = []
    for values in itertools.product(*(variables[k] for k in keys)):
        v = dict(variables)
        v.update(zip(keys, values, strict=True))
        out.append(v)
    return out


def _strip_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_secrets(v) for k, v in value.items()
                if not SECRET_PARAM.search(str(k))}
    if isinstance(value, list):
        return [_strip_secrets(v) for v in value]
    return value


_MODES = {"chat", "completion", "responses", "messages", "assistant", "embedding", "embeddings"}


def provider_target(entry: Any, index: int, report: ImportReport) -> Target | None:
    """A target from one promptfoo provider entry (None when it is not a model id)."""
    where = f"providers[{index}]"
    config: Any  # a promptfoo ``config`` as written: a mapping, or anything (ignored)
    if isinstance(entry, str):
        pid, label, config = entry, None, {}
    elif isinstance(entry, dict) and isinstance(entry.get("id"), str):
        pid, label, config = entry["id"], entry.get("label"), entry.get("config") or {}
    elif isinstance(entry, dict) and len(entry) == 1 and isinstance(
            next(iter(entry.values())), dict):  # {"openai:gpt-4o": {config: …}}
        pid = next(iter(entry))
        label = entry[pid].get("label")
        config = entry[pid].get("config") or {}
    else:
        report.add("provider", UNSUPPORTED, where, "not a provider id; kept")
        return None
    if pid.startswith(("file://", "exec:", "python:", "http", "js:", "golang:")) or ":" not in pid:
        report.add("provider", KEPT, where, f"{pid}: not a model; kept in x-promptfoo-providers")
        return None
    parts = pid.split(":")
    provider = parts[0]
    rest = parts[1:]
    if len(rest) > 1 and rest[0] in _MODES:
        rest = rest[1:]
    model = ":".join(rest)
    params = {k: v for k, v in (config if isinstance(config, dict) else {}).items()
              if not SECRET_PARAM.search(str(k)) and k not in ("apiBaseUrl", "apiHost",
                                                                "apiKeyEnvar", "headers")}
    dropped = [k for k in (config if isinstance(config, dict) else {})
               if SECRET_PARAM.search(str(k))]
    if dropped:
        report.add("option", UNSUPPORTED, where,
                   f"credential {', '.join(dropped)} not imported (keys stay in the keychain)")
    slug = re.sub(r"[^a-z0-9]+", "-", (label or model).lower()).strip("-") or f"t{index}"
    data: dict[str, Any] = {"id": f"t-{slug}", "provider": provider, "model": model,
                            "params": params}
    if label:
        data["label"] = str(label)
    report.add("provider", MAPPED, where, f"{pid} → target t-{slug}")
    return Target.model_validate(data)


@dataclass(frozen=True)
class PromptText:
    """One prompt of the configuration, read."""

    text: str
    index: int
    id: str | None = None
    label: str | None = None

    @property
    def name(self) -> str:
        """How the report and the case name it: label, id, or ``prompts[i]``."""
        return self.label or self.id or f"prompts[{self.index}]"


@dataclass
class DefaultTest:
    """``defaultTest``: what every test inherits."""

    vars: dict[str, Any] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    kept: list[Any] = field(default_factory=list)
    raw: list[Any] = field(default_factory=list)
    transform: str | None = None


def _transform_of(test: Any, what: str) -> str | None:
    """``options.transform`` (or the older ``postprocess``) of a test: its assertions then
    look at a changed output, so none can be mapped onto the app's checks."""
    options = test.get("options") if isinstance(test, dict) else None
    if isinstance(options, dict):
        for key in ("transform", "postprocess"):
            if options.get(key):
                return f"{what}.{key}"
    return None


def _prompt_texts(imp: _Importer, raw: Any) -> list[PromptText]:
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    labels: dict[int, str] = {}
    if isinstance(raw, dict) and "raw" not in raw and "id" not in raw:
        items = list(raw.keys())  # {"file://a.txt": "label"}
        labels = {i: str(v) for i, v in enumerate(raw.values())}
    out: list[PromptText] = []
    problems: list[str] = []
    for i, p in enumerate(items):
        where = f"prompts[{i}]"
        text: str | None = None
        pid: str | None = None
        label = labels.get(i)
        if isinstance(p, dict):
            pid = p.get("id") if isinstance(p.get("id"), str) else None
            label = p.get("label") if isinstance(p.get("label"), str) else label
            p = p.get("raw") or p.get("id") or p.get("file")
        if isinstance(p, str) and p.startswith("file://"):
            n0 = len(imp.report.items)
            files = imp._local(p, where)
            if files and files[0].suffix.lower() in (".txt", ".md", ".json", ".j2", ".yaml",
                                                      ".yml", ".jsonl"):
                text = read_text_file(files[0])
                if files[0].suffix.lower() in (".yaml", ".yml"):
                    text = json.dumps(parse_config_text(text, files[0]))
            elif files:
                imp.report.add("prompt", UNSUPPORTED, where,
                               f"{p}: prompt functions cannot be run; kept")
                imp.spec_extra.setdefault("x-promptfoo-prompts-unread", []).append(p)
                problems.append(f"{where} ({p}) is a prompt function")
                continue
            else:
                detail = imp.report.items[-1].detail if len(imp.report.items) > n0 else p
                imp.report.add("prompt", UNSUPPORTED, where, f"{detail}; kept")
                imp.spec_extra.setdefault("x-promptfoo-prompts-unread", []).append(p)
                problems.append(f"{where}: {detail}")
                continue
        elif isinstance(p, str):
            text = p
        if text is None:
            imp.report.add("prompt", UNSUPPORTED, where, "not a prompt; kept")
            imp.spec_extra.setdefault("x-promptfoo-prompts-unread", []).append(p)
            problems.append(f"{where} is not a prompt")
            continue
        imp.report.add("prompt", MAPPED, where, "used for the cases' conversations" if not out
                       else "used for the tests written for it (and kept)")
        out.append(PromptText(text, i, pid if pid != text else None, label))
    if items and not out:
        imp.no_prompt = "no prompt could be read (" + "; ".join(problems[:3]) + ")"
    return out


_KNOWN_TOP = {"description", "prompts", "providers", "targets", "tests", "defaultTest",
              "scenarios", "assertionTemplates"}


def _read_default(imp: _Importer, config: dict[str, Any]) -> tuple[DefaultTest, dict[str, Any]]:
    default = config.get("defaultTest") or {}
    if isinstance(default, str):
        loaded = imp._load_tests_file(default, "defaultTest")
        default = loaded[0] if loaded and isinstance(loaded[0], dict) else {}
    if not isinstance(default, dict):
        return DefaultTest(), {}
    transform = _transform_of(default, "defaultTest options")
    raw = default.get("assert")
    checks, kept = imp.assertions(raw, "defaultTest", {}, transform)
    rest = {k: v for k, v in default.items() if k not in ("vars", "assert")}
    if imp.app is not None and set(rest) == {"options"} and \
            set(rest["options"]) <= {"provider", "rubricPrompt"}:
        imp.report.add("option", MAPPED, "defaultTest", "the spec's judge (provider and "
                       "prompt)")
        rest = {}
    return DefaultTest(imp._vars(default.get("vars"), "defaultTest"), checks, kept,
                       raw if isinstance(raw, list) else ([raw] if raw else []),
                       transform), rest


def _read_targets(imp: _Importer, config: dict[str, Any]) -> tuple[list[Target], list[Any]]:
    targets: list[Target] = []
    kept_providers: list[Any] = []
    providers = config.get("providers", config.get("targets"))
    entries = providers if isinstance(providers, list) else \
        ([providers] if providers is not None else [])
    restored = restored_targets(imp.app) if imp.app is not None else None
    if restored is not None:
        for i, entry in enumerate(entries):
            imp.report.add("provider", MAPPED, f"providers[{i}]",
                           f"{entry.get('label') if isinstance(entry, dict) else entry}: "
                           "target restored from the export's metadata")
        return restored, []
    for i, entry in enumerate(entries):
        t = provider_target(entry, i, imp.report)
        if t is None:
            kept_providers.append(_strip_secrets(entry))
        elif all(x.id != t.id for x in targets):
            targets.append(t)
        else:
            t.id = f"{t.id}-{i}"
            targets.append(t)
    return targets, kept_providers


def _read_scenarios(imp: _Importer, config: dict[str, Any], default: DefaultTest) -> None:
    for s_i, scen in enumerate(config.get("scenarios") or []):
        where = f"scenarios[{s_i}]"
        if isinstance(scen, str):
            loaded = imp._load_tests_file(scen, where)
            scen = loaded[0] if loaded else None
        if not isinstance(scen, dict):
            imp.report.add("scenario", UNSUPPORTED, where, "not a scenario; kept")
            imp.spec_extra.setdefault("x-promptfoo-scenarios-unread", []).append(scen)
            continue
        rows = scen.get("config") or [{}]
        tests = imp.expand(scen.get("tests"), f"{where}.tests")
        before = len(imp.cases)
        for test, t_where in tests:
            n0 = len(imp.report.items)
            for row in rows:
                vars_row = imp._vars(row.get("vars") if isinstance(row, dict) else None, where)
                merged = dict(test, vars={**vars_row, **imp._vars(test.get("vars"), t_where)})
                if scen.get("description") and not test.get("description"):
                    merged["description"] = scen["description"]
                imp.add_cases(merged, t_where, default)
            # the test (and its assertions) were written once: report them once
            first = imp.report.items[n0:]
            per_row = len(first) // max(len(rows), 1)
            del imp.report.items[n0 + per_row:]
        imp.report.add("scenario", MAPPED, where,
                       f"{len(rows)} × {len(tests)} → {len(imp.cases) - before} cases")


def import_promptfoo(path: str | os.PathLike[str], *, spec_id: str | None = None,
                     progress: Progress | None = None, cancel: CancelFlag | None = None
                     ) -> PromptfooImport:
    """Build a spec from a promptfoo configuration file; nothing is written."""
    p = Path(path)
    text = read_text_file(p)
    config = parse_config_text(text, p)
    if not isinstance(config, dict):
        raise ExchangeError(f"{p}: a promptfoo configuration is a mapping of keys")
    imp = _Importer(p, progress, cancel)
    imp.config = config
    imp.app = app_metadata(config)
    imp.prompts = _prompt_texts(imp, config.get("prompts"))
    if config.get("prompts") is None:
        imp.prompts = [PromptText("{{prompt}}", 0)]
        imp.report.add("prompt", MAPPED, "prompts", "none given: each test's 'prompt' variable "
                       "is the user message")
    targets, kept_providers = _read_targets(imp, config)
    default, default_rest = _read_default(imp, config)
    for entry, where in imp.expand(config.get("tests"), "tests"):
        imp.add_cases(entry, where, default)
    _read_scenarios(imp, config, default)
    extra: dict[str, Any] = dict(imp.spec_extra)
    if len(imp.prompts) > 1:
        extra["x-promptfoo-prompts"] = [pt.text for pt in imp.prompts]
    if kept_providers:
        extra["x-promptfoo-providers"] = kept_providers
    if default.kept:
        extra["x-promptfoo-default-assert"] = default.kept
    if default_rest:
        extra["x-promptfoo-defaultTest"] = _strip_secrets(default_rest)
        imp.report.add("option", KEPT, "defaultTest", ", ".join(default_rest))
    for key, value in config.items():
        if key in _KNOWN_TOP or (key == "metadata" and imp.app is not None):
            continue
        if key == "env" and isinstance(value, dict):
            secret = [k for k in value if SECRET_PARAM.search(str(k))]
            if secret:
                imp.report.add("option", UNSUPPORTED, key,
                               f"credential {', '.join(secret)} not imported")
            value = _strip_secrets(value)
        extra[f"x-promptfoo-{key}"] = value
        imp.report.add("option", KEPT, key, f"kept in x-promptfoo-{key}")
    if "assertionTemplates" in config:
        extra["x-promptfoo-assertionTemplates"] = _strip_secrets(config["assertionTemplates"])
        imp.report.add("option", KEPT, "assertionTemplates", "resolved into the assertions "
                       "that use them; kept in x-promptfoo-assertionTemplates")
    desc = config.get("description")
    sid = spec_id or re.sub(r"[^a-z0-9]+", "-", p.stem.lower()).strip("-") or "imported"
    data: dict[str, Any] = {"id": sid, "title": str(desc) if desc else p.stem,
                            "targets": [t.to_data() for t in targets],
                            "x-promptfoo-source": p.name, **extra}
    if imp.app is not None:
        data.update(restored_spec_fields(imp.app))
        if spec_id:
            data["id"] = spec_id
        system = imp.app.get("system_prompt")
        if system:
            _drop_system(imp.cases, system)
    else:
        system = _hoist_system(imp.cases)
        if system:
            data["system_prompt"] = system
    data["cases"] = [c.to_data() for c in imp.cases]
    return PromptfooImport(Spec.model_validate(data), imp.report)


def _drop_system(cases: list[Case], system: str) -> None:
    """The spec's system prompt, which the export put first in every conversation."""
    for c in cases:
        if c.messages and c.messages[0].role == Role.SYSTEM and \
                c.messages[0].content.strip() == system.strip():
            c.messages = c.messages[1:]


def _hoist_system(cases: list[Case]) -> str | None:
    """The system message every case starts with, moved to the spec's system prompt."""
    if not cases:
        return None
    firsts = {c.messages[0].content if c.messages and c.messages[0].role == Role.SYSTEM
              else None for c in cases}
    if len(firsts) != 1 or None in firsts:
        return None
    for c in cases:
        c.messages = c.messages[1:]
    return firsts.pop()


