"""Static files under a URL that names their version, so that browsers keep them instead of asking on every page."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, current_app, send_from_directory
from werkzeug.routing import BaseConverter, Rule

YEAR = 365 * 24 * 3600


class VersionConverter(BaseConverter):
    """Match an asset version only, so that no folder of static/ is ever taken for one."""

    regex = "v[0-9a-f]{12}"


def asset_version(folder: str) -> str:
    """Return a digest of every file under the static folder: any change to any of them gives a new version."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return "v" + digest.hexdigest()[:12]


def register(app: Flask) -> None:
    """Serve static/ also at /static/<version>/…, the URL url_for('static') gives, cached for a year."""
    # One version for the whole folder, in the path rather than a query: a module's relative imports
    # (app.js's "../vendor/govuk/…") resolve under the same version, so they are kept as long.
    app.config["ASSET_VERSION"] = asset_version(app.static_folder)
    app.url_map.converters["asset_version"] = VersionConverter
    app.url_map.add(Rule(f"{app.static_url_path}/<asset_version:version>/<path:filename>", endpoint="static",
                         methods=["GET"]))
    app.view_functions["static"] = _static_file
    app.url_defaults(_add_version)


def current_version() -> str:
    """Return the version of the static files being served."""
    if current_app.debug:
        # A developer's edit to a file must show on the next page, without restarting the server.
        return asset_version(current_app.static_folder)
    return current_app.config["ASSET_VERSION"]


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint == "static":
        values.setdefault("version", current_version())


def _static_file(filename: str, version: str | None = None):
    """Send a static file; a URL naming this version's files never changes, so it is kept (immutable) for a year."""
    if version != current_version():
        # An unversioned URL, or a page made before the files last changed: the browser asks again each time.
        return current_app.send_static_file(filename)
    response = send_from_directory(current_app.static_folder, filename, max_age=YEAR)
    response.cache_control.immutable = True
    return response
