"""Start-up time: process start → first painted main window, app vs. a bare QMainWindow.

The app is started through the ``align-studio`` command installed beside this interpreter —
what a user types — with a probe (``startup_probe/sitecustomize.py``) that prints a line at
the window's first paint; the bare window prints the same line from the same event.

Each variant runs as a fresh subprocess several times; the parent times from just before
it spawns the child to the moment the child reports the first paint of its main window
(an event filter prints a line on its first Paint event, in both variants alike), so
interpreter start-up counts. Work the app defers until after the first paint (scanning
the workspace, the Preview/Results integration) is not counted. Runs under
``QT_QPA_PLATFORM=offscreen`` and, when ``xvfb-run`` is installed, under a real X server.

Python modules load from compiled bytecode, as from an installed wheel (pip compiles them
when it installs): the children write their bytecode to a private cache in the untimed
warm-up runs, even where ``PYTHONDONTWRITEBYTECODE`` is set (this machine sets it, which
would otherwise make every timed run compile the app's modules from source).

    python bench/bench_startup.py [runs]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CLOCK = r"""
import os, time
def since_start():
    # seconds since this process started (the kernel's start time, in clock ticks)
    with open(f"/proc/{os.getpid()}/stat") as fh:
        start_ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as fh:
        uptime = float(fh.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
"""

BARE = _CLOCK + r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
class First(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint:  # the window's first paint pass starts now
            print("PAINTED", flush=True)
            QTimer.singleShot(0, lambda: app.exit(0))
            obj.removeEventFilter(self)
        return False
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1280, 800)
f = First(); w.installEventFilter(f)
w.show()
app.exec()
"""

#: The probe that makes the real command report its first paint (see its docstring).
PROBE = Path(__file__).resolve().parent / "startup_probe"


def app_command() -> list[str]:
    """The ``align-studio`` command installed beside this interpreter, as a user starts it."""
    exe = Path(sys.executable).parent / ("align-studio.exe" if os.name == "nt"
                                          else "align-studio")
    if not exe.is_file():
        raise SystemExit(f"{exe} is missing: install Align Studio into this environment "
                         "(python3 dev.py run does)")
    return [str(exe)]


def _run(command: list[str], env: dict[str, str], display: str | None) -> float:
    e = dict(env)
    if display:
        e["DISPLAY"] = display
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=e, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("PAINTED"):
            elapsed = time.perf_counter() - started
            proc.wait(30)
            return elapsed
    proc.wait(30)
    raise RuntimeError(f"the child reported no paint: {proc.stderr.read()[-2000:]}")


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """Start an X server on a free display; returns it and its ``DISPLAY``."""
    proc = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1600x1000x24",
                             "-nolisten", "tcp"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    number = proc.stdout.readline().decode().strip()
    return proc, f":{number}"


def measure(runs: int = 11) -> dict[str, dict[str, float]]:
    """Median seconds to first paint per platform: bare, app and their ratio."""
    home = tempfile.mkdtemp(prefix="align-bench-")
    env = dict(os.environ, ALIGN_STUDIO_HOME=home, PYTHONPATH=str(PROBE),
               PYTHONPYCACHEPREFIX=str(Path(home) / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    results: dict[str, dict[str, float]] = {}
    workspace = str(ROOT / "specs")
    xvfb = None
    platforms: list[tuple[str, str | None]] = [("offscreen", None)]
    if shutil.which("Xvfb"):
        xvfb, display = start_xvfb()
        platforms.append(("xvfb", display))
    try:
        for name, display in platforms:
            e = dict(env, QT_QPA_PLATFORM="xcb" if display else "offscreen")
            bare_cmd, app_cmd = [sys.executable, "-c", BARE], [*app_command(), workspace]
            _run(bare_cmd, e, display)  # warm the file cache and the bytecode once
            _run(app_cmd, e, display)
            bare, app = [], []
            for _ in range(runs):  # interleaved, so drift hits both alike
                bare.append(_run(bare_cmd, e, display))
                app.append(_run(app_cmd, e, display))
            b, a = statistics.median(bare), statistics.median(app)
            results[name] = {"bare": b, "app": a, "ratio": a / b}
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(10)
        shutil.rmtree(home, ignore_errors=True)
    return results


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 11
    results = measure(runs)
    ok = True
    print(f"start-up to first paint, median of {runs} runs each")
    for name, r in results.items():
        verdict = "ok" if r["ratio"] <= 1.5 else "OVER the 1.5x bar"
        ok &= r["ratio"] <= 1.5
        print(f"  {name:10s} bare QMainWindow {r['bare'] * 1000:7.1f} ms   "
              f"Align Studio {r['app'] * 1000:7.1f} ms   ratio {r['ratio']:.2f}  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
