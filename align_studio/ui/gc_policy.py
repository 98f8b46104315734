"""Python's cyclic garbage collector runs on the GUI thread only.

A collection triggered in a worker thread (a save, a run, an export) frees whatever cyclic
garbage exists at that moment — including Qt widgets a panel dropped on the GUI thread —
and Qt objects deleted from another thread crash the app. So automatic collection is
turned off and this collector runs the same generational policy from a GUI-thread timer.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

from align_studio.bulk import collection_paused

#: Full collections walk every object (a 1,000-case spec makes that ~50 ms); CPython skips
#: most of them with a heuristic Python cannot see, so here they run at most this often.
FULL_COLLECTION_EVERY = 120.0


class GuiThreadCollector(QObject):
    """Collects garbage from a timer on the thread that owns it (the GUI thread)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 100) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self._last_full = time.monotonic()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds."""
        if collection_paused():  # a worker is loading a spec: nothing young is garbage
            return
        t0, t1, t2 = self.thresholds
        c0, c1, c2 = gc.get_count()
        if c0 > t0:
            gc.collect(0)
            if c1 > t1:
                gc.collect(1)
                now = time.monotonic()
                if c2 > t2 and now - self._last_full > FULL_COLLECTION_EVERY:
                    gc.collect(2)
                    self._last_full = now


def collect_after_close() -> None:
    """Free a closed spec's objects now (one short pause while switching specs) rather than
    in whatever full collection comes next, mid-scroll or mid-typing."""
    QTimer.singleShot(100, gc.collect)  # after the editor's deferred deletion
