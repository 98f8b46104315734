"""A :class:`SpecDiff` as HTML for the History tab: grouped, coloured, field by field.

No Qt here (plain strings), so the rendering is tested without a display. The HTML keeps
to the subset ``QTextBrowser`` understands (tables, spans with colours, headings).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from align_studio.versions.semantic_diff import FieldChange, ItemChanges, SpecDiff

ADDED, REMOVED, CHANGED, MUTED = "#1a7f37", "#cf222e", "#9a6700", "#6e7781"
_CUT = 160


def _value(value: Any) -> str:
    if value is None:
        return f"<i style='color:{MUTED}'>(none)</i>"
    if isinstance(value, list):
        if all(isinstance(v, (str, int, float)) for v in value):
            text = ", ".join(str(v) for v in value) or "(empty list)"
        else:
            text = f"{len(value)} item{'s' if len(value) != 1 else ''}"
    elif isinstance(value, dict):
        text = ", ".join(f"{k}: {v}" for k, v in value.items())
    else:
        text = str(value)
    text = " ".join(text.split())
    if len(text) > _CUT:
        text = text[: _CUT - 1] + "…"
    return escape(text)


def _edit(old: str, new: str) -> str:
    """A changed text as one line: the shared start and end muted and cut, the removed part
    struck through in red, the added part in green."""
    a, b = " ".join(old.split()), " ".join(new.split())
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    def inside_word(i: int) -> bool:  # the first difference falls inside a word
        return a[i - 1].isalnum() and ((i < len(a) and a[i].isalnum())
                                        or (i < len(b) and b[i].isalnum()))

    while start and inside_word(start):  # show whole words changing
        start -= 1
    end = 0
    while end < min(len(a), len(b)) - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    head, tail = a[:start], a[len(a) - end:]
    gone, came = a[start:len(a) - end], b[start:len(b) - end]
    head = ("…" + head[-40:]) if len(head) > 40 else head
    tail = (tail[:40] + "…") if len(tail) > 40 else tail
    out = f"<span style='color:{MUTED}'>{escape(head)}</span>"
    if gone:
        out += f"<s style='color:{REMOVED}'>{escape(gone)}</s>"
    if came:
        out += f"<b style='color:{ADDED}'>{escape(came)}</b>"
    return out + f"<span style='color:{MUTED}'>{escape(tail)}</span>"


def _fields(changes: list[FieldChange]) -> str:
    rows = []
    for c in changes:
        name = f"<td style='color:{MUTED}'>{escape(c.field)}</td>"
        if isinstance(c.old, str) and isinstance(c.new, str) and \
                max(len(c.old), len(c.new)) > 50:
            rows.append(f"<tr>{name}<td colspan='3'>{_edit(c.old, c.new)}</td></tr>")
        else:
            rows.append(f"<tr>{name}<td><span style='color:{REMOVED}'>{_value(c.old)}</span>"
                        f"</td><td>→</td><td><span style='color:{ADDED}'>{_value(c.new)}"
                        "</span></td></tr>")
    return f"<table cellspacing='0' cellpadding='3'>{''.join(rows)}</table>"


def _mark(sign: str, colour: str) -> str:
    return f"<b style='color:{colour}'>{sign}</b>"


def _items(title: str, items: ItemChanges) -> str:
    if not items:
        return ""
    counts = [f"{len(items.added)} added" if items.added else "",
              f"{len(items.removed)} removed" if items.removed else "",
              f"{len(items.renamed)} renamed" if items.renamed else "",
              f"{len(items.changed)} changed" if items.changed else ""]
    out = [(f"<h3>{escape(title)} <span style='color:{MUTED}; font-weight:normal'>"
           f"({', '.join(c for c in counts if c)})</span></h3><ul>")]
    out += [f"<li>{_mark('+', ADDED)} <b>{escape(i)}</b> added</li>" for i in items.added]
    out += [f"<li>{_mark('−', REMOVED)} <b>{escape(i)}</b> removed</li>"
            for i in items.removed]
    out += [f"<li>{_mark('~', CHANGED)} <b>{escape(a)}</b> renamed to <b>{escape(b)}</b></li>"
            for a, b in items.renamed]
    out += [f"<li>{_mark('~', CHANGED)} <b>{escape(i)}</b>{_fields(ch)}</li>"
            for i, ch in items.changed.items()]
    return "".join(out) + "</ul>"


def _verdict(v: str | None) -> str:
    if v is None:
        return f"<i style='color:{MUTED}'>none</i>"
    colour = ADDED if v == "accept" else REMOVED if v == "reject" else CHANGED
    return f"<b style='color:{colour}'>{escape(v)}</b>"


def _judgments(diff: SpecDiff) -> str:
    if not diff.judgments:
        return ""
    counts: dict[str, int] = {}
    for j in diff.judgments:
        counts[j.change] = counts.get(j.change, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    rows = []
    for j in diff.judgments:
        where = f"{escape(j.case)} / {escape(j.response)}" + \
            (f" <span style='color:{MUTED}'>({escape(j.target)})</span>" if j.target else "")
        if j.change == "flipped":
            what = f"{_verdict(j.old)} → {_verdict(j.new)}"
        elif j.change == "added":
            what = f"new verdict {_verdict(j.new)}"
        elif j.change == "removed":
            what = f"verdict {_verdict(j.old)} removed"
        else:
            what = f"{escape(', '.join(j.fields))} changed"
        sign = {"added": _mark("+", ADDED), "removed": _mark("−", REMOVED)}.get(
            j.change, _mark("~", CHANGED))
        rows.append(f"<li>{sign} {where}: {what}</li>")
    return f"<h3>Judgments <span style='color:{MUTED}; font-weight:normal'>({summary})" \
           f"</span></h3><ul>{''.join(rows)}</ul>"


def _pct(rate: float | None, n: int) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}% <span style='color:{MUTED}'>" \
                                    f"of {n}</span>"


def _rates(diff: SpecDiff) -> str:
    if not diff.rates:
        return ""
    rows = []
    for r in diff.rates:
        delta = ""
        if r.old is not None and r.new is not None and r.new != r.old:
            d = (r.new - r.old) * 100
            delta = f"<b style='color:{ADDED if d > 0 else REMOVED}'>{d:+.0f} pts</b>"
        rows.append(f"<tr><td>{escape(r.metric)}</td><td>{escape(r.scope)}</td>"
                    f"<td><b>{escape(r.key)}</b></td><td>{_pct(r.old, r.old_count)}</td>"
                    f"<td>→</td><td>{_pct(r.new, r.new_count)}</td><td>{delta}</td></tr>")
    head = "".join(f"<th align='left'>{h}</th>" for h in
                   ("rate", "per", "", "before", "", "after", "change"))
    return f"<h3>Rates</h3><table cellspacing='0' cellpadding='3'><tr>{head}</tr>" \
           f"{''.join(rows)}</table>"


def diff_html(diff: SpecDiff) -> str:
    """The whole diff as one HTML document."""
    parts = [f"<h2>{escape(diff.old_label)} → {escape(diff.new_label)}</h2>"]
    if diff.empty and not diff.rates:
        parts.append(f"<p style='color:{MUTED}'>No changes: the two versions say the same."
                     "</p>")
    if diff.metadata:
        parts.append(f"<h3>Spec</h3>{_fields(diff.metadata)}")
    if diff.changelog_added:
        entries = "".join(f"<li>{_mark('+', ADDED)} version {escape(str(e.get('version')))}"
                          f": {escape(str(e.get('message') or ''))}</li>"
                          for e in diff.changelog_added)
        parts.append(f"<h3>Changelog</h3><ul>{entries}</ul>")
    parts.append(_items("Behaviors", diff.behaviors))
    parts.append(_items("Cases", diff.cases))
    parts.append(_items("Targets", diff.targets))
    parts.append(_judgments(diff))
    parts.append(_rates(diff))
    if diff.notes:
        parts.append("".join(f"<p style='color:{MUTED}'>Note: {escape(n)}</p>"
                             for n in diff.notes))
    return "<html><body>" + "".join(parts) + "</body></html>"
