"""The workflow engine: declarative pathway files in, permitted steps and their effects out.

Pure on purpose: it imports neither Flask nor mongoengine nor pymongo. Services build a case view (plain
data), ask what may happen, and carry out the effects a step returns. See docs/workflows.md.
"""

# Each guard module registers its guards on import: the form and actor guards (guards.py), the case's facts
# (case_guards.py) and the combinators (guard_logic.py).
from workflows import case_guards  # noqa: F401
from workflows.attendance import attendance_effects
from workflows.definition import (
    Deadline,
    FormSlot,
    State,
    Step,
    WorkflowDefinition,
    content_hash,
    load_definition,
    load_directory,
    load_file,
    workflow_files,
)
from workflows.effects import EFFECTS, Effect
from workflows.engine import (
    FireResult,
    TransitionOption,
    available,
    available_events,
    begin,
    deadline_spec,
    deadlines_met_by_form,
    fire,
    fire_event,
    form_submitted_effects,
    forms_for_state,
    missing_forms,
)
from workflows.guard_logic import GUARDS
from workflows.inputs import InputSpec, clean_inputs
from workflows.lint import lint, lint_directory, lint_paths, notify_templates

__all__ = [
    "EFFECTS",
    "GUARDS",
    "Deadline",
    "Effect",
    "FireResult",
    "FormSlot",
    "InputSpec",
    "State",
    "Step",
    "TransitionOption",
    "WorkflowDefinition",
    "attendance_effects",
    "available",
    "available_events",
    "begin",
    "clean_inputs",
    "content_hash",
    "deadline_spec",
    "deadlines_met_by_form",
    "fire",
    "fire_event",
    "form_submitted_effects",
    "forms_for_state",
    "lint",
    "lint_directory",
    "lint_paths",
    "load_definition",
    "load_directory",
    "load_file",
    "missing_forms",
    "notify_templates",
    "workflow_files",
]
