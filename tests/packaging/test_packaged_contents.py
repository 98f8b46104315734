"""The packaged app carries the app, not the test tools installed beside it: with TRL,
torch, Inspect and the statistics references in the environment, optional imports of
pandas, fsspec and openai's extras pulled them in (1.4 GB, a 3.5-minute build)."""

from __future__ import annotations

from pathlib import Path

HEAVY = ("torch", "transformers", "accelerate", "datasets", "trl", "inspect_ai", "scipy",
         "pandas", "pyarrow", "sympy", "statsmodels", "sklearn")


def test_the_packaged_app_leaves_the_test_tools_out(packaged_app: Path) -> None:
    internal = packaged_app.parent / "_internal"
    present = sorted(p.name for p in internal.iterdir() if p.name in HEAVY)
    assert present == [], present
    size = sum(f.stat().st_size for f in packaged_app.parent.rglob("*") if f.is_file())
    assert size < 500 * 2**20, f"{size / 2**20:.0f} MB"  # measured: 330 MB
