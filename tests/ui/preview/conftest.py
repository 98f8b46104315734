"""Fixtures of the preview tests: a loopback server, a provider profile pointing at it, a
workspace with a two-target spec, and the real main window with the spec open."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.loopback.server import LoopbackServer


def review_spec_text(cases: int = 25, targets: tuple[str, ...] = ("model-a", "model-b"),
                     provider: str = "local") -> str:
    """A spec with ``cases`` one-turn cases and the given targets on ``provider``."""
    lines = ["# Review test spec", "format_version: 1", "id: review", "title: Review test",
             "behaviors:", "  - id: polite", "    kind: tone",
             "    statement: Answer politely.", "targets:"]
    for t in targets:
        lines += [f"  - id: {t}", f"    provider: {provider}", f"    model: {t}"]
    lines.append("cases:")
    for i in range(cases):
        lines += [f"  - id: case-{i:03d}", "    messages:", "      - role: user",
                  f"        content: Question number {i} about **refunds**",
                  "    behaviors: [polite]", "    checks:", "      - type: contains",
                  "        value: business days"]
    return "\n".join(lines) + "\n"


def add_profile(url: str, name: str = "local", concurrency: int = 8) -> None:
    """A provider profile ``name`` for the loopback server (no key needed)."""
    from align_studio.providers.profiles import ProfileStore, profile_from_preset

    store = ProfileStore()
    store.add(profile_from_preset(name, "custom", base_url=url, key_source="none",
                                  concurrency=concurrency, stream_usage=True,
                                  prices={"model-a": {"input": 0.15, "output": 0.6},
                                          "model-b": {"input": 2.5, "output": 10.0}}))
    store.save()


def markdown_reply(req: dict) -> str:
    """Answers in Markdown that differ per model without naming it (for blind mode)."""
    question = str(req["messages"][-1]["content"]).split("number ")[-1].split(" ")[0]
    if req.get("model", "").endswith("a"):
        return (f"Thanks for asking about case {question}. **Refunds** are possible:\n\n"
                "1. Open *Orders* and pick the order.\n2. Choose **Return items**.\n"
                "3. We refund within 5 business days.\n\nAnything else I can help with?")
    return (f"Sorry to hear that (case {question}). Here is what to do:\n\n"
            "- Reply with your order number\n- We check it within a day\n\n"
            "> Refunds go back to the original payment method.")


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    """A fast loopback server in a thread, answering in Markdown (20 ms, token paced)."""
    from tests.loopback.server import ServerOptions

    with LoopbackServer(ServerOptions(latency=0.02, pace=0.001, reply=markdown_reply)) as s:
        yield s


@pytest.fixture
def review_ws(tmp_path: Path, loopback: LoopbackServer) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "review.yaml").write_text(review_spec_text(), encoding="utf-8")
    add_profile(loopback.url)
    return root


@pytest.fixture
def review_window(qtbot, review_ws: Path):
    """The main window with review.yaml open on the Preview tab."""
    from align_studio.ui.shell.main_window import MainWindow
    from align_studio.ui.shell.settings import app_settings

    settings = app_settings()
    settings.setValue("user/reviewer", "ana")
    w = MainWindow(review_ws, settings)  # closed below, not by qtbot (which would ask to save)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.sig_ready, timeout=10000):
        w.start()
    if w.doc is None:
        assert w.open_spec(review_ws / "review.yaml")
    w.features.review.confirm_large_runs = False
    w.features.review.open_case("case-000")
    w.activateWindow()
    yield w
    if w.features.review.controller is not None:
        w.features.review.controller.close()
    if w.doc is not None and w.doc.is_modified():
        w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()


def run_and_wait(qtbot, window, case_ids=None, timeout: int = 15000) -> None:
    """Start a run of ``case_ids`` (all: None) and wait until it has ended."""
    ctl = window.features.review.controller
    with qtbot.waitSignal(ctl.sig_run_ended, timeout=timeout):
        assert ctl.start(case_ids)
