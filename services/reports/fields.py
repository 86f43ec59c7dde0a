"""What a case keeps for the reports (stages reached, evaluation measures done), kept up and filled in once.

The reports count cases by these fields in one aggregation each, instead of reading every case's history or
submissions; the services keep them in the same unit of work as the change they follow.
"""

from __future__ import annotations

from clock import utcnow
from models.case import Case, CaseEvent
from models.form import Submission
from services.common.migrations import MIGRATIONS
from services.pathways.store import latest_definitions
from services.reports.cohort import recount_case

# One document per one-off change of stored data once it is done (the collection services.cases.lists uses too;
# named here rather than imported, as case pages import the submission hooks that import this module).
REPORT_FIELDS_MIGRATION = "case_report_fields"


def measures_filter(spec: dict) -> dict:
    """Return the filter of the submissions that show one evaluation stage's measures were completed."""
    completion = {spec["completion_field"]: {"$nin": [None, "", *spec.get("not_completed", ())]}} \
        if spec.get("completion_field") else {}
    return {"form_key": spec["form"], "status": {"$ne": "draft"},
            f"answers.{spec['stage_field']}": {"$in": [s["value"] for s in spec["stages"]]},
            **{f"answers.{k}": v for k, v in completion.items()}}


def refresh_evaluation(case, defn, form_key: str) -> None:
    """Keep on the case the evaluation stages whose measures were completed, after a form is submitted or corrected."""
    spec = (defn.reports or {}).get("evaluation")
    if not spec or form_key != spec["form"]:
        return
    stages = Submission._get_collection().distinct(f"answers.{spec['stage_field']}",
                                                    {"case_id": case.pk, **measures_filter(spec)})
    Case.objects(pk=case.pk).update_one(set__evaluation_done=sorted(stages))
    recount_case(case.pk)


def fill_report_fields() -> int:
    """Give every case the states and transitions of its history and its evaluation stages done; count the former.

    MongoDB does it in one pass over the history and one over the submissions ($merge), so no case is read into
    Python. Run at start-up; it records that it is done, so later starts cost one lookup.
    """
    done = Case._get_db()[MIGRATIONS]
    if done.find_one({"_id": REPORT_FIELDS_MIGRATION}):
        return 0

    def union(field: str) -> dict:
        return {"$setUnion": [{"$ifNull": [f"${field}", []]}, f"$$new.{field}"]}

    CaseEvent._get_collection().aggregate([
        {"$match": {"kind": "transition"}},
        {"$group": {"_id": "$case_id", "passed_states": {"$addToSet": "$to_state"},
                    "taken_transitions": {"$addToSet": "$name"}}},
        {"$project": {"passed_states": {"$setDifference": ["$passed_states", [""]]},
                      "taken_transitions": {"$setDifference": ["$taken_transitions", [""]]}}},
        {"$merge": {"into": Case._get_collection().name, "on": "_id", "whenNotMatched": "discard",
                    "whenMatched": [{"$set": {"passed_states": union("passed_states"),
                                              "taken_transitions": union("taken_transitions")}}]}},
    ])
    for spec in ((d.reports or {}).get("evaluation") for d in latest_definitions().values()):
        if spec:
            Submission._get_collection().aggregate([
                {"$match": measures_filter(spec)},
                {"$group": {"_id": "$case_id", "done": {"$addToSet": f"$answers.{spec['stage_field']}"}}},
                {"$project": {"evaluation_done": {"$sortArray": {"input": "$done", "sortBy": 1}}}},
                {"$merge": {"into": Case._get_collection().name, "on": "_id", "whenNotMatched": "discard",
                            "whenMatched": "merge"}},
            ])
    done.update_one({"_id": REPORT_FIELDS_MIGRATION}, {"$set": {"done_at": utcnow()}}, upsert=True)
    return Case.objects(passed_states__0__exists=True).count()
