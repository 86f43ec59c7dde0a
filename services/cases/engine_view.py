"""The plain view of a case the workflow engine reads: its latest forms, attendance and the team's capacity."""

from __future__ import annotations

from collections.abc import Mapping

from models.case import Case, CaseSession
from models.form import ConfidentialSubmission, Submission, submission_class
from models.user import User
from services.common.rows import find_rows, rows_of
from services.deadlines.timing import local_today
from storage.uow import in_transaction

_FROM_CONFIDENTIAL = "_from_confidential_submissions"
UNREAD = ("answers", "computed")  # what a page's rows may leave out, read when a guard asks (case_view)
KINDS = (Submission, ConfidentialSubmission)


def left_unread(include_confidential: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return what a page leaves unread of (standard, confidential) submissions."""
    # Never the answers, nor, for those who may not read them, the results worked out from a victim's answers.
    return ("answers",), ("answers",) if include_confidential else UNREAD


def fields_without(left_out: tuple[str, ...]) -> tuple[str, ...] | None:
    """Return a submission's fields but those left out (None: all); a row of them has no others at all."""
    return tuple(name for name in Submission._fields if name not in left_out) if left_out else None


def case_submissions(case: Case, *, left_out: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())) -> list:
    """Return every submission of the case, drafts too: the standard ones, then the confidential, each oldest first.

    `left_out` names the fields not read of (standard, confidential) ones (see `left_unread`): their rows have no
    such fields, and `case_view` reads them if a guard asks.
    """
    # Read to be looked at, never saved: plain rows, not documents (the answers are the bulk of them).
    if in_transaction():  # MongoDB refuses $unionWith in a transaction: one read per collection there
        return [sub for cls, omit in zip(KINDS, left_out, strict=True)
                for sub in find_rows(cls, {"case_id": case.pk}, fields=fields_without(omit),
                                     sort=[("created_at", 1)])]
    # Elsewhere (the pages) both collections in one command, each document tagged with the one it came from.
    match = {"$match": {"case_id": case.pk}}
    standard, confidential = ([{"$project": dict.fromkeys(omit, 0)}] if omit else [] for omit in left_out)
    union = {"coll": ConfidentialSubmission._get_collection_name(),
             "pipeline": [match, *confidential, {"$addFields": {_FROM_CONFIDENTIAL: True}}]}
    found = {cls: [] for cls in KINDS}
    for son in Submission._get_collection().aggregate([match, *standard, {"$unionWith": union}]):
        found[ConfidentialSubmission if son.pop(_FROM_CONFIDENTIAL, False) else Submission].append(son)
    return [sub for cls, omit in zip(KINDS, left_out, strict=True)
            for sub in rows_of(cls, sorted(found[cls], key=lambda son: son["created_at"]), fields=fields_without(omit))]


def latest_submissions(case: Case, stored: list | None = None) -> dict[str, object]:
    """Return the most relevant submission per form key: the newest submitted one, else the newest draft.

    `stored` is `case_submissions(case)` when the caller has already read it.
    """
    found: dict[str, object] = {}
    rank = {"countersigned": 2, "submitted": 2, "draft": 1}
    for sub in case_submissions(case) if stored is None else stored:
        current = found.get(sub.form_key)
        if current is None or rank[sub.status] >= rank[current.status]:
            found[sub.form_key] = sub
    return found


def session_counts(case: Case, sessions=None) -> dict:
    """Return attendance counts for the case (what reports and attendance rules read).

    `attended` leaves catch-ups out and `catch_ups` counts them, so adding the two never counts a session twice;
    the `_by_type` maps let a pathway count only its programme sessions.
    """
    counts = {"total": 0, "attended": 0, "late": 0, "acceptable_absences": 0, "unacceptable_absences": 0,
              "catch_ups": 0, "did_not_happen": 0, "concerns": 0, "attended_by_type": {}, "catch_ups_by_type": {},
              "by_type": {}}
    absence_keys = {"acceptable_absence": "acceptable_absences", "unacceptable_absence": "unacceptable_absences",
                    "did_not_happen": "did_not_happen"}
    if sessions is None:
        sessions = CaseSession.objects(case_id=case.pk).only("attendance", "catch_up", "flags", "session_type")
    for session in sessions:
        counts["total"] += 1
        typed = counts["by_type"].setdefault(session.session_type, {"total": 0, "attended": 0, "catch_ups": 0,
                                                                    "unacceptable_absences": 0})
        typed["total"] += 1
        if session.flags:
            counts["concerns"] += 1
        if session.attendance in absence_keys:
            counts[absence_keys[session.attendance]] += 1
            if session.attendance == "unacceptable_absence":
                typed["unacceptable_absences"] += 1
            continue
        if session.attendance == "late":
            counts["late"] += 1  # late still counts as attended
        catch_up = session.catch_up or session.session_type == "catch_up"
        key = "catch_ups" if catch_up else "attended"
        counts[key] += 1
        typed[key] += 1
        by_type = counts[f"{key}_by_type"]
        # A catch-up replaces a missed programme session, so it counts as one of the group's sessions.
        kind = "group" if session.session_type == "catch_up" else session.session_type
        by_type[kind] = by_type.get(kind, 0) + 1
    return counts


def available_practitioners(team: str) -> list[dict]:
    """Return the team's active practitioners with their open caseload and capacity, least loaded first."""
    users = list(User.objects(team=team, roles="practitioner", active=True))
    # One aggregation for the whole team: this runs for every case view, so no query per practitioner.
    loads: dict[str, dict[str, int]] = {}
    pipeline = [
        {"$match": {"allocated_to": {"$in": [str(u.pk) for u in users]}, "status": "open", "kind": "perpetrator"}},
        {"$group": {"_id": {"who": "$allocated_to", "risk": "$risk_level"}, "n": {"$sum": 1}}},
    ]
    for row in Case.objects.aggregate(pipeline):
        risk = row["_id"].get("risk") or "not assessed"
        loads.setdefault(row["_id"]["who"], {})[risk] = row["n"]
    rows = []
    for user in users:
        risks = loads.get(str(user.pk), {})
        open_cases = sum(risks.values())
        rows.append({"user": user, "open": open_cases, "capacity": user.capacity,
                     "available": open_cases < user.capacity, "risks": risks})
    return sorted(rows, key=lambda r: (not r["available"], r["open"] - r["capacity"], r["user"].name))


def case_view(case: Case, *, submissions: dict | None = None, sessions=None, lazy: bool = False) -> dict:
    """Return the plain dict the workflow engine reads (pages pass what they already read, to read it once).

    With `lazy`, the forms and the attendance are read only when a guard asks: a list that checks many cases
    against guards on the case's own fields must not read every case's submissions.
    """
    def forms() -> dict:
        latest = latest_submissions(case) if submissions is None else submissions
        unread = [sub for sub in latest.values() if not all(hasattr(sub, name) for name in UNREAD)]
        stored = _stored(unread) if unread else {}

        def value(sub, name: str) -> Mapping:
            if hasattr(sub, name):
                return dict(getattr(sub, name))
            return OnRead(lambda: stored.get(sub.id, {}).get(name, {}))

        return {key: {"status": sub.status, **{name: value(sub, name) for name in UNREAD}}
                for key, sub in latest.items()}

    def attendance() -> dict:
        return session_counts(case, sessions)

    return {
        "id": str(case.pk), "reference": case.reference, "state": case.state,
        # The service's day the case was referred: what a date input's `not_before: referral` holds to.
        "referred_on": local_today(case.referred_at).isoformat() if case.referred_at else None,
        "priority": "urgent" if case.priority == "urgent" else "normal", "risk_level": case.risk_level or None,
        "allocated_to": case.allocated_to or None, "team": case.team, "suspended": bool(case.suspended),
        "forms": OnRead(forms) if lazy else forms(), "endorsements": dict(case.endorsements or {}),
        "sessions": OnRead(attendance) if lazy else attendance(), "fields": dict(case.fields or {}),
        # Counting reads every open case of the team: a case page whose steps never ask must not pay for it.
        "capacity": OnRead(lambda: _capacity(case.team)),
    }


def _stored(subs) -> OnRead:
    """Return submission id → its answers and results, read (in one query per kind) when a guard first asks."""
    def read() -> dict:
        found = {}
        for model in KINDS:
            ids = [sub.id for sub in subs if submission_class(sub.classification) is model]
            for son in model._get_collection().find({"_id": {"$in": ids}}, dict.fromkeys(UNREAD, 1)) if ids else ():
                found[son["_id"]] = {name: dict(son.get(name) or {}) for name in UNREAD}
        return found

    return OnRead(read)


def _capacity(team: str) -> dict:
    practitioners = available_practitioners(team) if team else []
    return {"available_practitioners": sum(1 for p in practitioners if p["available"])}


class OnRead(Mapping):
    """A mapping worked out when first read, then kept (what most guards never read costs no query)."""

    def __init__(self, work):
        self._work, self._found = work, None

    def _value(self) -> Mapping:
        if self._found is None:
            self._found = self._work()
        return self._found

    def __getitem__(self, key: str):
        return self._value()[key]

    def __iter__(self):
        return iter(self._value())

    def __len__(self) -> int:
        return len(self._value())
