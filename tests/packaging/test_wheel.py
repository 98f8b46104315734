"""The wheel bar: build it, install it into a fresh virtual environment, run it from there.

The environment sees no system site-packages. Its dependencies come from the environment
running the tests (a ``.pth`` line adds that environment's site-packages folder, so nothing is
downloaded again and nothing installed by hand outside it is seen), but Align Studio itself
can only come from the wheel: the test environment's editable install is a finder that a
bare ``.pth`` path line does not activate, the commands run outside the source tree without
PYTHONPATH, and the test checks where the package was imported from. Also checks what the
wheel contains and the desktop files in resources/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.tools import system_tool

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "io.github.alignstudio.AlignStudio"


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(QT_QPA_PLATFORM="offscreen", ALIGN_STUDIO_HOME=str(tmp / "home"),
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


@pytest.mark.slow
def test_wheel_installs_and_passes_the_smoke_test(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "-w", str(dist),
                    "--no-deps", "-q"], check=True, cwd=tmp_path, env=_env(tmp_path),
                   timeout=240)
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' scratch folder
    wheel = next(dist.glob("align_studio-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for must in ("align_studio/resources/icons/app.svg",
                 f"align_studio/resources/icons/hicolor/512x512/apps/{APP_ID}.png",
                 f"align_studio/resources/linux/{APP_ID}.desktop",
                 f"align_studio/resources/linux/{APP_ID}.metainfo.xml",
                 "align_studio/examples/customer-support.yaml",
                 "align_studio/ui/shell/main_window.py"):
        assert must in names, f"{must} is missing from {wheel.name}"
    assert not any(n.startswith(("tests/", "bench/", "specs/")) for n in names)

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = subprocess.run([str(py), "-c", purelib], capture_output=True, text=True,
                          check=True).stdout.strip()
    deps = sysconfig.get_path("purelib")  # the test environment's packages, not the system's
    Path(site, "test-dependencies.pth").write_text(deps + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
                    "-q", str(wheel)], check=True, cwd=tmp_path, env=_env(tmp_path),
                   timeout=120)
    exe = env_dir / "bin" / "align-studio"
    assert exe.is_file()
    where = subprocess.run([str(py), "-c", "import align_studio; print(align_studio.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=_env(tmp_path))
    assert where.stdout.strip().startswith(str(env_dir)), where.stdout + where.stderr

    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True,
                             cwd=tmp_path, env=_env(tmp_path), timeout=60)
    assert version.returncode == 0 and version.stdout.strip() == "align-studio 0.1.0"

    smoke = subprocess.run([str(exe), "--smoke-test"], capture_output=True, text=True,
                           cwd=tmp_path, env=_env(tmp_path), timeout=120)
    out = smoke.stdout
    assert smoke.returncode == 0, out + smoke.stderr
    assert "smoke test: ok" in out
    assert "run process: finished" in out  # runs go to a child process of the installed app
    assert "3 specs" in out  # the packaged examples, copied to the data folder on first run
    # every tab of an opened spec, each feature's installed from the wheel (hand-written)
    tabs = [t.split(" (")[0]  # "Spec health (4)": the count of its findings
            for t in out.split("tabs: ", 1)[1].split(";", 1)[0].split(", ")]
    assert tabs == ["Overview", "Behaviors", "Cases", "Generated", "Targets", "Preview",
                    "Results", "Spec health", "Measures", "Calibration", "History"], tabs
    assert "settings dialog shown" in out
    assert f"icons from {env_dir}" in out and "8 PNG sizes" in out
    assert (tmp_path / "home" / "data" / "example-workspace" / "customer-support.yaml").is_file()


def test_desktop_entry_and_metainfo() -> None:
    desktop = (ROOT / "resources" / "linux" / f"{APP_ID}.desktop").read_text()
    assert f"Icon={APP_ID}" in desktop and "Exec=align-studio" in desktop
    from align_studio.ui.app import APP_ID as app_id

    assert app_id == APP_ID  # QGuiApplication.setDesktopFileName matches the entry
    sizes = sorted(int(p.parent.parent.name.split("x")[0]) for p in
                   (ROOT / "resources" / "icons" / "hicolor").glob(f"*/apps/{APP_ID}.png"))
    assert sizes == [16, 24, 32, 48, 64, 128, 256, 512]
    check = subprocess.run([system_tool("appstreamcli"), "validate", "--no-net",
                            str(ROOT / "resources" / "linux" / f"{APP_ID}.metainfo.xml")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
