"""The reader under :mod:`modelspec_import`: Markdown sections, examples and their turns.

Only the structure is read here (headings with ``{#anchor key=value}``, ``!!! meta`` blocks,
``**Example**`` titles, fenced blocks, ``<!-- align-studio {json} -->`` comments and the
elements of a conversation block); what it means for a spec is decided by the importer.
A turn's text is everything between ``<tag>`` + newline and newline + ``</tag>``, with the
entities of :func:`modelspec.unescape_text` decoded, so an exported text comes back exactly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from align_studio.exchange.common import ExchangeError
from align_studio.exchange.modelspec import MARK, TAGS, unescape_text

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{#([^\s}]+)([^}]*)\})?\s*#*\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)")
_EXAMPLE = re.compile(r"^\*\*Example:?\*\*\s*:?\s*(.*)$")
_DATA = re.compile(r"^\s*<!--\s*" + re.escape(MARK) + r"\s+(\{.*\})\s*-->\s*$")
_META = re.compile(r'^!!!\s+\w+\s*(?:"([^"]*)")?\s*$')
_OPEN = re.compile(r"<(\w+)((?:\s+[\w-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>")
_VERDICT = re.compile(r"[ \t]*<!--\s*(GOOD|BAD)\b\s*[:\-—–]?\s*(.*?)\s*-->", re.IGNORECASE)
_ATTR = re.compile(r"([\w-]+)=(\"[^\"]*\"|'[^']*'|\S+)")


@dataclass
class Turn:
    """One element of a conversation block (an answer of a comparison has a verdict)."""

    tag: str
    text: str
    line: int
    verdict: str | None = None  # "GOOD" / "BAD" inside a comparison
    reason: str = ""


Block = Turn  # the intro's developer message is a turn outside any example


@dataclass
class Example:
    """``**Example**: title``, its description, data comment and conversation."""

    title: str
    line: int
    description: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)
    answers: list[Turn] = field(default_factory=list)
    closed: bool = False  # its conversation block was read


@dataclass
class Section:
    """A heading and what stands under it up to the next heading."""

    level: int
    title: str
    line: int
    anchor: str | None = None
    authority: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    prose: list[str] = field(default_factory=list)  # before the first example
    rationale: str | None = None
    examples: list[Example] = field(default_factory=list)

    def statement_text(self) -> str:
        """The prose before the first example, without our "See also" lines."""
        lines = [ln for ln in self.prose
                 if not ln.startswith("See also:") and ln.strip() != "_(no statement)_"]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _data(line: str, source: str, n: int, notes: list[str]) -> dict[str, Any] | None:
    m = _DATA.match(line)
    if not m:
        return None
    try:
        value = json.loads(m.group(1))
    except ValueError:
        notes.append(f"{source}:{n}: an {MARK} comment is not valid JSON; it was ignored")
        return {}
    return value if isinstance(value, dict) else {}


def parse_turns(body: str, first_line: int, source: str, notes: list[str]
                ) -> tuple[list[Turn], list[Turn]]:
    """The turns before the comparison, and the answers in it."""
    turns: list[Turn] = []
    answers: list[Turn] = []
    pos, in_cmp, after_cmp = 0, False, False

    def where(at: int) -> str:
        line = first_line + body.count("\n", 0, at)
        return f"{source}:{line}:{at - body.rfind(chr(10), 0, at)}"

    while True:
        nxt = body.find("<", pos)
        stray = body[pos:nxt if nxt >= 0 else len(body)].strip()
        if stray:
            notes.append(f"{where(pos + body[pos:].index(stray[0]))}: text outside any "
                         "turn was left out")
        if nxt < 0:
            break
        pos = nxt
        if body.startswith("</comparison>", pos):
            in_cmp, after_cmp, pos = False, True, pos + len("</comparison>")
            continue
        if body.startswith("<!--", pos):
            end = body.find("-->", pos)
            pos = len(body) if end < 0 else end + 3
            continue
        m = _OPEN.match(body, pos)
        tag = m.group(1).lower() if m else ""
        if not m or tag not in TAGS:
            raise ExchangeError(f"{where(pos)}: expected one of "
                                f"{', '.join('<' + t + '>' for t in TAGS)} here; nothing was "
                                "imported")
        if tag == "comparison":
            in_cmp, pos = True, m.end()
            continue
        start = m.end()
        verdict = _VERDICT.match(body, start)
        if verdict:
            start = verdict.end()
        if body.startswith("\n", start):
            start += 1
        close = re.compile(rf"</{tag}\s*>", re.IGNORECASE).search(body, start)
        if close is None:
            raise ExchangeError(f"{where(pos)}: <{tag}> is never closed; nothing was imported")
        text = body[start:close.start()]
        text = text[:-1] if text.endswith("\n") else text
        turn = Turn(tag, unescape_text(text), first_line + body.count("\n", 0, pos))
        if in_cmp:
            turn.verdict = verdict.group(1).upper() if verdict else None
            turn.reason = verdict.group(2) if verdict else ""
            answers.append(turn)
        elif after_cmp:
            notes.append(f"{where(pos)}: a turn after the comparison was left out")
        else:
            turns.append(turn)
        pos = close.end()
    if in_cmp:
        raise ExchangeError(f"{where(len(body))}: <comparison> is never closed; nothing was "
                            "imported")
    return turns, answers


def parse_document(text: str, source: str, notes: list[str]
                   ) -> tuple[list[Section], list[Turn]]:
    """The sections of a document, and the developer message of a spec's introduction."""
    lines = text.split("\n")
    sections = [Section(0, "", 1)]
    intro: list[Turn] = []
    example: Example | None = None
    i = 0
    while i < len(lines):
        line, n = lines[i], i + 1
        sec = sections[-1]
        fence = _FENCE.match(line)
        if fence:
            mark = fence.group(1)
            end = next((j for j in range(i + 1, len(lines))
                        if lines[j].strip().startswith(mark[0] * len(mark))
                        and set(lines[j].strip()) == {mark[0]}), None)
            if end is None:
                raise ExchangeError(f"{source}:{n}:1: this {mark} block is never closed; "
                                    "nothing was imported")
            body = "\n".join(lines[i + 1:end])
            if example is not None and not example.closed:
                example.turns, example.answers = parse_turns(body, n + 1, source, notes)
                example.closed = True
            elif "spec" in sec.data and fence.group(2) == "xml" and "<developer>" in body:
                intro += parse_turns(body, n + 1, source, notes)[0]
            i = end + 1
            continue
        heading = _HEADING.match(line)
        if heading:
            attrs = dict(_ATTR.findall(heading.group(4) or ""))
            authority = attrs.get("authority")
            sections.append(Section(len(heading.group(1)), heading.group(2), n,
                                    heading.group(3),
                                    authority.strip("\"'") if authority else None))
            example = None
            i += 1
            continue
        title = _EXAMPLE.match(line)
        if title:
            example = Example(title.group(1).strip(), n)
            sec.examples.append(example)
            i += 1
            continue
        data = _data(line, source, n, notes)
        if data is not None:
            if example is not None and not example.closed:
                example.data = data
            elif not sec.examples:
                sec.data = data
            i += 1
            continue
        meta = _META.match(line)
        if meta:
            j = i + 1
            while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
                j += 1
            block = "\n".join(ln[4:] for ln in lines[i + 1:j]).strip()
            if (meta.group(1) or "").lower() == "rationale" and not sec.examples:
                sec.rationale = block
            i = j
            continue
        if example is not None and not example.closed:
            example.description = (example.description + "\n" + line).strip("\n")
        elif not sec.examples:
            sec.prose.append(line)
        i += 1
    for sec in sections:
        for ex in sec.examples:
            if not ex.closed:
                notes.append(f"{source}:{ex.line}: the example '{ex.title}' has no "
                             "conversation block; it was left out")
        sec.examples = [ex for ex in sec.examples if ex.closed]
    return sections, intro
