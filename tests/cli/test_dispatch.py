"""The command line imports only the subcommand it runs, and the table of subcommands is true."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from align_studio.cli import SUBCOMMANDS, load_commands
from align_studio.cli.base import COMMANDS

ROOT = Path(__file__).resolve().parents[2]


def test_every_registered_subcommand_is_in_the_table_and_no_other() -> None:
    load_commands()
    assert sorted(COMMANDS) == sorted(SUBCOMMANDS)


def test_each_table_entry_names_the_module_that_registers_it() -> None:
    load_commands()
    for name, module in SUBCOMMANDS.items():
        configure = COMMANDS[name][0]
        assert configure.__module__ == f"align_studio.cli.{module}", name


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\n"
                          "print('\\n'.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    return set(out.stdout.split())


def test_starting_the_app_imports_no_subcommand_module() -> None:
    # What `align-studio` (no subcommand) imports before it hands over to the window.
    mods = _modules_after("import align_studio.cli, align_studio.cli.gui")
    subcommand_modules = {f"align_studio.cli.{m}" for m in SUBCOMMANDS.values()}
    assert not mods & subcommand_modules
    assert not mods & {"pydantic", "httpx", "openai", "dulwich"}


def test_a_subcommand_imports_only_its_own_module() -> None:
    mods = _modules_after("from align_studio.cli import build_parser\nbuild_parser(['validate'])")
    assert "align_studio.cli.specs" in mods
    assert not mods & {"align_studio.cli.run", "align_studio.cli.versions", "openai", "dulwich"}
