"""The case page's one read of a case's records finds what each kind's own read finds, in the same order."""

from __future__ import annotations

import mongoengine

from models.case import Case, CaseEvent, CaseSession
from models.deadline import Deadline
from services.cases.engine_view import case_submissions
from services.cases.page_reads import _read_apart, read_case_records
from services.cases.transitions import add_history
from services.submissions.definitions import published_forms
from tests.command_log import recording
from tests.http.test_page_query_plans import SESSION_FIELDS, index_names, plans


def _ids(rows) -> list:
    return [row.id for row in rows]


def test_one_read_finds_every_kind_of_record_as_the_reads_one_by_one_do(demo):
    # Every demo case with a partner record, sessions and deadlines, and one without any of them.
    cases = [c for c in Case.objects(kind="perpetrator", status__ne="draft")
             if CaseSession.objects(case_id=c.pk).count() and Deadline.objects(case_id=c.pk).count()
             and Case.objects(parent_case_id=c.pk).count()][:3]
    cases.append(Case.objects(kind="perpetrator", status__ne="draft").order_by("-created_at").first())
    assert len(cases) >= 2
    newest = {d.key: d.version for d in published_forms()}
    for case in cases:
        for confidential in (True, False):
            together = read_case_records(case, history_limit=8, include_confidential=confidential)
            apart = _read_apart(case, history_limit=8, include_confidential=confidential)
            assert _ids(together.submissions) == _ids(apart.submissions) == _ids(case_submissions(case))
            assert _ids(together.sessions) == _ids(apart.sessions) == [
                s.pk for s in CaseSession.objects(case_id=case.pk).order_by("date", "recorded_at")]
            assert sorted(_ids(together.deadlines)) == sorted(_ids(apart.deadlines)) == sorted(
                d.pk for d in Deadline.objects(case_id=case.pk))
            shown = CaseEvent.objects(case_id=case.pk, **({} if confidential else {"confidential": False}))
            assert _ids(together.history) == _ids(apart.history) == [
                e.pk for e in shown.order_by("-at", "-id").limit(8)]
            assert _ids(together.partner) == _ids(apart.partner) == [
                c.pk for c in Case.objects(parent_case_id=case.pk, kind="partner").order_by("created_at")[:1]]
            assert together.published == apart.published == newest


def test_the_newest_history_is_read_in_the_index_s_order_whatever_the_history_s_length(demo, make_user, now):
    case = Case.objects(kind="perpetrator", status__ne="draft").first()
    actor = make_user(roles=["practitioner"])
    for n in range(30):  # many entries, all of them in the same instant: their ids order them
        add_history(case, kind="note", now=now, actor=actor, label=f"Note {n}")
    with recording(mongoengine.get_db().name) as log:
        records = read_case_records(case, history_limit=8, include_confidential=False)
    assert [e.label for e in records.history] == [f"Note {n}" for n in range(29, 21, -1)]
    (command,) = [{k: v for k, v in c.items() if k not in SESSION_FIELDS} for name, c in log.sent
                  if name == "aggregate"]
    winning = plans(command)
    assert winning and all(index_names(plan) for plan in winning), winning  # every query walks an index
    # The history's order is its index's: the newest few entries are read, not the whole history sorted in memory.
    history = [plan for plan in winning if "case_id_1_at_1__id_1" in index_names(plan)]
    assert history and all("SORT" not in str(plan) for plan in history), winning


def test_the_page_s_records_leave_the_answers_and_for_others_the_confidential_results_unread(demo):
    # What a victim said is never read to show a case page, and nor, for those who may not read it, what was
    # worked out from it: the rows have no such field at all, so nothing can show an empty one as the answers.
    from models.form import ConfidentialSubmission

    case = next(c for c in Case.objects(kind="perpetrator", status__ne="draft")
                if ConfidentialSubmission.objects(case_id=c.pk).count())
    for read in (read_case_records, _read_apart, _api_s):
        for confidential in (True, False):
            with recording(mongoengine.get_db().name) as log:
                records = read(case, history_limit=8, include_confidential=confidential)
            assert records.submissions and not [s for s in records.submissions if hasattr(s, "answers")]
            kept = [s for s in records.submissions if s.classification == "confidential"]
            assert kept and all(hasattr(s, "computed") is confidential for s in kept)
            assert all(hasattr(s, "computed") for s in records.submissions if s.classification != "confidential")
            # Left out by the server, not after: each read of either kind of submission projects them away.
            projections = [p for _name, c in log.sent if _reads_submissions(c) for p in _projections(c)]
            assert len(projections) == 2 and all(_without_answers(p) for p in projections), log.sent


def _api_s(case, *, history_limit, include_confidential):
    """Return the submissions as the API's case view reads them (`history_limit` is the other reads')."""
    from types import SimpleNamespace

    from services.cases.engine_view import left_unread

    return SimpleNamespace(submissions=case_submissions(case, left_out=left_unread(include_confidential)))


def _reads_submissions(command: dict) -> bool:
    return command.get("find", command.get("aggregate")) in ("submissions", "confidential_submissions")


def _projections(command: dict) -> list[dict]:
    """Return the projection of each kind of submission a command reads (a find's, or an aggregate's two)."""
    if "find" in command:
        return [command["projection"]]
    confidential = next(stage["$unionWith"]["pipeline"] for stage in command["pipeline"] if stage.get(
        "$unionWith", {}).get("coll") == "confidential_submissions")
    return [stage.get("$project", {}) for stage in (command["pipeline"][1], confidential[1])]


def _without_answers(projection: dict) -> bool:
    included = any(v == 1 for v in projection.values())
    return projection.get("answers") == 0 or (included and "answers" not in projection)


def test_the_partner_record_is_read_by_the_id_its_case_keeps_and_only_if_it_names_the_case(demo, now):
    from services.partner.links import fill_partner_links

    case = next(c for c in Case.objects(kind="perpetrator", status__ne="draft") if c.linked_case_ids)
    partner = Case.objects.get(parent_case_id=case.pk, kind="partner")
    other = Case.objects(kind="perpetrator", pk__ne=case.pk).first()
    with recording(mongoengine.get_db().name) as log:
        records = read_case_records(case, history_limit=8, include_confidential=False)
    assert _ids(records.partner) == [partner.pk]
    (command,) = [c for name, c in log.sent if name == "aggregate"]
    (cases_part,) = [s["$unionWith"]["pipeline"] for s in command["pipeline"]
                     if s.get("$unionWith", {}).get("coll") == "cases"]
    assert cases_part[0] == {"$match": {"_id": {"$in": [partner.pk]}}}  # by id: no planning over the list indexes
    # A linked id that is not a partner record of this case shows nothing of it, nor its risk updates.
    add_history(other, kind="event", now=now, actor=None, name="partner_risk_update", label="Risk update",
                inputs={"risk_change": "increased"})
    Case.objects(pk=case.pk).update_one(set__linked_case_ids=[other.pk])
    case.reload()
    records = read_case_records(case, history_limit=8, include_confidential=False)
    assert records.partner == [] and not [e for e in records.risk_events[1] if e.inputs == {"risk_change": "increased"}]
    # A case stored without its partner record's id is given it once at start-up, and then shows the record.
    Case.objects(pk=case.pk).update_one(set__linked_case_ids=[])
    mongoengine.get_db()["migrations"].delete_one({"_id": "partner_record_links"})
    assert fill_partner_links() >= 1
    case.reload()
    assert case.linked_case_ids == [partner.pk]
    assert _ids(read_case_records(case, history_limit=8, include_confidential=False).partner) == [partner.pk]
    Case.objects(pk=case.pk).update_one(set__linked_case_ids=[])
    assert fill_partner_links() == 0  # done once: later starts do not scan the cases again
