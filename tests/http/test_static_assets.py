"""Static files: pages link them under their version, which browsers keep for a year, relative imports included."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from blueprints.assets import asset_version

YEAR = "max-age=31536000"


def _kept(response) -> bool:
    cache = response.headers.get("Cache-Control", "")
    return response.status_code == 200 and YEAR in cache and "immutable" in cache and "no-store" not in cache


def test_pages_link_versioned_static_files_kept_for_a_year(client):
    page = client.get("/sign-in").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert {"vendor/pathway-frontend.min.css", "css/pathway.css", "js/app.js", "img/favicon.svg"} <= {
        link.split("/", 3)[3] for link in links}
    assert len({link.split("/")[2] for link in links}) == 1 and re.fullmatch(r"v[0-9a-f]{12}", links[0].split("/")[2])
    for link in links:
        response = client.get(link)
        assert _kept(response), (link, response.headers)
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    # A module's own imports are relative: they resolve under the same version, so they are kept as long.
    app_js = next(link for link in links if link.endswith("/js/app.js"))
    imports = re.findall(r'from "(\.[^"]+)"', client.get(app_js).get_data(as_text=True))
    assert imports
    for name in imports:
        imported = urljoin(app_js, name)
        assert imported.startswith(app_js.rsplit("/", 2)[0]) and _kept(client.get(imported)), imported


def test_unversioned_or_stale_static_urls_are_served_but_asked_for_again(client):
    for url in ("/static/js/app.js", "/static/v000000000000/js/app.js"):
        response = client.get(url)
        assert response.status_code == 200 and "initAll" in response.get_data(as_text=True)
        assert not _kept(response) and "no-cache" in response.headers["Cache-Control"], url
    assert client.get("/static/v000000000000/js/missing.js").status_code == 404


def test_the_version_changes_with_any_static_file(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text("one")
    first = asset_version(str(tmp_path))
    assert asset_version(str(tmp_path)) == first
    (tmp_path / "js" / "a.js").write_text("two")
    assert asset_version(str(tmp_path)) != first
