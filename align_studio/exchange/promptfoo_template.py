"""The small part of promptfoo's Nunjucks templating the import needs: filling a prompt
with a test's variables, and reading a prompt that renders to a list of chat messages."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from align_studio.domain import Message, Role
from align_studio.exchange.promptfoo_files import load_yaml
from align_studio.safetext import json_loads

_VAR = re.compile(r"\{\{-?\s*([A-Za-z_][\w.]*)\s*((?:\|\s*(?:dump|safe|trim)\s*)*)-?\}\}")
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_LEFT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def _lookup(variables: dict[str, Any], name: str) -> tuple[bool, Any]:
    value: Any = variables
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return False, None
        value = value[part]
    return True, value


def render_checked(template: str, variables: dict[str, Any]) -> tuple[str, list[str]]:
    """A small subset of Nunjucks: ``{{ name }}`` (dotted, with ``| dump``/``| safe``/
    ``| trim``), ``{% raw %}`` and comments. Returns the text and the expressions it could
    not fill (unknown names, other tags), which are left as written."""
    unresolved: list[str] = []

    def sub(m: re.Match[str]) -> str:
        found, v = _lookup(variables, m.group(1))
        if not found:
            unresolved.append(m.group(0))
            return m.group(0)
        filters = m.group(2) or ""
        if "dump" in filters or not isinstance(v, (str, int, float, bool)):
            text = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) or \
                "dump" in filters else v
        else:
            text = str(v)
        return text.strip() if "trim" in filters else text

    out, pos = [], 0
    for raw in _RAW.finditer(template):  # raw blocks are text, never rendered
        out.append(_render_part(template[pos:raw.start()], sub, unresolved))
        out.append(raw.group(1))
        pos = raw.end()
    out.append(_render_part(template[pos:], sub, unresolved))
    return "".join(out), unresolved


def _render_part(part: str, sub: Any, unresolved: list[str]) -> str:
    part = _COMMENT.sub("", part)
    pieces, pos = [], 0
    for m in _LEFT.finditer(part):
        pieces.append(part[pos:m.start()])
        vm = _VAR.fullmatch(m.group(0))
        if vm:
            pieces.append(sub(vm))
        else:
            unresolved.append(m.group(0))
            pieces.append(m.group(0))
        pos = m.end()
    pieces.append(part[pos:])
    return "".join(pieces)


def render(template: str, variables: dict[str, Any]) -> str:
    """``{{ name }}`` (with ``| dump``/``| safe``/``| trim``) replaced by the variable's value.

    A small subset of Nunjucks: unknown names and other expressions are left as written.
    """
    return render_checked(template, variables)[0]


def _chat(value: Any) -> list[Message] | None:
    if isinstance(value, str):
        s = value.strip()
        if not s.startswith("["):
            return None
        try:
            value = json_loads(s)
        except ValueError:
            try:
                value = load_yaml(s)
            except yaml.YAMLError:
                return None
    if not isinstance(value, list) or not value:
        return None
    out = []
    for m in value:
        if not isinstance(m, dict) or m.get("role") not in Role.words() \
                or not isinstance(m.get("content", ""), str):
            return None
        out.append(Message(role=Role(m["role"]), content=m.get("content", "")))
    return out


def messages_checked(prompt: str, variables: dict[str, Any]
                     ) -> tuple[list[Message], list[str]]:
    """The conversation of a case (the prompt rendered with the test's variables) and the
    template expressions that could not be filled (then the case would hold placeholders)."""
    whole = re.fullmatch(r"\s*\{\{\s*(\w+)\s*(\|\s*\w+\s*)*\}\}\s*", prompt)
    if whole and whole.group(1) in variables:
        chat = _chat(variables[whole.group(1)])
        if chat:
            return chat, []
    chat_template = _chat(prompt)
    if chat_template:
        out, missing = [], []
        for m in chat_template:
            text, left = render_checked(m.content, variables)
            out.append(Message(role=m.role, content=text))
            missing += left
        return out, missing
    rendered, missing = render_checked(prompt, variables)
    chat = _chat(rendered)
    return chat or [Message(role=Role.USER, content=rendered)], missing


def messages_for(prompt: str, variables: dict[str, Any]) -> list[Message]:
    """The conversation of a case: the prompt rendered with the test's variables."""
    return messages_checked(prompt, variables)[0]
