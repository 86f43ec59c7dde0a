"""Read a pathway's intake: who may refer to it or open a case on it, and the person in a referral's answers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from workflows.definition import WorkflowDefinition

PERSON_TEXT = ("name", "address", "ethnicity", "language")


def service_name(defn: WorkflowDefinition, language: str = "en") -> str:
    """Return how the pathway is named to people starting a case on it, in a language when translated."""
    if (defn.intake or {}).get("service_name"):
        return defn.text("/intake/service_name", language, defn.intake["service_name"])
    return defn.text("/title", language, defn.title)


def referral(defn: WorkflowDefinition) -> Mapping[str, Any]:
    """Return the pathway's referral intake, empty when referrers may not refer to it."""
    return (defn.intake or {}).get("referral") or {}


def accepts_referral_from(defn: WorkflowDefinition, organisation: str) -> bool:
    """Return whether a referrer from this organisation may refer to the pathway."""
    allowed = referral(defn).get("from")
    if not allowed:
        return False
    if allowed == "any":
        return True
    wanted = " ".join((organisation or "").split()).casefold()
    return any(" ".join(o.split()).casefold() == wanted for o in allowed)


def may_open(defn: WorkflowDefinition, roles) -> bool:
    """Return whether a member of staff with these roles may open a case on the pathway themselves."""
    allowed = ((defn.intake or {}).get("open") or {}).get("roles") or ()
    return bool(set(allowed) & set(roles or ()))


def referral_form_keys(defn: WorkflowDefinition) -> list[str]:
    """Return the forms of a referral: the initial state's forms that name the referrer role."""
    return [s.form for s in defn.states[defn.initial].forms if "referrer" in s.roles]


def person_form(defn: WorkflowDefinition) -> str:
    """Return the referral form whose answers describe the person ('' when the pathway takes no referrals)."""
    return (referral(defn).get("person") or {}).get("form", "")


def _first(answers: Mapping, spec) -> Any:
    for name in [spec] if isinstance(spec, str) else list(spec or ()):
        value = answers.get(name)
        if value not in (None, "", []):
            return value
    return None


def _as_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def person_from_answers(defn: WorkflowDefinition, answers: Mapping) -> dict[str, Any]:
    """Return the person described in a referral form's answers, as the file maps them."""
    spec = referral(defn).get("person") or {}
    person: dict[str, Any] = {key: str(_first(answers, spec.get(key)) or "") for key in PERSON_TEXT}
    person["date_of_birth"] = _as_date(_first(answers, spec.get("date_of_birth")))
    person["interpreter_needed"] = bool(_first(answers, spec.get("interpreter_needed")))
    rows = spec.get("children") or {}
    rows = rows if isinstance(rows, Mapping) else {"field": rows, "name": "name", "date_of_birth": "date_of_birth"}
    children = []
    for child in answers.get(rows.get("field") or "", None) or []:
        if isinstance(child, Mapping):
            children.append({"name": str(child.get(rows["name"]) or ""),
                             "date_of_birth": _as_date(child.get(rows.get("date_of_birth") or ""))})
    person["children"] = children
    person["urgent"] = bool(answers.get(spec["urgent"])) if spec.get("urgent") else False
    return person


def shared_with_referrer(defn: WorkflowDefinition, fields: Mapping, language: str = "en",
                         state: str | None = None) -> list[dict[str, Any]]:
    """Return the case fields the pathway shows the referrer, as rows of label, value and whether it is a date.

    Labels and fixed texts are in a language when the pathway translates them; values are as recorded. A row
    limited to some `states` shows only while the case is in one of them (when `state` is given).
    """
    rows = []
    for index, item in enumerate(referral(defn).get("shared_with_referrer") or ()):
        value = fields.get(item["field"])
        if value in (None, "", []) or (state is not None and state not in item.get("states", (state,))):
            continue
        where = f"/intake/referral/shared_with_referrer/{index}"
        label = defn.text(f"{where}/label", language, item["label"])
        if "when" in item:
            if str(value) == item["when"]:
                rows.append({"label": label, "value": defn.text(f"{where}/text", language, item["text"]),
                             "date": False})
            continue
        rows.append({"label": label, "value": value, "date": bool(item.get("date"))})
    return rows
