"""Draws a spec in the workspace browser: title on the first line, status and counts below."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from align_studio.ui.shell.icons import icon
from align_studio.ui.workspace.model import ERROR_ROLE, MODIFIED_ROLE, PROBLEMS_ROLE, SUBTITLE_ROLE

Index = QModelIndex | QPersistentModelIndex
_PAD = 8


def _fields(option: QStyleOptionViewItem) -> Any:
    # PySide6 6.9's stubs leave out QStyleOptionViewItem's fields (font, text, state,
    # widget, rect, palette); they are there at run time.
    return option


class SpecItemDelegate(QStyledItemDelegate):
    """Two lines per spec, in palette colours only (so dark mode just works)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        fm = QFontMetrics(_fields(option).font)
        return QSize(200, fm.height() * 2 + _PAD * 2 + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = _fields(QStyleOptionViewItem(option))
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Active if opt.state & QStyle.StateFlag.State_Active \
            else QPalette.ColorGroup.Inactive
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        sub_role = QPalette.ColorRole.HighlightedText if selected \
            else QPalette.ColorRole.PlaceholderText
        r = opt.rect.adjusted(_PAD + 2, _PAD, -_PAD, -_PAD)
        fm = QFontMetrics(opt.font)
        badge = None
        if index.data(ERROR_ROLE):
            badge = "error"
        elif index.data(PROBLEMS_ROLE):
            badge = "warning"
        painter.save()
        title_font = QFont(opt.font)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(opt.palette.color(group, text_role))
        right = r.right()
        if badge:
            size = fm.height() - 2
            icon(badge).paint(painter, QRect(right - size, r.top() + 1, size, size))
            right -= size + 6
        if index.data(MODIFIED_ROLE):
            size = fm.height()
            icon("modified").paint(painter, QRect(right - size, r.top(), size, size))
            right -= size + 4
        title_rect = QRect(r.left(), r.top(), right - r.left(), fm.height())
        title = QFontMetrics(title_font).elidedText(str(index.data() or ""),
                                                    Qt.TextElideMode.ElideRight,
                                                    title_rect.width())
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         title)
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(group, sub_role))
        sub_rect = QRect(r.left(), r.top() + fm.height() + 2, r.width(), fm.height())
        sub = fm.elidedText(str(index.data(SUBTITLE_ROLE) or ""), Qt.TextElideMode.ElideRight,
                            sub_rect.width())
        painter.drawText(sub_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, sub)
        painter.restore()
