"""``align-studio providers``: list, test, add and remove provider profiles; store keys."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys

from align_studio.appdirs import setup_logging
from align_studio.cli.base import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, command
from align_studio.providers.connection import check_connection
from align_studio.providers.presets import PRESETS
from align_studio.providers.profiles import ProfileError, ProfileStore, profile_from_preset
from align_studio.providers.redact import mask_key
from align_studio.providers.secrets import Keychain, SecretsError, SessionKeys, key_status

log = logging.getLogger(__name__)


@command("providers", "List provider profiles, test connections, add or remove profiles, "
                      "store API keys in the keychain.")
def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``providers`` arguments."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = (
        "examples:\n"
        "  align-studio providers add Local --preset ollama\n"
        "  align-studio providers add Work --preset openai --api-key-env WORK_OPENAI_KEY\n"
        "  align-studio providers set-key Work      (reads the key; it goes to the keychain)\n"
        "  align-studio providers --test            (exit 1 when a connection fails)")
    parser.add_argument("--test", nargs="?", const="", default=None, metavar="NAME",
                        help="test the connection of every profile, or of NAME")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.add_parser("list", help="list profiles and where their keys come from (default)")
    add = sub.add_parser("add", help="add a profile from a preset")
    add.add_argument("name")
    add.add_argument("--preset", required=True, choices=list(PRESETS),
                     help="starting values: " + ", ".join(
                         f"{p.id} ({p.label})" for p in PRESETS.values()))
    add.add_argument("--base-url", help="the server's OpenAI-compatible base URL")
    add.add_argument("--api-key-env", metavar="VAR",
                     help="name of an environment variable that holds the key")
    remove = sub.add_parser("remove", help="remove a profile and its stored key")
    remove.add_argument("name")
    set_key = sub.add_parser("set-key", help="store a profile's key in the keychain "
                                             "(read from standard input or typed)")
    set_key.add_argument("name")
    delete_key = sub.add_parser("delete-key", help="remove a profile's key from the keychain")
    delete_key.add_argument("name")
    sub.add_parser("presets", help="list the presets")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``align-studio providers``; returns the exit code."""
    setup_logging()
    action = args.action or ("test" if args.test is not None else "list")
    try:
        if action == "presets":
            return _presets()
        store = _store()
        if action == "list" and args.test is None:
            return _list(store)
        if action in ("list", "test"):
            return _test(store, args.test or None)
        if action == "add":
            return _add(store, args)
        if action == "remove":
            store.remove(args.name)
            print(f"Removed provider profile '{args.name}'.")
            return EXIT_OK
        if action == "set-key":
            return _set_key(store, args.name)
        if action == "delete-key":
            return _delete_key(store, args.name)
    except (ProfileError, SecretsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"error: unknown action {action!r}", file=sys.stderr)  # pragma: no cover
    return EXIT_ERROR


def _store() -> ProfileStore:
    store = ProfileStore(keychain=Keychain())
    for problem in store.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return store


def _presets() -> int:
    for preset in PRESETS.values():
        key = "key needed" if preset.key_required else "no key needed"
        print(f"{preset.id:<11} {preset.label:<26} {preset.base_url}  ({key})")
    return EXIT_OK


def _list(store: ProfileStore) -> int:
    profiles = store.list()
    if not profiles:
        print(f"No provider profiles yet (settings: {store.path}). "
              "Add one with: align-studio providers add NAME --preset ollama")
        return EXIT_ERROR if store.problems else EXIT_OK
    keychain = Keychain()
    rows = [("NAME", "PRESET", "BASE URL", "KEY")]
    notes: set[str] = set()
    for p in profiles:
        status = key_status(p, keychain=keychain, session_keys=SessionKeys())
        if status.keychain_problem:
            notes.add(status.keychain_problem)
        rows.append((p.name, p.preset, p.base_url, str(status)))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}")
    for note in sorted(notes):
        print(f"note: {note}", file=sys.stderr)
    return EXIT_ERROR if store.problems else EXIT_OK


def _test(store: ProfileStore, name: str | None) -> int:
    profiles = [store.get(name)] if name else store.list()
    if not profiles:
        print("No provider profiles to test.", file=sys.stderr)
        return EXIT_ERROR
    keychain = Keychain()
    failed = 0
    for p in profiles:
        result = check_connection(p, keychain=keychain)
        mark = "ok  " if result.ok else "FAIL"
        print(f"{mark} {p.name}: {result.message}")
        if result.ok and result.models:
            shown = ", ".join(result.models[:10])
            more = f" (+{len(result.models) - 10} more)" if len(result.models) > 10 else ""
            print(f"     models: {shown}{more}")
        if not result.ok:
            failed += 1
            log.warning("connection test of %r failed: %s", p.name, result.message)
    return EXIT_PROBLEMS if failed else EXIT_OK


def _add(store: ProfileStore, args: argparse.Namespace) -> int:
    profile = profile_from_preset(args.name, args.preset, base_url=args.base_url,
                                  api_key_env=args.api_key_env)
    store.add(profile)
    print(f"Added provider profile '{profile.name}' ({PRESETS[profile.preset].label}, "
          f"{profile.base_url}).")
    if profile.key_required and not profile.api_key_env:
        print(f"Next: store its key with  align-studio providers set-key {profile.name}")
    return EXIT_OK


def _read_key(prompt: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip() if sys.stdin is not None else ""


def _set_key(store: ProfileStore, name: str) -> int:
    profile = store.get(name)
    keychain = Keychain()
    reason = keychain.unavailable_reason()
    if reason:  # say so before the user types the key
        print(f"error: {reason}", file=sys.stderr)
        return EXIT_ERROR
    key = _read_key(f"API key for '{profile.name}' (not shown): ").strip()
    if not key:
        print("error: no key was given; nothing was stored.", file=sys.stderr)
        return EXIT_ERROR
    keychain.set(profile.name, key)
    print(f"Stored the key for '{profile.name}' in the keychain ({mask_key(key)}).")
    return EXIT_OK


def _delete_key(store: ProfileStore, name: str) -> int:
    profile = store.get(name)
    removed = Keychain().delete(profile.name)
    print(f"Removed the key of '{profile.name}' from the keychain." if removed
          else f"No key of '{profile.name}' was in the keychain.")
    return EXIT_OK
