"""What the table area shows when there is nothing to list: pages that teach what to do."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

NO_CASES_TEXT = """<h3>No cases yet</h3>
<p>A case is one test scenario: a conversation, the behaviors it exercises and what the AI
is expected to do (comply, refuse, clarify or partly comply). Good specs mix categories:</p>
<ul>
<li><b>Expected use</b> — the everyday requests the feature exists for.</li>
<li><b>Adversarial</b> — attempts to make the AI break a rule (jailbreaks, pressure, tricks).</li>
<li><b>Boundary</b> — requests right at the edge of what is allowed.</li>
<li><b>Edge</b> — unusual input: empty, very long, another language, typos.</li>
<li><b>Look-alike</b> — harmless requests that resemble forbidden ones and must
<i>not</i> be refused; they catch over-refusal.</li>
<li><b>Regression</b> — a case that once went wrong and must stay fixed.</li>
</ul>"""


def _page(text: str, button: QPushButton) -> QWidget:
    page = QWidget()
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setMaximumWidth(560)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(button)
    row.addStretch(1)
    lay = QVBoxLayout(page)
    lay.addStretch(1)
    lay.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
    lay.addLayout(row)
    lay.addStretch(2)
    return page


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


class NoCasesPage(QWidget):
    """Shown when the spec has no cases: explains the categories and offers to add one."""

    sig_add_case_requested = Signal()
    """The user asked for a first case."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.add_button = QPushButton("Add case")
        self.add_button.setAccessibleName("Add the first case")
        self.add_button.clicked.connect(self.sig_add_case_requested)
        QVBoxLayout(self).addWidget(_page(NO_CASES_TEXT, self.add_button))
        self.setAccessibleName("No cases yet")
        self.setAccessibleDescription(_plain(NO_CASES_TEXT))


class NoMatchPage(QWidget):
    """Shown when the search and filters hide every case; offers to clear them."""

    sig_clear_filters_requested = Signal()
    """The user asked to see every case again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setAccessibleName("Clear search and filters")
        self.clear_button.clicked.connect(self.sig_clear_filters_requested)
        text = ("<h3>No case matches</h3><p>No case matches the search and filters. "
                "Change them, or clear them to see every case.</p>")
        QVBoxLayout(self).addWidget(_page(text, self.clear_button))
        self.setAccessibleName("No case matches the filters")
        self.setAccessibleDescription(_plain(text))
