"""The loss-free save fuzz, small and with fixed seeds (the full run with 2,000+ trials
and its printed figures is ``python -m bench.bench_patch_fuzz``).

Every trial is a random spec layout, one app edit, a save; the independent parser
(ruamel.yaml) must read the new file as the old one with exactly that edit, the text
outside the edit must be unchanged, and no save may be refused.
"""

from __future__ import annotations

from tests.storage.specfuzz import run


def test_fuzzed_saves_are_loss_free() -> None:
    tally = run(range(120))
    assert tally.trials == 120
    assert tally.failures == []
    assert (tally.refused, tally.outside, tally.whole, tally.oracle, tally.domain,
            tally.crashed) == (0, 0, 0, 0, 0, 0)
    # the run reaches the edits the issue names
    for kind in ("remove-case", "add-case", "move-case", "add-judgment", "verdict", "notes"):
        assert tally.kinds[kind] > 0, kind
