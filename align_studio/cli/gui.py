"""Opening the desktop app from the command line."""

from __future__ import annotations

import argparse


def launch(argv: list[str]) -> int:
    """Open the desktop app on a workspace (the example one by default)."""
    parser = argparse.ArgumentParser(prog="align-studio", add_help=True)
    parser.add_argument("workspace", nargs="?", help="a folder of specs")
    parser.add_argument("--smoke-test", action="store_true",
                        help="start offscreen, show each main screen, exit 0")
    args = parser.parse_args(argv)
    # Qt is imported here, at the one way from the command line into the desktop app.
    from align_studio.ui.app import run_app

    return run_app(args.workspace, smoke_test=args.smoke_test)
