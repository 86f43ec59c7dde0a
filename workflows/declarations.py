"""Check what a pathway file declares for the services: intake, reports, risk level, messages, session types."""

from __future__ import annotations

import string
from collections.abc import Mapping

MESSAGE_PLACEHOLDERS = ("reference", "deadline", "due", "basis", "form", "state", "by")
# The session types every pathway may record unless its file lists its own (attendance.session_types).
DEFAULT_SESSION_TYPES = {
    "assessment": "Assessment session",
    "pre_group": "Pre-group session",
    "group": "Group session",
    "individual": "One-to-one session",
    "post_group": "Post-group session",
    "catch_up": "Catch-up session",
    "review": "Review",
    "partner_contact": "Partner contact",
}
FUNNEL_STAGES = ("accepted", "started", "completed", "dropped")
# Who can work (change) each kind of case; services/cases/access.py enforces the same. A partner-support worker never
# opens the perpetrator's case: the steps they take about it are `partner_side` events, taken from the partner record.
CASE_WORKERS = ("manager", "practitioner")
PARTNER_WORKERS = ("manager", "partner_worker")
PARTNER_SIDE_ROLE = "partner_worker"


def _set_fields(items) -> set[str]:
    found: set[str] = set()
    for item in items or ():
        if _conditional(item):
            found |= _set_fields(item["then"])
        elif isinstance(item, Mapping) and isinstance(item.get("set_field"), Mapping):
            found.add(item["set_field"].get("field"))
    return found


def fields_set(data: Mapping) -> set[str]:
    """Return every case field a set_field effect anywhere in the file stores."""
    found: set[str] = set()
    for state in data["states"].values():
        found |= _set_fields(state.get("on_enter"))
    for step in [*data["transitions"], *data.get("events", ())]:
        found |= _set_fields(step.get("effects"))
    for rule in (data.get("attendance") or {}).get("rules", ()):
        found |= _set_fields(rule.get("effects"))
    return found


def _conditional(item) -> bool:
    return isinstance(item, Mapping) and "when" in item and "then" in item


def session_types(data: Mapping) -> dict[str, str]:
    """Return the session types a pathway records, with their labels."""
    return dict((data.get("attendance") or {}).get("session_types") or DEFAULT_SESSION_TYPES)


def referral_forms(data: Mapping) -> list[str]:
    """Return the forms a referrer fills in: the initial state's forms that name the referrer role."""
    initial = data["states"].get(data["initial"], {})
    return [s["form"] for s in initial.get("forms", ()) if "referrer" in s.get("roles", ())]


def placeholders(text: str) -> list[str]:
    """Return the placeholder names in a message text; ValueError when a brace is unbalanced."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def check_messages(out, messages: Mapping) -> None:
    """Check each message's placeholders are ones Pathway fills in."""
    allowed = ", ".join("{" + p + "}" for p in MESSAGE_PLACEHOLDERS)
    for key, entry in messages.items():
        for part in ("subject", "body"):
            where = f"messages.{key}.{part}"
            try:
                names = placeholders(entry[part])
            except ValueError:
                out.add(where, "a '{' or '}' is not closed; write placeholders as {reference}, and no other braces")
                continue
            for name in names:
                if name not in MESSAGE_PLACEHOLDERS:
                    out.add(where, f"unknown placeholder '{{{name}}}'; use one of {allowed}")


def check_intake(checker, intake: Mapping) -> None:
    """Check who may start a case and from which answers the person is read."""
    data, out = checker.data, checker.out
    for i, role in enumerate((intake.get("open") or {}).get("roles", ())):
        checker.role(f"intake.open.roles[{i}]", role)
    referral = intake.get("referral")
    if not referral:
        return
    if "referrer" not in data["roles"]:
        out.add("intake.referral", "a pathway that takes referrals must list 'referrer' in its roles")
    forms = referral_forms(data)
    if not forms:
        out.add("intake.referral", f"the initial state '{data['initial']}' has no form for the referrer; add "
                "one with roles: [referrer] so the referral has something to fill in")
        return
    person = referral["person"]
    if person["form"] not in forms:
        out.add("intake.referral.person.form", f"'{person['form']}' is not one of the referral's forms "
                f"({', '.join(forms)})")
    for key, value in person.items():
        if key == "form":
            continue
        if isinstance(value, Mapping):  # the children's repeated question: its entries' keys are not form fields
            value = [value["field"]]
        for field in [value] if isinstance(value, str) else value:
            out.external.append((f"intake.referral.person.{key}", "field", f"{person['form']}.{field}"))
    stored = fields_set(data)
    for i, item in enumerate(referral.get("shared_with_referrer") or ()):
        if item["field"] not in stored:
            out.add(f"intake.referral.shared_with_referrer[{i}].field",
                    f"no step stores the case field '{item['field']}'; add a set_field effect that stores it, or "
                    f"share one of: {', '.join(sorted(stored)) or '(none)'}")
        for j, state in enumerate(item.get("states", ())):
            checker.state(f"intake.referral.shared_with_referrer[{i}].states[{j}]", state)
    for name, where in ((referral.get("screening"), "intake.referral.screening"),
                        *((k, f"intake.referral.form_hints.{k}") for k in referral.get("form_hints") or {})):
        if name and name not in forms:
            out.add(where, f"'{name}' is not one of the referral's forms ({', '.join(forms)})")


def check_reports(checker, reports: Mapping) -> None:
    """Check the funnel names real states and transitions, and the evaluation form's fields."""
    for stage in FUNNEL_STAGES:
        rule = reports["funnel"][stage]
        for i, state in enumerate(rule.get("states", ())):
            checker.state(f"reports.funnel.{stage}.states[{i}]", state)
        for i, name in enumerate(rule.get("transitions", ())):
            if name not in checker.transition_names:
                checker.out.add(f"reports.funnel.{stage}.transitions[{i}]", f"unknown transition '{name}'")
    evaluation = reports.get("evaluation")
    if evaluation:
        form = evaluation["form"]
        checker.out.external.append(("reports.evaluation.form", "form", form))
        for key in ("stage_field", "completion_field"):
            if key in evaluation:
                checker.out.external.append((f"reports.evaluation.{key}", "field", f"{form}.{evaluation[key]}"))


def check_risk_level(checker, rule: Mapping) -> None:
    """Check the forms and fields that set the risk level exist."""
    for i, form in enumerate(rule["forms"]):
        checker.out.external.append((f"risk_level.forms[{i}]", "form", form))
        for field in rule["fields"]:
            checker.out.external.append(("risk_level.fields", "field", f"{form}.{field}"))


# Case view keys a case_field_equals guard may read when no set_field stores a field of that name.
CASE_VIEW_KEYS = ("priority", "risk_level", "state", "allocated_to", "team", "suspended", "reference")


def _endorsed(data: Mapping) -> set[str]:
    found: set[str] = set()

    def walk(items):
        for item in items or ():
            if _conditional(item):
                walk(item["then"])
            elif isinstance(item, Mapping) and isinstance(item.get("endorse"), str):
                found.add(item["endorse"])

    for state in data["states"].values():
        walk(state.get("on_enter"))
    for step in [*data["transitions"], *data.get("events", ())]:
        walk(step.get("effects"))
    return found


def guard_fact_problems(checker, path: str, name: str, params) -> None:
    """Check what a guard reads can happen in this file: an endorsement, a field, a session count."""
    data, out = checker.data, checker.out
    if name in ("endorsed_by", "actor_endorsed"):
        what = params["what"] if name == "endorsed_by" else params
        endorsed = _endorsed(data)
        if what not in endorsed:
            out.add(path, f"nothing endorses the case as '{what}'; add an effect endorse: {what}"
                    + (f" or use one of {', '.join(sorted(endorsed))}" if endorsed else ""))
    elif name == "case_field_equals":
        field = params["field"].split(".", 1)[0]
        if field not in checker.fields_set and field not in CASE_VIEW_KEYS:
            out.add(path, f"no step sets the field '{field}'; add set_field: {{field: {field}, ...}} to the step "
                    "that records it")
    elif name == "sessions_attended_at_least":
        count = params if isinstance(params, int) else params["count"]
        sessions = (data.get("programme") or {}).get("sessions")
        if sessions and count > sessions:
            out.add(path, f"{count} sessions can never be attended: the programme has {sessions}; write at most "
                    f"{sessions}")


def check_forms_offered(checker) -> None:
    """Check a form that meets a deadline is offered somewhere, and end states require no form."""
    data, out = checker.data, checker.out
    offered = {slot["form"] for state in data["states"].values() for slot in state.get("forms", ())}
    tagged = any(state.get("form_tags") for state in data["states"].values())
    for i, spec in enumerate(data.get("deadlines", ())):
        items = spec.get("met_by") or []
        for j, item in enumerate([items] if isinstance(items, Mapping) else items):
            form = item.get("form")
            if form and form not in offered and not tagged:
                where = f"deadlines[{i}].met_by" + ("" if isinstance(items, Mapping) else f"[{j}]")
                out.add(where, f"no state offers the form '{form}', so this deadline can never be met; add "
                        f"{{form: {form}}} to the forms of the state where it is filled in")
    for name, state in data["states"].items():
        if state.get("terminal"):
            for i, slot in enumerate(state.get("forms", ())):
                if slot.get("required") or slot.get("countersigned"):
                    out.add(f"states.{name}.forms[{i}]", f"'{name}' is an end state, so a required form there "
                            "can never hold a case back; require it in the state before, or drop required")


def check_declarations(checker) -> None:
    """Check the parts of a file the services read: intake, reports, risk level, messages."""
    data = checker.data
    if "intake" in data:
        check_intake(checker, data["intake"])
    if "reports" in data:
        check_reports(checker, data["reports"])
    if "risk_level" in data:
        check_risk_level(checker, data["risk_level"])
    check_messages(checker.out, data.get("messages") or {})
    check_forms_offered(checker)
    check_partner_log(checker.out, data)


def check_partner_log(out, data: Mapping) -> None:
    """Check the contact log's and the risk update's events are events of the file, the update with options."""
    events = {e["name"]: e for e in data.get("events", ())}
    named = [(f"contact_log.{k}", v) for k, v in (data.get("contact_log") or {}).items()]
    update = data.get("risk_update") or {}
    if update:
        named.append(("risk_update.event", update["event"]))
    for where, name in named:
        if name not in events:
            out.add(where, f"unknown event '{name}'; use one of {', '.join(sorted(events)) or '(none)'}")
    inputs = {i["name"]: i for i in (events.get(update.get("event")) or {}).get("inputs", ())}
    if update.get("event") in events and not (inputs.get(update["input"]) or {}).get("options"):
        out.add("risk_update.input", f"'{update['input']}' is not an input with options of the event "
                f"'{update['event']}'; use one of {', '.join(k for k, v in inputs.items() if v.get('options'))}")


def partner_pathways(files: Mapping[str, Mapping]) -> set[str]:
    """Return the keys of the partner-record pathways: declared `partner_record: true`, or opened as one."""
    found: set[str] = {d.get("key") for d in files.values() if isinstance(d, Mapping) and d.get("partner_record")}

    def walk(items):
        for item in items or ():
            if _conditional(item):
                walk(item["then"])
            elif (isinstance(item, Mapping) and isinstance(item.get("open_linked_case"), Mapping)
                  and item["open_linked_case"].get("relation") == "partner"):
                found.add(item["open_linked_case"].get("workflow"))

    for data in files.values():
        if not isinstance(data, Mapping) or not isinstance(data.get("states"), Mapping):
            continue
        for state in data["states"].values():
            walk(state.get("on_enter") if isinstance(state, Mapping) else ())
        for step in [*(data.get("transitions") or ()), *(data.get("events") or ())]:
            walk(step.get("effects") if isinstance(step, Mapping) else ())
    return found


def step_role_problems(data: Mapping, partner_record: bool, partner_events: set[str]) -> list[tuple[str, str]]:
    """Return (path, message) for each step role that can never open the case the step is on."""
    workers = PARTNER_WORKERS if partner_record else CASE_WORKERS
    # A custom role's holders also hold its base role, so they open what the base role opens.
    works_as = {name: spec.get("works_as") for name, spec in (data.get("custom_roles") or {}).items()}
    found = []
    for group in ("transitions", "events"):
        for i, step in enumerate(data.get(group) or ()):
            where, side = f"{group}[{i}]", bool(step.get("partner_side"))
            if side and partner_record:
                found.append((f"{where}.partner_side", "a partner record's own steps are taken on it; remove "
                              "partner_side"))
            elif side and PARTNER_SIDE_ROLE not in step.get("roles", ()):
                found.append((f"{where}.partner_side", f"add {PARTNER_SIDE_ROLE} to the roles: partner_side steps "
                              "are taken by the partner-support worker"))
            if step.get("mirrors") and partner_events and step["mirrors"] not in partner_events:
                found.append((f"{where}.mirrors", f"'{step['mirrors']}' is not an event of a partner record "
                              f"pathway; use one of {', '.join(sorted(partner_events)) or '(none linked)'}"))
            for j, role in enumerate(step.get("roles", ())):
                base = works_as.get(role, role)
                if base in workers or (side and base == PARTNER_SIDE_ROLE):
                    continue
                fix = ("mark it partner_side: true so they take it from the partner record" if
                       role == PARTNER_SIDE_ROLE and group == "events" else
                       f"give it to one of {', '.join(workers)}")
                found.append((f"{where}.roles[{j}]", f"a {role} can never open this pathway's cases, so "
                              f"'{step['name']}' is out of their reach: {fix}"))
    return found
