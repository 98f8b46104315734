"""``generate``, ``inbox``, ``revise``, ``prompt``, ``ab``, ``stability`` and ``bisect`` as
typed: subprocesses of ``python -m align_studio`` against the loopback server (scripted
generator, reviser and target), on a real workspace with a run store and a git repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from align_studio.domain import JudgedResponse, Verdict
from align_studio.generation.prompts import GENERATOR_SYSTEM, REVISER_SYSTEM
from align_studio.storage import SpecFile
from align_studio.versions import save_version
from tests.generation.world import SPEC, generator_reply
from tests.loopback.server import LoopbackServer, ServerOptions

ROOT = Path(__file__).resolve().parents[2]
REVISED = "You can return them within 30 days of delivery."


def scripted(body: dict[str, Any]) -> str | None:
    system = body["messages"][0]["content"] if body["messages"][0]["role"] == "system" else ""
    if system == GENERATOR_SYSTEM:
        return generator_reply(body)
    if system == REVISER_SYSTEM:
        return json.dumps({"critique": "Wrong window.", "broken": ["b-returns"],
                           "revision": REVISED})
    # a target: it knows the window only when its system prompt speaks of 30 days
    return "Within 30 days of delivery." if "30" in system else "Whenever you like!"


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(ServerOptions(reply=scripted)) as s:
        yield s


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    (tmp_path / ".align-studio").mkdir()
    path = tmp_path / "shop.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def cli(server: LoopbackServer, *argv: str, url: bool = True) -> tuple[int, str, str]:
    more = ["--base-url", server.url] if url else []
    proc = subprocess.run([sys.executable, "-m", "align_studio", *argv, *more],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    return proc.returncode, proc.stdout, proc.stderr


def test_generate_then_inbox_list_edit_accept_discard(spec: Path, server: LoopbackServer
                                                      ) -> None:
    code, out, _ = cli(server, "generate", str(spec), "--target", "t-gen", "--behavior",
                       "b-returns", "--kind", "expected", "--kind", "adversarial")
    assert code == 1  # done, but one answer was prose
    assert out.startswith("asked 2 request(s) of t-gen (loopback-large): 3 case(s) "
                          "generated, 1 added to .shop.inbox.yaml, 2 near-duplicate(s) "
                          "dropped\n")
    assert "  dropped g-" in out and "like c-return-shoes (similarity 1.00)" in out
    assert "problem: b-returns / adversarial: the answer is not a JSON object" in out
    assert "sk-live-0123456789abcdefSECRET" not in out
    assert (spec.parent / ".shop.inbox.yaml").is_file()

    code, out, _ = cli(server, "inbox", str(spec), url=False)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "inbox of shop: 1 pending, 0 discarded, 0 accepted"
    assert lines[1] == ("diversity: mean pairwise distance n/a; categories: expected 1; "
                        "kinds: expected 1")
    item = lines[2].split()[0]
    assert lines[2].endswith("comply  expected  Jacket at 3 weeks: 'Can I return a jacket "
                             "after three weeks?'")
    code, out, _ = cli(server, "inbox", str(spec), "edit", item, "--user",
                       "Can I return a jacket after 31 days?", "--title", "Jacket at day 31",
                       url=False)
    assert code == 0 and "Jacket at day 31: 'Can I return a jacket after 31 days?'" in out
    code, out, _ = cli(server, "inbox", str(spec), "accept", item, url=False)
    assert code == 0 and out == "accepted 1 case(s) into shop.yaml: jacket-day-31\n"
    case = SpecFile.load(spec).spec.case("jacket-day-31")
    assert case is not None and case.generated is not None
    assert case.generated.model == "loopback-large" and case.generated.item == item
    code, _, err = cli(server, "inbox", str(spec), "accept", item, url=False)
    assert code == 3 and "already in the spec" in err

    # a paraphrase request adds one more; discard it
    code, out, _ = cli(server, "generate", str(spec), "--target", "t-gen",
                       "--only-paraphrase", "--paraphrase", "c-return-shoes", "--json")
    data = json.loads(out)
    assert code == 0 and len(data["added"]) == 1 and data["problems"] == []
    code, out, _ = cli(server, "inbox", str(spec), "discard", "--all", url=False)
    assert code == 0 and out == "discarded 1 item(s)\n"
    code, out, _ = cli(server, "inbox", str(spec), "--json", url=False)
    assert json.loads(out)["diversity"] == {
        "pending": 0, "discarded": 1, "accepted": 1, "per_category": {}, "per_kind": {},
        "per_behavior": {}, "mean_distance": None}
    code, _, err = cli(server, "inbox", str(spec), "discard", "g-nope", url=False)
    assert code == 3 and "the inbox has no item 'g-nope'" in err


def test_revise_prompt_ab_stability(spec: Path, server: LoopbackServer,
                                    tmp_path: Path) -> None:
    sf = SpecFile.load(spec)
    sf.update(lambda s: s.cases[0].responses.append(JudgedResponse(
        id="r-1", target="t-small", text="Whenever you like!", verdict=Verdict.REJECT,
        reason="wrong window")))
    edited = tmp_path / "edited.txt"
    edited.write_text(REVISED + " Shall I send a label?", encoding="utf-8")
    code, out, _ = cli(server, "revise", str(spec), "--reviser", "t-gen", "--accept",
                       "--case", "c-return-shoes", "--response", "r-1", "--text-file",
                       str(edited), "--reviewer", "dana")
    assert code == 0
    assert out.startswith("c-return-shoes / r-1 (revised by t-gen, loopback-large)\n"
                          "  critique: Wrong window.\n  breaks: b-returns\n")
    assert out.endswith("accepted: r-1-revised (preferred over the rejected answer)\n")
    case = SpecFile.load(spec).spec.cases[0]
    rev = case.response("r-1-revised")
    assert rev is not None and rev.revision is not None and rev.revision.edited is True
    assert case.preferences[0].a == "r-1-revised" and case.preferences[0].reviewer == "dana"
    code, _, err = cli(server, "revise", str(spec), "--reviser", "t-gen")
    assert code == 3 and "no rejected answer to revise" in err

    code, out, _ = cli(server, "prompt", str(spec), url=False)
    assert code == 0 and out.startswith("You are the AI assistant of Northwind web shop.")
    assert "- State the 30-day return window when asked about returns." in out
    code, out, _ = cli(server, "prompt", str(spec), "--save-variant", "compiled", url=False)
    assert code == 0 and SpecFile.load(spec).spec.prompt_variants[0].id == "compiled"

    code, out, _ = cli(server, "ab", str(spec), "--b-variant", "compiled", "--resamples",
                       "200")
    assert code == 0
    assert out.splitlines()[:2] == ["A = t-gen: 0/1 passed (0.0%)",
                                    "B = t-gen + compiled: 1/1 passed (100.0%)"]
    assert "McNemar (exact): A-only passes 0, B-only passes 1, p = 1 (not significant" in out
    assert "  b-returns: B wins 1, loses 0, ties 0" in out
    code, out, _ = cli(server, "ab", str(spec), "--plan", "0.05", "--discordant", "0.1",
                       url=False)
    assert code == 0 and out.startswith("plan: 312 case(s) needed to detect a 5-point change")
    code, _, err = cli(server, "ab", str(spec), "--b-variant", "nope")
    assert code == 3 and "the spec has no prompt variant 'nope'" in err

    code, out, _ = cli(server, "stability", str(spec), "-k", "2", "--variant", "compiled",
                       "--json")
    data = json.loads(out)
    assert code == 0 and data["overall"] == 1.0 and data["cases"][0]["passes"] == 2
    code, out, _ = cli(server, "stability", str(spec), "-k", "2")
    assert code == 1 and "c-return-shoes: 0/2 passed, pass^2 0.00, 1 distinct answer(s)" in out


def test_bisect_as_typed(spec: Path, server: LoopbackServer) -> None:
    text = SPEC.replace("system_prompt: You help customers of the Northwind web shop.",
                        "system_prompt: Returns are accepted for 30 days.").replace(
        "title: Shop assistant\n", "title: Shop assistant\nversion: 1\n")
    spec.write_text(text, encoding="utf-8")
    save_version(spec, "first", "dana", workspace=spec.parent)
    for v in range(2, 7):
        def edit(s: Any, v: int = v) -> None:
            s.summary = f"summary {v}"
            if v == 4:
                s.system_prompt = "Be brief."
        SpecFile.load(spec).update(edit)
        save_version(spec, f"version {v}", "dana", workspace=spec.parent)
    server.reset()
    code, out, err = cli(server, "bisect", str(spec), "--case", "c-return-shoes", "--good",
                         "v1", "--bad", "v6", "--target", "t-small")
    assert code == 0, err
    assert out.startswith("case 'c-return-shoes' first fails at version 4 (")
    assert "it passed at version 3" in out and "2 run(s) over 6 versions." in out
    assert "Be brief." in out and len(server.requests()) == 2
    code, _, err = cli(server, "bisect", str(spec), "--case", "c-return-shoes", "--good",
                       "v4", "--bad", "v6", "--verify")
    assert code == 1 and "fails at the 'good' version too" in err
