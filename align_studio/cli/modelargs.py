"""What the generation, revision, A/B, stability and bisection commands share: loading the
spec, the run store, and the endpoint of a model (a target's provider profile, or ad hoc
``--base-url`` with ``--api-key-env``). Not a subcommand."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from align_studio.cli.base import EXIT_ERROR
from align_studio.domain import Spec
from align_studio.providers.connection import resolve_endpoint
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.redact import redact
from align_studio.storage import SpecFile
from align_studio.storage.errors import SpecLoadError
from align_studio.storage.runstore import RunStore
from align_studio.storage.workspace import workspace_of


def fail(name: str, message: str, code: int = EXIT_ERROR) -> int:
    """Print ``align-studio NAME: message`` (redacted) to stderr; return ``code``."""
    print(f"align-studio {name}: {redact(message)}", file=sys.stderr)
    return code


def add_model_args(p: argparse.ArgumentParser, *, store: bool = True) -> None:
    """``--base-url``, ``--api-key-env``, ``--concurrency`` (and ``--workspace``,
    ``--no-store``)."""
    p.add_argument("--base-url", help="ad hoc: an OpenAI-compatible URL for every model "
                   "(default: each target's provider profile)")
    p.add_argument("--api-key-env", metavar="VAR", help="ad hoc: the variable holding its key")
    p.add_argument("--concurrency", type=int, help="requests in flight")
    if store:
        p.add_argument("--workspace", help="the workspace folder whose run store records "
                       "the requests (default: found from the spec's folder)")
        p.add_argument("--no-store", action="store_true", help="record nothing in the run "
                       "store (and use no cached answers)")


def load_file(name: str, path: str) -> SpecFile | int:
    """The spec file, or an exit code after printing its problems (file:line:column)."""
    try:
        return SpecFile.load(path)
    except SpecLoadError as exc:
        for pr in exc.problems:
            print(pr, file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        return fail(name, str(exc))


def open_store(args: argparse.Namespace) -> RunStore | None:
    """The workspace's run store (created if needed), or None with ``--no-store``."""
    if getattr(args, "no_store", True):
        return None
    ws = Path(args.workspace) if args.workspace else workspace_of(args.spec)
    return RunStore.for_workspace(ws)


def endpoint(spec: Spec, target_id: str, args: argparse.Namespace) -> Endpoint:
    """The endpoint of a target: ad hoc ``--base-url`` or its provider profile.

    Raises LookupError (a missing target or variable), or the profile's own errors, whose
    messages say what to do."""
    target = spec.target(target_id)
    if target is None:
        raise LookupError(f"the spec has no target '{target_id}'")
    if args.base_url:
        key = os.environ.get(args.api_key_env, "") if args.api_key_env else ""
        if args.api_key_env and not key:
            raise LookupError(f"the environment variable {args.api_key_env} is not set")
        ep = Endpoint(args.base_url, key or "no-key")
    else:
        ep = resolve_endpoint(target.provider, model=target.model)
    return replace(ep, concurrency=args.concurrency) if args.concurrency else ep
