"""What a batch run needs of each target, from the provider profiles; and its cost estimate.

Shared by ``align-studio run --batch`` and the window's Run → Submit as Batch. Qt-free;
call it off the GUI thread (the key comes from the keychain).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from align_studio.domain import Target
from align_studio.providers.client import estimate_prompt_tokens
from align_studio.providers.connection import endpoint_for
from align_studio.providers.profiles import ProfileStore
from align_studio.runs.batch_types import BatchTarget
from align_studio.runs.runner import Job

#: The answer length assumed when a target sets no token limit (as the run estimate does).
DEFAULT_ANSWER_TOKENS = 300


def batch_target(target: Target, profiles: ProfileStore | None = None) -> BatchTarget:
    """The target's endpoint (key from env, keychain or session), its batch prices (the
    profile's, else half the listed ones) and whether its server has a Batch API.

    Raises the profile store's errors (no such profile, no key), whose messages say what
    to do.
    """
    profiles = profiles if profiles is not None else ProfileStore()
    profile = profiles.get(target.provider)
    price = profile.price_for(target.model)
    return BatchTarget(target.id, endpoint_for(profile, model=target.model),
                       price.batch_rates() if price else None, profile.batch_api)


def estimate_text(jobs: Sequence[Job], targets: Mapping[str, BatchTarget],
                  reused: Collection[str] = ()) -> str:
    """``1,000 requests, ~420,000 tokens, about $0.21 at batch prices (…)``.

    ``reused`` holds the ids of the jobs whose answer is already in the run store (the
    cache): they are not sent, so they are neither counted nor priced, and the text says
    how many answers are reused.
    """
    tokens = 0
    cost = 0.0
    sent = 0
    unpriced: set[str] = set()
    for j in jobs:
        if j.job_id in reused:
            continue
        sent += 1
        answer = j.params.get("max_completion_tokens", j.params.get("max_tokens"))
        p_tok = estimate_prompt_tokens(j.messages)
        c_tok = int(answer) if isinstance(answer, int) else DEFAULT_ANSWER_TOKENS
        tokens += p_tok + c_tok
        prices = targets[j.target_id].prices
        if prices is None:
            unpriced.add(j.target_id)
        else:
            cost += (p_tok * prices[0] + c_tok * prices[1]) / 1_000_000
    if unpriced and len(unpriced) == len({j.target_id for j in jobs if j.job_id not in reused}):
        money = "cost unknown (no prices set for these models)"
    else:
        money = (f"about ${cost:.2f} at batch prices (the profile's, else half the listed "
                 "price)")
        if unpriced:
            money += f"; no prices for {', '.join(sorted(unpriced))}"
    text = f"{sent:,} requests, ~{tokens:,} tokens, {money}"
    n_reused = len(jobs) - sent
    if n_reused:
        text += (f"; {n_reused:,} answer{'s' if n_reused != 1 else ''} reused from earlier "
                 "runs (not sent)")
    return text
