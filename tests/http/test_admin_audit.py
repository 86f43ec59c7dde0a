"""The audit trail viewer: for admins and auditors, filterable, paged, refusing everyone else."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from models.user import User
from services.audit.search import PAGE_SIZE
from services.audit.trail import record_audit
from tests.conftest import sign_in


@pytest.fixture
def trail(app, make_user):
    """A few entries on different days, by different people."""
    alice = make_user(roles=["admin"], team="", email="alice@example.org")
    bob = make_user(roles=["manager"], email="bob@example.org")
    base = datetime(2026, 11, 1, 9, 0)
    record_audit("form.published", actor=alice, now=base, target_type="form", target_id="qol_review",
                 details={"version": 2})
    record_audit("form.field_added", actor=alice, now=base + timedelta(days=1), target_type="form",
                 target_id="qol_review")
    record_audit("confidential.read", actor=bob, now=base + timedelta(days=5), target_type="submission",
                 target_id="abc123")
    return {"alice": alice, "bob": bob}


def rows(html: str) -> int:
    return html.count('<tr class="govuk-table__row">') - 1


@pytest.mark.parametrize("role", ["admin", "auditor"])
def test_admins_and_auditors_read_the_audit_trail(client, make_user, trail, role):
    sign_in(client, make_user(roles=[role], team=""))
    response = client.get("/admin/audit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "confidential.read" in html and "form.published" in html and "bob@example.org" in html


@pytest.mark.parametrize("role", ["manager", "practitioner", "partner_worker", "referrer"])
def test_nobody_else_reads_it(client, signed_in, trail, role):
    signed_in(role)
    assert client.get("/admin/audit").status_code == 403


@pytest.mark.parametrize(("query", "expected"), [
    ("action=form", {"form.published", "form.field_added"}),
    ("action=form.published", {"form.published"}),
    ("who=bob", {"confidential.read"}),
    ("target_type=form&target=qol_review", {"form.published", "form.field_added"}),
    ("from=2026-11-02&to=2026-11-03", {"form.field_added"}),
    ("from=05/11/2026", {"confidential.read"}),
    ("who=b%00ob", {"confidential.read"}),  # a control character typed or pasted is left out, not a failure
    ("action=%00", {"form.published", "form.field_added", "confidential.read"}),
])
def test_filters_narrow_the_trail(client, trail, query, expected):
    sign_in(client, trail["alice"])
    html = client.get(f"/admin/audit?{query}").get_data(as_text=True)
    shown = {action for action in ("form.published", "form.field_added", "confidential.read")
             if f"<code>{action}</code>" in html}
    assert shown == expected


def test_a_day_searched_for_is_the_day_the_trail_shows_in_summer(client, trail):
    # 23:30 UTC on 4 July is 00:30 on 5 July in London (BST), and the trail shows it so.
    record_audit("case.viewed", actor=trail["bob"], now=datetime(2027, 7, 4, 23, 30), target_type="case")
    record_audit("case.exported", actor=trail["bob"], now=datetime(2027, 7, 5, 23, 30), target_type="case")
    sign_in(client, trail["alice"])
    html = client.get("/admin/audit?from=2027-07-05&to=2027-07-05").get_data(as_text=True)
    assert "<code>case.viewed</code>" in html and "5 July 2027, 00:30" in html
    assert "<code>case.exported</code>" not in html  # 00:30 on 6 July there


@pytest.mark.parametrize(("query", "field"), [("from=yesterday", "from"), ("from=2026-11-05&to=2026-11-01", "to")])
def test_a_wrong_date_is_named_and_kept(client, trail, query, field):
    sign_in(client, trail["alice"])
    response = client.get(f"/admin/audit?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and f'href="#{field}"' in html
    assert "yesterday" in html or "2026-11-01" in html
    assert "0 entries" not in html and "No entry matches" not in html  # nothing was searched


def test_the_trail_is_paged(client, trail):
    for n in range(PAGE_SIZE + 5):
        record_audit("sign_in", actor=trail["bob"], now=datetime(2026, 11, 20) + timedelta(minutes=n))
    sign_in(client, trail["alice"])
    first = client.get("/admin/audit?action=sign_in").get_data(as_text=True)
    assert rows(first) == PAGE_SIZE and "Page 1 of 2" in first
    second = client.get("/admin/audit?action=sign_in&page=2").get_data(as_text=True)
    # Alice's own sign-in to read the trail is on the list too.
    assert rows(second) == 6 and "Page 2 of 2" in second
    assert client.get("/admin/audit?page=not-a-number").status_code == 200


def test_details_are_escaped(client, trail, now):
    record_audit("form.created", actor=trail["alice"], now=now, target_type="form", target_id="x",
                 details={"title": "<script>alert('x')</script>", "tags": ["<b>a_b</b>"]})
    sign_in(client, trail["alice"])
    html = client.get("/admin/audit?target=x").get_data(as_text=True)
    assert "<script>alert" not in html and "<b>a_" not in html
    assert "&lt;script&gt;" in html


def test_a_case_is_found_and_shown_by_its_reference(client, trail, make_case, synced):
    import html as html_lib

    from models.user import User

    case = make_case(workflow_key="dao_pathway", actor=trail["bob"], person={"name": "Dan Example"})
    record_audit("case.viewed", actor=trail["bob"], now=datetime(2026, 11, 8, 9), target_type="case",
                 target_id=str(case.pk))
    # A form's entry names its case in its details: found by the case's reference too.
    record_audit("submission.submitted", actor=trail["bob"], now=datetime(2026, 11, 8, 10), target_type="submission",
                 target_id="f0rm", details={"case": str(case.pk), "form": "screening"})
    sign_in(client, trail["alice"])
    for typed in (case.reference, case.reference.lower()):
        page = html_lib.unescape(client.get(f"/admin/audit?target={typed}").get_data(as_text=True))
        assert rows(page) == 2 and "<code>case.viewed</code>" in page, typed
        assert "<code>submission.submitted</code>" in page
        assert f">{case.reference}</a>" in page and f">{case.pk}</a>" not in page
        assert f"Case: {case.reference}" in page and str(case.pk) not in page  # the form's details name it too
    User.objects(pk=trail["alice"].pk).update(set__language="cy")
    welsh = html_lib.unescape(client.get("/admin/audit").get_data(as_text=True))
    assert "Pob cam gweithredu adeiladydd ffurflenni" in welsh and ">Ffurflen wedi’i chwblhau</option>" in welsh
    assert "All form actions" not in welsh and ">Submission</option>" not in welsh


def test_actions_are_shown_and_offered_in_words_in_the_reader_s_language(client, trail):
    sign_in(client, trail["alice"])
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Read a confidential record<br>" in html and "Published a form<br>" in html
    assert '<option value="form.field_added">Added a question to a form</option>' in html
    # A person's own page lists what was done to their account in the same words.
    record_audit("user.roles_granted", actor=trail["alice"], now=datetime(2026, 11, 9, 9), target_type="user",
                 target_id=str(trail["bob"].pk))
    person = client.get(f"/admin/users/{trail['bob'].pk}").get_data(as_text=True)
    assert "Changed a user’s roles by alice@example.org" in person
    # And from there, what the person did themselves (not only what was done to the account).
    assert re.search(r'href="/admin/audit\?who=bob(@|%40)example.org">Everything this person has done</a>', person)
    done = client.get("/admin/audit?who=bob%40example.org").get_data(as_text=True)
    assert "Read a confidential record<br>" in done and "Published a form<br>" not in done
    User.objects(pk=trail["alice"].pk).update_one(set__language="cy")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Darllen cofnod cyfrinachol<br>" in html and "<code>confidential.read</code>" in html


def test_every_action_the_code_records_has_words():
    import re
    from pathlib import Path

    from models.correction import CORRECTION_KINDS
    from services.audit.actions import ACTION_WORDS

    root = Path(__file__).resolve().parents[2]
    code = "\n".join(p.read_text(encoding="utf-8") for folder in ("services", "blueprints", "commands", "scheduler")
                     for p in (root / folder).rglob("*.py"))
    recorded = set(re.findall(r'record_(?:audit|read)\(\s*"([a-z_.]+)"', code))
    # Actions passed on by name (the builder's, a team's days, an account's state) and the two made up in place.
    recorded |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', code))
    recorded |= set(re.findall(r'"(user\.(?:re|de)activated)"', code))
    recorded |= {"case.transition", "case.event"} | {f"record.{kind}" for kind in CORRECTION_KINDS}
    assert len(recorded) > 80
    assert sorted(recorded - set(ACTION_WORDS)) == []


def test_a_read_names_its_page_in_words_and_an_entry_about_no_one_thing_has_no_empty_link(client, trail):
    record_audit("case.read", actor=trail["bob"], now=datetime(2026, 11, 10, 9), target_type="case",
                 target_id="6b1330000000000000000001", details={"what": "cases.history"})
    record_audit("confidential.listed", actor=trail["bob"], now=datetime(2026, 11, 10, 10), target_type="case",
                 target_id="", details={"ids": ["a", "b"]})
    sign_in(client, trail["alice"])
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Page read: its history" in html and "(cases.history)" in html
    assert 'target=">' not in html and "target=&" not in html  # no link to every entry of a kind, with no text


def test_a_person_is_shown_and_found_by_their_email_and_a_group_s_cases_by_their_references(
        client, trail, make_case, synced):
    import html as html_lib

    bob, case = trail["bob"], make_case(workflow_key="dao_pathway", actor=trail["bob"], person={"name": "Dan"})
    record_audit("user.roles_changed", actor=trail["alice"], now=datetime(2026, 11, 9, 9), target_type="user",
                 target_id=str(bob.pk), details={"roles": ["manager"]})
    record_audit("group.members_added", actor=bob, now=datetime(2026, 11, 9, 10), target_type="group",
                 target_id="g1", details={"cases": [str(case.pk), "gone"]})
    sign_in(client, trail["alice"])
    page = html_lib.unescape(client.get("/admin/audit").get_data(as_text=True))
    assert ">bob@example.org</a>" in page and f">{bob.pk}</a>" not in page
    assert f"Cases: {case.reference}, gone" in page and str(case.pk) not in page
    for typed in ("bob@example.org", str(bob.pk)):
        response = client.get(f"/admin/audit?action=user.roles_changed&target={typed}")
        found = html_lib.unescape(response.get_data(as_text=True))
        assert rows(found) == 1 and "<code>user.roles_changed</code>" in found, typed


def _words(response) -> str:
    import html as html_lib

    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True))))


def test_details_are_said_in_words_in_the_reader_s_language_with_the_stored_codes_beside_them(
        client, trail, make_case, synced):
    case = make_case(workflow_key="dao_pathway", actor=trail["bob"], person={"name": "Dan"})
    at = datetime(2026, 11, 10, 9)
    record_audit("case.transition", actor=trail["bob"], now=at, target_type="case", target_id=str(case.pk),
                 details={"name": "acknowledge", "from": "received", "to": "acknowledged"})
    record_audit("sar.logged", actor=trail["bob"], now=at, target_type="subject_access", target_id="r1",
                 details={"case": str(case.pk), "identity_check": "photo_id"})
    record_audit("user.created", actor=trail["alice"], now=at, target_type="user", target_id=str(trail["bob"].pk),
                 details={"roles": ["partner_worker"], "team": ""})
    record_audit("group.created", actor=trail["bob"], now=at, target_type="group", target_id="g1",
                 details={"workflow": "probation_cdvp", "pairing_warning": ""})
    sign_in(client, trail["alice"])
    page = _words(client.get("/admin/audit?from=10/11/2026&to=10/11/2026"))
    assert "Step: Acknowledge the referral (acknowledge)" in page
    assert "From: Referral received (received)" in page and "To: Acknowledged – case consultation to arrange" in page
    assert "Identity check: Photo identification seen (photo_id)" in page
    assert "Roles: Partner-support worker (partner_worker)" in page and "Team:" not in page
    assert "Pathway: " in page and "(probation_cdvp)" in page and "Pairing warning" not in page
    User.objects(pk=trail["alice"].pk).update(set__language="cy")
    welsh = _words(client.get("/admin/audit?from=10/11/2026&to=10/11/2026"))
    assert "Cydnabod yr atgyfeiriad (acknowledge)" in welsh and "Step:" not in welsh and "Identity check" not in welsh


def test_a_form_key_finds_the_builder_s_entries_and_every_filled_in_one(client, trail, synced):
    at = datetime(2026, 11, 12, 9)
    record_audit("form.published", actor=trail["alice"], now=at, target_type="form", target_id="screening")
    record_audit("submission.submitted", actor=trail["bob"], now=at, target_type="submission", target_id="s1",
                 details={"form": "screening", "version": 1})
    record_audit("submission.submitted", actor=trail["bob"], now=at, target_type="submission", target_id="s2",
                 details={"form": "consent", "version": 1})
    sign_in(client, trail["alice"])
    page = client.get("/admin/audit?target=screening").get_data(as_text=True)
    assert rows(page) == 2 and "<code>form.published</code>" in page and ">s1</a>" in page and ">s2</a>" not in page


def test_a_download_s_details_read_as_words_not_as_data(client, trail):
    record_audit("cases.exported", actor=trail["bob"], now=datetime(2026, 11, 9, 9), target_type="case",
                 details={"format": "csv", "rows": 12, "filters": {"scope": "all", "status": "open"}})
    sign_in(client, trail["alice"])
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Rows: 12" in page and "Filters: scope: all; status: open" in page and "{&#34;" not in page
    User.objects(pk=trail["alice"].pk).update_one(set__language="cy")
    welsh = client.get("/admin/audit").get_data(as_text=True)
    assert "Rhesi: 12" in welsh and "Hidlwyr: scope: all; status: open" in welsh
