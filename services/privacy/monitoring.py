"""The anonymous monitoring categories an ended case keeps: stored on it when it ends, counted by the database."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from errors import NotAllowed, NotFound
from models.case import Case
from services.cases.engine_view import latest_submissions
from services.common.language import active_language
from services.common.migrations import MIGRATIONS
from services.pathways.store import definition_for, latest_definitions
from workflows.outcomes import outcome_label
from workflows.retention import monitoring_values, rule_for_state

MONITORING_MIGRATION = "closed_case_monitoring"
# The categories as the pages name them (a pathway may keep others: those are named by their key).
CATEGORY_WORDS = {"ethnicity": _l("Ethnicity"), "language": _l("Language"), "sex": _l("Sex"),
                  "gender": _l("Gender"), "age_band": _l("Age band"), "disability": _l("Disability")}


def monitoring_of(case: Case) -> dict:
    """Return the categories the case's retention rule keeps, read from the person and the latest answers."""
    try:
        rule = rule_for_state(definition_for(case).to_dict(), case.state)
    except NotFound:
        return {}  # the pathway version is gone: nothing says what to keep
    return kept_categories(case, rule)


def kept_categories(case: Case, rule) -> dict:
    """Return the categories a retention rule keeps of a case, reading its forms only when the rule names them."""
    if rule is None or not rule.monitoring:
        return {}
    needs_answers = any(not source.startswith("person.") for source in rule.monitoring.values())
    answers = {key: dict(sub.answers or {}) for key, sub in latest_submissions(case).items()} if needs_answers \
        else {}
    return monitoring_values(rule, case.person.to_mongo().to_dict() if case.person else {}, answers)


def keep_monitoring(case: Case) -> None:
    """Store the ended case's monitoring categories on it (an anonymised case keeps the ones it was left with)."""
    Case.objects(pk=case.pk, anonymised_at=None).update_one(set__monitoring=monitoring_of(case))


def fill_monitoring() -> int:
    """Give cases that ended before their categories were stored those categories, once; return how many."""
    done = Case._get_db()[MIGRATIONS]
    if done.find_one({"_id": MONITORING_MIGRATION}):
        return 0
    count = 0
    for case in Case.objects(status="closed", anonymised_at=None):
        keep_monitoring(case)
        count += 1
    done.update_one({"_id": MONITORING_MIGRATION}, {"$set": {"done": True}}, upsert=True)
    return count


def monitoring_counts(*, actor, workflow_key: str = "") -> dict:
    """Return ended cases counted by pathway and outcome, and by each monitoring category, destroyed ones included.

    Two aggregations over the ended cases, whatever their number: no case is read into Python.
    """
    if not actor.has_role("manager", "admin", "auditor"):
        raise NotAllowed(_("You do not have access to monitoring figures"))
    match = {"status": "closed", "kind": "perpetrator"}
    if workflow_key:
        match["workflow_key"] = workflow_key
    if not actor.has_role("admin", "auditor"):
        match["team"] = actor.team
    cases = Case._get_collection()
    outcome = {"$cond": [{"$gt": [{"$ifNull": ["$outcome", ""]}, ""]}, "$outcome", "$state"]}
    language, definitions = active_language(), latest_definitions()
    outcomes = []
    for row in cases.aggregate([{"$match": match}, {"$group": {
            "_id": {"pathway": "$workflow_key", "outcome": outcome, "state": "$state"}, "n": {"$sum": 1}}}]):
        key = row["_id"]
        defn = definitions.get(key["pathway"])
        outcomes.append((_outcome_label(defn, key, language), row["n"]))
    categories: dict[str, dict[str, int]] = {}
    for row in cases.aggregate([
            {"$match": {**match, "monitoring": {"$nin": [{}, None]}}},
            {"$project": {"kept": {"$objectToArray": "$monitoring"}}}, {"$unwind": "$kept"},
            {"$group": {"_id": {"name": "$kept.k", "value": {"$toString": "$kept.v"}}, "n": {"$sum": 1}}}]):
        categories.setdefault(row["_id"]["name"], {})[row["_id"]["value"]] = row["n"]
    merged: dict[str, int] = {}
    for label, n in outcomes:  # one outcome reached from two stages is one row
        merged[label] = merged.get(label, 0) + n
    named = {str(CATEGORY_WORDS.get(name, name.replace("_", " ").capitalize())): counts
             for name, counts in categories.items()}
    return {"outcomes": sorted(merged.items(), key=lambda row: row[0].casefold()), "categories": named}


def _outcome_label(defn, key: dict, language: str) -> str:
    """Return "Pathway: outcome" in a language: the pathway's title, and its outcome's words or its stage's label."""
    if defn is None:
        return f"{key['pathway']}: {key['outcome']}".replace("_", " ")
    title = defn.text("/title", language, defn.title)
    if key["outcome"] != key["state"]:
        said = outcome_label(defn, key["outcome"], language) or key["outcome"]
    else:
        state = defn.states.get(key["state"])
        said = defn.text(f"/states/{key['state']}/label", language, state.label) if state else key["state"]
    return f"{title}: {said}"
