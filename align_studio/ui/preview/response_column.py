"""One column of the side-by-side preview: a target's answer, its figures and verdict."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Verdict
from align_studio.review.live import CANCELLED, ERROR, STREAMING, UNAVAILABLE, WAITING, LiveResponse
from align_studio.review.matrix import Cell
from align_studio.ui.shell.tints import ACCEPT_HUE, REJECT_HUE, WARNING_HUE, tint

RENDERED, RAW, MESSAGE = 0, 1, 2
#: (case id, target id, answer text) → the judge's grade of that answer: (passed or None
#: when undecided, rationale), or None when it was not judged. Set by the grading package.
GradeLookup = Callable[[str, str, str], "tuple[bool | None, str] | None"]
#: The judge's grade as shown; a grade of None (undecided) is not a key.
_JUDGE_PART: dict[bool | None, str] = {True: "✓ judge pass", False: "✗ judge fail"}


def figures(live: LiveResponse | None) -> str:
    """"1.23 s · 40 tokens · $0.0004 · cached": what an answer took."""
    if live is None:
        return ""
    parts = []
    if live.latency is not None:
        parts.append(f"{live.latency:.2f} s")
    if live.completion_tokens is not None:
        parts.append(f"{'~' if live.tokens_estimated else ''}{live.completion_tokens} tokens")
    if live.cost is not None and not (live.cached and live.cost == 0):
        parts.append(money(live.cost))
    if live.cached:
        parts.append("cached")
    return " · ".join(parts)


def money(usd: float) -> str:
    """"$0.12", or "$0.00003" for the fractions of a cent a single answer costs."""
    if usd >= 0.01 or usd == 0:
        return f"${usd:.2f}"
    digits = max(2, -int(f"{usd:e}".split("e")[1]) + 1)
    return f"${usd:.{digits}f}".rstrip("0")


_DANGLING = re.compile(r"^\s*(?:[-*+>#=`_]+|\d+[.)]?)?\s*$")


def stable_markdown(text: str) -> str:
    """A streaming answer without its half-written last line when that line is only
    Markdown markup ("-", "1.", "#"…), which would render as a stray bullet or heading."""
    head, sep, last = text.rpartition("\n")
    return head if sep and _DANGLING.match(last) else text


class ResponseColumn(QFrame):
    """A target's answer as rendered Markdown (or raw text), or a clear error state."""

    sig_selected = Signal(int)
    """The column (its 0-based position) was clicked to be judged."""
    sig_retry_requested = Signal(int)
    """Retry was clicked in the error state of this column."""
    sig_settings_requested = Signal()
    """The user wants to open Settings to add a provider profile or key."""

    def __init__(self, position: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.position = position
        self.setObjectName("ResponseColumn")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._text = ""
        self._raw = False
        self._selected = False
        self.number = QLabel(str(position + 1))
        self.number.setObjectName("column-number")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setFixedSize(22, 22)
        self.title = QLabel()
        self.title.setObjectName("column-title")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.state = QLabel()
        self.state.setObjectName("column-state")
        self.meta = QLabel()
        self.meta.setObjectName("column-figures")
        self.meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        # A long target name or many figures are clipped (tooltip in full), never widening
        # the column: six columns must fit a laptop's window side by side (issue 16).
        for label, least in ((self.title, 40), (self.meta, 30)):
            label.setMinimumWidth(least)
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.number)
        head.addWidget(self.title, 1)
        head.addWidget(self.state)
        head.addWidget(self.meta)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.browser.setFrameShape(QFrame.Shape.NoFrame)
        self.raw = QPlainTextEdit()
        self.raw.setReadOnly(True)
        self.raw.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.raw.setFrameShape(QFrame.Shape.NoFrame)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry = QPushButton("Retry")
        self.retry.clicked.connect(lambda: self.sig_retry_requested.emit(self.position))
        self.settings = QPushButton("Open Settings…")
        self.settings.clicked.connect(self.sig_settings_requested)
        page = QWidget()
        pl = QVBoxLayout(page)
        pl.addStretch(1)
        pl.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry)
        buttons.addWidget(self.settings)
        buttons.addStretch(1)
        pl.addLayout(buttons)
        pl.addStretch(2)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.browser)
        self.stack.addWidget(self.raw)
        self.stack.addWidget(page)
        self.grade_lookup: GradeLookup | None = None
        self.grades = QLabel()  # automated grades: always apart from the human verdict
        self.grades.setObjectName("column-grades")
        self.grades.setWordWrap(True)
        self.grades.setContentsMargins(8, 0, 8, 0)
        self.verdict = QLabel()
        self.verdict.setObjectName("column-verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setAutoFillBackground(True)
        self.verdict.setContentsMargins(8, 5, 8, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.grades)
        layout.addWidget(self.verdict)
        self.set_selected(False)

    # ---- content -----------------------------------------------------------------------
    def set_title(self, label: str) -> None:
        """The header: a target's name, or "Model A" in blind mode."""
        self.title.setText(label)
        self.title.setToolTip(label)
        self.setAccessibleName(f"Answer {self.position + 1}: {label}")

    def set_raw(self, raw: bool) -> None:
        """Show the raw text instead of rendered Markdown."""
        self._raw = raw
        if self.stack.currentIndex() != MESSAGE:
            self._show_text(self._text, force=True)

    def show_response(self, live: LiveResponse | None, cell: Cell | None,
                      redact: tuple[str, ...] = ()) -> None:
        """Show an answer (streaming, done, failed, unavailable) and its verdict."""
        status = live.status if live is not None else None
        text = live.text if live is not None else (cell.text if cell else "")
        self.meta.setText(figures(live) if status not in (WAITING, STREAMING) else "")
        self.meta.setToolTip(self.meta.text())
        self.state.setText({WAITING: "waiting…", STREAMING: "streaming…",
                            CANCELLED: "cancelled"}.get(status or "", ""))
        if status in (ERROR, UNAVAILABLE) and live is not None:
            message = live.error or "The request failed."
            for name in redact:
                message = message.replace(name, "…")
            self._show_message(message, retry=status == ERROR,
                               settings=status == UNAVAILABLE or live.error_kind == "auth")
        elif not text and status is None:
            self._show_message("Not run yet.\nPress Ctrl+Enter to run this case.",
                               retry=False, settings=False)
        elif not text and status in (WAITING, STREAMING):
            self._show_message(live.note if live and live.note else "Waiting for the answer…",
                               retry=False, settings=False)
        else:
            if status == STREAMING:
                text = stable_markdown(text)
            self._show_text(text, force=self.stack.currentIndex() == MESSAGE)
        self._show_verdict(cell, live)
        self._show_grades(cell, live)

    def _show_grades(self, cell: Cell | None, live: LiveResponse | None) -> None:
        # Checks and the judge (issue 8): their own line, never mixed with the verdict.
        parts, tips = [], []
        busy = live is not None and live.status in (WAITING, STREAMING)
        if cell is not None and cell.checks is not None and not busy:
            mark = "✓" if cell.checks.ok else "✗"
            parts.append(f"{mark} checks {cell.checks.passed}/{cell.checks.total}")
            tips.append(cell.checks.describe())
        found = self.grade_lookup(cell.case_id, cell.target_id, cell.text.strip()) \
            if cell is not None and self.grade_lookup is not None and cell.text and not busy \
            else None
        if found is not None:
            passed, detail = found
            parts.append(_JUDGE_PART.get(passed, "? judge undecided"))
            tips.append(f"Judge: {detail}")
        self.grades.setText("Automated: " + " · ".join(parts) if parts else "")
        self.grades.setToolTip("\n".join(tips))
        self.grades.setVisible(bool(parts))

    def _show_message(self, text: str, retry: bool, settings: bool) -> None:
        self._text = ""
        self.message.setText(text)
        self.retry.setVisible(retry)
        self.settings.setVisible(settings)
        self.stack.setCurrentIndex(MESSAGE)

    def _show_text(self, text: str, force: bool = False) -> None:
        if text == self._text and not force:
            return
        grow = text.startswith(self._text) and bool(self._text)
        self._text = text
        if self._raw:
            self.stack.setCurrentIndex(RAW)
            view = self.raw
            bar = view.verticalScrollBar()
            follow = bar.value() >= bar.maximum() - 4
            if grow and not force:
                view.moveCursor(view.textCursor().MoveOperation.End)
                view.insertPlainText(text[len(view.toPlainText()):])
            else:
                view.setPlainText(text)
        else:
            self.stack.setCurrentIndex(RENDERED)
            bar = self.browser.verticalScrollBar()
            follow = bar.value() >= bar.maximum() - 4
            keep = bar.value()
            self.browser.setMarkdown(text)
            bar.setValue(bar.maximum() if follow and grow else keep)
            return
        if follow:
            bar.setValue(bar.maximum())

    def _show_verdict(self, cell: Cell | None, live: LiveResponse | None) -> None:
        pal = self.palette()
        hue: QColor | None = None
        if cell is None or cell.verdict is None:
            done = live is not None and live.answered
            text = "Not judged — A accept · R reject" if done or (cell and cell.answered) \
                else ""
        else:
            j = cell.judged
            ok = cell.verdict is Verdict.ACCEPT
            hue = ACCEPT_HUE if ok else REJECT_HUE
            who = f" by {j.reviewer}" if j and j.reviewer else ""
            when = f" · {j.time:%Y-%m-%d %H:%M}" if j and j.time else ""
            reason = f": {j.reason}" if j and j.reason else ""
            text = f"{'✓ Accepted' if ok else '✗ Rejected'}{reason}{who}{when}"
            if cell.carried_from:
                text += f"\n↻ Carried forward from {cell.carried_from} — C keeps it"
                hue = WARNING_HUE
            if cell.stale:
                text += "\n⚠ Stale: the case changed since — judge again or press C to confirm"
                hue = WARNING_HUE
        self.verdict.setText(text)
        self.verdict.setVisible(bool(text))
        p = self.verdict.palette()
        p.setColor(QPalette.ColorRole.Window, tint(pal, hue, 0.25) if hue is not None
                   else pal.color(QPalette.ColorRole.AlternateBase))
        self.verdict.setPalette(p)

    def set_selected(self, selected: bool) -> None:
        """Mark the column picked for judging (by number key or click)."""
        self._selected = selected
        pal = self.palette()
        self.setLineWidth(2 if selected else 1)
        p = self.number.palette()
        self.number.setAutoFillBackground(True)
        p.setColor(QPalette.ColorRole.Window, pal.color(QPalette.ColorRole.Highlight)
                   if selected else pal.color(QPalette.ColorRole.Button))
        p.setColor(QPalette.ColorRole.WindowText, pal.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.ButtonText))
        self.number.setPalette(p)
        self.setProperty("selected", selected)

    def mousePressEvent(self, event) -> None:
        self.sig_selected.emit(self.position)
        super().mousePressEvent(event)

    def current_text(self) -> str:
        """The text shown (for tests)."""
        return self._text
