"""How responsive the app stays on a 1,000-case spec.

Run from the repository root: ``python -m bench.bench_large_spec [cases]``. In a fresh
process, the main window starts as the app starts it (its after-first-paint work done,
the workspace listed), then a 0-ms timer records the time between event-loop turns while
the bench opens the spec (its first open in this process), shows the Cases tab, scrolls
the table from top to bottom, types a search, switches filters and types into a case; each
phase prints its longest stall. The bar: no stall over 50 ms. Run it under
``xvfb-run -a`` for the real (X11) window; without a display it runs offscreen.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if not os.environ.get("DISPLAY"):  # a real window under `xvfb-run -a`; else offscreen
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from bench.specgen import generate_spec_text

BAR_MS = 50.0
Step = Callable[[], None]


class StallMeter(QObject):
    """Records the longest gap between two turns of the event loop."""

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._tick)
        self._last = time.perf_counter()
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def start(self) -> None:
        """Begin a phase."""
        self._last = time.perf_counter()
        self.longest = 0.0
        self._timer.start()

    def stop(self) -> float:
        """End the phase; the longest stall in milliseconds."""
        self._tick()
        self._timer.stop()
        return self.longest * 1000


def run_steps(steps: list[Step], pause_ms: int = 8) -> None:
    """Run each step in its own turn of the event loop, pausing between them."""
    loop = QEventLoop()
    pending = list(steps)

    def next_step() -> None:
        if not pending:
            QTimer.singleShot(pause_ms * 4, loop.quit)  # let the last paint happen
            return
        pending.pop(0)()
        QTimer.singleShot(pause_ms, next_step)

    QTimer.singleShot(0, next_step)
    loop.exec()


def wait_for(done: Callable[[], bool]) -> None:
    """Spin the event loop until ``done()``."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(lambda: loop.quit() if done() else None)
    timer.start()
    loop.exec()
    timer.stop()


def exercise(panel: QWidget, meter: StallMeter) -> dict[str, float]:
    """Scroll, search, filter and type in a shown CasesPanel."""
    results: dict[str, float] = {}
    table = panel.table  # type: ignore[attr-defined]
    bar = panel.filter_bar  # type: ignore[attr-defined]
    form = panel.form  # type: ignore[attr-defined]
    sb = table.verticalScrollBar()
    steps: list[Step] = [lambda v=v: sb.setValue(v)
                         for v in range(0, sb.maximum() + sb.pageStep(), sb.pageStep())]
    meter.start()
    run_steps(steps)
    results[f"scroll top to bottom ({len(steps)} pages)"] = meter.stop()

    text = "refund order"
    meter.start()
    run_steps([lambda ch=ch: QTest.keyClicks(bar.search_edit, ch) for ch in text]
              + [lambda: QTest.keyClick(bar.search_edit, Qt.Key.Key_Backspace)] * len(text))
    results["type a search, char by char, then erase it"] = meter.stop()

    combos = [bar.category_combo, bar.behavior_combo, bar.outcome_combo, bar.verdict_combo]
    switch: list[Step] = []
    for combo in combos:
        switch += [lambda c=combo, i=i: c.setCurrentIndex(i) for i in range(1, combo.count())]
        switch.append(lambda c=combo: c.setCurrentIndex(1))
    switch += [bar.clear, lambda: bar.search_edit.setText("damaged"),
               lambda: bar.verdict_combo.setCurrentIndex(2), bar.clear]
    meter.start()
    run_steps(switch)
    results[f"switch filters ({len(switch)} changes)"] = meter.stop()

    meter.start()
    run_steps([lambda: panel.select_case("case-00500")]  # type: ignore[attr-defined]
              + [lambda ch=ch: QTest.keyClicks(form.title_edit, ch) for ch in "Late parcel"]
              + [lambda: form.conversation.add_turn(form.conversation.cards[0].message.role)]
              + [lambda: QTest.keyClicks(form.conversation.cards[-1].text_edit, "x")] * 5,
              pause_ms=30)  # typing speed; the problem check runs in the pauses
    results["select a case and type into it"] = meter.stop()
    return results


def bench_main_window(path: Path, meter: StallMeter) -> dict[str, float]:
    """Start the main window, open the spec, then the phases on its Cases tab."""
    from PySide6.QtCore import QSettings

    from align_studio.ui.shell.main_window import MainWindow

    settings = QSettings(str(path.parent / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(path.parent, settings)
    window.resize(1600, 1000)
    window.show()
    ready = QEventLoop()
    window.sig_ready.connect(ready.quit)
    QTimer.singleShot(0, window.start)
    ready.exec()  # start-up (its own bench) ends here: the window is listed and idle
    run_steps([lambda: None] * 10)
    meter.start()
    run_steps([lambda: window.open_spec(path)])
    results = {"open the spec": meter.stop()}
    editor = window.editor
    cases = editor.cases
    meter.start()
    run_steps([lambda: editor.tabs.setCurrentWidget(cases)])
    results["show the Cases tab"] = meter.stop()
    results.update(exercise(cases, meter))
    doc = window.doc
    while doc is not None and doc.undo_stack.canUndo():  # leave nothing unsaved to ask about
        doc.undo_stack.undo()
    window.hide()
    window.deleteLater()
    return results


def main(argv: list[str]) -> int:
    """Run every phase and print the longest stall of each; 1 if one exceeds the bar."""
    cases = int(argv[0]) if argv else 1000
    from align_studio.ui.app import configure_application

    # as the app configures itself (the garbage-collection policy included)
    app = configure_application(QApplication.instance() or QApplication([]))
    meter = StallMeter()
    folder = Path(tempfile.mkdtemp(prefix="align-bench-"))
    path = folder / f"generated-{cases}.yaml"
    path.write_text(generate_spec_text(cases), encoding="utf-8")
    os.environ.setdefault("ALIGN_STUDIO_HOME", str(folder / "home"))  # not the user's
    print(f"platform {QApplication.platformName()}")
    print(f"Cases editor on a {cases:,}-case spec ({path.stat().st_size / 1e6:.1f} MB), "
          f"platform {app.platformName()}")
    results = bench_main_window(path, meter)
    worst = 0.0
    for name, ms in results.items():
        flag = "ok " if ms <= BAR_MS else "SLOW"
        print(f"  {flag} {ms:6.1f} ms  {name}")
        worst = max(worst, ms)
    print(f"longest stall {worst:.1f} ms; bar {BAR_MS:.0f} ms: "
          f"{'PASS' if worst <= BAR_MS else 'FAIL'}")
    return 0 if worst <= BAR_MS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
