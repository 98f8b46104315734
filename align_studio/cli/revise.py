"""The ``revise`` and ``prompt`` subcommands.

``align-studio revise SPEC --reviser T [--case C --response R]`` asks target T to critique
each rejected answer (or the one named) against the behaviors it breaks and to rewrite
it, and prints critique and rewrite. ``--accept`` records the rewrite (``--text-file F``:
your edited version of it; one answer only) as a new response with its provenance and a
preference for it over the rejected answer — so the DPO export pairs them.

``align-studio prompt SPEC`` prints the spec compiled into a system prompt (sections by
authority, then kind); ``--save-variant ID`` stores it as a prompt variant, ``--from-file F``
stores your edited text instead.

Exit codes: 0 done; 1 some answers could not be revised (each is printed); 3 could not do
its work.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from align_studio.cli.base import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, command
from align_studio.cli.modelargs import add_model_args, endpoint, fail, load_file, open_store
from align_studio.domain import Spec
from align_studio.generation.asking import ModelClient
from align_studio.generation.revision import (
    RevisionError,
    RevisionProposal,
    accept_revision_command,
    propose_revisions,
    rejected_answers,
)
from align_studio.generation.system_prompt import add_variant_command, compile_prompt
from align_studio.reviewer import default_reviewer

REVIEWER_ENV = "ALIGN_STUDIO_REVIEWER"


@command("revise", "critique rejected answers against the spec and rewrite them; accept a "
         "rewrite as the preferred answer")
def _configure_revise(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a spec file")
    p.add_argument("--reviser", help="the revising target (default: the spec's first)")
    p.add_argument("--case", help="only this case's rejected answers")
    p.add_argument("--response", help="only this rejected response (with --case)")
    p.add_argument("--accept", action="store_true", help="record the rewrite(s) in the spec")
    p.add_argument("--text-file", metavar="F", help="with --accept: your edited rewrite")
    p.add_argument("--reviewer", help=f"the name on the preference (default: "
                   f"${REVIEWER_ENV}, else your login name)")
    p.add_argument("--refresh", action="store_true", help="ask again (no cached answers)")
    p.add_argument("--json", action="store_true", help="print the proposals as JSON")
    add_model_args(p)
    p.set_defaults(func=_revise)


def _revise(args: argparse.Namespace) -> int:
    sf = load_file("revise", args.spec)
    if isinstance(sf, int):
        return sf
    spec = sf.spec
    pairs = [(c.id, r.id) for c, r in rejected_answers(spec, [args.case] if args.case else None)
             if args.response is None or r.id == args.response]
    if args.case and args.response and not pairs:
        pairs = [(args.case, args.response)]  # so that the message says why not
    if not pairs:
        return fail("revise", "no rejected answer to revise")
    if args.text_file and len(pairs) != 1:
        return fail("revise", "--text-file needs one answer: name --case and --response",
                    EXIT_USAGE)
    tid = args.reviser or (spec.targets[0].id if spec.targets else "")
    store = open_store(args)
    try:
        client = ModelClient(spec, tid, endpoint(spec, tid, args), store, purpose="revise",
                             max_concurrency=args.concurrency)
        results = propose_revisions(spec, client, pairs, refresh=args.refresh)
    except (LookupError, RevisionError) as exc:
        return fail("revise", str(exc))
    finally:
        if store is not None:
            store.close()
    proposals = [r for r in results if isinstance(r, RevisionProposal)]
    problems = [r for r in results if isinstance(r, str)]
    accepted: list[str] = []
    if args.accept and proposals:
        try:
            text = Path(args.text_file).read_text(encoding="utf-8") if args.text_file \
                else None
        except OSError as exc:
            return fail("revise", str(exc))
        reviewer = default_reviewer(args.reviewer or os.environ.get(REVIEWER_ENV))

        def edit(s: Spec) -> list[str]:
            ids = []
            for prop in proposals:
                cmd, rid = accept_revision_command(s, prop, text=text, reviewer=reviewer)
                cmd.redo()
                ids.append(rid)
            return ids

        try:
            accepted = sf.update(edit)
        except (RevisionError, OSError) as exc:
            return fail("revise", str(exc))
    _report(proposals, problems, accepted, args.json)
    if problems and not proposals:
        return EXIT_ERROR
    return EXIT_PROBLEMS if problems else EXIT_OK


def _report(proposals: list[RevisionProposal], problems: list[str], accepted: list[str],
            as_json: bool) -> None:
    if as_json:
        print(json.dumps({"proposals": [
            {"case": p.case_id, "response": p.response_id, "critique": p.critique,
             "behaviors": list(p.behaviors), "revision": p.text, "reviser": p.reviser,
             "model": p.model} for p in proposals], "problems": problems,
            "accepted": accepted}, indent=2))
        return
    for p in proposals:
        print(f"{p.case_id} / {p.response_id} (revised by {p.reviser}, {p.model})")
        print(f"  critique: {p.critique or '-'}")
        print(f"  breaks: {', '.join(p.behaviors) or '-'}")
        print("  revision:")
        for line in p.text.splitlines() or [""]:
            print(f"    {line}")
    for problem in problems:
        print(f"problem: {problem}")
    if accepted:
        print(f"accepted: {', '.join(accepted)} (preferred over the rejected answer)")


@command("prompt", "compile the spec's behaviors into a system prompt; save it as a variant")
def _configure_prompt(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a spec file")
    p.add_argument("--save-variant", metavar="ID", help="store the prompt as this variant")
    p.add_argument("--label", help="the variant's label")
    p.add_argument("--from-file", metavar="F", help="with --save-variant: store this text "
                   "(your edited prompt) instead")
    p.add_argument("--no-rationale", action="store_true", help="leave the rationales out")
    p.set_defaults(func=_prompt)


def _prompt(args: argparse.Namespace) -> int:
    sf = load_file("prompt", args.spec)
    if isinstance(sf, int):
        return sf
    text = compile_prompt(sf.spec, rationale=not args.no_rationale)
    if args.from_file:
        if not args.save_variant:
            return fail("prompt", "--from-file needs --save-variant", EXIT_USAGE)
        try:
            text = Path(args.from_file).read_text(encoding="utf-8")
        except OSError as exc:
            return fail("prompt", str(exc))
    if not args.save_variant:
        print(text, end="")
        return EXIT_OK
    compiled = not args.from_file
    try:
        sf.update(lambda s: add_variant_command(s, args.save_variant, text, args.label,
                                                compiled=compiled).redo())
    except OSError as exc:
        return fail("prompt", str(exc))
    print(f"saved prompt variant '{args.save_variant}' in {sf.path.name}")
    return EXIT_OK
