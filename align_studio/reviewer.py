"""The name written on judgments when the reviewer gave none.

Standard library only: the window reads it before its first paint, and the terminal review
from the command line.
"""

from __future__ import annotations

import getpass


def default_reviewer(name: str | None) -> str:
    """``name`` when given, else the OS login name (the window's Settings → Reviewer name
    and the terminal review's ``--reviewer`` both fall back to it), else ``"reviewer"``."""
    name = (name or "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in this environment
        return "reviewer"
