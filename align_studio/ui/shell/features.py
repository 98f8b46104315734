"""The features of the main window, registered in one place.

Each feature is a module with ``install(ctx) -> Feature object``: it adds its actions,
menus, status widgets and the tabs of every opened spec through the
:class:`~align_studio.ui.shell.context.AppContext` it is given, and imports neither the main
window nor another feature. The main window imports this module after its first paint
(these import the network, grading and versions layers) and calls
:func:`install_features` once.
"""

from __future__ import annotations

from dataclasses import dataclass

from align_studio.ui.calibration.integration import CalibrationIntegration
from align_studio.ui.calibration.integration import install as install_calibration
from align_studio.ui.exchange.integration import ExchangeIntegration
from align_studio.ui.exchange.integration import install as install_exchange
from align_studio.ui.generation.integration import GenerationIntegration
from align_studio.ui.generation.integration import install as install_generation
from align_studio.ui.grading.integration import GradingIntegration
from align_studio.ui.grading.integration import install as install_grading
from align_studio.ui.preview.integration import ReviewIntegration
from align_studio.ui.preview.integration import install as install_review
from align_studio.ui.shell.context import AppContext
from align_studio.ui.versions.integration import VersionsIntegration
from align_studio.ui.versions.integration import install as install_versions


@dataclass(frozen=True)
class Features:
    """The features installed in one window (tests and benches reach them here)."""

    review: ReviewIntegration
    """Preview and Results: the tabs, the Run menu, run progress (issue 5)."""
    grading: GradingIntegration
    """Spec health and Measures, the judge, the Grading menu (issue 8)."""
    exchange: ExchangeIntegration
    """File → Import / Export, the Inbox dock (issue 9)."""
    versions: VersionsIntegration
    """Save Version, History, File → Sync (issues 6 and 7)."""
    calibration: CalibrationIntegration
    """The Calibration tab: agreement, the label-next queue, refinement (issue 18)."""
    generation: GenerationIntegration
    """Generate Cases…, the Generated tab, Revise…, A/B and stability (issue 19)."""


def install_features(ctx: AppContext) -> Features:
    """Install every feature, in this order: the registration list of the window.

    The order is the order of their menus and of their steps after a spec opens: Preview
    before the tabs that follow its runs, Import/Export before Sync in the File menu.
    """
    return Features(
        review=install_review(ctx),
        grading=install_grading(ctx),
        exchange=install_exchange(ctx),
        versions=install_versions(ctx),
        calibration=install_calibration(ctx),
        generation=install_generation(ctx),
    )
