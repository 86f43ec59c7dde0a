"""Read a step's inputs from a posted form, as the services take them."""

from __future__ import annotations

from forms.parse import compose_date


def posted_inputs(specs, form) -> dict:
    """Return the posted inputs as the engine takes them (dates from their three parts, ticks as yes)."""
    out = {}
    for spec in specs:
        if spec.kind == "date":
            parts = [form.get(f"{spec.name}-{p}", "").strip() for p in ("day", "month", "year")]
            # Parts that make no real date stay as typed: the step's check then says so in words.
            out[spec.name] = compose_date(*parts) if any(parts) else ""
        elif spec.kind == "confirm":
            out[spec.name] = "yes" if form.get(spec.name) else ""
        else:
            out[spec.name] = form.get(spec.name, "")
    return out


def typed_values(form) -> dict:
    """Return what was typed, to show again beside the problems."""
    return {k: v for k, v in form.items() if k not in ("csrf_token", "_once")}
