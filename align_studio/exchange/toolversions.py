"""The versions of engineers' tools the bundle's instructions pin: the ones we checked.

Tests hold these to the pins of ``dev.py`` (promptfoo) and of the ``test`` extra of
``pyproject.toml`` (the trainers), which CI installs and runs.
"""

from __future__ import annotations

#: promptfoo, as ``dev.py`` installs it for the opt-in promptfoo tests (PROMPTFOO_VERSION).
PROMPTFOO = "0.123.1"
#: promptfoo 0.123.1 needs Node.js 22 or newer.
NODE_MAJOR = 22
#: The trainers the exported training files were run with (tests/exchange/test_trl_trainers).
TRL = "1.16.0"
TRANSFORMERS = "5.23.0"
TORCH = "2.13.0"
DATASETS = "5.2.0"
