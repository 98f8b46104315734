"""Production logs feed the drift view: the share of answers that are not refusals, per day."""

from __future__ import annotations

import json
from pathlib import Path

from align_studio.domain import Spec
from align_studio.exchange.logs_inbox import add_logs
from align_studio.grading.drift import ProductionAnswer, drift

HELPFUL = "Sure. Your order ships in two days; you can track it from the link in your email."
REFUSAL = "I'm sorry, but I can't help with that request."


def test_production_series_and_drop_warning() -> None:
    answers = ([ProductionAnswer("2026-11-01", "gpt-x", HELPFUL)] * 9
               + [ProductionAnswer("2026-11-01", "gpt-x", REFUSAL)]
               + [ProductionAnswer("2026-11-02", "gpt-x", HELPFUL)] * 5
               + [ProductionAnswer("2026-11-02", "gpt-x", REFUSAL)] * 5)
    rep = drift(None, Spec(id="s"), production=answers)
    series = rep.series("production", "gpt-x")
    assert [(p.run_id, p.n, p.passed) for p in series] == [
        ("production 2026-11-01", 10, 9), ("production 2026-11-02", 10, 5)]
    assert [(w.source, w.target, round(w.before, 2), round(w.after, 2)) for w in rep.warnings] \
        == [("production", "gpt-x", 0.9, 0.5)]


def test_inbox_conversations_become_production_answers(tmp_path: Path) -> None:
    from align_studio.ui.grading.measures import production_answers

    log = tmp_path / "logs.jsonl"
    rows = [{"messages": [{"role": "user", "content": "Where is my order?"},
                          {"role": "assistant", "content": HELPFUL}],
             "model": "gpt-x", "timestamp": "2026-11-01T09:00:00Z"},
            {"messages": [{"role": "user", "content": "Refund me now"},
                          {"role": "assistant", "content": REFUSAL}],
             "model": "gpt-x", "timestamp": "2026-11-02T09:00:00Z"},
            {"messages": [{"role": "user", "content": "No answer logged"}]}]
    log.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert add_logs(tmp_path, log)[0] == 3
    answers = production_answers(tmp_path)
    assert sorted((a.day, a.model, a.text == HELPFUL) for a in answers) == [
        ("2026-11-01", "gpt-x", True), ("2026-11-02", "gpt-x", False)]
    rep = drift(None, Spec(id="s"), production=answers)
    assert [p.rate for p in rep.series("production", "gpt-x")] == [1.0, 0.0]
