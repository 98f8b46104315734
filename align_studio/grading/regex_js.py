"""A check's Python regular expression as a JavaScript one that matches the same texts.

The app runs ``regex`` checks with Python's ``re``; promptfoo runs JavaScript. Passed on
unchanged, ``(?P<n>…)``, ``\\A``/``\\Z``, ``(?x)`` and inline flags do not even compile, and
``\\d``, ``\\w``, ``\\b``, ``.``, ``$`` and ``(?i)`` silently mean something else. So the pattern
is parsed by Python's own parser (``re._parser``: exactly the structure ``re`` runs) and
written out again for JavaScript's ``u`` mode, spelling out Python's meaning:

- ``\\d`` → ``\\p{Nd}``, ``\\w`` → ``[\\p{L}\\p{N}_]`` (equal for every character Python's Unicode
  tables know), ``\\s`` → Python's white-space characters listed, ``\\b``/``\\B`` → look-arounds
  on that word class;
- ``.`` → ``[^\\n]`` (or any character with ``(?s)``), ``$`` → end or before a final newline,
  ``^``/``$`` with ``(?m)`` → look-arounds on ``\\n`` only, ``\\A``/``\\Z`` → ``^``/``$``;
- ``(?i)`` → each letter and class is expanded to exactly the characters Python's
  ``re`` treats as equal (``i`` also matches ``İ`` and ``ı`` in Python, not in JavaScript);
- inline flags, ``(?x)`` layout and comments, named groups ``(?P<n>…)`` → ``(?<n>…)``.

What has no exact JavaScript equivalent raises :class:`NotPortable` with the column:
conditionals ``(?(1)…)``, atomic groups and possessive repeats, and back-references
(JavaScript lets a reference to a group that did not take part match the empty text).
"""

from __future__ import annotations

import functools
import json
import re
import re._constants as sre  # the parser's node names (private, stable since 3.11)
import re._parser as sre_parse
from typing import Any

#: Python's white space (``str.isspace``, the ``\\s`` of ``re``), as a JavaScript class body.
PY_SPACE = ("\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f"
            "\\u205f\\u3000")
_WORD = "\\p{L}\\p{N}_"
_ASCII_WORD = "A-Za-z0-9_"
_ASCII_SPACE = "\\t\\n\\v\\f\\r "
_SYNTAX = set("^$\\.*+?()[]{}|/")


class NotPortable(ValueError):
    """The pattern has no exact JavaScript equivalent; ``column`` (1-based) says where."""

    def __init__(self, what: str, pattern: str, token: str | None = None):
        # ``token`` is a regular expression for the construct's text in the pattern
        m = re.search(token, pattern) if token else None
        col = m.start() + 1 if m else 0
        self.column = col
        where = f"column {col}: " if col else ""
        super().__init__(f"{where}{what} has no exact JavaScript equivalent")


@functools.lru_cache(maxsize=1)
def _all_chars() -> str:
    return "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


def _ranges(codes: set[int]) -> str:
    out, items = [], sorted(codes)
    i = 0
    while i < len(items):
        j = i
        while j + 1 < len(items) and items[j + 1] == items[j] + 1:
            j += 1
        a, b = items[i], items[j]
        out.append(_cls_char(a) if a == b else f"{_cls_char(a)}-{_cls_char(b)}")
        i = j + 1
    return "".join(out)


def _cls_char(c: int) -> str:
    ch = chr(c)
    if ch in _SYNTAX or ch == "-":
        return "\\" + ch
    if 0x20 <= c < 0x7F:
        return ch
    return f"\\u{{{c:x}}}"


def _lit(c: int) -> str:
    ch = chr(c)
    if ch in _SYNTAX:
        return "\\" + ch
    return ch if 0x20 <= c < 0x7F else f"\\u{{{c:x}}}"


@functools.lru_cache(maxsize=4096)
def _python_set(regex: str, flags: int) -> frozenset[int]:
    """Every character one Python character pattern matches (searched over all of them)."""
    return frozenset(ord(ch) for ch in re.findall(regex, _all_chars(), flags))


class _Writer:
    def __init__(self, pattern: str, parsed: Any):
        self.pattern = pattern
        self.names = {gid: name for name, gid in parsed.state.groupdict.items()}

    def fail(self, what: str, token: str | None = None) -> NotPortable:
        return NotPortable(what, self.pattern, token)

    def word(self, flags: int) -> str:
        return _ASCII_WORD if flags & re.ASCII else _WORD

    def category(self, cat: Any, flags: int, in_class: bool) -> str:
        name = str(cat)
        ascii_ = bool(flags & re.ASCII)
        negated = "NOT_" in name
        if "DIGIT" in name and not ascii_:  # \p{Nd} and \P{Nd} work inside [...] too
            return "\\P{Nd}" if negated else "\\p{Nd}"
        if "DIGIT" in name:
            body = "0-9"
        elif "WORD" in name:
            body = self.word(flags)
        elif "SPACE" in name:
            body = _ASCII_SPACE if ascii_ else PY_SPACE
        else:  # pragma: no cover - LINEBREAK is never produced by the parser
            raise self.fail("this character class")
        if negated:
            if in_class:
                raise self.fail("a negated class escape (\\W, \\S, \\D) inside [...]",
                                r"\[[^\]]*\\[WSD]")
            return f"[^{body}]"
        return body if in_class else f"[{body}]"

    def char_class(self, items: list[Any], flags: int) -> str:
        negate = bool(items) and items[0][0] is sre.NEGATE
        items = items[1:] if negate else items
        if len(items) == 1 and items[0][0] is sre.CATEGORY and not negate:
            return self.category(items[0][1], flags, in_class=False)
        plain, cats = [], []
        for op, av in items:
            if op is sre.LITERAL:
                plain.append(re.escape(chr(av)))
            elif op is sre.RANGE:
                plain.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
            elif op is sre.CATEGORY:
                cats.append(self.category(av, flags, in_class=True))
            else:
                raise self.fail(f"the class item {op}", r"\[")
        if flags & re.IGNORECASE and plain:
            # exactly the characters Python's re treats as equal, whatever JavaScript folds
            cased = _python_set("[" + "".join(plain) + "]", flags & (re.IGNORECASE | re.ASCII))
            if negate:
                neg = _python_set("[^" + "".join(plain) + "]",
                                  flags & (re.IGNORECASE | re.ASCII))
                if len(neg) + len(cased) != len(_all_chars()):
                    raise self.fail("a negated class with (?i)", r"\[\^")
            body = _ranges(set(cased))
        else:
            body = ""
            for op, av in items:
                if op is sre.LITERAL:
                    body += _cls_char(av)
                elif op is sre.RANGE:
                    body += f"{_cls_char(av[0])}-{_cls_char(av[1])}"
        body += "".join(cats)
        if not body:
            return "[^]" if negate else "[]"
        return f"[{'^' if negate else ''}{body}]"

    def literal(self, c: int, flags: int, negate: bool = False) -> str:
        if flags & re.IGNORECASE:
            same = _python_set(re.escape(chr(c)), flags & (re.IGNORECASE | re.ASCII))
            if len(same) > 1 or negate:
                return f"[{'^' if negate else ''}{_ranges(set(same))}]"
        if negate:
            return f"[^{_cls_char(c)}]"
        return _lit(c)

    def at(self, code: Any, flags: int) -> str:
        multi = bool(flags & re.MULTILINE)
        w = self.word(flags)
        if code is sre.AT_BEGINNING:
            return "(?<![^\\n])" if multi else "^"
        if code is sre.AT_BEGINNING_STRING:
            return "^"
        if code is sre.AT_END:
            return "(?![^\\n])" if multi else "(?=\\n?$)"
        if code is sre.AT_END_STRING:
            return "$"
        if code is sre.AT_BOUNDARY:
            return f"(?:(?<=[{w}])(?![{w}])|(?<![{w}])(?=[{w}]))"
        if code is sre.AT_NON_BOUNDARY:
            # Python's \B never matches in an empty text; the last look-ahead keeps V8 from
            # matching between the two halves of an emoji (it does, for look-arounds only)
            return f"(?!^$)(?:(?<=[{w}])(?=[{w}])|(?<![{w}])(?![{w}]))(?=[^]|$)"
        raise self.fail(f"the anchor {code}")  # pragma: no cover

    def seq(self, nodes: Any, flags: int) -> str:
        return "".join(self.node(op, av, flags) for op, av in nodes)

    def node(self, op: Any, av: Any, flags: int) -> str:
        if op is sre.LITERAL:
            return self.literal(av, flags)
        if op is sre.NOT_LITERAL:
            return self.literal(av, flags, negate=True)
        if op is sre.ANY:
            return "[^]" if flags & re.DOTALL else "[^\\n]"
        if op is sre.IN:
            return self.char_class(av, flags)
        if op is sre.AT:
            return self.at(av, flags)
        if op is sre.BRANCH:
            return "(?:" + "|".join(self.seq(alt, flags) for alt in av[1]) + ")"
        if op is sre.SUBPATTERN:
            gid, add, delete, body = av
            inner = self.seq(body, (flags | add) & ~delete)
            if gid is None:
                return f"(?:{inner})"
            name = self.names.get(gid)
            return f"(?<{name}>{inner})" if name else f"({inner})"
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            lo, hi, body = av
            inner = self.seq(body, flags)
            if not (len(body) == 1 and body[0][0] in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY,
                                                      sre.IN, sre.SUBPATTERN)):
                inner = f"(?:{inner})"
            if (lo, hi) == (0, sre.MAXREPEAT):
                q = "*"
            elif (lo, hi) == (1, sre.MAXREPEAT):
                q = "+"
            elif (lo, hi) == (0, 1):
                q = "?"
            elif hi is sre.MAXREPEAT:
                q = f"{{{lo},}}"
            elif lo == hi:
                q = f"{{{lo}}}"
            else:
                q = f"{{{lo},{hi}}}"
            return inner + q + ("?" if op is sre.MIN_REPEAT else "")
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, body = av
            look = "<" if direction < 0 else ""
            return f"(?{look}{'=' if op is sre.ASSERT else '!'}{self.seq(body, flags)})"
        if op is sre.GROUPREF:
            raise self.fail("a back-reference", r"\\[1-9]|\(\?P=")
        if op is sre.GROUPREF_EXISTS:
            raise self.fail("a conditional group (?(…)…|…)", r"\(\?\(")
        if op is sre.ATOMIC_GROUP:
            raise self.fail("an atomic group (?>…)", r"\(\?>")
        if op is sre.POSSESSIVE_REPEAT:
            raise self.fail("a possessive repeat (*+, ++, ?+)", r"[*+?}]\+")
        raise self.fail(f"the construct {op}")  # pragma: no cover


def to_javascript(pattern: str) -> str:
    """The source of a JavaScript ``RegExp`` (to build with flag ``u``) that matches exactly
    where Python's ``re.search(pattern, text)`` does.

    Raises :class:`NotPortable` for what cannot be expressed, and ``re.error`` for a
    pattern that does not compile in Python either.
    """
    parsed = sre_parse.parse(pattern, 0)
    if parsed.state.flags & re.LOCALE:  # pragma: no cover - not allowed for str patterns
        raise NotPortable("(?L)", pattern, r"\(\?L")
    return _Writer(pattern, parsed).seq(parsed, parsed.state.flags)


def portability_problem(pattern: str) -> str | None:
    """Why a pattern cannot run in promptfoo's JavaScript unchanged in meaning, or None."""
    try:
        to_javascript(pattern)
    except NotPortable as exc:
        return str(exc)
    except (re.error, RecursionError, OverflowError):
        return None  # a broken pattern is the checks' own problem, reported there
    return None


def javascript_test(pattern: str) -> str:
    """A one-line JavaScript expression, true when ``output`` matches ``pattern``.

    Braces inside the string are written ``\\u007b``/``\\u007d`` so that promptfoo's
    template engine (Nunjucks), which renders every assertion value, leaves it alone.
    """
    src = json.dumps(to_javascript(pattern))
    src = src.replace("{", "\\u007b").replace("}", "\\u007d")
    return f'new RegExp({src}, "u").test(String(output))'
