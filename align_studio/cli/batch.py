"""``align-studio run --batch``: a suite run through the providers' Batch API, headless.

Wired into ``align-studio run`` (see :mod:`align_studio.cli.run`): :func:`add_batch_arguments`
adds the options and :func:`run_batch` runs the command. It prints the cost estimate at
batch prices, submits one batch per target, draws a progress line on stderr while it
polls, ingests the answers into the run store and prints the summary. A killed command
loses nothing: the next ``align-studio run --batch SPEC`` resumes the spec's unfinished
batch run (or name it with ``--resume RUN_ID``). Ctrl+C cancels the batches at the
provider and keeps the answers already finished; a second Ctrl+C leaves them running, to
resume later. Exit codes as for ``run``: 0 every answer recorded, 1 some failed, 3 the run
could not happen (or stopped on the way: run it again to resume), 130 cancelled.

This module only adds the options, so that ``run --help`` stays light; the command itself
is :func:`align_studio.cli.batch_run.run_batch`, imported by ``run`` only with ``--batch``
(it loads the profiles and the keychain, ~25 ms).
"""

from __future__ import annotations

import argparse


def add_batch_arguments(p: argparse.ArgumentParser) -> None:
    """Add ``--batch``, ``--resume`` and ``--poll-interval`` to ``run``'s parser."""
    g = p.add_argument_group("batch runs (the providers' Batch API: half the price, no rate "
                             "limits, answers within 24 h)")
    g.add_argument("--batch", action="store_true", help="run through each target's Batch "
                   "API (targets whose server has none are streamed in the same run); an "
                   "unfinished batch run of the spec is resumed")
    g.add_argument("--resume", metavar="RUN_ID", help="resume this batch run (implies --batch)")
    g.add_argument("--new", action="store_true", help="start a new batch run even if the spec "
                   "has an unfinished one (which stays resumable with --resume)")
    g.add_argument("--poll-interval", type=float, default=10.0, metavar="SECONDS",
                   help="seconds between looks at the batches (default 10; it grows up to "
                        "30 times that, at most 60, while nothing changes)")
