"""A page that is a read of a case leaves only once that read is on the record; if it cannot be, it is withheld."""

from __future__ import annotations

from pymongo.errors import AutoReconnect

from services.audit.chain import inbox
from services.audit.inbox_writer import InboxWriter
from tests.conftest import sign_in
from tests.http.test_case_pages import make_people, refer


def test_the_read_is_durable_when_the_page_arrives(client, synced, make_team, make_user, now):
    people = make_people(make_team, make_user)
    case = refer(people, now, person_name="Daniel Marsh")
    sign_in(client, people["manager"])
    for path in (f"/cases/{case.pk}", f"/api/v1/cases/{case.pk}"):
        before = inbox().count_documents({"target_id": str(case.pk)})
        assert client.get(path).status_code == 200
        assert inbox().count_documents({"target_id": str(case.pk)}) == before + 1, path


def test_a_page_whose_read_cannot_be_recorded_is_not_shown(client, synced, make_team, make_user, now, monkeypatch):
    people = make_people(make_team, make_user)
    case = refer(people, now, person_name="Daniel Marsh")
    sign_in(client, people["manager"])

    def down(self, batch):
        for _collection, _doc, future in batch:
            future.set_exception(AutoReconnect("the database went away"))

    monkeypatch.setattr(InboxWriter, "write", down)
    page = client.get(f"/cases/{case.pk}")
    assert page.status_code == 503
    body = page.get_data(as_text=True)
    assert "Daniel Marsh" not in body and case.reference not in body
    assert "reach its database" in body
    assert page.headers["Content-Security-Policy"]  # the answer that replaced the page is made like any other
    api = client.get(f"/api/v1/cases/{case.pk}")
    assert api.status_code == 503 and "Daniel Marsh" not in api.get_data(as_text=True)
    assert api.json["error"]["status"] == 503
