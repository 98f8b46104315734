"""Charts for the report: matplotlib (Agg backend) drawn to SVG text that is embedded inline.

The SVG carries no external reference (no fonts, images or scripts fetched from anywhere):
text is drawn as paths and the RDF metadata block is removed.
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg", force=False)

from matplotlib.figure import Figure

_PALETTE = ["#2f6fb0", "#d9822b", "#3a9a5b", "#b8443c", "#7a5bb0", "#8c8c8c"]


def _clean(svg: str, prefix: str) -> str:
    # Several charts share one HTML page: give each chart's ids their own prefix.
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    return svg.strip()


def bar_chart_svg(title: str, labels: list[str], series: dict[str, list[float | None]],
                  ylabel: str = "rate (%)", ymax: float = 100.0, chart_id: str = "chart") -> str:
    """A grouped bar chart as inline SVG text; ``None`` values are drawn as gaps."""
    # Figure() (not pyplot) keeps no global state, so charts can be drawn on any thread.
    width = max(4.5, 1.2 + 0.9 * max(len(labels), 1) * max(len(series), 1) ** 0.5)
    fig = Figure(figsize=(min(width, 11.0), 3.2), dpi=96)
    ax = fig.add_subplot(1, 1, 1)
    n = max(len(series), 1)
    bar_w = 0.8 / n
    for i, (name, values) in enumerate(series.items()):
        xs = [j + (i - (n - 1) / 2) * bar_w for j in range(len(labels))]
        ys = [v if v is not None else 0.0 for v in values]
        bars = ax.bar(xs, ys, width=bar_w, label=name, color=_PALETTE[i % len(_PALETTE)])
        for b, v in zip(bars, values, strict=True):  # one bar per value
            if v is None:
                b.set_alpha(0.0)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=20 if len(labels) > 4 else 0, ha="right"
                       if len(labels) > 4 else "center", fontsize=8)
    ax.set_ylim(0, ymax)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.tick_params(axis="y", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "align-studio"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return _clean(buf.getvalue(), re.sub(r"[^A-Za-z0-9_-]", "-", chart_id))
