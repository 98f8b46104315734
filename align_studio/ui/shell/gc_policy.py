"""When the window frees a closed spec: Python's own collector does the rest.

The app used to turn Python's automatic collector off and collect from a GUI-thread timer
instead, so that no collection triggered on a worker would delete a Qt object off its
thread. Measured for issue 17 with automatic collection back on: the whole UI suite (123
tests) twice, 100 dropped widget cycles collected on a worker, and a window opening,
reloading and showing the Cases tab of every example spec three times with a collection on
a TaskRunner worker after each: no crash and no Qt warning; bench_large_spec 22.0 ms
(median of 3) against 21.9 ms with the timer collector, bench_gui_run 19.7 ms against
19.2 ms. So the process keeps Python's collector, and the one local choice left is here.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QTimer


def collect_after_close() -> None:
    """Free a closed spec's objects now (one short pause while switching specs) rather than
    in whatever full collection comes next, mid-scroll or mid-typing."""
    QTimer.singleShot(100, gc.collect)  # after the editor's deferred deletion
