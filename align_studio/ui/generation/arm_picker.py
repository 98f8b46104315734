"""A target and the system prompt it is sent (its own variant, the spec's, or a variant)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from align_studio.domain import Spec
from align_studio.ui.generation.work import ArmChoice

#: The variant combo's first entry: whatever the target names (else the spec's prompt).
OWN = "(the target's own prompt)"


class ArmPicker(QWidget):
    """Two combos: the target, and the prompt variant it is sent."""

    def __init__(self, spec: Spec, target_index: int = 0, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.target = QComboBox()
        for t in spec.targets:
            self.target.addItem(f"{t.label or t.id} ({t.model})", t.id)
        self.target.setCurrentIndex(min(target_index, max(len(spec.targets) - 1, 0)))
        self.variant = QComboBox()
        self.variant.addItem(OWN, None)
        self.variant.addItem("the spec's system prompt", "default")
        for v in spec.prompt_variants:
            self.variant.addItem(f"variant {v.label or v.id}", v.id)
        for combo in (self.target, self.variant):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.target, 1)
        lay.addWidget(self.variant, 1)

    def choice(self) -> ArmChoice:
        """The arm picked."""
        return ArmChoice(str(self.target.currentData()), self.variant.currentData())

    def set_choice(self, target_id: str, variant: str | None = None) -> None:
        """Pick a target and a variant (tests and callers that know what to compare)."""
        self.target.setCurrentIndex(max(self.target.findData(target_id), 0))
        self.variant.setCurrentIndex(0 if variant is None else
                                     max(self.variant.findData(variant), 0))
