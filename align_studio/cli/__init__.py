"""The ``align-studio`` command: no subcommand opens the desktop app; subcommands are headless.

Each subcommand lives in one module of this package and registers itself with
:func:`align_studio.cli.base.command`. :data:`SUBCOMMANDS` names the module of each, so that
a command imports only what it runs — and the desktop app, started with no subcommand,
imports none of them (pydantic, httpx, openai and dulwich stay out of its start-up).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from align_studio import __version__
from align_studio.cli.base import (
    COMMANDS,
    EXIT_ERROR,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    command,
)

#: Subcommand → the module (in this package) that registers it. A test checks that this
#: table and the registrations agree.
SUBCOMMANDS: dict[str, str] = {
    "validate": "specs", "show": "specs", "new": "specs",
    "run": "run",
    "providers": "providers",
    "lint": "grading", "agreement": "grading", "grade": "grading", "coverage": "grading",
    "calibrate": "calibration",
    "export": "exchange", "import": "imports",
    "review": "review",
    "save-version": "versions", "history": "versions", "diff": "versions",
    "restore": "versions", "remote": "versions", "pull": "versions", "push": "versions",
    "generate": "generation", "inbox": "generation", "revise": "revise", "prompt": "revise",
    "ab": "compare", "stability": "compare", "bisect": "compare",
}


def load_commands(names: Sequence[str] | None = None) -> None:
    """Import the modules that register ``names`` (every subcommand when ``None``)."""
    modules = sorted(set(SUBCOMMANDS.values()) if names is None
                     else {SUBCOMMANDS[n] for n in names})
    for module in modules:
        importlib.import_module(f"{__name__}.{module}")


def build_parser(names: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser with ``names`` (every subcommand when ``None``)."""
    load_commands(names)
    parser = argparse.ArgumentParser(
        prog="align-studio",
        description="Align Studio: behavioral specifications for AI features. "
        "With no subcommand, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"align-studio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in sorted(SUBCOMMANDS if names is None else names):
        configure, _runner, help_text = COMMANDS[name]
        p = sub.add_parser(name, help=help_text, description=help_text)
        configure(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = args_list[0] if args_list else None
    if first is None or (first not in SUBCOMMANDS and first not in ("-h", "--help",
                                                                    "--version")):
        from align_studio.cli.gui import launch  # the window needs no subcommand module

        return launch(args_list)
    # --version needs no subcommand module; --help lists them all.
    wanted = [first] if first in SUBCOMMANDS else [] if first == "--version" else None
    parser = build_parser(wanted)
    args = parser.parse_args(args_list)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "SUBCOMMANDS", "build_parser",
           "command", "load_commands", "main"]
