"""File → Import → promptfoo Config…: the import report, then the name of the new spec."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from align_studio.exchange.promptfoo_import import PromptfooImport

STATUSES = ("mapped", "kept", "unsupported")
COLOURS = {"mapped": "#1a7f37", "kept": "#9a6700", "unsupported": "#cf222e"}


def report_html(result: PromptfooImport, source: str) -> str:
    """The report as HTML: counts per kind and status, then every item not mapped."""
    report = result.report
    counts = report.counts()
    total = {s: sum(c.get(s, 0) for c in counts.values()) for s in STATUSES}
    head = "".join(f"<th align='right' style='color:{COLOURS[s]}'>{s}</th>" for s in STATUSES)
    rows = "".join(
        f"<tr><td>{escape(kind)}</td>" + "".join(
            f"<td align='right'>{c.get(s, 0)}</td>" for s in STATUSES) + "</tr>"
        for kind, c in counts.items())
    summary = " · ".join(f"<b style='color:{COLOURS[s]}'>{total[s]} {s}</b>" for s in STATUSES)
    spec = result.spec
    out = [(f"<p>{escape(source)} → spec <b>{escape(spec.id)}</b>: {len(spec.cases)} cases, "
           f"{len(spec.targets)} targets.</p><p>{summary}</p>"),
           (f"<table cellspacing='0' cellpadding='4'><tr><th align='left'>item</th>{head}</tr>"
           f"{rows}</table>"),
           ("<p style='color:#6e7781'><b>mapped</b>: became part of the spec (a check, a "
           "case, a target). <b>kept</b>: stored verbatim in the spec (x-promptfoo-…) so "
           "nothing is lost. <b>unsupported</b>: malformed or unreadable; kept as a "
           "reference.</p>")]
    others = [it for it in report.items if it.status != "mapped"]
    if others:
        items = "".join(f"<li><span style='color:{COLOURS.get(it.status, '#000')}'>"
                        f"{escape(it.status)}</span> {escape(it.kind)} "
                        f"<code>{escape(it.where)}</code>: {escape(it.detail)}</li>"
                        for it in others[:200])
        more = f"<p>… and {len(others) - 200} more</p>" if len(others) > 200 else ""
        out.append(f"<p><b>Not mapped</b></p><ul>{items}</ul>{more}")
    return "".join(out)


class PromptfooImportDialog(QDialog):
    """Shows what became of each part of the configuration; asks where the spec goes."""

    def __init__(self, result: PromptfooImport, source: Path, workspace: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Import promptfoo Config")
        self.resize(640, 520)
        layout = QVBoxLayout(self)
        self.report = QTextBrowser(self)
        self.report.setAccessibleName("Import report")
        self.report.setHtml(report_html(result, source.name))
        layout.addWidget(self.report, 1)
        form = QFormLayout()
        self.file_name = QLineEdit(f"{result.spec.id}.yaml", self)
        self.file_name.setAccessibleName("New spec file name")
        form.addRow("Create &spec", self.file_name)
        layout.addLayout(form)
        self.problem = QLabel("", self)
        self.problem.setStyleSheet("color: #cf222e")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(self)
        self.create_button = self.buttons.addButton("Create Spec",
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.file_name.textChanged.connect(lambda _t: self._check())
        self._check()

    def target(self) -> Path:
        """The spec file to create."""
        name = self.file_name.text().strip()
        if not name.endswith((".yaml", ".yml")):
            name += ".yaml"
        return self.workspace / name

    def _check(self) -> None:
        name = self.file_name.text().strip()
        bad = not name or "/" in name or "\\" in name
        exists = not bad and self.target().exists()
        self.problem.setText("Choose a file name." if bad else
                             f"{self.target().name} already exists; choose another name."
                             if exists else "")
        self.create_button.setEnabled(not bad and not exists)
