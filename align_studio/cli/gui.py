"""Opening the desktop app from the command line."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path


def launch(argv: list[str]) -> int:
    """Open the desktop app on a workspace (the example one by default)."""
    parser = argparse.ArgumentParser(prog="align-studio", add_help=True)
    parser.add_argument("workspace", nargs="?", help="a folder of specs")
    parser.add_argument("--smoke-test", action="store_true",
                        help="start offscreen, show each main screen, exit 0")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("align_studio.ui.app") is not None:
        from align_studio.ui.app import run_app

        return run_app(args.workspace, smoke_test=args.smoke_test)
    # Until the desktop app lands, show what it would open.
    from align_studio.cli.specs import print_workspace

    return print_workspace(Path(args.workspace or "specs"))
