"""What a team manager reads: the referral inbox, the waiting list, the team overview, one referral, allocation."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from errors import NotFound
from forms.computed import describe_screening
from models.case import Case
from models.deadline import MISSED, OPEN, Deadline
from models.user import User
from services.cases.access import can_read_confidential, get_case
from services.cases.engine_view import available_practitioners
from services.cases.history_text import history_title
from services.cases.transitions import list_history, transition_options
from services.common.language import active_language
from services.groups.schedules import local_today
from services.pathways.store import definition_for
from services.referrals.portal import find_duplicate_cases, referral_forms, told_the_referrer
from services.submissions.definitions import computed_in, form_for
from workflows.intake import referral

RISK_ORDER = ("very_high", "high", "medium", "low", "not assessed")
# A risk level in words: lower case in a caseload's mix ("3 high"), capitalised as a value of its own.
RISK_WORDS = {"very_high": _l("very high"), "high": _l("high"), "medium": _l("medium"), "low": _l("low"),
              "not assessed": _l("not assessed")}
RISK_LABELS = {"very_high": _l("Very high"), "high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}
URGENT_ENDORSEMENTS = 2  # the FST service manager and the DAO team manager


def get_team_case(case_id, *, actor) -> Case:
    """Return a sent case of the manager's own team; anything else is 'not found'."""
    case = get_case(case_id)
    if not actor.has_role("manager") or case.team != actor.team or case.status == "draft":
        raise NotFound(_("There is no such referral"))
    return case


def _state_label(case: Case) -> str:
    state = definition_for(case).in_language(active_language()).states.get(case.state)
    return state.label if state else case.state.replace("_", " ").capitalize()


def screening_form(case: Case) -> str:
    """Return the referral form whose computed outcome is the case's screening ('' when its pathway has none)."""

    return referral(definition_for(case)).get("screening", "")




def days_between(start: datetime | None, end: datetime) -> int:
    """Return calendar days from start to end (0 when unknown), so "today" always means the same date."""
    return max(0, (local_today(end) - local_today(start)).days) if start else 0


def waited_words(days: int) -> str:
    """Return a wait as '3 weeks, 2 days'."""
    weeks, rest = divmod(days, 7)
    parts = [ngettext("%(num)s week", "%(num)s weeks", weeks)] if weeks else []
    if rest or not weeks:
        parts.append(ngettext("%(num)s day", "%(num)s days", rest))
    return ", ".join(parts)


def risk_mix(risks: dict) -> list[tuple[str, int]]:
    """Return (risk level in words, number of cases), highest risk first."""
    return [(str(RISK_WORDS[level]), risks[level]) for level in RISK_ORDER if risks.get(level)]


def is_overdue(deadline: Deadline, now: datetime) -> bool:
    """Tell whether a deadline is past its due time and not met."""
    return deadline.status == MISSED or (deadline.status == OPEN and deadline.due_at is not None
                                         and deadline.due_at < now)


def _is_allocation(defn, option) -> bool:
    """Tell whether a step allocates the case or puts it on the waiting list (the allocation page does those)."""
    if any(spec.kind == "user" for spec in option.inputs):
        return True
    target = defn.states.get(option.to) if option.to else None
    return bool(target and any(_effect_name(e) == "join_waiting_list" for e in target.on_enter))


def _effect_name(effect) -> str:
    if isinstance(effect, str):
        return effect
    if isinstance(effect, dict):
        return next(iter(effect), "")
    return getattr(effect, "name", "")


def get_actions(case: Case, *, actor) -> dict:
    """Return the manager's steps on the case: those to take here, the allocation ones, and those not possible now."""
    defn = definition_for(case)
    transitions, events = transition_options(case, actor, language=active_language())
    mine = set(actor.roles)
    out = {"transitions": [], "events": [], "allocation": [], "blocked": []}
    for kind, options in (("transition", transitions), ("event", events)):
        steps = defn.transitions if kind == "transition" else defn.events
        for option in options:
            if not mine & set(steps[option.name].roles):
                continue
            # An endorsing step (e.g. "endorse as urgent") sits with the decisions, not under "other steps".
            entry = {"kind": kind, "option": option,
                     "endorses": any("endorse" in e for e in steps[option.name].effects if isinstance(e, dict))}
            if not option.allowed:
                out["blocked"].append(entry)
            elif kind == "transition" and _is_allocation(defn, option):
                out["allocation"].append(entry)
            else:
                out["transitions" if kind == "transition" else "events"].append(entry)
    return out


def get_action(case: Case, kind: str, name: str, *, actor):
    """Return the option for one step of the manager's on the case, or raise NotFound."""
    actions = get_actions(case, actor=actor)
    for group in ("transitions", "events", "allocation", "blocked"):
        for entry in actions[group]:
            if entry["kind"] == kind and entry["option"].name == name:
                return entry["option"]
    raise NotFound(_("This action is not available on this case"))


def get_referral_review(case_id, *, actor, now: datetime) -> dict:
    """Return one referral for triage: the person, the referrer's forms, screening, duplicates, actions, history."""
    case, language = get_team_case(case_id, actor=actor), active_language()
    forms = []
    for entry in referral_forms(case, language):
        sub = entry["submission"]
        done = sub is not None and entry["status"] == "completed"
        forms.append({**entry, "title": form_for(sub, language).title if sub else entry["label"],
                      "rows": form_for(sub, language).summary(sub.answers) if done else []})
    # The red answers' guidance in the reader's language, as the form's own page says it.
    screening = next((describe_screening(computed_in(form_for(f["submission"], language), f["submission"]), language)
                      for f in forms if f["form"] == screening_form(case) and f["status"] == "completed"),
                     describe_screening({}, language))
    duplicates = []
    if case.person and case.person.name and case.person.date_of_birth:
        query = Case.objects(person__name__iexact=case.person.name.strip(),
                             person__date_of_birth=case.person.date_of_birth, status="open",
                             kind="perpetrator", pk__ne=case.pk)
        duplicates = [c for c in query if c.team == actor.team]
    history = list_history(case, include_confidential=can_read_confidential(actor, case))
    defn = definition_for(case)
    return {
        "case": case, "state_label": _state_label(case), "forms": forms, "screening": screening,
        "duplicates": duplicates,
        "other_duplicates": find_duplicate_cases(case.person.name, case.person.date_of_birth, exclude=case)
        - len(duplicates),
        "actions": get_actions(case, actor=actor) if case.status == "open" and not case.allocated_to else None,
        "history": history, "titles": {e.pk: history_title(e, defn, language) for e in history},
        "information": [e for e in history if e.kind == "referrer_information"],
        "told_the_referrer": told_the_referrer(case, language),
        "endorsements": len((case.endorsements or {}).get("urgent", [])), "needed": URGENT_ENDORSEMENTS,
        "days": days_between(case.referred_at, now),
    }


def get_allocation(case_id, *, actor) -> dict:
    """Return what the allocation page offers: the allocating step, the waiting-list step and the practitioners."""
    case = get_team_case(case_id, actor=actor)
    defn = definition_for(case)
    shown = transition_options(case, actor, language=active_language())[0]
    options = [o for o in shown if "manager" in defn.transitions[o.name].roles]
    allocate = sorted((o for o in options if any(s.kind == "user" for s in o.inputs)), key=lambda o: not o.allowed)
    waiting = [o for o in options if _is_allocation(defn, o) and not any(s.kind == "user" for s in o.inputs)]
    step = allocate[0] if allocate else None
    spec = next((s for s in step.inputs if s.kind == "user"), None) if step else None
    rows = []
    for row in available_practitioners(case.team):
        rows.append({**row, "mix": risk_mix(row["risks"])})
    return {"case": case, "state_label": _state_label(case), "step": step, "input": spec,
            "waiting": waiting[0] if waiting else None, "practitioners": rows}


def get_user_name(user_id: str) -> str:
    """Return a user's name by id ('' when unknown)."""
    user = User.objects(pk=user_id).only("name").first() if user_id else None
    return user.name if user else ""
