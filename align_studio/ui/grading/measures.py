"""Computing the measures of a spec for the app, off the GUI thread. Qt-free.

Agreement, coverage and drift read the spec (a snapshot taken on the GUI thread) and the
workspace's run store; the drift charts are drawn here too, with matplotlib (imported
when a chart is first drawn: it costs ~0.4 s), so the GUI thread only turns PNG bytes into
a pixmap.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from align_studio.domain import Spec
from align_studio.exchange.logs_inbox import load_inbox
from align_studio.grading.agreement import AgreementReport, agreement
from align_studio.grading.coverage import CoverageReport, coverage
from align_studio.grading.drift import (
    SOURCES,
    DriftPoint,
    DriftReport,
    ProductionAnswer,
    drift,
)
from align_studio.grading.lint import RunInfo
from align_studio.grading.results import graded_rows
from align_studio.storage.runstore import RunStore, store_path

SOURCE_TITLES = {"acceptance": "Human acceptance", "check": "Checks pass", "judge": "Judge pass",
                 "production": "Production: answered"}


@dataclass
class Measures:
    """Everything the Measures tab shows for one spec."""

    agreement: AgreementReport
    coverage: CoverageReport
    drift: DriftReport | None  # None: the workspace has no run store yet
    run_info: RunInfo = field(default_factory=RunInfo)
    charts: dict[str, bytes] = field(default_factory=dict)  # "target" / "behavior" → PNG
    #: (case, target, answer text) → the newest judge grade: (passed or None, rationale)
    judge_grades: dict[tuple[str, str, str], tuple[bool | None, str]] = \
        field(default_factory=dict)


def snapshot(spec: Spec) -> Spec:
    """A copy of what the measures read, cheap enough for the GUI thread.

    The lists edits change in place (cases, their behaviors, checks and responses; the
    behaviors; the targets) are copied, and the objects in them shallowly; a deep copy of a
    1,000-case spec takes ~150 ms, this ~6 ms.
    """
    cases = [c.model_copy(update={"behaviors": list(c.behaviors), "checks": list(c.checks),
                                  "responses": [r.model_copy() for r in c.responses]})
             for c in spec.cases]
    return spec.model_copy(update={
        "cases": cases, "behaviors": [b.model_copy() for b in spec.behaviors],
        "targets": [t.model_copy() for t in spec.targets],
        "acknowledgments": list(spec.acknowledgments),
        "judge": spec.judge.model_copy() if spec.judge else None})


def compute(spec: Spec, workspace: Path, charts: bool = True) -> Measures:
    """Agreement, coverage and drift of ``spec`` (and the drift charts as PNG)."""
    path = store_path(workspace)
    production = production_answers(workspace)
    if not path.exists():
        rep0 = drift(None, spec, production=production) if production else None
        out0 = Measures(agreement(spec), coverage(spec), rep0)
        if charts and rep0 is not None and rep0.points:
            out0.charts["target"] = drift_chart_png(rep0, "target", {})
        return out0
    with RunStore(path) as store:
        rep = drift(store, spec, production=production)
        info = RunInfo(frozenset(r["target_id"] for r in store.matrix(spec.id).values()))
        out = Measures(agreement(spec, store), coverage(spec, store), rep, info)
        for g in graded_rows(store, spec.id):  # oldest first: the newest grade wins
            if g["kind"] == "judge":
                out.judge_grades[(g["case_id"], g["target_id"], (g["text"] or "").strip())] = \
                    (None if g["passed"] is None else bool(g["passed"]), g["detail"] or "")
    if charts and rep.points:
        names = {t.id: t.label or t.id for t in spec.targets}
        out.charts["target"] = drift_chart_png(rep, "target", names)
        out.charts["behavior"] = drift_chart_png(rep, "behavior", {})
    return out


def production_answers(workspace: Path) -> list[ProductionAnswer]:
    """The last assistant answer of each conversation in the workspace's review inbox."""
    out = []
    for entry in load_inbox(workspace):
        answers = [m["content"] for m in entry.messages if m.get("role") == "assistant"]
        if answers:
            model = str(entry.metadata.get("model") or "production")
            # the log's own time when it carries one, else when it was imported
            when = next((str(entry.metadata[k]) for k in ("timestamp", "time", "created_at",
                                                         "created", "date")
                         if isinstance(entry.metadata.get(k), str)), entry.added or "")
            out.append(ProductionAnswer(when[:10], model, answers[-1]))
    return out


def series_by(report: DriftReport, source: str, by: str) -> dict[str, list[tuple[str, float]]]:
    """Lines of one chart: name → [(run id, rate)], runs oldest first.

    ``by="target"``: one line per target. ``by="behavior"``: one line per behavior, the
    targets of a run summed.
    """
    runs: list[str] = []
    sums: dict[str, dict[str, list[int]]] = {}
    for p in report.points:
        if p.source != source or p.run_id is None:
            continue
        if (by == "target") != (p.behavior is None):
            continue
        if p.run_id not in runs:
            runs.append(p.run_id)
        key = p.target if by == "target" else str(p.behavior)
        acc = sums.setdefault(key, {}).setdefault(p.run_id, [0, 0])
        acc[0] += p.passed
        acc[1] += p.n
    return {key: [(r, v[r][0] / v[r][1]) for r in runs if r in v and v[r][1]]
            for key, v in sorted(sums.items())}


def run_order(points: list[DriftPoint]) -> list[str]:
    """Run ids in time order."""
    seen: list[str] = []
    for p in points:
        if p.run_id and p.run_id not in seen:
            seen.append(p.run_id)
    return seen


def drift_chart_png(report: DriftReport, by: str, names: dict[str, str]) -> bytes:
    """Three small line charts (acceptance, checks, judge) over runs, as PNG bytes."""
    from matplotlib.figure import Figure  # a chart's first drawing, on a worker: ~0.39 s

    palette = ["#2f6fb0", "#d9822b", "#3a9a5b", "#b8443c", "#7a5bb0", "#8c8c8c", "#1f9e9e",
               "#c2528b"]
    runs = run_order(report.points)
    index = {r: i for i, r in enumerate(runs)}
    starts = {p.run_id: (p.started[5:19].replace("T", " ") if p.started else str(p.run_id))
              for p in report.points}
    seen: dict[str, int] = {}
    for r in runs:  # two runs started in the same second: tell them apart
        label = starts.get(r, r)
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            starts[r] = f"{label} ({seen[label]})"
    warned = {(w.source, w.target, w.to_run) for w in report.warnings}
    fig = Figure(figsize=(10.5, 3.4), dpi=140)
    lines = {}
    for k, source in enumerate(SOURCES):
        ax = fig.add_subplot(1, len(SOURCES), k + 1)
        data = series_by(report, source, by)
        for j, (key, pts) in enumerate(data.items()):
            xs = [index[r] for r, _ in pts]
            ys = [100 * v for _, v in pts]
            (line,) = ax.plot(xs, ys, marker="o", markersize=4, linewidth=1.6,
                              color=palette[j % len(palette)], label=names.get(key, key))
            lines[names.get(key, key)] = line
            if by == "target":
                for r, v in pts:
                    if (source, key, r) in warned:
                        ax.plot([index[r]], [100 * v], marker="v", markersize=10,
                                color="#cf222e", zorder=5)
        ax.set_title(SOURCE_TITLES[source], fontsize=10)
        ax.set_ylim(-3, 103)
        ax.set_xlim(-0.4, max(len(runs) - 0.6, 0.4))
        ax.set_xticks(range(len(runs)))
        ax.set_xticklabels([starts.get(r, r) for r in runs], rotation=30, ha="right",
                           fontsize=7)
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        if not data:
            ax.text(0.5, 0.5, "no grades yet", transform=ax.transAxes, ha="center",
                    va="center", fontsize=9, color="#777777")
        if k == 0:
            ax.set_ylabel("rate (%)", fontsize=8)
    if lines:
        fig.legend(list(lines.values()), list(lines), loc="upper center", ncol=min(len(lines),
                   6), fontsize=8, frameon=False, bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
