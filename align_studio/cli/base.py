"""What every subcommand module shares: exit codes and the registration decorator.

Kept apart from :mod:`align_studio.cli` so that a subcommand module never imports the
package that dispatches to it (no import circle), and so that starting the desktop app
imports no subcommand at all.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

#: Exit codes, documented in docs/user-guide.md.
EXIT_OK = 0
EXIT_PROBLEMS = 1  # the command ran and found problems (invalid spec, failed cases…)
EXIT_USAGE = 2  # the command line was wrong
EXIT_ERROR = 3  # the command could not do its work (file unreadable, server unreachable…)

Configure = Callable[[argparse.ArgumentParser], None]
Runner = Callable[[argparse.Namespace], int]

#: Registered subcommands: name → (add its arguments, run it, one-line help).
COMMANDS: dict[str, tuple[Configure, Runner, str]] = {}


def command(name: str, help_text: str) -> Callable[[Configure], Configure]:
    """Register a subcommand: decorate a function that adds its arguments; it sets ``func``."""

    def wrap(configure: Configure) -> Configure:
        COMMANDS[name] = (configure, lambda a: a.func(a), help_text)
        return configure

    return wrap
