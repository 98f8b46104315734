"""A small spec for the review core tests."""

from __future__ import annotations

import pytest

from align_studio.domain import Spec


@pytest.fixture
def spec() -> Spec:
    return Spec.model_validate({
        "id": "s", "title": "S",
        "behaviors": [{"id": "polite", "kind": "tone", "statement": "Be polite."},
                      {"id": "refund", "kind": "must", "statement": "Explain refunds."}],
        "targets": [{"id": "a", "provider": "p", "model": "ma"},
                    {"id": "b", "provider": "p", "model": "mb"}],
        "cases": [
            {"id": "c1", "messages": [{"role": "user", "content": "hi"}],
             "behaviors": ["polite"], "checks": [{"type": "contains", "value": "hello"}]},
            {"id": "c2", "messages": [{"role": "user", "content": "refund?"}],
             "behaviors": ["refund"]},
        ]})
