"""The yardstick page: bare Flask + pymongo + Jinja rendering one case found by one indexed `find_one`.

Run by `bench/bench_pages.py` (through `bench/servers.py`) under the same gunicorn settings as Pathway, on the same
database:
    BENCH_MONGODB_URI=... BENCH_MONGODB_DB=... gunicorn 'bench.bare_app:create_app()'
"""

from __future__ import annotations

import os

import pymongo
from flask import Flask, abort, render_template_string

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ case.reference }}</title></head>
<body><main>
<h1>{{ case.person.name }}</h1>
<dl>
  <dt>Reference</dt><dd>{{ case.reference }}</dd>
  <dt>State</dt><dd>{{ case.state }}</dd>
  <dt>Team</dt><dd>{{ case.team }}</dd>
  <dt>Next deadline</dt><dd>{{ case.next_due_at }}</dd>
</dl>
</main></body></html>
"""


def create_app() -> Flask:
    """Build the bare app on BENCH_MONGODB_URI / BENCH_MONGODB_DB."""
    app = Flask(__name__)
    client = pymongo.MongoClient(os.environ["BENCH_MONGODB_URI"], tz_aware=False)
    cases = client[os.environ["BENCH_MONGODB_DB"]]["cases"]

    @app.get("/cases/<reference>")
    def case(reference):
        found = cases.find_one({"reference": reference},  # the unique index on reference
                               {"reference": 1, "person.name": 1, "state": 1, "team": 1, "next_due_at": 1})
        if found is None:
            abort(404)
        return render_template_string(PAGE, case=found)

    return app
