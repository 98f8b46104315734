"""The review core without Qt: blind mapping, carry-forward, staleness, estimate, batching,
the matrix and judging what is shown."""

from __future__ import annotations

from align_studio.domain import Spec, Verdict
from align_studio.editing.commands import Command, InsertItem, SetField
from align_studio.editing.history import History
from align_studio.editing.judgments import Shown, preference_between, verdict_command
from align_studio.editing.session import EditSession
from align_studio.providers.endpoint import Endpoint
from align_studio.review.blind import column_map, shuffled
from align_studio.review.carry import carried, carry_command
from align_studio.review.estimate import TargetHistory, estimate_run
from align_studio.review.live import LiveResults
from align_studio.review.matrix import DISAGREES, REJECTED, STALE, UNJUDGED, ResultsMatrix
from align_studio.review.stale import StaleAware, confirm_command, with_staleness
from align_studio.runs.batching import DeltaBatcher, coalesce
from align_studio.runs.runner import Delta, Finished, Job, ResponseRecord, Started


def _judge(spec: Spec, case: str, target: str, text: str, verdict: str = "accept",
           run: str = "r1") -> None:
    cmd, _ = verdict_command(spec, case, Shown(target, text, run), verdict, None, "ana")
    cmd.redo()


def test_blind_order_is_per_case_stable_and_mapped() -> None:
    ids = ["a", "b", "c", "d"]
    assert shuffled("c1", ids) == shuffled("c1", ids)
    orders = {tuple(shuffled(f"case-{i}", ids)) for i in range(30)}
    assert len(orders) > 5
    m = column_map("c7", ids, blind=True)
    assert m.labels == ("Model A", "Model B", "Model C", "Model D")
    assert sorted(m.targets) == ids
    assert m.target_at(m.column_of("c")) == "c"
    plain = column_map("c7", ids, ["A!", "B!", "C!", "D!"])
    assert plain.targets == tuple(ids) and plain.label_of("b") == "B!"


def test_carry_forward_only_for_identical_text_of_another_run(spec: Spec) -> None:
    case = spec.case("c1")
    _judge(spec, "c1", "a", "hello there", run="run-1")
    assert carried(case, "a", "hello there", "run-1") is None  # judged in this run
    found = carried(case, "a", "hello there", "run-2")
    assert found is not None and found.verdict is Verdict.ACCEPT
    assert found.describe() == "carried forward from run run-1"
    assert carried(case, "a", "hello there!", "run-2") is None  # not identical
    assert carried(case, "b", "hello there", "run-2") is None  # another target
    cmd = carry_command(case, "a", "hello there", "run-2")
    assert cmd is not None
    cmd.redo()
    assert case.responses[0].run == "run-2" and case.responses[0].carried_from == "run-1"
    cmd.undo()
    assert case.responses[0].run == "run-1" and case.responses[0].carried_from is None


def test_staleness_is_part_of_the_edit_and_undone_with_it(spec: Spec) -> None:
    _judge(spec, "c1", "a", "hello")
    _judge(spec, "c2", "a", "refund info")
    c1, c2 = spec.case("c1"), spec.case("c2")
    # an unrelated field: unchanged command
    title = SetField(c1, "title", "Greeting")
    assert with_staleness(spec, title) is title
    edit = with_staleness(spec, SetField(c1.messages[0], "content", "hi!"))
    assert isinstance(edit, StaleAware)
    edit.redo()
    assert c1.responses[0].stale and not c2.responses[0].stale
    edit.undo()
    assert not c1.responses[0].stale and c1.messages[0].content == "hi"
    # a behavior's statement makes the cases linking it stale
    b = with_staleness(spec, SetField(spec.behavior("refund"), "statement", "Explain it."))
    b.redo()
    assert c2.responses[0].stale and not c1.responses[0].stale
    # adding a linked behavior or changing the expected outcome counts too
    ins = with_staleness(spec, InsertItem(c1, "behaviors", 1, "refund"))
    ins.redo()
    assert c1.responses[0].stale
    confirm = confirm_command(c1)
    assert confirm is not None
    confirm.redo()
    assert not c1.responses[0].stale
    # re-judging clears it as well
    exp = with_staleness(spec, SetField(c1, "expected", "comply"))
    exp.redo()
    assert c1.responses[0].stale
    _judge(spec, "c1", "a", "hello", "reject")
    assert not c1.responses[0].stale


def test_staleness_merges_typing_in_history(spec: Spec, tmp_path) -> None:
    from align_studio.storage import SpecFile

    path = tmp_path / "s.yaml"
    path.write_text("format_version: 1\nid: s\n", encoding="utf-8")
    sf = SpecFile.load(path)
    sf.spec = spec
    session = EditSession(sf)
    history = History(session)
    _judge(spec, "c1", "a", "hello")
    msg = spec.case("c1").messages[0]

    def push(cmd: Command) -> None:
        history.push(with_staleness(spec, cmd))

    push(SetField(msg, "content", "hi!"))
    push(SetField(msg, "content", "hi!!"))
    assert spec.case("c1").responses[0].stale
    history.undo()
    assert msg.content == "hi" and not spec.case("c1").responses[0].stale


def test_estimate_time_and_cost() -> None:
    jobs = [Job(f"c{i}::{t}", f"c{i}", t, "m", {"max_tokens": 100},
                [{"role": "user", "content": "x" * 400}]) for i in range(64) for t in "ab"]
    shared = Endpoint("http://h/v1", "k", concurrency=32, price_in=1.0, price_out=2.0)
    est = estimate_run(jobs, {"a": shared, "b": shared},
                       {"a": TargetHistory(0.5, 50), "b": TargetHistory(0.2, 500)})
    assert est.jobs == 128
    assert est.seconds == 4 * 0.5  # 128 jobs / 32 lanes = 4 rounds of the slowest
    assert est.completion_tokens == 64 * 50 + 64 * 100  # history, capped by max_tokens
    assert est.cost is not None and abs(est.cost - (est.prompt_tokens * 1 + est.completion_tokens
                                                    * 2) / 1e6) < 1e-9
    assert "128 requests" in est.describe() and "$" in est.describe()
    free = Endpoint("http://other/v1", "k", concurrency=4)
    est2 = estimate_run(jobs[:8], {"a": free, "b": free})
    assert est2.cost is None and "cost unknown" in est2.describe()


def test_batcher_joins_deltas_per_job_in_order() -> None:
    rec = ResponseRecord("r", "j1", "c", "t", "m", text="abc")
    events = [Started("j1", "c", "t"), Delta("j1", "a"), Delta("j2", "x"), Delta("j1", "b"),
              Delta("j1", "c"), Finished("j1", rec), Delta("j2", "y")]
    out = coalesce(events)
    assert out == [Started("j1", "c", "t"), Delta("j1", "abc"), Delta("j2", "xy"),
                   Finished("j1", rec)]
    b = DeltaBatcher(interval=0.05, clock=iter([0.0, 0.01, 0.06, 0.06]).__next__)
    b.push(Delta("j", "1"))
    b.push(Delta("j", "2"))
    assert b.pending() == 2 and not b.due()
    assert b.due()
    assert b.drain() == [Delta("j", "12")] and b.pending() == 0 and b.pushed == 2


def test_matrix_cells_filters_and_counts(spec: Spec) -> None:
    live = LiveResults()
    for case, target, text in (("c1", "a", "hello"), ("c1", "b", "nope"),
                               ("c2", "a", "refund in 30 days")):
        live.waiting(case, target, "run-2")
        live.finished((case, target), ResponseRecord("run-2", "", case, target, "m", text=text))
    _judge(spec, "c1", "a", "hello", run="run-1")  # judged earlier: carried to run-2
    _judge(spec, "c1", "b", "nope", "reject", run="run-2")
    def checks(case, text):
        return [bool(text) and all(c.value in text for c in case.checks)]

    m = ResultsMatrix(spec, live, checks)
    c1, c2 = spec.case("c1"), spec.case("c2")
    a1 = m.cell(c1, "a")
    assert a1.answered and a1.verdict is Verdict.ACCEPT and a1.carried_from == "run run-1"
    assert a1.checks is not None and a1.checks.ok
    b1 = m.cell(c1, "b")
    assert b1.verdict is Verdict.REJECT and not b1.checks.ok and not b1.disagrees
    assert m.cell(c2, "b").answered is False
    assert m.answered_count() == 3
    assert [c.id for c in m.rows([UNJUDGED])] == ["c2"]
    assert [c.id for c in m.rows([REJECTED])] == ["c1"]
    assert m.rows([DISAGREES]) == [] and m.rows([STALE]) == []
    stats = m.stats()
    assert stats.per_target["a"].acceptance == 1.0 and stats.per_target["b"].acceptance == 0.0
    assert stats.per_behavior["polite"].judged == 2 and stats.per_behavior["refund"].judged == 0
    assert stats.total.answered == 3
    assert m.next_unjudged("c1") == "c2"


def test_preference_adds_unjudged_answers_in_one_undoable_command(spec: Spec) -> None:
    _judge(spec, "c1", "a", "hello")
    case = spec.case("c1")
    cmd = preference_between(spec, "c1", Shown("a", "hello", "r1"), Shown("b", "yo", "r1"),
                             "b", "ana")
    assert len(case.responses) == 1  # nothing changed until the command is done
    cmd.redo()
    assert [r.target for r in case.responses] == ["a", "b"]
    assert case.responses[1].verdict is None
    pref = case.preferences[0]
    assert (pref.a, case.response(pref.b).target, pref.better.value) == \
        (case.responses[0].id, "b", "b")
    cmd.undo()
    assert len(case.responses) == 1 and case.preferences == []
