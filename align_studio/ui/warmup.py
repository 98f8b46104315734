"""The first import of the editor, run, measure and version layers, done on a worker.

Their first import takes about half a second, much of it in long calls that hold the GIL
(pydantic builds each model's validator in one call). Done on the GUI thread it freezes the
window; done on a worker while the PM scrolls a spec it still stalls the event loop. So the
main window imports them on a worker right after its first paint, before it lists the
workspace, when nothing else is going on. Importing a module that defines widget classes
creates no widgets, so it is safe off the GUI thread.
"""

from __future__ import annotations

import importlib

#: What opening a spec needs (the opener imports these again on its worker: a no-op once
#: done here, and the right thing when a spec is opened before the warm-up ends).
OPEN_MODULES = (
    "align_studio.storage", "align_studio.editing", "align_studio.editing.journal",
    "align_studio.domain", "align_studio.providers.profiles", "align_studio.ui.document",
    "align_studio.ui.editor", "align_studio.ui.cases.panel", "align_studio.exchange.logs_inbox",
)

#: What the main window adds after its first paint: Preview and Results, measuring, versions.
START_MODULES = (
    "align_studio.ui.preview.integration", "align_studio.ui.grading.integration",
    "align_studio.ui.versions.integration",
)


def import_modules(names: tuple[str, ...] = START_MODULES + OPEN_MODULES) -> None:
    """Import ``names`` (on a worker thread: this makes no Qt calls)."""
    for name in names:
        importlib.import_module(name)
