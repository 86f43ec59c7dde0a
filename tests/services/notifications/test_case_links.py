"""Where a notification about a case links: only to a page its reader may open."""

from __future__ import annotations

from models.case import Case
from services.notifications.send import case_link


def test_her_record_links_for_her_worker_and_the_managers_only(synced, make_team, make_user, make_case):
    make_team(key="north")
    manager = make_user(roles=["manager"], team="north")
    worker, colleague = (make_user(roles=["partner_worker"], team="north") for _ in range(2))
    partner = make_case(workflow_key="partner_support", actor=manager)
    Case.objects(pk=partner.pk).update_one(set__kind="partner")
    partner.reload()
    # Not yet assigned: the team's partner workers are told, but her record is not theirs to open.
    assert case_link(partner, worker) == "" and case_link(partner, manager) == f"/partner/cases/{partner.pk}"
    Case.objects(pk=partner.pk).update_one(set__allocated_to=str(worker.pk))
    partner.reload()
    assert case_link(partner, worker) == f"/partner/cases/{partner.pk}" and case_link(partner, colleague) == ""
