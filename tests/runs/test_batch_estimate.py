"""The cost estimate of a batch run counts only the requests that will be sent.

Answers already in the run store (the cache) are reused, not sent: the estimate leaves
them out and says how many. The figures are worked out by hand from the estimator's
rules: a message costs ceil(characters / 4) + 4 tokens, a conversation 2 more, and an
answer the target's ``max_tokens``.
"""

from __future__ import annotations

from align_studio.providers.endpoint import Endpoint
from align_studio.runs.batch_targets import estimate_text
from align_studio.runs.batch_types import BatchTarget
from align_studio.runs.runner import Job

EP = Endpoint("http://127.0.0.1:9/v1", "sk-unused-0123456789")


def four_jobs() -> list[Job]:
    # "abcdefgh": 8 characters = 2 tokens, + 4 for the message, + 2 = 8 prompt tokens;
    # max_tokens 100: 108 tokens a request.
    messages = [{"role": "user", "content": "abcdefgh"}]
    return [Job(f"c{i}::a", f"c{i}", "a", "m", {"max_tokens": 100}, messages)
            for i in range(4)]


def test_reused_answers_are_neither_counted_nor_priced() -> None:
    # $1,000 / $2,000 per 1M tokens: (8 × 1000 + 100 × 2000) / 1M = $0.208 a request.
    targets = {"a": BatchTarget("a", EP, (1000.0, 2000.0))}
    assert estimate_text(four_jobs(), targets) == (
        "4 requests, ~432 tokens, about $0.83 at batch prices (the profile's, else half "
        "the listed price)")
    assert estimate_text(four_jobs(), targets, {"c1::a"}) == (
        "3 requests, ~324 tokens, about $0.62 at batch prices (the profile's, else half "
        "the listed price); 1 answer reused from earlier runs (not sent)")
    everything = {f"c{i}::a" for i in range(4)}
    assert estimate_text(four_jobs(), targets, everything) == (
        "0 requests, ~0 tokens, about $0.00 at batch prices (the profile's, else half "
        "the listed price); 4 answers reused from earlier runs (not sent)")


def test_unpriced_targets_with_reuse() -> None:
    targets = {"a": BatchTarget("a", EP, None)}
    assert estimate_text(four_jobs(), targets, {"c0::a", "c3::a"}) == (
        "2 requests, ~216 tokens, cost unknown (no prices set for these models); "
        "2 answers reused from earlier runs (not sent)")
