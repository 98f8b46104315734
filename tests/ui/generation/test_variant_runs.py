"""A run from the window (Run → Run Case) sends a target that names a prompt variant that
variant's system prompt; the other target keeps the spec's. The loopback server's record of
requests is what each model was sent."""

from __future__ import annotations

from align_studio.editing.commands import SetField
from align_studio.providers.endpoint import Endpoint
from tests.ui.generation.conftest import SPEC_PROMPT, VARIANT_PROMPT


def test_a_window_run_sends_each_target_its_prompt_variant(qtbot, shop_window, server
                                                           ) -> None:
    w = shop_window
    small = w.doc.session.spec.target("t-small")
    w.doc.undo_stack.push_command(SetField(small, "prompt_variant", "quote"))
    ctl = w.features.review.controller
    ctl.resolve = lambda target: Endpoint(server.url, "k", timeout=10, max_retries=0)
    server.reset()
    with qtbot.waitSignal(ctl.sig_run_ended, timeout=20000):
        assert ctl.start(["q-00"])
    sent = {r["body"]["model"]: [m["content"] for m in r["body"]["messages"]]
            for r in server.requests()}
    assert sent == {"loopback-large": [SPEC_PROMPT, "Question 0 about returns"],
                    "loopback-small": [VARIANT_PROMPT, "Question 0 about returns"]}
