"""The Drift view: pass rates per target (or behavior) across runs, and drop warnings.

The charts are drawn off the GUI thread (see :mod:`.measures`) and arrive as PNG bytes; a
drop larger than ten points between two runs is shown in a red banner above them.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QPixmap, QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from align_studio.grading.drift import DriftReport
from align_studio.ui.shell.tints import ACCEPT_HUE, REJECT_HUE, tint


class ChartLabel(QLabel):
    """Shows a chart image scaled to the width available (never above its own size)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.original = QPixmap()
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(1, 1)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)

    def set_chart(self, pixmap: QPixmap) -> None:
        """Show ``pixmap`` (a null one clears the chart)."""
        self.original = pixmap
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self.original.isNull():
            self.setPixmap(QPixmap())
            return
        ratio = self.devicePixelRatioF()
        w = min(self.width() * ratio, self.original.width())
        h = min(self.height() * ratio, self.original.height())
        pix = self.original.scaled(int(w), int(h), Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        pix.setDevicePixelRatio(ratio)
        self.setPixmap(pix)


class DriftView(QWidget):
    """Drift charts with the warnings of :func:`align_studio.grading.drift.drift`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DriftView")
        self.report: DriftReport | None = None
        self.charts: dict[str, bytes] = {}
        self.warning = QLabel()
        self.warning.setObjectName("drift-warning")
        self.warning.setWordWrap(True)
        self.warning.setAutoFillBackground(True)
        self.warning.setContentsMargins(10, 8, 10, 8)
        font = self.warning.font()
        font.setBold(True)
        self.warning.setFont(font)
        self.by = QComboBox()
        self.by.addItem("Per target", "target")
        self.by.addItem("Per behavior", "behavior")
        self.by.currentIndexChanged.connect(lambda _i: self._show_chart())
        self.chart = ChartLabel()
        self.chart.setObjectName("drift-chart")
        self.chart.setAccessibleName("Drift chart")
        head = QHBoxLayout()
        head.addWidget(QLabel("Lines:"))
        head.addWidget(self.by)
        head.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addLayout(head)
        layout.addWidget(self.chart, 1)
        self.set_report(None, {})

    def set_report(self, report: DriftReport | None, charts: dict[str, bytes],
                   names: dict[str, str] | None = None) -> None:
        """Show a drift report and its charts (PNG bytes by "target" / "behavior"); targets
        are named by ``names`` (id → label), as Preview names them."""
        self.report, self.charts = report, dict(charts)
        names = names or {}
        pal = self.palette()
        p = self.warning.palette()
        if report is not None and report.warnings:
            lines = "".join(
                f"<li>{escape(replace(w, target=names.get(w.target, w.target)).message)}</li>"
                for w in report.warnings)
            self.warning.setText(f"⚠ Pass rates dropped:<ul style='margin:2px'>{lines}</ul>")
            p.setColor(QPalette.ColorRole.Window, tint(pal, REJECT_HUE, 0.28))
        elif report is not None and report.points:
            self.warning.setText("No drop of more than ten points between consecutive runs.")
            p.setColor(QPalette.ColorRole.Window, tint(pal, ACCEPT_HUE, 0.18))
        else:
            self.warning.setText("No runs with grades or verdicts yet: run the spec and grade "
                                 "it to see drift." if report is not None else
                                 "The workspace has no run history yet.")
            p.setColor(QPalette.ColorRole.Window, pal.color(QPalette.ColorRole.AlternateBase))
        self.warning.setPalette(p)
        self._show_chart()

    def has_warning(self) -> bool:
        """Whether a drop warning is shown."""
        return bool(self.report and self.report.warnings)

    def _show_chart(self) -> None:
        data = self.charts.get(str(self.by.currentData()))
        pix = QPixmap()
        if data and pix.loadFromData(data):  # the format is read from the data
            self.chart.set_chart(pix)
        else:
            self.chart.set_chart(QPixmap())
            drawing = self.report is not None and bool(self.report.points)
            self.chart.setText("Drawing the charts…" if drawing else "No chart yet.")
