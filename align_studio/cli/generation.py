"""The ``generate`` and ``inbox`` subcommands: generated cases, from the terminal.

``align-studio generate SPEC --target T [--behavior B …] [--kind K …] [--count N]
[--paraphrase CASE …]`` asks target T for cases and adds them to the spec's inbox
(``.<spec>.inbox.yaml`` beside it), dropping near-duplicates. ``align-studio inbox SPEC``
lists what waits there with its diversity; ``inbox SPEC accept ID…|--all`` moves items into
the spec, ``inbox SPEC discard ID…`` sets them aside, ``inbox SPEC edit ID --title …``
changes one.

Exit codes: 0 done; 1 done, but some answers could not be used (each is printed);
3 could not do its work (no such spec, target, item; the server unreachable for all).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from align_studio.cli.base import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, command
from align_studio.cli.modelargs import add_model_args, endpoint, fail, load_file, open_store
from align_studio.domain import Spec
from align_studio.generation.asking import ModelClient
from align_studio.generation.generate import generate
from align_studio.generation.inbox import Inbox, InboxError, InboxItem, accept_command
from align_studio.generation.prompts import KINDS
from align_studio.storage import SpecFile


@command("generate", "generate test cases per behavior with a chosen model into the inbox")
def _configure_generate(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a spec file")
    p.add_argument("--target", help="the generating target (default: the spec's first)")
    p.add_argument("--behavior", action="append", metavar="ID", help="a behavior to "
                   "generate for (repeat; default: every behavior)")
    p.add_argument("--kind", action="append", choices=KINDS, help="a kind of case "
                   "(repeat; default: every kind; contrast only for refuse behaviors)")
    p.add_argument("--count", type=int, default=3, help="cases asked per behavior and kind")
    p.add_argument("--paraphrase", action="append", metavar="CASE", default=[],
                   help="also paraphrase this case (repeat)")
    p.add_argument("--only-paraphrase", action="store_true", help="paraphrase only")
    p.add_argument("--refresh", action="store_true", help="ask again (no cached answers)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_model_args(p)
    p.set_defaults(func=_generate)


def _generate(args: argparse.Namespace) -> int:
    sf = load_file("generate", args.spec)
    if isinstance(sf, int):
        return sf
    spec = sf.spec
    tid = args.target or (spec.targets[0].id if spec.targets else "")
    store = open_store(args)
    try:
        client = ModelClient(spec, tid, endpoint(spec, tid, args), store,
                             purpose="generate", max_concurrency=args.concurrency)
        behaviors = [] if args.only_paraphrase else args.behavior
        gen = generate(spec, client, behaviors, args.kind or KINDS, args.count,
                       args.paraphrase, refresh=args.refresh)
        inbox = Inbox.load(args.spec, spec.id)
    except (LookupError, InboxError) as exc:
        return fail("generate", str(exc))
    finally:
        if store is not None:
            store.close()
    report = inbox.add(gen.candidates, spec)
    inbox.save()
    if args.json:
        print(json.dumps({"requests": gen.requests, "generated": len(gen.candidates),
                          "added": report.added, "duplicates": [
                              {"item": i, "of": of, "similarity": s}
                              for i, of, s in report.duplicates],
                          "problems": gen.problems, "inbox": str(inbox.path)}, indent=2))
    else:
        print(f"asked {gen.requests} request(s) of {tid} ({client.model}): "
              f"{len(gen.candidates)} case(s) generated, {len(report.added)} added to "
              f"{inbox.path.name}, {len(report.duplicates)} near-duplicate(s) dropped")
        for iid, of, sim in report.duplicates:
            print(f"  dropped {iid}: like {of} (similarity {sim:.2f})")
        for problem in gen.problems:
            print(f"  problem: {problem}")
    if gen.problems and not gen.candidates and gen.requests:
        return EXIT_ERROR
    return EXIT_PROBLEMS if gen.problems else EXIT_OK


@command("inbox", "list, accept, edit or discard the generated cases waiting in the inbox")
def _configure_inbox(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC", help="a spec file")
    p.add_argument("action", nargs="?", default="list",
                   choices=["list", "accept", "discard", "edit"])
    p.add_argument("ids", nargs="*", metavar="ID", help="inbox item ids")
    p.add_argument("--all", action="store_true", help="accept or discard every pending item")
    p.add_argument("--title", help="edit: the new title")
    p.add_argument("--user", help="edit: the new text of the last user turn")
    p.add_argument("--expected", help="edit: comply, refuse, clarify or partial")
    p.add_argument("--category", help="edit: the case's category")
    p.add_argument("--notes", help="edit: notes for reviewers")
    p.add_argument("--json", action="store_true", help="list: print the inbox as JSON")
    p.set_defaults(func=_inbox)


def _line(it: InboxItem) -> str:
    c = it.to_case()
    return (f"{it.id}  [{c.category.value}] {','.join(c.behaviors) or '-'}  "
            f"{c.expected.value if c.expected else '-'}  {it.provenance.generator}  "
            f"{c.title + ': ' if c.title else ''}{c.last_user_message()!r}")


def _list(inbox: Inbox, spec: Spec, as_json: bool) -> int:
    div = inbox.diversity(spec)
    pending = inbox.pending(spec)
    if as_json:
        data: dict[str, Any] = {"diversity": vars(div), "pending": [
            it.model_dump(mode="json", exclude_none=True) for it in pending]}
        print(json.dumps(data, indent=2))
        return EXIT_OK
    dist = "n/a" if div.mean_distance is None else f"{div.mean_distance:.2f}"
    print(f"inbox of {spec.id}: {div.pending} pending, {div.discarded} discarded, "
          f"{div.accepted} accepted")
    print(f"diversity: mean pairwise distance {dist}; categories: "
          + (", ".join(f"{k} {v}" for k, v in sorted(div.per_category.items())) or "-")
          + "; kinds: " + (", ".join(f"{k} {v}" for k, v in sorted(div.per_kind.items()))
                          or "-"))
    for it in pending:
        print(f"  {_line(it)}")
    return EXIT_OK


def _inbox(args: argparse.Namespace) -> int:
    sf = load_file("inbox", args.spec)
    if isinstance(sf, int):
        return sf
    try:
        inbox = Inbox.load(args.spec, sf.spec.id)
        if args.action == "list":
            return _list(inbox, sf.spec, args.json)
        ids = [it.id for it in inbox.pending(sf.spec)] if args.all else args.ids
        if not ids:
            return fail("inbox", f"{args.action}: name item ids (or --all)", EXIT_USAGE)
        items = [inbox.item(i) for i in ids]
        if args.action == "accept":
            return _accept(sf, items)
        if args.action == "discard":
            inbox.discard(ids)
            inbox.save()
            print(f"discarded {len(ids)} item(s)")
            return EXIT_OK
        if len(ids) != 1:
            return fail("inbox", "edit: name exactly one item", EXIT_USAGE)
        changes: dict[str, Any] = {k: getattr(args, k) for k in
                                   ("title", "expected", "category", "notes")
                                   if getattr(args, k) is not None}
        if args.user is not None:
            msgs = [dict(m) for m in items[0].case.get("messages", [])]
            last = max((i for i, m in enumerate(msgs) if m.get("role") == "user"), default=None)
            if last is None:
                msgs.append({"role": "user", "content": args.user})
            else:
                msgs[last]["content"] = args.user
            changes["messages"] = msgs
        inbox.edit(ids[0], changes)
        inbox.save()
        print(f"edited {ids[0]}: {_line(inbox.item(ids[0]))}")
        return EXIT_OK
    except InboxError as exc:
        return fail("inbox", str(exc))


def _accept(sf: SpecFile, items: list[InboxItem]) -> int:
    taken = {c.generated.item for c in sf.spec.cases if c.generated}
    already = [it.id for it in items if it.id in taken]
    if already:
        return fail("inbox", f"already in the spec: {', '.join(already)}")

    def edit(spec: Spec) -> list[str]:
        cmd, ids = accept_command(spec, items)
        cmd.redo()
        return ids

    try:
        ids = sf.update(edit)
    except OSError as exc:
        return fail("inbox", str(exc))
    print(f"accepted {len(ids)} case(s) into {sf.path.name}: {', '.join(ids)}")
    return EXIT_OK
