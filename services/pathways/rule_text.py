"""Say a pathway's guards and effects as whole sentences in the reader's language, for the workflow page."""

from __future__ import annotations

import re
from typing import Any

from wording import N_, say
from workflows.text import cap, words

# One sentence per guard; `%(details)s` holds the parameters as written in the file.
GUARD_SENTENCES = {
    "form_submitted": N_("Only if the form “%(details)s” has been submitted."),
    "form_countersigned": N_("Only if the form “%(details)s” has been countersigned."),
    "answer_equals": N_("Only if an answer matches: %(details)s."),
    "answer_in": N_("Only if an answer is one of: %(details)s."),
    "computed_equals": N_("Only if a computed answer matches: %(details)s."),
    "has_role": N_("Only if the person has the role %(details)s."),
    "is_allocated_practitioner": N_("Only if the person is the case’s allocated practitioner."),
    "within_capacity": N_("Only if there is room on the team."),
    "no_capacity": N_("Only if the team has no room."),
    "risk_level_in": N_("Only if the risk level is one of: %(details)s."),
    "case_field_equals": N_("Only if a case detail matches: %(details)s."),
    "endorsed_by": N_("Only if it has been endorsed: %(details)s."),
    "actor_endorsed": N_("Only if the person has endorsed %(details)s."),
    "sessions_attended_at_least": N_("Only if enough sessions have been attended: %(details)s."),
    "suspended": N_("Only if the case’s suspension is %(details)s."),
    "not": N_("Only if this does not hold: %(details)s"),
    "any_of": N_("Only if at least one of these holds: %(details)s"),
    "all_of": N_("Only if all of these hold: %(details)s"),
}

EFFECT_SENTENCES = {
    "assign": N_("Then the case is assigned: %(details)s."),
    "unassign": N_("Then the case is unassigned."),
    "notify": N_("Then a notification is sent: %(details)s."),
    "start_deadline": N_("Then the deadline %(details)s starts."),
    "stop_deadline": N_("Then a deadline stops: %(details)s."),
    "pause_deadlines": N_("Then the case’s deadlines are paused."),
    "resume_deadlines": N_("Then the case’s deadlines start again."),
    "set_priority": N_("Then the priority is set to %(details)s."),
    "set_field": N_("Then a case detail is set: %(details)s."),
    "open_linked_case": N_("Then a linked case is opened: %(details)s."),
    "record_outcome": N_("Then an outcome is recorded: %(details)s."),
    "join_waiting_list": N_("Then the case joins the waiting list."),
    "leave_waiting_list": N_("Then the case leaves the waiting list."),
    "suspend": N_("Then the case is suspended."),
    "resume": N_("Then the case is resumed."),
    "endorse": N_("Then the case is endorsed: %(details)s."),
}


def plain(value: Any) -> str:
    """Return parameters as short plain text: lists joined with commas, mappings as `key value`."""
    if isinstance(value, list):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {plain(v)}" for k, v in value.items())
    return str(value).replace("_", " ")


def _value(value: Any, language: str | None) -> str:
    """Return a case detail's value as said: yes or no in the language for true or false, else as written."""
    return cap(words(value, language)) if isinstance(value, bool) else plain(value)


def _named(item: Any) -> tuple[str, Any]:
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict) and len(item) == 1:
        ((name, params),) = item.items()
        return name, params
    return "", item


# The guards whose settings read as words of their own, not as "key value" pairs.
SESSIONS = {(False, False): N_("Only if at least %(count)s sessions have been attended."),
            (True, False): N_("Only if at least %(count)s sessions have been attended, catch-up sessions included."),
            (False, True): N_("Only if at least %(count)s sessions of these types have been attended: %(types)s."),
            (True, True): N_("Only if at least %(count)s sessions of these types have been attended, catch-up sessions "
                             "included: %(types)s.")}
FIELD_EQUALS = N_("Only if the case’s “%(field)s” is “%(value)s”.")
SUSPENDED = {True: N_("Only if the case is suspended."), False: N_("Only if the case is not suspended.")}
ACTOR_ENDORSED = N_("Only if the person has endorsed it as “%(what)s”.")
ENDORSED_BY = N_("Only if at least %(count)s people have endorsed it as “%(what)s”.")


def _worded(name: str, params: Any, language: str | None) -> str | None:
    """Return the sentence of a guard whose settings are said in words, or None."""
    if name == "sessions_attended_at_least" and isinstance(params, dict) and "count" in params:
        types = params.get("types") or []
        return say(language, SESSIONS[bool(params.get("include_catch_ups")), bool(types)], count=params["count"],
                   types=plain(types))
    if name == "case_field_equals" and isinstance(params, dict) and {"field", "value"} <= params.keys():
        return say(language, FIELD_EQUALS, field=plain(params["field"]), value=_value(params["value"], language))
    if name == "suspended" and isinstance(params, bool):
        return say(language, SUSPENDED[params])
    if name == "actor_endorsed" and isinstance(params, str):
        return say(language, ACTOR_ENDORSED, what=plain(params))
    if name == "endorsed_by" and isinstance(params, dict) and {"what", "count"} <= params.keys():
        return say(language, ENDORSED_BY, what=plain(params["what"]), count=params["count"])
    return None


def guard_text(item: Any, language: str | None, form_label=lambda key: key) -> str:
    """Return one guard as a whole sentence in a language."""
    name, params = _named(item)
    if (worded := _worded(name, params, language)) is not None:
        return worded
    if name in ("any_of", "all_of", "not"):
        inner = params if isinstance(params, list) else [params]
        details = " ".join(guard_text(p, language, form_label) for p in inner)
    elif name in ("form_submitted", "form_countersigned") and isinstance(params, str):
        details = form_label(params)
    else:
        details = plain(params) if params is not None else ""
    marked = GUARD_SENTENCES.get(name)
    if marked is None:
        return say(language, N_("Only if %(details)s."), details=plain(item))
    return say(language, marked, details=details)


# The effects whose settings read as words of their own.
# `*` cancels every running deadline, whatever status the file names (services.cases.effects).
STOPPED = {"*": N_("Then every running deadline is cancelled."),
           "cancelled": N_("Then the deadline “%(deadline)s” is cancelled."),
           "met": N_("Then the deadline “%(deadline)s” is met.")}
MESSAGE_SENT = N_("Then a message is sent to: %(who)s (“%(subject)s”).")
# Who a message's `to` names (services.notifications.send.resolve_recipients); another role: the team's members.
RECIPIENTS = {"allocated": N_("the allocated worker"), "referrer": N_("the referrer"),
              "partner_worker": N_("the partner-support worker"), "manager": N_("the team’s managers")}
TEAM_ROLE = N_("the team’s members with the role “%(role)s”")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
ASSIGNED_AS_CHOSEN = N_("Then the case is assigned to the person chosen.")
OUTCOME_CHOSEN = N_("Then the outcome chosen is recorded.")
OUTCOME_GIVEN = N_("Then the outcome “%(outcome)s” is recorded.")
ENDORSES = N_("Then the person’s endorsement of it as “%(what)s” is recorded.")
FIELD_SET = N_("Then the case’s “%(field)s” is set to “%(value)s”.")
FIELD_FROM_INPUT = N_("Then the case’s “%(field)s” is set to the answer to “%(input)s”.")


def _recipient(to: str, language: str | None) -> str:
    if to in RECIPIENTS:
        return say(language, RECIPIENTS[to])
    return say(language, TEAM_ROLE, role=plain(to))


def _worded_effect(name: str, params: Any, language: str | None, deadline_label, subject) -> str | None:
    """Return the sentence of an effect whose settings are said in words, or None."""
    settings = params if isinstance(params, dict) else {}
    if name == "stop_deadline" and isinstance(settings.get("key"), str):
        key = settings["key"]
        sentence = STOPPED["*"] if key == "*" else STOPPED.get(settings.get("status"))
        return say(language, sentence, deadline=deadline_label(key)) if sentence else None
    if name == "notify" and isinstance(settings.get("template"), str) and settings.get("to"):
        targets = settings["to"] if isinstance(settings["to"], list) else [settings["to"]]
        said = _PLACEHOLDER.sub("…", subject(settings["template"]))  # "{reference}": the case's, when sent
        return say(language, MESSAGE_SENT, who=", ".join(_recipient(str(t), language) for t in targets),
                   subject=said)
    if name == "assign" and str(settings.get("to", "")).startswith("input:"):
        return say(language, ASSIGNED_AS_CHOSEN)
    if name == "record_outcome" and "input" in settings:
        return say(language, OUTCOME_CHOSEN)
    if name == "record_outcome" and "value" in settings:
        return say(language, OUTCOME_GIVEN, outcome=plain(settings["value"]))
    if name == "endorse" and isinstance(params, str):
        return say(language, ENDORSES, what=plain(params))
    if name == "set_field" and "field" in settings and "value" in settings:
        return say(language, FIELD_SET, field=plain(settings["field"]), value=_value(settings["value"], language))
    if name == "set_field" and "field" in settings and "input" in settings:
        return say(language, FIELD_FROM_INPUT, field=plain(settings["field"]), input=plain(settings["input"]))
    return None


def effect_text(item: Any, language: str | None, deadline_label=lambda key: key, form_label=lambda key: key,
                subject=lambda key: key.replace("_", " ")) -> str:
    """Return one effect (or a `when … then …` block) as whole sentences in a language.

    `subject` gives a message's subject in the language from its key in the pathway file.
    """
    if isinstance(item, dict) and "when" in item:
        return say(language, N_("When this holds: %(condition)s %(effects)s"),
                   condition=" ".join(guard_text(g, language, form_label) for g in item["when"]),
                   effects=" ".join(effect_text(e, language, deadline_label, form_label, subject)
                                    for e in item["then"]))
    name, params = _named(item)
    if (worded := _worded_effect(name, params, language, deadline_label, subject)) is not None:
        return worded
    if name == "start_deadline":
        key = params if isinstance(params, str) else (params or {}).get("key", "")
        details = f"“{deadline_label(key)}”"
    else:
        details = plain(params) if params is not None else ""
    marked = EFFECT_SENTENCES.get(name)
    if marked is None:
        return say(language, N_("Then %(details)s."), details=plain(item))
    return say(language, marked, details=details)
