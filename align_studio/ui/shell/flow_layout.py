"""A layout that wraps its items onto the next line when the width runs out.

Bars of buttons (the Preview judge bar, the Cases filters) need the full width of a wide
window but must not force a laptop's window wider than its screen (issue 16): in a flow
layout the narrowest width is that of the widest single item, and the height follows the
width (``heightForWidth``), so the bar grows a line instead of pushing controls off-screen.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QStyle, QWidget

#: The most width a stretching item claims before the others are placed.
STRETCH_HINT = 220


class FlowLayout(QLayout):
    """Items left to right, wrapped to further lines; a stretch item takes a line's rest."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._stretch: set[int] = set()  # ids of the items that take the rest of a line

    def add_widget(self, widget: QWidget, stretch: bool = False) -> None:
        """Add ``widget``; with ``stretch`` it grows to fill what its line leaves."""
        self.addWidget(widget)
        if stretch:
            self._stretch.add(id(self._items[-1]))

    # ---- QLayout ---------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    # Qt returns nullptr past the end; PySide6 6.9's stub says it never does.
    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        if 0 <= index < len(self._items):
            item = self._items.pop(index)
            self._stretch.discard(id(item))
            return item
        return None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        # One line: every item at its preferred size.
        visible = [i for i in self._items if not i.isEmpty()]
        width = sum(self._hint(i) for i in visible) + self._spacing * max(
            0, len(visible) - 1)
        height = max((i.sizeHint().height() for i in visible), default=0)
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        # As narrow as the widest item: everything else wraps.
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        m: QMargins = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    # ---- placing -----------------------------------------------------------------------------
    def _gap(self) -> int:
        if self._spacing >= 0:
            return self._spacing
        parent = self.parentWidget()
        return parent.style().pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing) \
            if parent is not None else 6

    def _hint(self, item: QLayoutItem) -> int:
        # A stretching item (a long label) asks for no more than a modest share of a line,
        # so that its text alone never pushes the buttons onto a line of their own.
        width = item.sizeHint().width()
        if id(item) in self._stretch:
            width = min(width, max(item.minimumSize().width(), STRETCH_HINT))
        return width

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._items:
            if item.isEmpty():
                continue
            w = self._hint(item)
            if lines[-1] and used + self._gap() + w > width:
                lines.append([])
                used = 0
            used += (self._gap() if lines[-1] else 0) + w
            lines[-1].append(item)
        return lines

    def _arrange(self, rect: QRect, apply: bool) -> int:
        m = self.contentsMargins()
        inner = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        y = inner.y()
        for line in self._lines(inner.width()):
            if not line:
                continue
            height = max(i.sizeHint().height() for i in line)
            hints = [min(self._hint(i), inner.width()) for i in line]
            spare = inner.width() - sum(hints) - self._gap() * (len(line) - 1)
            growers = [k for k, i in enumerate(line) if id(i) in self._stretch]
            x = inner.x()
            for k, item in enumerate(line):
                w = hints[k] + (spare // len(growers) if spare > 0 and k in growers else 0)
                if apply:
                    h = min(height, max(item.sizeHint().height(), item.minimumSize().height()))
                    item.setGeometry(QRect(QPoint(x, y + (height - h) // 2), QSize(w, h)))
                x += w + self._gap()
            y += height + self._gap()
        return y - self._gap() - inner.y() + m.top() + m.bottom() if y > inner.y() else 0
