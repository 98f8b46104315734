"""Run → Submit as Batch… in the real window, against the loopback Batch API: the answers
reach the Preview like a streamed run's, progress shows in the status bar, Cancel cancels
at the provider, and a run left unfinished is resumed."""

from __future__ import annotations

from pathlib import Path

from align_studio.storage.runstore import RunStore
from tests.loopback.server import LoopbackServer
from tests.ui.preview.conftest import markdown_reply


def submitter(w, answer: bool = True):
    sub = w.features.review.batch
    sub.poll_interval = 0.02
    sub.questions = []

    def confirm(question: str) -> bool:
        sub.questions.append(question)
        return answer

    sub.confirm = confirm
    return sub


def test_submit_as_batch_records_answers_like_a_run(qtbot, review_window, review_ws: Path,
                                                    loopback: LoopbackServer) -> None:
    w = review_window
    sub = submitter(w)
    assert sub.action is not None and sub.action.text() == "Submit as &Batch…"
    assert sub.action in w.action_registry.menu("&Run").actions()
    progress: list[str] = []
    sub.sig_progress.connect(progress.append)
    with qtbot.waitSignal(sub.sig_ended, timeout=20000) as ended:
        sub.action.trigger()
    run_id, message = ended.args
    assert message == "Batch run finished: 50 answers recorded"
    # 25 cases x 2 targets at batch prices: half of the profile's listed prices
    assert sub.questions[0].startswith("Submit 50 requests, ~")
    assert "at batch prices" in sub.questions[0]
    assert any("model-a: in_progress" in p for p in progress)
    with RunStore.for_workspace(review_ws) as store:
        rows = store.responses(run_id)
    assert len(rows) == 50 and all(r["error"] is None for r in rows)
    ctl = w.features.review.controller
    qtbot.waitUntil(lambda: ctl.live.get("case-003", "model-b") is not None
                    and ctl.live.get("case-003", "model-b").run_id == run_id, timeout=5000)
    expected = markdown_reply({"model": "model-b", "messages": [
        {"role": "user", "content": "Question number 3 about **refunds**"}]})
    assert ctl.live.get("case-003", "model-b").text == expected
    batches = {(b["method"], b["path"]) for b in loopback.requests()}
    assert ("POST", "/v1/chat/completions") not in batches  # nothing was streamed


def test_declining_the_estimate_sends_nothing(qtbot, review_window,
                                              loopback: LoopbackServer) -> None:
    sub = submitter(review_window, answer=False)
    with qtbot.waitSignal(sub.sig_ended, timeout=10000) as ended:
        sub.action.trigger()
    assert ended.args == ["", "Batch run not submitted"]
    assert loopback.state.requests == [] and not loopback._handler.batches.state.batches


def test_cancel_cancels_at_the_provider(qtbot, review_window, review_ws: Path,
                                        loopback: LoopbackServer) -> None:
    loopback.options.batch.polls_per_state = 1000  # it would stay "validating" a long time
    loopback._handler.batches.opt.polls_per_state = 1000
    sub = submitter(review_window)
    with qtbot.waitSignal(sub.sig_progress, timeout=10000,
                          check_params_cb=lambda text: "model-b: validating" in text):
        sub.action.trigger()
    with qtbot.waitSignal(sub.sig_ended, timeout=20000) as ended:
        sub.cancel()
    run_id, message = ended.args
    assert message.startswith("Batch run cancelled: 50 answers recorded")
    batches = loopback._handler.batches.state.batches
    assert {b["status"] for b in batches.values()} == {"cancelled"}
    with RunStore.for_workspace(review_ws) as store:
        assert store.run(run_id)["status"] == "cancelled"
        assert all(r["cancelled"] for r in store.responses(run_id))


class _Crash(BaseException):
    """Stands for the app being closed mid-run."""


def test_an_unfinished_batch_run_is_resumed(qtbot, review_window, review_ws: Path,
                                            loopback: LoopbackServer) -> None:
    from align_studio.runs.batch import BatchRunner
    from align_studio.runs.batch_targets import batch_target
    from align_studio.runs.batch_types import BatchTarget
    from align_studio.runs.runner import build_jobs

    w = review_window
    spec = w.features.review.controller.session.spec
    targets: dict[str, BatchTarget] = {t.id: batch_target(t) for t in spec.targets}
    jobs = build_jobs(spec, {t: b.endpoint for t, b in targets.items()})

    def close_app(ev) -> None:
        if ev.phase == "validating" and ev.target_id == "model-b":
            raise _Crash

    with RunStore.for_workspace(review_ws) as store:
        earlier = BatchRunner(store, targets, spec_id=spec.id, poll_interval=0.01)
        run_id = earlier.start(jobs)
        try:
            earlier.run(run_id, jobs, close_app)
        except _Crash:
            pass
    sub = submitter(w)
    with qtbot.waitSignal(sub.sig_ended, timeout=20000) as ended:
        sub.action.trigger()
    assert sub.questions == [f"Resume the unfinished batch run {run_id}?"]
    assert ended.args == [run_id, "Batch run finished: 50 answers recorded"]
    assert loopback._handler.batches.state.created == 2  # the same two batches


def test_a_second_batch_estimate_leaves_out_reused_answers(qtbot, review_window,
                                                           loopback: LoopbackServer) -> None:
    sub = submitter(review_window)
    with qtbot.waitSignal(sub.sig_ended, timeout=20000):
        sub.action.trigger()
    assert sub.questions[0].startswith("Submit 50 requests, ~")
    sub.confirm = lambda question: sub.questions.append(question) or False
    with qtbot.waitSignal(sub.sig_ended, timeout=10000):
        sub.action.trigger()
    # every answer is already recorded for the same request: none is sent or priced
    assert sub.questions[1].startswith("Submit 0 requests"), sub.questions[1]
    assert "50 answers reused from earlier runs" in sub.questions[1]


def test_a_target_s_prompt_variant_goes_into_its_batch_file(
        qtbot, review_ws: Path, loopback: LoopbackServer) -> None:
    import json

    from align_studio.ui.shell.main_window import MainWindow
    from align_studio.ui.shell.settings import app_settings

    spec = review_ws / "review.yaml"
    text = spec.read_text(encoding="utf-8").replace(
        "targets:\n", "system_prompt: Be helpful.\nprompt_variants:\n  - id: terse\n"
        "    text: Answer in one sentence.\ntargets:\n", 1).replace(
        "    model: model-b\n", "    model: model-b\n    prompt_variant: terse\n", 1)
    spec.write_text(text, encoding="utf-8")
    w = MainWindow(review_ws, app_settings())
    w.show()
    with qtbot.waitSignal(w.sig_ready, timeout=10000):
        w.start()
    try:
        assert w.open_spec(spec)
        sub = submitter(w)
        with qtbot.waitSignal(sub.sig_ended, timeout=20000):
            sub.action.trigger()
        st = loopback._handler.batches.state
        systems = {}
        for data in st.contents.values():
            for line in bytes(data).decode().splitlines():
                body = json.loads(line).get("body", {})
                if body.get("messages"):
                    systems[body["model"]] = body["messages"][0]
        assert systems["model-a"] == {"role": "system", "content": "Be helpful."}
        assert systems["model-b"] == {"role": "system", "content": "Answer in one sentence."}
    finally:
        w.close()
        w.deleteLater()
