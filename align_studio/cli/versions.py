"""Subcommands about versions: ``save-version``, ``history``, ``diff``, ``restore``,
``remote``, ``pull`` and ``push``."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from align_studio.cli.base import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, command
from align_studio.providers.secrets import Keychain, SecretsError
from align_studio.storage import SpecLoadError
from align_studio.storage.errors import SpecChangedOnDisk
from align_studio.versions.history import history
from align_studio.versions.remote import remote_url, set_remote, store_secret
from align_studio.versions.render import format_diff
from align_studio.versions.repo import VersionsError, WorkspaceRepo
from align_studio.versions.restore import restore_version
from align_studio.versions.save import NothingToSave, save_version
from align_studio.versions.semantic_diff import compare
from align_studio.versions.sync import conflict_ref, pull, push

#: The author name when ``--author`` is not given (the app keeps it in its settings).
AUTHOR_ENV = "ALIGN_STUDIO_AUTHOR"
_ERRORS = (VersionsError, SpecLoadError, SpecChangedOnDisk, SecretsError, OSError)


def _author(args: argparse.Namespace) -> str:
    return (getattr(args, "author", None) or os.environ.get(AUTHOR_ENV)
            or getpass.getuser() or "Align Studio user")


def _fail(exc: BaseException) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return EXIT_ERROR


def _spec_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a spec file inside the workspace")
    p.add_argument("--workspace", metavar="DIR", help="the workspace folder (default: the "
                   "spec's folder)")


@command("save-version", "save the spec as a new version (bumps its version, adds a "
                         "changelog line, commits it)")
def _configure_save(p: argparse.ArgumentParser) -> None:
    _spec_arg(p)
    p.add_argument("-m", "--message", required=True, help="what changed in this version")
    p.add_argument("--author", help=f"your name (default: ${AUTHOR_ENV} or your user name)")
    p.set_defaults(func=_save)


def _save(args: argparse.Namespace) -> int:
    try:
        v = save_version(args.spec, args.message, _author(args), workspace=args.workspace)
    except NothingToSave as exc:
        print(str(exc))
        return EXIT_PROBLEMS
    except _ERRORS as exc:
        return _fail(exc)
    print(f"saved version {v.spec_version} of {Path(args.spec).name} ({v.short})")
    return EXIT_OK


@command("history", "list the saved versions of a spec, newest first")
def _configure_history(p: argparse.ArgumentParser) -> None:
    _spec_arg(p)
    p.add_argument("--limit", type=int, help="show at most this many versions")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_history)


def _history(args: argparse.Namespace) -> int:
    try:
        repo = WorkspaceRepo.for_file(args.spec, args.workspace)
        versions = history(repo, Path(args.spec).resolve(), limit=args.limit)
    except _ERRORS as exc:
        return _fail(exc)
    if args.json:
        print(json.dumps([v.to_json() for v in versions], indent=2))
        return EXIT_OK
    if not versions:
        print(f"{Path(args.spec).name} has no saved versions")
    for v in versions:
        number = f"v{v.spec_version}" if v.spec_version is not None else "v?"
        print(f"{number:>5}  {v.short}  {v.date:%Y-%m-%d %H:%M}  {v.author}: {v.title}")
        if v.problem:
            print(f"       ! {v.problem}")
    return EXIT_OK


@command("diff", "what changed between two versions of a spec (default: last saved "
                 "version → the file)")
def _configure_diff(p: argparse.ArgumentParser) -> None:
    _spec_arg(p)
    p.add_argument("rev_a", nargs="?", metavar="REV_A",
                   help="a version: vN (version number), a commit id, HEAD~N, or 'working' "
                   "(default: the last saved version)")
    p.add_argument("rev_b", nargs="?", metavar="REV_B", help="default: the working file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_diff)


def _diff(args: argparse.Namespace) -> int:
    try:
        repo = WorkspaceRepo.for_file(args.spec, args.workspace)
        diff = compare(repo, Path(args.spec).resolve(), args.rev_a, args.rev_b)
    except _ERRORS as exc:
        return _fail(exc)
    if args.json:
        print(json.dumps(diff.to_json(), indent=2, default=str))
    else:
        sys.stdout.write(format_diff(diff))
    return EXIT_OK


@command("restore", "make a new version whose content is an old version")
def _configure_restore(p: argparse.ArgumentParser) -> None:
    _spec_arg(p)
    p.add_argument("rev", metavar="REV", help="the version to restore (vN or a commit id)")
    p.add_argument("--author", help=f"your name (default: ${AUTHOR_ENV} or your user name)")
    p.set_defaults(func=_restore)


def _restore(args: argparse.Namespace) -> int:
    try:
        v = restore_version(args.spec, args.rev, _author(args), workspace=args.workspace)
    except _ERRORS as exc:
        return _fail(exc)
    print(f"restored as version {v.spec_version} ({v.short}): {v.title}")
    return EXIT_OK


def _ws_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", metavar="DIR", default=".", help="the workspace folder")
    p.add_argument("--remote", default="origin", help="the remote's name (default: origin)")


@command("remote", "show or set the workspace's remote; the token goes to the keychain")
def _configure_remote(p: argparse.ArgumentParser) -> None:
    _ws_args(p)
    p.add_argument("url", nargs="?", metavar="URL", help="HTTPS or SSH address to set")
    p.add_argument("--token-env", metavar="VAR",
                   help="store the token held by this environment variable in the keychain")
    p.set_defaults(func=_remote)


def _remote(args: argparse.Namespace) -> int:
    try:
        repo = WorkspaceRepo.open(args.workspace, create=bool(args.url))
        if args.url:
            set_remote(repo, args.url, args.remote)
        url = remote_url(repo, args.remote)
        if args.token_env:
            token = os.environ.get(args.token_env, "")
            if not token:
                print(f"error: ${args.token_env} is empty", file=sys.stderr)
                return EXIT_USAGE
            store_secret(url, token, Keychain())
            print("token stored in the keychain")
    except _ERRORS as exc:
        return _fail(exc)
    print(f"{args.remote}: {url}")
    return EXIT_OK


@command("pull", "bring in the remote's versions, merging specs edited on both sides")
def _configure_pull(p: argparse.ArgumentParser) -> None:
    _ws_args(p)
    p.add_argument("--take", choices=("ours", "theirs"),
                   help="settle every overlapping edit with this side (default: list them "
                   "and change nothing)")
    p.add_argument("--author", help=f"your name (default: ${AUTHOR_ENV} or your user name)")
    p.set_defaults(func=_pull)


def _pull(args: argparse.Namespace) -> int:
    try:
        repo = WorkspaceRepo.open(args.workspace)
        result = pull(repo, args.remote, author=_author(args), keychain=Keychain())
        if result.status == "conflicts":
            if not args.take:
                print(f"{result.message}; nothing was changed:")
                for c in result.conflicts:
                    print(f"  {conflict_ref(c)}\n    ours:   {c.ours!r}\n    theirs: "
                          f"{c.theirs!r}")
                print("choose in the app, or pull again with --take ours|theirs")
                return EXIT_PROBLEMS
            result = result.complete([args.take] * len(result.conflicts), _author(args))
    except _ERRORS as exc:
        return _fail(exc)
    print(result.message)
    return EXIT_OK


@command("push", "send the saved versions to the remote")
def _configure_push(p: argparse.ArgumentParser) -> None:
    _ws_args(p)
    p.set_defaults(func=_push)


def _push(args: argparse.Namespace) -> int:
    try:
        repo = WorkspaceRepo.open(args.workspace)
        print(push(repo, args.remote, keychain=Keychain()))
    except _ERRORS as exc:
        return _fail(exc)
    return EXIT_OK
