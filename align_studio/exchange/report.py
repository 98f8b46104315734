"""The bundle's self-contained HTML report: behaviors, cases, judged examples, rates, charts.

Rates come from the judged responses saved in the specs: the **acceptance rate** is the
share of judged responses reviewers accepted; the **check rate** the share of responses
(judged or not) that pass every check of their case, evaluated by
:func:`align_studio.grading.checks.run_checks` (a response with a broken check counts as
undecided and is left out). **Agreement** (:func:`align_studio.grading.agreement.agreement`)
says how often the checks — and the judge, when the spec's workspace has a run store with
judge grades — agree with the reviewers. Everything is inline (CSS and SVG); the page loads
nothing from anywhere.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from align_studio import __version__
from align_studio.domain import Case, Spec, Verdict
from align_studio.exchange.charts import bar_chart_svg
from align_studio.grading.agreement import AgreementReport, AgreementStats, agreement
from align_studio.grading.checks import run_checks
from align_studio.storage.runstore import RunStore, RunStoreError, store_path


def passes_all(case: Case, text: str) -> bool | None:
    """Whether ``text`` passes every check of ``case``; None without checks or when a
    check is broken (undecided, as in the agreement figures)."""
    results = run_checks(case, text)
    if not results or any(r.broken for r in results):
        return None
    return all(r.passed for r in results)


@dataclass
class Rate:
    """A count of successes out of a total."""

    ok: int = 0
    total: int = 0

    def add(self, success: bool) -> None:
        self.total += 1
        self.ok += int(success)

    @property
    def percent(self) -> float | None:
        return 100.0 * self.ok / self.total if self.total else None

    def __str__(self) -> str:
        p = self.percent
        return "—" if p is None else f"{p:.0f}% ({self.ok}/{self.total})"


@dataclass
class SpecStats:
    """Acceptance and check rates of one spec, per target and per behavior."""

    accept_by_target: dict[str, Rate] = field(default_factory=dict)
    checks_by_target: dict[str, Rate] = field(default_factory=dict)
    accept_by_behavior: dict[str, Rate] = field(default_factory=dict)
    checks_by_behavior: dict[str, Rate] = field(default_factory=dict)


def spec_stats(spec: Spec) -> SpecStats:
    """The rates of a spec from its judged responses."""
    st = SpecStats()
    for t in spec.targets:
        st.accept_by_target[t.id] = Rate()
        st.checks_by_target[t.id] = Rate()
    for behavior in spec.behaviors:
        st.accept_by_behavior[behavior.id] = Rate()
        st.checks_by_behavior[behavior.id] = Rate()
    for case in spec.cases:
        for r in case.responses:
            passed = passes_all(case, r.text)
            if r.verdict is not None:
                ok = r.verdict == Verdict.ACCEPT
                st.accept_by_target.setdefault(r.target, Rate()).add(ok)
                for b in case.behaviors:
                    st.accept_by_behavior.setdefault(b, Rate()).add(ok)
            if passed is not None:
                st.checks_by_target.setdefault(r.target, Rate()).add(passed)
                for b in case.behaviors:
                    st.checks_by_behavior.setdefault(b, Rate()).add(passed)
    return st


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d232b;
background:#f6f7f9}main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:24px}h2{font-size:20px;border-bottom:1px solid #d8dde3;padding-bottom:4px;
margin-top:36px}h3{font-size:16px;margin-top:22px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}
th,td{border:1px solid #d8dde3;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4}.pill{display:inline-block;border-radius:9px;padding:0 7px;
font-size:12px;background:#e4e8ee}.accept{background:#d8f0de}.reject{background:#f6d9d6}
pre{white-space:pre-wrap;background:#fff;border:1px solid #d8dde3;padding:8px;margin:4px 0}
.meta{color:#5b6672}.num{text-align:right}.chart{background:#fff;border:1px solid #d8dde3;
margin:8px 0;padding:4px;overflow-x:auto}.chart svg{max-width:100%;height:auto}
"""


def _e(s: object) -> str:
    return html.escape("" if s is None else str(s))


def _rate_table(title: str, rows: dict[str, tuple[Rate, Rate]], label: dict[str, str]) -> str:
    out = [f"<table><tr><th>{_e(title)}</th><th>acceptance rate</th><th>check rate</th></tr>"]
    for key, (acc, chk) in rows.items():
        out.append(f"<tr><td>{_e(label.get(key, key))}</td><td>{acc}</td><td>{chk}</td></tr>")
    out.append("</table>")
    return "".join(out)


_GRADER_WORDS = {"check": "Checks", "judge": "Judge"}


def _kappa(s: AgreementStats) -> str:
    return f"{s.kappa:.2f}" if s.kappa is not None else f"undefined ({s.kappa_note})"


def _agreement_section(rep: AgreementReport, labels: dict[str, str]) -> str:
    out = ["<h3>Agreement with reviewers</h3>",
           (f'<p class="meta">{rep.judged} responses carry a human verdict. A grader agrees '
            "when it passes an accepted response or fails a rejected one; Cohen's κ corrects "
            "for agreement by chance.</p>")]
    shown = [g for g, s in rep.overall.items() if s.n]
    if not shown:
        out.append("<p>No response has both a human verdict and a check or judge grade.</p>")
        return "".join(out)
    out.append("<table><tr><th>grader</th><th>pairs</th><th>agreement</th><th>Cohen's κ</th>"
               "<th>accept · pass</th><th>accept · fail</th><th>reject · pass</th>"
               "<th>reject · fail</th></tr>")
    for g in shown:
        s, c = rep.overall[g], rep.overall[g].confusion
        out.append(f"<tr><td>{_GRADER_WORDS[g]}</td><td class=num>{s.n}</td>"
                   f"<td class=num>{s.percent:.0f}% ({s.agree}/{s.n})</td>"
                   f"<td>{_e(_kappa(s))}</td><td class=num>{c['accept']['pass']}</td>"
                   f"<td class=num>{c['accept']['fail']}</td>"
                   f"<td class=num>{c['reject']['pass']}</td>"
                   f"<td class=num>{c['reject']['fail']}</td></tr>")
    out.append("</table><table><tr><th>target</th>"
               + "".join(f"<th>{_GRADER_WORDS[g]} agreement</th><th>{_GRADER_WORDS[g]} κ</th>"
                         for g in shown) + "</tr>")
    for tid, per in rep.by_target.items():
        cells = []
        for g in shown:
            st = per.get(g)
            cells.append("<td>—</td><td>—</td>" if st is None or not st.n else
                         f"<td class=num>{st.percent:.0f}% ({st.agree}/{st.n})</td>"
                         f"<td>{_e(_kappa(st))}</td>")
        out.append(f"<tr><td>{_e(labels.get(tid, tid))}</td>{''.join(cells)}</tr>")
    out.append("</table>")
    if rep.disagreements:
        out.append(f"<p>{len(rep.disagreements)} disagreement"
                   f"{'s' if len(rep.disagreements) != 1 else ''} to review:</p><table><tr>"
                   "<th>case</th><th>target</th><th>grader</th><th>human</th><th>grade</th>"
                   "<th>detail</th></tr>")
        for d in rep.disagreements:
            out.append(f"<tr><td><code>{_e(d.case_id)}</code></td>"
                       f"<td>{_e(labels.get(d.target, d.target))}</td>"
                       f"<td>{_GRADER_WORDS[d.grader]}</td><td>{_e(d.human)}</td>"
                       f"<td>{_e(d.automated)}</td><td>{_e(d.detail)}</td></tr>")
        out.append("</table>")
    return "".join(out)


def spec_agreement(spec: Spec, workspace: Path | None = None) -> AgreementReport:
    """Agreement of a spec's checks (and judge, from the workspace's run store if there is
    one) with its human verdicts."""
    path = store_path(workspace) if workspace is not None else None
    if path is not None and path.is_file():
        try:
            with RunStore(path) as store:
                return agreement(spec, store)
        except RunStoreError:
            pass  # a damaged store: the checks still count
    return agreement(spec)


def _spec_section(n: int, spec: Spec, workspace: Path | None = None) -> str:
    st = spec_stats(spec)
    labels = {t.id: (t.label or t.id) for t in spec.targets}
    out = [f'<h2 id="spec-{_e(spec.id)}">{_e(spec.title or spec.id)}</h2>',
           f'<p class="meta">spec <code>{_e(spec.id)}</code> · version {spec.version} · '
           f'status {_e(spec.status.value)}' + (f" · owner {_e(spec.owner)}" if spec.owner else "")
           + "</p>"]
    if spec.summary:
        out.append(f"<p>{_e(spec.summary)}</p>")
    out.append("<h3>Rates per target</h3>")
    tgt = {k: (st.accept_by_target[k], st.checks_by_target.get(k, Rate()))
           for k in st.accept_by_target}
    out.append(_rate_table("target", tgt, labels))
    keys = list(tgt)
    out.append('<div class="chart">' + bar_chart_svg(
        "Per target", [labels.get(k, k) for k in keys],
        {"acceptance": [tgt[k][0].percent for k in keys],
         "checks": [tgt[k][1].percent for k in keys]}, chart_id=f"c{n}t") + "</div>")
    out.append("<h3>Rates per behavior</h3>")
    beh = {k: (st.accept_by_behavior[k], st.checks_by_behavior.get(k, Rate()))
           for k in st.accept_by_behavior}
    out.append(_rate_table("behavior", beh, {}))
    bkeys = list(beh)
    out.append('<div class="chart">' + bar_chart_svg(
        "Per behavior", bkeys, {"acceptance": [beh[k][0].percent for k in bkeys],
                                "checks": [beh[k][1].percent for k in bkeys]},
        chart_id=f"c{n}b") + "</div>")
    out.append(_agreement_section(spec_agreement(spec, workspace), labels))
    out.append("<h3>Behaviors</h3><table><tr><th>id</th><th>kind</th><th>severity</th>"
               "<th>statement</th></tr>")
    for b in spec.behaviors:
        out.append(f"<tr><td><code>{_e(b.id)}</code></td><td>{_e(b.kind.value)}</td>"
                   f"<td>{_e(b.severity.value)}</td><td>{_e(b.statement)}"
                   + (f'<div class="meta">{_e(b.rationale)}</div>' if b.rationale else "")
                   + "</td></tr>")
    out.append("</table><h3>Cases and judged examples</h3>")
    for c in spec.cases:
        out.append(f'<h4 id="case-{_e(spec.id)}-{_e(c.id)}">{_e(c.title or c.id)} '
                   f'<span class="pill">{_e(c.category.value)}</span>'
                   + (f' <span class="pill">expected: {_e(c.expected.value)}</span>'
                      if c.expected else "") + "</h4>")
        out.append(f'<p class="meta"><code>{_e(c.id)}</code> · behaviors: '
                   f'{_e(", ".join(c.behaviors) or "none")} · {len(c.checks)} checks</p>')
        for m in c.messages:
            out.append(f"<div><b>{_e(m.role.value)}</b><pre>{_e(m.content)}</pre></div>")
        for r in c.responses:
            cls = r.verdict.value if r.verdict else ""
            passed = passes_all(c, r.text)
            verdict = r.verdict.value if r.verdict else "not judged"
            chk = "" if passed is None else (" · checks pass" if passed else " · checks fail")
            out.append(f'<div><span class="pill {cls}">{_e(verdict)}</span> '
                       f'{_e(labels.get(r.target, r.target))}{_e(chk)}'
                       + (f' — <i>{_e(r.reason)}</i>' if r.reason else "")
                       + f"<pre>{_e(r.text)}</pre></div>")
    return "\n".join(out)


def render_report(specs: list[Spec], created: str = "",
                  workspaces: Sequence[Path | None] | None = None) -> str:
    """The whole report as one HTML document; ``workspaces[i]`` is the folder of
    ``specs[i]``, whose run store (if any) gives the judge's agreement."""
    toc = "".join(f'<li><a href="#spec-{_e(s.id)}">{_e(s.title or s.id)}</a></li>'
                  for s in specs)
    folders = list(workspaces or [])
    body = "\n".join(_spec_section(i, s, folders[i] if i < len(folders) else None)
                     for i, s in enumerate(specs))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Align Studio report</title>"
            f"<style>{_CSS}</style></head><body><main>"
            "<h1>Align Studio report</h1>"
            f'<p class="meta">Align Studio {_e(__version__)}'
            + (f" · {_e(created)}" if created else "")
            + ". Acceptance rate: share of judged responses reviewers accepted. Check rate: "
            "share of saved responses that pass every deterministic check of their case.</p>"
            f"<ul>{toc}</ul>{body}</main></body></html>\n")
