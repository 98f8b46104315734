"""Align Studio's own promptfoo export, imported back: the spec data from its metadata.

The export (:mod:`promptfoo_export`) writes the spec's behaviors, targets and judge under
the configuration's top-level ``metadata.align_studio`` and each case's id, category,
behaviors, expected outcome and title under the test's ``metadata``. Importing such a file
restores them, so that a round trip gives the same spec data — and an Ollama target stays
an Ollama target instead of becoming whatever the promptfoo provider id says.
"""

from __future__ import annotations

from typing import Any

from align_studio.domain import Target

#: The metadata format the export writes (``metadata.align_studio.format``).
FORMAT = 1
_SPEC_KEYS = ("id", "title", "version", "summary", "behaviors", "judge", "system_prompt")


def app_metadata(config: dict[str, Any]) -> dict[str, Any] | None:
    """The spec data of an Align Studio export, or None for any other configuration."""
    meta = config.get("metadata")
    app = meta.get("align_studio") if isinstance(meta, dict) else None
    if not isinstance(app, dict) or app.get("format") != FORMAT or \
            not isinstance(app.get("spec"), dict):
        return None
    spec: dict[str, Any] = app["spec"]
    return spec


def restored_targets(spec: dict[str, Any]) -> list[Target] | None:
    """The spec's targets as exported (profile, model, label, parameters)."""
    raw = spec.get("targets")
    if not isinstance(raw, list):
        return None
    try:
        return [Target.model_validate(t) for t in raw]
    except ValueError:
        return None


def restored_spec_fields(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec-level fields to put back (behaviors, judge, title, version…)."""
    return {k: spec[k] for k in _SPEC_KEYS if spec.get(k) is not None}


def restored_case(meta: dict[str, Any]) -> dict[str, Any]:
    """A case's id, category, behaviors, expected outcome and title from a test's metadata."""
    data: dict[str, Any] = {"id": str(meta["case"])}
    if meta.get("category"):
        data["category"] = meta["category"]
    behaviors = meta.get("behaviors")
    if isinstance(behaviors, str) and behaviors:
        data["behaviors"] = [b for b in behaviors.split(",") if b]
    if meta.get("expected"):
        data["expected"] = meta["expected"]
    if meta.get("title"):
        data["title"] = meta["title"]
    return data
