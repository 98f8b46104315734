from PySide6.QtCore import Qt
import os
STEP=int(os.environ.get("STEP","9"))
def test_x(qtbot, panel):
    bar = panel.filter_bar
    if STEP>=1: panel.find_action.trigger()
    if STEP>=2: qtbot.keyClicks(bar.search_edit, "address")
    if STEP>=3: bar.behavior_combo.setCurrentIndex(bar.behavior_combo.findData("no-pii"))
    if STEP>=4: bar.verdict_combo.setCurrentIndex(bar.verdict_combo.findData("unjudged"))
    if STEP>=5: qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
