"""What managers and auditors read about a service: timeliness, the funnel, waits and evaluation measures.

Every figure is a count or a rate: no name, reference or answer ever leaves this module, so a report can be
shown to anyone allowed to see it without leaking confidential information.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from statistics import median

from errors import FieldProblem, InvalidInput, NotAllowed
from models.case import Case, CaseEvent
from models.deadline import CANCELLED, MET, Deadline
from models.form import Submission
from models.team import Team
from services.manager_views import days_between
from services.workflow_store import latest_definitions

# Each pathway file's `reports:` says which of its states and transitions count as each funnel stage, and
# which form holds its evaluation measures. A case reaches a stage when it has ever been in one of the stage's
# states or has ever taken one of its transitions; it dropped out when it started, did not complete, and then
# closed, sits in a drop-out state, or took a drop-out transition.
UNCLASSIFIED = "Unclassified (none completed)"
NUMBER_WORDS = {2: "both", 3: "All three", 4: "All four"}


def funnels() -> dict[str, dict]:
    """Return the funnel of every pathway whose file declares one, by pathway key."""

    return {key: {"label": defn.reports["label"], **defn.reports["funnel"]}
            for key, defn in sorted(latest_definitions().items()) if defn.reports}


def evaluation_classes(stages) -> tuple[tuple[str, frozenset], ...]:
    """Return every combination of evaluation stages with its label, in the MoJ study's order (Table 4.1)."""
    from itertools import combinations

    def lower(label: str) -> str:
        return label[:1].lower() + label[1:]

    values = [s["value"] for s in stages]
    labels = {s["value"]: s["label"] for s in stages}
    found = []
    for size in range(1, len(values) + 1):
        for group in combinations(values, size):
            if size == 1:
                label = f"{labels[group[0]]} only"
            elif size == len(values) and size > 2:
                label = NUMBER_WORDS.get(size, f"All {size}")
            else:
                label = labels[group[0]] + "".join(
                    (" and " if i == len(group) - 1 else ", ") + lower(labels[v]) for i, v in enumerate(group[1:], 1))
            found.append((label, frozenset(group)))
    found.append((UNCLASSIFIED, frozenset()))
    return tuple(found)


def _scope(actor) -> dict:
    """Return the query filter of the cases and deadlines the actor may count: all for an auditor, else the team."""
    if actor.has_role("auditor"):
        return {}
    if actor.has_role("manager"):
        return {"team": actor.team}
    raise NotAllowed("You do not have access to reports")


def _scope_label(actor) -> str:
    if actor.has_role("auditor"):
        return "All teams"
    team = Team.objects(key=actor.team).first()
    return team.name if team else actor.team


def _parse_day(raw: str, field: str, words: str) -> tuple[date | None, FieldProblem | None]:
    try:
        return date.fromisoformat(raw.strip()), None
    except ValueError:
        return None, FieldProblem(field, f"Enter the {words} as a real date, for example 2026-01-31")


def year_before(day: date) -> date:
    """Return the day after the same date a year earlier, so the period spans exactly 12 months."""
    try:
        earlier = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        earlier = day.replace(year=day.year - 1, day=28)
    return earlier + timedelta(days=1)


def get_period(raw_from: str = "", raw_to: str = "", *, now: datetime) -> tuple[date, date]:
    """Return (first day, last day) of the period asked for; the last 12 months by default."""
    problems = []
    end = now.date()
    if raw_to.strip():
        end, problem = _parse_day(raw_to, "to", "end date")
        problems += [problem] if problem else []
    start = year_before(end) if end else None
    if raw_from.strip():
        start, problem = _parse_day(raw_from, "from", "start date")
        problems += [problem] if problem else []
    if not problems and start > end:
        problems.append(FieldProblem("from", "The start date must be the same as or before the end date"))
    if problems:
        raise InvalidInput("Check the dates of the period", problems=problems)
    return start, end


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, datetime.min.time()), datetime.combine(end + timedelta(days=1),
                                                                          datetime.min.time())


def percent(part: int, whole: int) -> int | None:
    """Return part of whole as a whole percentage, or None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


def list_timeliness(*, actor, now: datetime, start: date, end: date) -> list[dict]:
    """Return, per deadline kind, how many came due in the period and how many were met on time or late.

    A deadline "came due" when its due time lies in the period and has already passed; cancelled ones are left
    out. One not met is counted as open and overdue, whether still open, missed or paused.
    """
    low, high = _bounds(start, end)
    rows: dict[str, dict] = {}
    for deadline in Deadline.objects(status__ne=CANCELLED, due_at__gte=low, due_at__lt=min(high, now),
                                     **_scope(actor)).only("key", "label", "status", "late", "due_at"):
        row = rows.setdefault(deadline.key, {"key": deadline.key, "label": deadline.label, "due": 0,
                                             "on_time": 0, "late": 0, "overdue": 0})
        row["due"] += 1
        if deadline.status == MET:
            row["late" if deadline.late else "on_time"] += 1
        else:
            row["overdue"] += 1
    for row in rows.values():
        row["rate"] = percent(row["on_time"], row["due"])
    return sorted(rows.values(), key=lambda r: r["label"].lower())


def _reached(rule: dict, states: set[str], transitions: set[str]) -> bool:
    return bool(states & set(rule.get("states", ())) or transitions & set(rule.get("transitions", ())))


def funnel_stages(funnel: dict, case: Case, states: set[str], transitions: set[str]) -> dict[str, bool]:
    """Return which stages of its pathway's funnel a case reached, from the states and transitions it went through."""
    states = states | {case.state}
    started = _reached(funnel["started"], states, transitions)
    completed = started and _reached(funnel["completed"], states, transitions)
    dropping = case.status == "closed" or case.state in funnel["dropped"].get("states", ()) or bool(
        transitions & set(funnel["dropped"].get("transitions", ())))
    return {"referred": True, "accepted": started or _reached(funnel["accepted"], states, transitions),
            "started": started, "completed": completed, "dropped": started and not completed and dropping}


def _cohort(actor, start: date, end: date):
    """Return the perpetrator cases of the actor's scope referred in the period."""
    low, high = _bounds(start, end)
    return Case.objects(kind="perpetrator", status__ne="draft", referred_at__gte=low, referred_at__lt=high,
                        **_scope(actor))


def list_funnel(*, actor, now: datetime, start: date, end: date) -> list[dict]:
    """Return, per pathway with a funnel, how many cases referred in the period reached each stage up to now."""
    declared = funnels()
    cases = list(_cohort(actor, start, end).filter(workflow_key__in=list(declared))
                 .only("workflow_key", "state", "status"))
    states, transitions = defaultdict(set), defaultdict(set)
    for event in CaseEvent.objects(case_id__in=[c.pk for c in cases], kind="transition",
                                   at__lte=now).only("case_id", "name", "to_state"):
        states[event.case_id].add(event.to_state)
        transitions[event.case_id].add(event.name)
    rows = {key: {"key": key, "label": funnel["label"], "referred": 0, "accepted": 0, "started": 0,
                  "completed": 0, "dropped": 0} for key, funnel in declared.items()}
    for case in cases:
        reached = funnel_stages(declared[case.workflow_key], case, states[case.pk], transitions[case.pk])
        row = rows[case.workflow_key]
        for stage, yes in reached.items():
            row[stage] += int(yes)
    for row in rows.values():
        row["completion_rate"] = percent(row["completed"], row["started"])
    return list(rows.values())


def number(value: float) -> str:
    """Return a count of days as words: whole when whole, else to one decimal place."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def get_waiting(*, actor, now: datetime) -> dict:
    """Return how many cases wait now, and the median and longest wait in calendar days."""
    waits = [days_between(c.waiting_since, now) for c in Case.objects(
        kind="perpetrator", status="open", on_waiting_list=True, **_scope(actor)).only("waiting_since")]
    return {"count": len(waits), "median": number(median(waits)) if waits else None,
            "longest": max(waits) if waits else None}


def classify_measures(stages: set[str], classes) -> str:
    """Return the Table 4.1 class of a case from the stages whose measures were completed."""
    found = frozenset(stages)
    return next(label for label, members in classes if members == found)


def evaluation_for(key: str, spec: dict, *, actor, start: date, end: date) -> dict:
    """Return one pathway's cases referred in the period classified by which evaluation measures were completed."""
    classes = evaluation_classes(spec["stages"])
    wanted = {s["value"] for s in spec["stages"]}
    not_done = {None, "", *spec.get("not_completed", ())}
    case_ids = [c.pk for c in _cohort(actor, start, end).filter(workflow_key=key).only("id")]
    done = {pk: set() for pk in case_ids}
    for sub in Submission.objects(case_id__in=case_ids, form_key=spec["form"], status__ne="draft"
                                  ).only("case_id", "answers"):
        answers = sub.answers or {}
        stage = answers.get(spec["stage_field"])
        completion = answers.get(spec["completion_field"]) if spec.get("completion_field") else "done"
        if stage in wanted and completion not in not_done:
            done[sub.case_id].add(stage)
    counts = defaultdict(int)
    for stages in done.values():
        counts[classify_measures(stages, classes)] += 1
    total = len(case_ids)
    rows = [{"label": label, "count": counts[label], "share": percent(counts[label], total)}
            for label, _ in classes]
    return {"rows": rows, "total": total}


def get_evaluation(*, actor, start: date, end: date) -> list[dict]:
    """Return, per pathway declaring evaluation measures, its cases classified by the measures completed."""

    out = []
    for key, defn in sorted(latest_definitions().items()):
        spec = (defn.reports or {}).get("evaluation")
        if spec:
            out.append({"key": key, "label": defn.reports["label"],
                        **evaluation_for(key, spec, actor=actor, start=start, end=end)})
    return out


def get_reports(*, actor, now: datetime, raw_from: str = "", raw_to: str = "") -> dict:
    """Return everything on the reports page for the period asked for (InvalidInput on bad dates)."""
    _scope(actor)
    start, end = get_period(raw_from, raw_to, now=now)
    return {
        "start": start, "end": end, "scope": _scope_label(actor),
        "timeliness": list_timeliness(actor=actor, now=now, start=start, end=end),
        "funnel": list_funnel(actor=actor, now=now, start=start, end=end),
        "waiting": get_waiting(actor=actor, now=now),
        "evaluation": get_evaluation(actor=actor, start=start, end=end),
    }
