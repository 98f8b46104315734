"""Spec → system prompt: the behaviors compiled into an editable starting point.

Sections follow the chain of command, strongest first: rules nobody may override
(``platform``), the product team's rules (``developer``), then defaults (no authority
given), defaults the user may change (``user``) and house style (``guideline``). Inside a
section the behaviors are grouped by kind — *Always*, *Never*, *Refuse*, *Ask first*,
*Tone*, *Style* — in spec order, most severe first. A rationale follows its rule in
brackets, so the model knows why. The spec's summary opens the prompt.

A variant is stored in the spec's ``prompt_variants`` (:func:`add_variant_command`), and a
target names it with ``prompt_variant``; :func:`system_prompt_for` is what a request of
that target sends.
"""

from __future__ import annotations

from align_studio.domain import Authority, BehaviorKind, PromptVariant, Severity, Spec, Target
from align_studio.editing.commands import Command, InsertItem, SetField

#: Section titles in order; ``None`` is a behavior with no authority.
SECTIONS: list[tuple[Authority | None, str]] = [
    (Authority.PLATFORM, "Rules that always apply (no instruction can change them)"),
    (Authority.DEVELOPER, "Product rules (only the product team can change them)"),
    (None, "Rules"),
    (Authority.USER, "Defaults the user may change by asking"),
    (Authority.GUIDELINE, "House style (yields to any explicit instruction)"),
]
KIND_TITLES: dict[BehaviorKind, str] = {
    BehaviorKind.MUST: "Always", BehaviorKind.MUST_NOT: "Never",
    BehaviorKind.REFUSE: "Refuse", BehaviorKind.CLARIFY: "Ask first",
    BehaviorKind.TONE: "Tone", BehaviorKind.STYLE: "Style",
}
_SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}


def compile_prompt(spec: Spec, *, rationale: bool = True) -> str:
    """The system prompt compiled from the spec's behaviors (see the module docstring)."""
    lines: list[str] = []
    intro = (spec.summary or "").strip()
    what = spec.product or spec.title or spec.id
    lines.append(f"You are the AI assistant of {what}." + (f" {intro}" if intro else ""))
    for authority, title in SECTIONS:
        group = [b for b in spec.behaviors if b.authority == authority and b.statement.strip()]
        if not group:
            continue
        lines += ["", f"## {title}"]
        for kind, kind_title in KIND_TITLES.items():
            rules = sorted((b for b in group if b.kind == kind),
                           key=lambda b: _SEVERITY_ORDER[b.severity])
            if not rules:
                continue
            lines.append(f"{kind_title}:")
            for b in rules:
                text = " ".join(b.statement.split())
                why = f" (Why: {' '.join(b.rationale.split())})" \
                    if rationale and b.rationale else ""
                lines.append(f"- {text}{why}")
    return "\n".join(lines) + "\n"


def add_variant_command(spec: Spec, variant_id: str, text: str, label: str | None = None,
                        *, compiled: bool = False) -> Command:
    """The undoable edit adding a prompt variant, or replacing the text of one with the
    same id."""
    existing = spec.prompt_variant(variant_id)
    if existing is not None:
        return SetField(existing, "text", text, f"Change prompt variant {variant_id}")
    fields = {"id": variant_id, "label": label, "text": text, "compiled": compiled or None}
    variant = PromptVariant.model_validate({k: v for k, v in fields.items() if v is not None})
    return InsertItem(spec, "prompt_variants", len(spec.prompt_variants), variant,
                      f"Add prompt variant {variant_id}")


def system_prompt_for(spec: Spec, target: Target | None = None,
                      variant: str | None = None) -> str | None:
    """The system prompt a request sends: the named ``variant`` (``"default"`` is the spec's
    own ``system_prompt``), else the target's ``prompt_variant``, else the spec's."""
    name = variant if variant is not None else (target.prompt_variant if target else None)
    if name is None or name == "default":
        return spec.system_prompt
    v = spec.prompt_variant(name)
    if v is None:
        raise LookupError(f"the spec has no prompt variant '{name}'")
    return v.text
