"""Fixtures of the window's generation tests: a spec with behaviors, a rejected answer, a
prompt variant and 40 gradable cases; one loopback server that plays the generator (the
scripted answers of tests/generation/world.py), the reviser and the targets of an A/B; the
real main window with the spec open and the feature's endpoints pointing at the server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from align_studio.generation.prompts import GENERATOR_SYSTEM, REVISER_SYSTEM
from align_studio.providers.endpoint import Endpoint
from tests.generation.world import generator_reply
from tests.loopback.server import LoopbackServer, ServerOptions

SPEC_PROMPT = "You help customers of the Northwind web shop."
VARIANT_PROMPT = "You help customers of the Northwind web shop. Quote the policy."
REJECTED = "You can return them whenever you like!"
REVISED = "You can return them within 30 days of delivery. Shall I send the label?"
CRITIQUE = "It invents an unlimited window; the policy is 30 days."
CASES = 40


def spec_text() -> str:
    """The shop spec: 3 behaviors, 2 targets, a variant, a rejected answer, 40 cases."""
    lines = [
        "format_version: 1", "id: shop", "title: Shop assistant",
        "product: Northwind web shop", f"system_prompt: {SPEC_PROMPT}",
        "prompt_variants:", "  - id: quote", "    label: Quote the policy",
        f"    text: {VARIANT_PROMPT}",
        "behaviors:",
        "  - id: b-returns", "    kind: must",
        "    statement: State the 30-day return window when asked about returns.",
        "    severity: high", "    authority: developer",
        "  - id: b-weapons", "    kind: refuse",
        "    statement: Refuse to help hurt people or animals.",
        "    severity: critical", "    authority: platform",
        "  - id: b-tone", "    kind: tone",
        "    statement: Warm and calm; apologise at most once.",
        "    severity: low", "    authority: guideline",
        "targets:",
        "  - id: t-gen", "    provider: loop", "    model: loopback-large",
        "  - id: t-small", "    provider: loop", "    model: loopback-small",
        "cases:",
        "  - id: c-return-shoes", "    title: Return shoes", "    messages:",
        "      - role: user",
        "        content: How do I return a pair of shoes I bought last week?",
        "    behaviors: [b-returns]", "    expected: comply", "    responses:",
        "      - id: r-shoes-small", "        target: t-small", f"        text: {REJECTED}",
        "        verdict: reject", "        reason: wrong window", "        reviewer: dana",
        "        time: 2026-11-30T10:00:00Z",
    ]
    for n in range(CASES):
        lines += [f"  - id: q-{n:02d}", "    messages:", "      - role: user",
                  f"        content: Question {n} about returns",
                  "    behaviors: [b-returns]", "    checks:", "      - type: contains",
                  "        value: PASS"]
    return "\n".join(lines) + "\n"


def target_reply(body: dict[str, Any]) -> str:
    """The A/B's targets: with the spec's prompt cases 0–19 pass (50 %); with the variant
    cases 4–27 (60 %): 4 cases pass only under A, 8 only under B."""
    system = body["messages"][0]["content"] if body["messages"][0]["role"] == "system" else ""
    found = re.search(r"Question (\d+)", body["messages"][-1]["content"])
    n = int(found.group(1)) if found else -1
    passes = 4 <= n < 28 if system == VARIANT_PROMPT else 0 <= n < 20
    return f"Answer {n}: {'PASS' if passes else 'no'}"


def reply(body: dict[str, Any]) -> str | None:
    """Generator, reviser or target, by the request's system message."""
    system = body["messages"][0]["content"]
    if system == GENERATOR_SYSTEM:
        return generator_reply(body)
    if system == REVISER_SYSTEM:
        return json.dumps({"critique": CRITIQUE, "broken": ["b-returns"],
                           "revision": REVISED})
    return target_reply(body)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(ServerOptions(reply=reply)) as s:
        yield s


@pytest.fixture
def shop_ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "shop.yaml").write_text(spec_text(), encoding="utf-8")
    return root


@pytest.fixture
def shop_window(qtbot, shop_ws: Path, server: LoopbackServer):
    """The main window with shop.yaml open; the generation feature asks the server."""
    from align_studio.ui.shell.main_window import MainWindow
    from align_studio.ui.shell.settings import app_settings

    settings = app_settings()
    settings.setValue("user/reviewer", "ana")
    w = MainWindow(shop_ws, settings)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.sig_ready, timeout=10000):
        w.start()
    if w.doc is None:
        assert w.open_spec(shop_ws / "shop.yaml")
    w.features.generation.resolve = lambda target: Endpoint(server.url, "k", timeout=10,
                                                            max_retries=0)
    yield w
    if w.features.review.controller is not None:
        w.features.review.controller.close()
    if w.doc is not None and w.doc.is_modified():
        w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()
