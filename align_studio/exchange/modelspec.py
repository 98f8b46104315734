"""A Markdown document in the OpenAI Model Spec's own example format.

The layout follows the Model Spec's source (github.com/openai/model_spec, ``model_spec.md``):

- a section per behavior, ``## Heading {#behavior-id authority=root}``, whose
  ``authority`` is the Model Spec's chain of command: our ``platform`` is its ``root``;
  ``developer``, ``user`` and ``guideline`` keep their names; a behavior without an
  authority gets no attribute;
- the statement as prose, the rationale as a ``!!! meta "Rationale"`` block;
- every case (none is left out) as ``**Example**: title`` followed by a ``~~~xml`` block of
  turns: the spec's system prompt as ``<developer>`` (it is the product's developer
  message), the case's own system turns as ``<system>``, then ``<user>``, ``<assistant>`` and
  ``<tool>`` turns; the judged answers to that prompt side by side in one
  ``<comparison>``, each ``<assistant> <!-- GOOD: reason -->`` or ``<!-- BAD: reason -->``.

A case goes under the first behavior it links (the others get a "See also" line); cases
that link none go to a last section. Everything else the app needs to read the document
back loss-free (ids, category, expected outcome, checks, target, reviewer, time of each
verdict) rides in ``<!-- align-studio {json} -->`` comments, which Markdown renderers hide;
:mod:`align_studio.exchange.modelspec_import` reads both this and hand-written documents.
"""

from __future__ import annotations

import json
import re
from typing import Any

from align_studio.domain import Authority, Behavior, Case, Role, Spec, Verdict

#: Our authority levels → the Model Spec's chain of command (root > system > developer >
#: user > guideline). ``platform`` rules are the ones nobody below may override: root.
AUTHORITY_WORDS = {Authority.PLATFORM: "root", Authority.DEVELOPER: "developer",
                   Authority.USER: "user", Authority.GUIDELINE: "guideline"}
#: The element names of a conversation block.
TAGS = ("system", "developer", "user", "assistant", "tool", "comparison")
MARK = "align-studio"
UNLINKED_ANCHOR = "align-studio-unlinked"
#: What could be taken for one of our tags inside a turn's text.
_TAG_LIKE = re.compile(r"<(?=/?(?:" + "|".join(TAGS) + r")\b)", re.IGNORECASE)


def escape_text(text: str) -> str:
    """A turn's text as written inside its element: ``&`` and tag-like ``<`` escaped, so
    that :func:`unescape_text` gives back exactly ``text``."""
    return _TAG_LIKE.sub("&lt;", text.replace("&", "&amp;"))


_ENTITY = re.compile(r"&(amp|lt|gt|quot|#39);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "#39": "'"}


def unescape_text(text: str) -> str:
    """The inverse of :func:`escape_text` (also the XML entities hand-written files use)."""
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def data_comment(data: dict[str, Any]) -> str:
    """``<!-- align-studio {json} -->``; ``--`` never appears inside (escaped in JSON)."""
    body = json.dumps(data, ensure_ascii=False, sort_keys=False).replace("--", "-\\u002d")
    return f"<!-- {MARK} {body} -->"


def one_line(text: str) -> str:
    """Text as it can stand in an HTML comment: one line, no ``--``."""
    return " ".join(text.split()).replace("--", "- -")


def heading_text(b: Behavior) -> str:
    """The section heading of a behavior: the first sentence of its statement, short."""
    words = " ".join(b.statement.split())
    first = re.split(r"(?<=[.!?])\s", words, maxsplit=1)[0].rstrip(".") if words else b.id
    return first if len(first) <= 80 else first[:79].rstrip() + "…"


def _fence(body: str) -> str:
    ticks = max((len(m) for m in re.findall(r"~{3,}", body)), default=2) + 1
    return "~" * max(3, ticks)


def _element(tag: str, text: str, comment: str = "") -> str:
    return f"<{tag}>{' ' + comment if comment else ''}\n{escape_text(text)}\n</{tag}>"


def _verdict_comment(verdict: Verdict, reason: str | None) -> str:
    label = "GOOD" if verdict == Verdict.ACCEPT else "BAD"
    why = one_line(reason or "")
    return f"<!-- {label}: {why} -->" if why else f"<!-- {label} -->"


def example_block(spec: Spec, case: Case, position: int) -> str:
    """One ``**Example**`` of a case (``position``: its place in the spec): title, notes,
    data comment and conversation."""
    judged = [r for r in case.responses if r.verdict is not None]
    # the case's fields as its YAML holds them (an unset field stays unset on the way back)
    fields = case.to_data()
    data: dict[str, Any] = {"case": case.id, "position": position, "title": case.title,
                            "system_prompt": bool(spec.system_prompt)}
    data.update({k: fields[k] for k in ("category", "expected", "behaviors", "notes",
                                         "checks") if k in fields})
    data["responses"] = [
        {k: v for k, v in r.to_data().items() if k not in ("text", "verdict")}
        for r in judged]
    turns: list[str] = []
    if spec.system_prompt:
        turns.append(_element("developer", spec.system_prompt))
    for m in case.messages:
        role = m.role.value if isinstance(m.role, Role) else str(m.role)
        turns.append(_element(role, m.content))
    if judged:
        turns.append("<comparison>")
        turns += [_element("assistant", r.text, _verdict_comment(r.verdict, r.reason))
                  for r in judged if r.verdict is not None]
        turns.append("</comparison>")
    body = "\n".join(turns)
    fence = _fence(body)
    out = [f"**Example**: {one_line(case.title or case.id)}", "", data_comment(data), ""]
    if case.notes and case.notes.strip():
        out += [case.notes.strip(), ""]
    out += [f"{fence}xml", body, fence, ""]
    return "\n".join(out)


def _homes(spec: Spec) -> dict[str, str | None]:
    """Case id → the behavior it is filed under: the first it links that the spec has."""
    known = {b.id for b in spec.behaviors}
    return {c.id: next((bid for bid in c.behaviors if bid in known), None)
            for c in spec.cases}


def behavior_section(spec: Spec, b: Behavior, homes: dict[str, str | None] | None = None
                     ) -> str:
    """The Markdown section of one behavior, with every case filed under it."""
    homes = _homes(spec) if homes is None else homes
    attrs = f"#{b.id}" + (f" authority={AUTHORITY_WORDS[b.authority]}" if b.authority else "")
    out = [f"## {heading_text(b)} {{{attrs}}}", "",
           data_comment({k: v for k, v in b.to_data().items() if k not in ("id", "authority")}
                        | {"behavior": b.id}), "",
           b.statement.strip() or "_(no statement)_", ""]
    if b.rationale and b.rationale.strip():
        out += ['!!! meta "Rationale"',
                *("    " + line if line else "" for line in b.rationale.strip().splitlines()),
                ""]
    elsewhere = [c for c in spec.cases if b.id in c.behaviors and homes.get(c.id) != b.id]
    if elsewhere:
        links = ", ".join(f"[{one_line(c.title or c.id)}](#{homes.get(c.id)})"
                          for c in elsewhere)
        out += [f"See also: {links}", ""]
    out += [example_block(spec, c, i) for i, c in enumerate(spec.cases)
            if homes.get(c.id) == b.id]
    return "\n".join(out)


def spec_section(spec: Spec) -> str:
    """One spec: its heading, summary, developer message, behaviors and examples."""
    data: dict[str, Any] = {"spec": spec.id, "title": spec.title, "version": spec.version,
                            "targets": [{"id": t.id, "provider": t.provider,
                                         "model": t.model, "label": t.label}
                                        for t in spec.targets]}
    out = [f"# {one_line(spec.title or spec.id)} {{#{spec.id}}}", "", data_comment(data), "",
           f"Spec `{spec.id}`, version {spec.version}. Examples are real answers that "
           "reviewers accepted (GOOD)", "or rejected (BAD), with their reasons.", ""]
    if spec.summary and spec.summary.strip():
        out += [spec.summary.strip(), ""]
    if spec.system_prompt:
        fence = _fence(spec.system_prompt)
        out += ["Every example runs under this developer message:", "", f"{fence}xml",
                _element("developer", spec.system_prompt), fence, ""]
    homes = _homes(spec)
    out += [behavior_section(spec, b, homes) for b in spec.behaviors]
    loose = [(i, c) for i, c in enumerate(spec.cases) if homes.get(c.id) is None]
    if loose:
        out += [f"## Examples without a behavior {{#{UNLINKED_ANCHOR}}}", "",
                data_comment({"unlinked": True}), ""]
        out += [example_block(spec, c, i) for i, c in loose]
    return "\n".join(out)


def render_model_spec(specs: list[Spec]) -> str:
    """The whole document for one or several specs."""
    out = ["<!-- Generated by Align Studio in the OpenAI Model Spec's example format. -->", ""]
    out += [spec_section(s) for s in specs]
    return "\n".join(out).rstrip() + "\n"
