"""The case page's reads planned ahead: the case, its records and its reader in one command, once seen together.

Which records the page reads depends on the case (its linked records, its pathway, whether the reader may read
its confidential records), so the first time a reader opens a case the case is read first, alone. The plan worked
out then, for this reader and case, seldom changes; this process keeps it, and the next time the case, its records
and (see blueprints.sessions) the reader's own document are one command. The case read with them is checked as
any other; its records are used only if the plan worked out from it is the same, else they are dropped unused and
read again. A plan exists only for a reader who has opened that case before, so nothing is read ahead for others.
"""

from __future__ import annotations

import mongoengine
from bson import ObjectId

from errors import NotFound
from memo import Memo
from models.case import Case
from services.cases.access import can_read_confidential, checked_case, get_case
from services.cases.page_reads import CaseRecords, PageRead, ReadPlan, aggregate
from services.common.language import gettext as _
from services.partner.records import risk_event_names
from storage.uow import in_transaction

PLANS_KEPT = 4096
_plans = Memo(PLANS_KEPT)  # (database, reader, case) → the plan its records were last read with


def plan_for(case: Case, actor) -> ReadPlan:
    """Return how the case's records are read for the actor."""
    return ReadPlan(can_read_confidential(actor, case), tuple(case.linked_case_ids or ()),
                    tuple(risk_event_names(case)))


def _key(user_id, case_id) -> tuple[str, str, str]:
    return mongoengine.get_db().name, str(user_id), str(case_id)


def read_with_user(user_id: str, case_id: str, *, history_limit: int) -> PageRead | None:
    """Return the case, its records and the user's document read by the plan kept for them, else None (no plan)."""
    plan = _plans.find(_key(user_id, case_id))
    if plan is None or not ObjectId.is_valid(case_id) or not ObjectId.is_valid(user_id):
        return None
    return aggregate(ObjectId(case_id), plan, history_limit=history_limit, with_case=True, user_id=ObjectId(user_id))


def case_with_records(case_id, actor, *, history_limit: int,
                      read: PageRead | None = None) -> tuple[Case, CaseRecords | None]:
    """Return the case the actor may open and, when read with it by the plan kept, its records too.

    `read` is what `read_with_user` read for this request (with the actor's document), when it did.
    """
    key = _key(actor.pk, case_id)
    found = read if read is not None and read.case is not None and str(read.case.pk) == str(case_id) else None
    plan = _plans.find(key)
    if found is None and plan is not None and not in_transaction():
        found = aggregate(ObjectId(str(case_id)), plan, history_limit=history_limit, with_case=True)
        if found.case is None:
            raise NotFound(_("There is no such case"))  # gone since this reader last opened it
    case = checked_case(found.case if found is not None else get_case(case_id), actor)
    if case.kind == "partner":  # a partner record's page reads records of its own
        return case, None
    actual = plan_for(case, actor)
    _plans.keep(key, actual)
    return case, found.records if found is not None and actual == found.plan else None
