"""What managers and auditors read about a service: timeliness, the funnel, waits, caseloads and evaluation measures.

Every figure is a count or a rate: no name, reference or answer ever leaves this module, so a report can be
shown to anyone allowed to see it without leaking confidential information. MongoDB does the counting
(services/reports/queries.py); Python only reads the grouped rows, so a page costs the same few commands
however many cases there are.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from itertools import combinations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from errors import NotAllowed
from forms.catalogue import N_
from models.case import Case
from models.deadline import Deadline
from models.team import Team
from services.common.language import active_language
from services.deadlines.timing import calendar_for, local_today
from services.pathways.store import latest_definitions
from services.reports import cohort as report_cohort
from services.reports import counts as report_counts
from services.reports import deadline_counts
from services.reports import queries as report_queries
from services.reports.counts import counts
from services.reports.period import bounds, get_period, median_of_counts, month_label, months, number, percent
from services.reports.queries import STAGES

UNCLASSIFIED = _l("Unclassified (none completed)")
NUMBER_WORDS = {3: _l("All three"), 4: _l("All four")}
# A combination of two or three evaluation stages (of up to four), each a whole sentence for the translator.
PLACES = ("first", "second", "third")
COMBINATIONS = {2: N_("%(first)s and %(second)s"), 3: N_("%(first)s, %(second)s and %(third)s")}


def _shown(definitions) -> dict:
    """Return the pathways with their texts (report and stage names) in the reader's language."""
    language = active_language()
    return {key: defn.in_language(language) for key, defn in sorted(definitions.items())}


def funnels(definitions=None) -> dict[str, dict]:
    """Return the funnel of every pathway whose file declares one, by pathway key (named in the reader's language)."""
    definitions = latest_definitions() if definitions is None else definitions
    return {key: {"label": defn.reports["label"], **defn.reports["funnel"]}
            for key, defn in _shown(definitions).items() if defn.reports}


def evaluations(definitions=None) -> dict[str, dict]:
    """Return the evaluation measures of every pathway declaring them, its label and stages in the reader's language."""
    definitions = latest_definitions() if definitions is None else definitions
    return {key: {**defn.reports["evaluation"], "label": defn.reports["label"]}
            for key, defn in _shown(definitions).items() if (defn.reports or {}).get("evaluation")}


def evaluation_classes(stages) -> tuple[tuple[str, frozenset], ...]:
    """Return every combination of evaluation stages with its label, in the MoJ study's order (Table 4.1)."""

    def lower(label: str) -> str:
        return label[:1].lower() + label[1:]

    values = [s["value"] for s in stages]
    labels = {s["value"]: s["label"] for s in stages}
    found = []
    for size in range(1, len(values) + 1):
        for group in combinations(values, size):
            if size == 1:
                label = _("%(measure)s only", measure=labels[group[0]])
            elif size == len(values) and size > 2:
                label = str(NUMBER_WORDS.get(size) or _("All %(count)s", count=size))
            else:
                named = zip(PLACES[:size], [labels[group[0]]] + [lower(labels[v]) for v in group[1:]], strict=True)
                label = _(COMBINATIONS[size], **dict(named))
            found.append((label, frozenset(group)))
    found.append((str(UNCLASSIFIED), frozenset()))
    return tuple(found)


def _scope(actor) -> dict:
    """Return the query filter of the cases and deadlines the actor may count: all for an auditor, else the team."""
    if actor.has_role("auditor"):
        return {}
    if actor.has_role("manager"):
        return {"team": actor.team}
    raise NotAllowed(_("You do not have access to reports"))


def _run(model, pipeline: list[dict], hint: dict | None = None) -> list[dict]:
    """Return the grouped rows of a pipeline run on a model's collection."""
    # Grouped rows are small (one per day waited, per worker, per month): one batch, so no getMore round trips.
    return list(model._get_collection().aggregate(pipeline, batchSize=100_000, **({"hint": hint} if hint else {})))


def _tally(rows: list[dict], field: str) -> dict[str, dict]:
    """Add up the timeliness rows by one field: due, met on time, met late, not met."""
    found: dict[str, dict] = {}
    for row in rows:
        kind = row["_id"]
        counts = found.setdefault(kind[field], dict.fromkeys(("due", "on_time", "late", "overdue"), 0))
        counts["due"] += row["n"]
        counts[("late" if kind["late"] else "on_time") if kind["met"] else "overdue"] += row["n"]
    return found


def _timeliness(scope: dict, *, now: datetime, start: date, end: date) -> dict:
    if scope and not scope.get("team"):  # a manager of no team: the deadlines without one, counted one by one
        low, high = bounds(start, end)
        rows = _run(Deadline, report_queries.timeliness_pipeline(scope, low, min(high, now)),
                    report_queries.TIMELINESS_INDEX)
    else:  # the counters: as many documents as kinds x months, however many deadlines came due
        pipeline = deadline_counts.timeliness_counts_pipeline(scope, start, end, now)
        rows = deadline_counts.timeliness_rows(list(counts().aggregate(pipeline, batchSize=100_000))
                                               if pipeline else [])
    return timeliness_figures(rows, start=start, end=end)


def timeliness_figures(rows: list[dict], *, start: date, end: date) -> dict:
    """Return the on-time figures by kind and by month from the grouped rows of the deadlines that came due."""
    labels: dict[str, str] = {}
    for row in rows:  # a kind's label, as its deadlines were given it
        labels[row["_id"]["key"]] = max(labels.get(row["_id"]["key"], ""), row.get("label") or "")
    kinds = [{"key": key, "label": labels[key] or key, **counts, "rate": percent(counts["on_time"], counts["due"])}
             for key, counts in _tally(rows, "key").items()]
    by_month = _tally(rows, "month")
    monthly = []
    for month in months(start, end):
        row = by_month.get(month, {})
        due, on_time = row.get("due", 0), row.get("on_time", 0)
        monthly.append({"month": month, "label": month_label(month), "due": due, "on_time": on_time,
                        "late": row.get("late", 0), "overdue": row.get("overdue", 0), "rate": percent(on_time, due)})
    return {"kinds": sorted(kinds, key=lambda r: (r["label"].lower(), r["key"])), "months": monthly}


def name_kinds(kinds: list[dict], definitions, language: str) -> list[dict]:
    """Return the deadline kinds named in a language, each with its pathway's name where two would read the same."""
    owners = {}
    for defn in definitions.values():
        for key in defn.deadlines:
            owners.setdefault(key, defn)
    named = []
    for row in kinds:
        defn = owners.get(row["key"])
        label = defn.deadline_label(row["key"], row["label"], language) if defn is not None else row["label"]
        named.append({**row, "label": label,
                      "pathway": defn.text("/title", language, defn.title) if defn is not None else ""})
    same = Counter(row["label"] for row in named)
    for row in named:
        if same[row["label"]] > 1 and row["pathway"]:
            row["label"] = f"{row['label']} ({row['pathway']})"
    return sorted(named, key=lambda r: (r["label"].lower(), r["key"]))


def list_timeliness(*, actor, now: datetime, start: date, end: date) -> list[dict]:
    """Return, per deadline kind, how many came due in the period and how many were met on time or late.

    A deadline "came due" when its due time lies in the period and has already passed; cancelled ones are left
    out. One not met is counted as open and overdue, whether still open, missed or paused.
    """
    return name_kinds(_timeliness(_scope(actor), now=now, start=start, end=end)["kinds"], latest_definitions(),
                      active_language())


def _cohort(scope: dict, *, start: date, end: date) -> dict[tuple[str, str], int]:
    """Return the cohort counters of the cases referred in the period, summed as {(pathway, metric): count}."""
    return {(row["_id"]["pathway"], row["_id"]["metric"]): row["n"] for row in counts().aggregate(
        report_cohort.cohort_pipeline(scope, start, end), batchSize=100_000)}


def _funnel(declared: dict, cohort: dict[tuple[str, str], int]) -> list[dict]:
    rows = [{"key": key, "label": funnel["label"],
             **{stage: cohort.get((key, report_cohort.funnel_metric(stage)), 0) for stage in STAGES}}
            for key, funnel in declared.items()]
    for row in rows:
        row["completion_rate"] = percent(row["completed"], row["started"])
    return rows


def list_funnel(*, actor, now: datetime, start: date, end: date) -> list[dict]:
    """Return, per pathway with a funnel, how many cases referred in the period reached each stage up to now."""
    return _funnel(funnels(), _cohort(_scope(actor), start=start, end=end))


def _waiting(scope: dict, now: datetime) -> dict:
    # Days are the service's, as on the waiting list page: a wait grows at local midnight.
    time_zone = calendar_for().tz.key
    counts = {row["_id"]: row["count"] for row in _run(Case, report_queries.waiting_pipeline(scope, now, time_zone))}
    middle = median_of_counts(counts)
    return {"count": sum(counts.values()), "median": None if middle is None else number(middle),
            "longest": max(counts) if counts else None}


def get_waiting(*, actor, now: datetime) -> dict:
    """Return how many cases wait now, and the median and longest wait in calendar days."""
    return _waiting(_scope(actor), now)


def _waiting_history(scope: dict, states: list[str], *, now: datetime, start: date, end: date) -> list[dict]:
    """Return the waiting list's length at the end of each month of the period (today for the current month).

    The length is the running sum of the day counters of joins less leaves (services/reports/counts.py), so the
    report reads one small document per team, pathway and day with a change, not every case's history.
    """
    if not states:
        return []
    high_day = min(end + timedelta(days=1), local_today(now) + timedelta(days=1))
    changes = {row["_id"]: row["change"] for row in counts().aggregate(
        report_counts.waiting_changes_pipeline(scope, high_day), batchSize=100_000)}
    # Months still to come have no length yet: the table and chart stop at the current month.
    period = [month for month in months(start, end) if month <= local_today(now).isoformat()[:7]]
    if not period:
        return []
    length = sum(change for month, change in changes.items() if month < period[0])
    found = []
    for month in period:
        length += changes.get(month, 0)
        found.append({"month": month, "label": month_label(month), "waiting": max(0, length)})
    return found


def classify_measures(stages: set[str], classes) -> str:
    """Return the Table 4.1 class of a case from the stages whose measures were completed."""
    found = frozenset(stages)
    return next(label for label, members in classes if members == found)


def _evaluation(key: str, spec: dict, cohort: dict[tuple[str, str], int]) -> dict:
    classes = evaluation_classes(spec["stages"])
    counts: dict[str, int] = {}
    prefix = report_cohort.evaluation_metric(())
    for (pathway, metric), count in cohort.items():
        if pathway == key and metric.startswith(prefix) and count:
            label = classify_measures(set(filter(None, metric[len(prefix):].split(","))), classes)
            counts[label] = counts.get(label, 0) + count
    total = sum(counts.values())
    return {"key": key, "label": spec["label"], "total": total,
            "rows": [{"label": label, "count": counts.get(label, 0), "share": percent(counts.get(label, 0), total)}
                     for label, _ in classes]}


def get_evaluation(*, actor, start: date, end: date) -> list[dict]:
    """Return, per pathway declaring evaluation measures, its cases classified by the measures completed."""
    cohort = _cohort(_scope(actor), start=start, end=end)
    return [_evaluation(key, spec, cohort) for key, spec in evaluations().items()]


def _caseload(scope: dict, team_names: dict[str, str]) -> list[dict]:
    """Return, per team, its practitioners' open cases against their capacity (counts only, no one named)."""
    workers = report_queries.practitioners(scope)
    loads = {(row["_id"]["team"], row["_id"]["worker"]): row["count"] for row in _run(
        Case, report_queries.caseload_pipeline(scope, [str(w["_id"]) for w in workers]))}
    rows: dict[str, dict] = {}
    for worker in workers:
        team = worker.get("team", "")
        row = rows.setdefault(team, {"team": team, "label": team_names.get(team, team), "practitioners": 0,
                                     "capacity": 0, "cases": 0, "at_capacity": 0})
        load, capacity = loads.get((team, str(worker["_id"])), 0), worker.get("capacity", 0)
        row["practitioners"] += 1
        row["capacity"] += capacity
        row["cases"] += load
        row["at_capacity"] += int(load >= capacity)
    for row in rows.values():
        row["used"] = percent(row["cases"], row["capacity"])
    return sorted(rows.values(), key=lambda r: r["label"].lower())


def get_reports(*, actor, now: datetime, raw_from: str = "", raw_to: str = "") -> dict:
    """Return everything on the reports page for the period asked for (InvalidInput on bad dates)."""
    scope = _scope(actor)
    start, end = get_period(raw_from, raw_to, now=now)
    definitions = latest_definitions()
    teams = {t["key"]: t["name"] for t in Team.objects(**({"key": actor.team} if scope else {}))
             .only("key", "name").as_pymongo()}
    timeliness = _timeliness(scope, now=now, start=start, end=end)
    cohort = _cohort(scope, start=start, end=end)
    return {
        "start": start, "end": end,
        "scope": _("All teams") if not scope else teams.get(actor.team, actor.team),
        "timeliness": name_kinds(timeliness["kinds"], definitions, active_language()),
        "monthly": timeliness["months"],
        "funnel": _funnel(funnels(definitions), cohort),
        "waiting": _waiting(scope, now),
        "waiting_history": _waiting_history(scope, report_queries.waiting_states(definitions), now=now,
                                            start=start, end=end),
        "caseload": _caseload(scope, teams),
        "evaluation": [_evaluation(key, spec, cohort) for key, spec in evaluations(definitions).items()],
    }
