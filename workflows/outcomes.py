"""A case's outcome in words: as its pathway says it, in a language, never the stored key."""

from __future__ import annotations

from workflows.definition import WorkflowDefinition


def outcome_label(defn: WorkflowDefinition, outcome: str, language: str | None) -> str:
    """Return an outcome as the pathway's options or steps say it, in a language (never the stored key)."""
    shown = defn.in_language(language)
    steps = (*shown.transitions.values(), *shown.events.values())
    for spec in (spec for step in steps for spec in step.inputs):
        for option in spec.options:
            if option.get("value") == outcome:
                return str(option.get("label") or "")
    # An outcome a step records without asking (`record_outcome: {value: ...}`): that step's own words.
    for step in steps:
        if any((effect.get("record_outcome") or {}).get("value") == outcome for effect in step.effects
               if isinstance(effect, dict)):
            return str(step.copy.get("heading") or step.label)
    return outcome.replace("_", " ").capitalize()
