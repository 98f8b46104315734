"""The ``align-studio`` command: no subcommand opens the desktop app; subcommands are headless."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from align_studio import __version__

#: Exit codes, documented in docs/user-guide.md.
EXIT_OK = 0
EXIT_PROBLEMS = 1  # the command ran and found problems (invalid spec, failed cases…)
EXIT_USAGE = 2  # the command line was wrong
EXIT_ERROR = 3  # the command could not do its work (file unreadable, server unreachable…)

Runner = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Runner, str]] = {}


def command(name: str, help_text: str) -> Callable[[Callable[[argparse.ArgumentParser], None]],
                                                     Callable[[argparse.ArgumentParser], None]]:
    """Register a subcommand: decorate a function that adds its arguments; it sets ``func``."""

    def wrap(configure: Callable[[argparse.ArgumentParser], None]
             ) -> Callable[[argparse.ArgumentParser], None]:
        _COMMANDS[name] = (configure, lambda a: a.func(a), help_text)
        return configure

    return wrap


def _load_commands() -> None:
    # Imported for their registrations; each module holds one or a few subcommands.
    from align_studio.cli import specs  # noqa: F401
    from align_studio.cli import run  # noqa: F401
    from align_studio.cli import providers  # noqa: F401
    from align_studio.cli import grading  # noqa: F401
    from align_studio.cli import exchange  # noqa: F401
    from align_studio.cli import versions  # noqa: F401


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every subcommand."""
    _load_commands()
    parser = argparse.ArgumentParser(
        prog="align-studio",
        description="Align Studio: behavioral specifications for AI features. "
        "With no subcommand, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"align-studio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (configure, _runner, help_text) in sorted(_COMMANDS.items()):
        p = sub.add_parser(name, help=help_text, description=help_text)
        configure(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    _load_commands()
    if not args_list or (args_list[0] not in _COMMANDS and args_list[0] not in ("-h", "--help",
                                                                              "--version")):
        from align_studio.cli.gui import launch

        return launch(args_list)
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
