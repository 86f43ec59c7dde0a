"""The case list through the Flask client: GOV.UK pagination that keeps the sort and filters."""

from __future__ import annotations

import re

from tests.conftest import sign_in
from tests.services.cases.test_case_list_queries import seed


def test_auditor_pages_through_every_case_with_the_sort_kept(client, synced, make_user, make_team):
    make_team(key="north")
    auditor = make_user(roles=["auditor"], team="")
    seed(120)
    sign_in(client, auditor)
    first = client.get("/cases?sort=reference&status=all").get_data(as_text=True)
    refs = re.findall(r'>(DAO-2026-\d{5})</a>', first)
    assert refs == [f"DAO-2026-{i:05d}" for i in range(50)]
    assert 'aria-label="Pages of cases"' in first and "Showing 1 to 50 of 120" in first
    assert re.search(r'href="/cases\?[^"]*page=3[^"]*"', first)
    last = client.get("/cases?sort=reference&status=all&page=3").get_data(as_text=True)
    assert re.findall(r'>(DAO-2026-\d{5})</a>', last) == [f"DAO-2026-{i:05d}" for i in range(100, 120)]
    assert 'aria-current="page">3</a>' in last and 'rel="next"' not in last and 'rel="prev"' in last
    assert "sort=reference" in re.search(r'href="([^"]*)" rel="prev"', last).group(1)
    assert client.get("/cases?page=banana").status_code == 200
    # A NUL cannot travel in a MongoDB pattern: it is left out of the search, which then finds what was meant.
    for path in ("/cases?q=%00DAO-2026-0011", "/cases/export.csv?q=%00DAO-2026-0011",
                 "/cases/export.xlsx?q=DAO%00-2026-0011"):
        assert client.get(path).status_code == 200
    one = client.get("/cases?q=M").get_data(as_text=True)
    assert "Enter at least 2 characters to search" in one and "0 cases found" not in one
    assert "No case you can see matches" not in one
    found = client.get("/cases?q=%00DAO-2026-0011&status=all").get_data(as_text=True)
    assert re.findall(r'>(DAO-2026-\d{5})</a>', found) == [f"DAO-2026-{i:05d}" for i in range(110, 120)]


def test_api_case_list_is_paged_and_refuses_a_bad_page_number(client, synced, make_user, make_team):
    make_team(key="north")
    auditor = make_user(roles=["auditor"], team="")
    seed(120)
    sign_in(client, auditor)
    body = client.get("/api/v1/cases?page=2&limit=50").json
    assert (body["page"], body["pages"], body["total"]) == (2, 3, 120)
    assert [c["reference"] for c in body["cases"]] == [f"DAO-2026-{i:05d}" for i in range(50, 100)]
    bad = client.get("/api/v1/cases?limit=lots")
    assert bad.status_code == 422 and "limit" in bad.get_data(as_text=True)
