"""Planted-marker scans: a victim sentence in a confidential record and a partner record never reaches a referrer or
a practitioner outside the record's workers, in a page, a Word copy, an API answer or an email."""

from __future__ import annotations

import io
import re
from urllib.parse import urljoin, urlsplit

import mongoengine
import pytest
from docx import Document

from tests.conftest import sign_in
from tests.http.test_api_and_documents import submit
from tests.security.test_route_matrix import MARKER, world, world_snapshot  # noqa: F401

# Who must never see the marker: the referrer, a practitioner of the team not allocated to the case, a
# practitioner and a manager of another team (without breaking the glass).
WATCHERS = ("referrer", "colleague", "outsider", "south_manager")
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/sign-out", "/static/")
LIMIT = 400  # pages per watcher: every address in the url map, and the links found from them


@pytest.fixture
def planted(world, now):  # noqa: F811  (the fixture imported above)
    """Plant the marker in the case's confidential information record too, and a standard form beside it."""
    people, objects = world
    secret = submit(objects["case"], "risk_assessment_confidential", people["practitioner"], now,
                    confidential_information=MARKER)
    standard = submit(objects["case"], "sara", people["practitioner"], now)
    return people, objects, {"secret": secret, "standard": standard}


def _text(response) -> str:
    """Return what a person would read in the answer: a Word copy's paragraphs and tables, or the body."""
    if response.data[:2] == b"PK":
        document = Document(io.BytesIO(response.data))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return response.get_data(as_text=True)


def _start(app, objects, submissions) -> list[str]:
    """Return every GET address of the url map, filled with the planted records' ids."""
    out = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for key in ("case", "other", "partner") if "case_id" in rule.arguments else ("case",):
            for sub in submissions.values():
                path = rule.rule.replace("<case_id>", str(objects[key].pk))
                path = path.replace("<submission_id>", str(sub.pk))
                path = re.sub(r"<any\(([a-z_]+)[^)]*\):kind>", r"\1", path)
                out.add(re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "x" * 24, path))
    return sorted(out)


def _crawl(client, start: list[str]) -> tuple[int, int]:
    """Open each address and every link found on the way; fail where the marker shows. Return (pages, words)."""
    seen, queue, words = set(), list(start), 0
    while queue and len(seen) < LIMIT:
        address = queue.pop(0)
        if address in seen or address.startswith(SKIP):
            continue
        seen.add(address)
        response = client.get(address)
        assert response.status_code < 500, (address, response.status_code)
        text = _text(response)
        assert MARKER not in text, address
        words += response.data[:2] == b"PK"
        if response.status_code in (301, 302, 303):
            queue.append(urlsplit(urljoin(address, response.headers["Location"])).path)
        elif "html" in response.content_type:
            queue.extend(link.replace("&amp;", "&") for link in LINK.findall(text))
    return len(seen), words


@pytest.mark.parametrize("watcher", WATCHERS)
def test_the_marker_reaches_no_page_download_or_api_answer(app, client, planted, watcher):
    people, objects, submissions = planted
    sign_in(client, people[watcher])
    pages, words = _crawl(client, _start(app, objects, submissions))
    assert pages > 150
    if watcher == "colleague":
        assert words >= 1  # the team's standard form as a Word copy was opened and read, without the marker


def test_the_scan_finds_the_marker_where_it_belongs(app, client, planted):
    people, objects, submissions = planted
    sign_in(client, people["practitioner"])
    case, secret = objects["case"].pk, submissions["secret"].pk
    assert MARKER in _text(client.get(f"/cases/{case}/submissions/{secret}"))
    assert MARKER in _text(client.get(f"/cases/{case}/submissions/{secret}.docx"))
    with pytest.raises(AssertionError):
        _crawl(client, [f"/cases/{case}/submissions/{secret}.docx"])


def test_no_email_or_notification_carries_the_marker(app, client, planted):
    people, objects, _ = planted
    sign_in(client, people["south_manager"])
    # Breaking the glass tells the owning manager by email: what was read must not travel with it.
    client.post(f"/cases/{objects['partner'].pk}/break-glass",
                data={"reason": "MARAC meeting this afternoon: checking the latest contact"})
    client.get(f"/partner/cases/{objects['partner'].pk}/details")
    db = mongoengine.get_db()
    messages = list(db["outbox"].find())
    assert any("outside its usual workers" in str(m) for m in messages)
    for message in messages:
        assert MARKER not in str(message), message
    for note in db["notifications"].find():
        assert MARKER not in str(note), note
