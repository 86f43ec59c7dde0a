"""Send generated hostile input to every form page, step and main route, and count the 500s.

Run: .venv/bin/python bench/fuzz_inputs.py [--inputs 100000] [--seed 1]
Starts its own bundled mongod in a temporary folder. Posts every page of every shipped form, every step's inputs
(as a page and through the API) and GETs every route with bad ids and query strings, round after round, until
the number of generated inputs (one per posted value) is reached. Prints inputs tried, requests and 500s found,
with the route of each 500; exit code 1 when there was any.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import mongoengine  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from clock import utcnow  # noqa: E402
from storage.embedded import EmbeddedMongo  # noqa: E402
from tests.fuzz_inputs import HOSTILE_TEXT, JSON_VALUE, Tally, field_values  # noqa: E402

BAD_IDS = ["not-an-id", "0" * 24, "f" * 23, "%00", "²", "a" * 300]
PASSWORD = "correct-horse-battery"


def _setup(uri: str):
    """Return (app, client, user, cases) on a fresh database with the shipped pathways and forms."""
    from app import create_app
    from services.cases.transitions import open_case
    from services.pathways.sync import sync_workflows
    from services.submissions.definition_files import sync_forms
    from services.users.accounts import create_user
    from services.users.passwords import use_fast_hashing

    use_fast_hashing()
    app = create_app({
        "TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": f"fuzz_{uuid.uuid4().hex[:8]}",
        "INSTANCE_PATH": tempfile.mkdtemp(prefix="pathway-fuzz-"), "SECRET_KEY": "fuzz-" + "x" * 40,
        "SCHEDULER_ENABLED": False, "BOOTSTRAP_ADMIN": False, "WTF_CSRF_ENABLED": False,
        "SIGN_IN_RATE_LIMIT": "100000 per minute",
    })
    now = utcnow()
    with app.app_context():
        sync_workflows(now=now)
        sync_forms(now=now)
        user, _ = create_user(email="fuzz@example.org", name="Fuzz Tester", team="north", password=PASSWORD,
                              roles=["manager", "practitioner", "admin"], now=now)
        cases = {}
        from services.pathways.store import latest_definitions

        # Every shipped pathway a perpetrator's case runs on (partner records open from those cases).
        pathways = [k for k, d in latest_definitions().items() if not d.to_dict().get("partner_record")]
        for key in pathways:
            case = open_case(workflow_key=key, team="north", actor=user, now=now, referrer=None,
                             person={"name": "Dan Example"})
            case.update(set__allocated_to=str(user.pk))
            cases[key] = case.reload()
    client = app.test_client()
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    return app, client, user, cases


def _targets(app, user, cases):
    """Return the page posts, step posts and routes to fuzz."""
    from services.pathways.store import definition_for
    from services.submissions.definition_files import FORMS_DIR
    from services.submissions.filling import form_for, start_submission

    now = utcnow()
    pages, steps = [], []
    with app.app_context():
        case = next(iter(cases.values()))  # every form is filled on the first pathway's case
        for path in sorted(FORMS_DIR.glob("*.json")):
            sub = start_submission(case, path.stem, actor=user, now=now)
            form = form_for(sub)
            for page in form.pages:
                pages.append((f"/cases/{case.pk}/forms/{sub.form_key}/{sub.pk}/pages/{page.key}", page, sub))
        for case in cases.values():
            definition = definition_for(case)
            for step in (*definition.transitions.values(), *definition.events.values()):
                if step.inputs:
                    steps.append((case, step))
    routes = sorted({r.rule for r in app.url_map.iter_rules() if "GET" in r.methods and "static" not in r.rule})
    return pages, steps, routes


def run(inputs: int, seed_value: int) -> Tally:
    """Fuzz until `inputs` generated values were sent; return the tally."""
    root = tempfile.mkdtemp(prefix="pathway-fuzz-mongod-")
    server = EmbeddedMongo(root, ephemeral=True)
    server.start()
    tally = Tally()
    try:
        app, client, user, cases = _setup(server.uri)
        pages, steps, routes = _targets(app, user, cases)
        ids = BAD_IDS + [str(c.pk) for c in cases.values()]

        def one(data):
            which = data.draw(st.sampled_from(["page"] * 6 + ["step"] * 3 + ["route"]))
            if which == "page":
                url, page, sub = data.draw(st.sampled_from(pages))
                posted = {}
                for spec in page.fields:
                    posted.update(field_values(spec, data.draw))
                revision = type(sub).objects(pk=sub.pk).scalar("revision").first() or 0
                response = client.post(url, data=posted | {"revision": str(revision), "action": "continue"})
                tally.saw(response, f"page {sub.form_key}/{page.key}", inputs=len(posted))
            elif which == "step":
                case, step = data.draw(st.sampled_from(steps))
                type(case).objects(pk=case.pk).update_one(set__state=step.sources[0], set__status="open")
                kind = "transitions" if step.kind == "transition" else "events"
                values = {s.name: data.draw(HOSTILE_TEXT) for s in step.inputs}
                response = client.post(f"/cases/{case.pk}/{kind}/{step.name}", data=values)
                tally.saw(response, f"step page {step.name}", inputs=len(values))
                values = {s.name: data.draw(JSON_VALUE) for s in step.inputs}
                body = json.dumps({"inputs": values, "event": step.kind == "event"})
                response = client.post(f"/api/v1/cases/{case.pk}/steps/{step.name}", data=body,
                                       content_type="application/json")
                tally.saw(response, f"step api {step.name}", inputs=len(values))
            else:
                rule = data.draw(st.sampled_from(routes))
                path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: data.draw(st.sampled_from(ids)), rule)
                query = data.draw(st.dictionaries(st.sampled_from(["limit", "page", "from", "to", "q", "next"]),
                                                  HOSTILE_TEXT.filter(lambda t: len(t) < 5000), max_size=3))
                response = client.get(path, query_string=query)
                tally.saw(response, f"route {rule}", inputs=1 + len(query))

        batch = 0
        while tally.inputs < inputs:
            # A fresh seed per batch of 100 requests: the same seed would replay the same inputs.
            seed(seed_value * 1_000_003 + batch)(settings(
                max_examples=100, database=None, deadline=None, suppress_health_check=list(HealthCheck),
                phases=["generate"])(given(st.data())(one)))()
            batch += 1
        mongoengine.get_connection().drop_database(app.config["MONGODB_DB"])
    finally:
        server.stop()
    return tally


def main() -> int:
    """Parse the arguments, fuzz, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # The expected 4xx answers are not news; the 500s are counted below, with the first trace of each cause.
    logging.getLogger().setLevel(logging.CRITICAL)
    traces = _Traces()
    errors_log = logging.getLogger("blueprints.errors")
    errors_log.setLevel(logging.ERROR)
    errors_log.propagate = False
    errors_log.addHandler(traces)
    tally = run(args.inputs, args.seed)
    print(f"inputs tried: {tally.inputs}")
    print(f"requests:     {tally.requests}")
    print(f"500s found:   {len(tally.errors)}")
    for what, count in Counter(what for what, _ in tally.errors).most_common():
        print(f"  {count:6d}  {what}")
    for where, text in traces.first.items():
        print(f"\n--- {where}\n{text}")
    return 1 if tally.errors else 0


class _Traces(logging.Handler):
    """Keep the first stack trace of each place an unexpected error was raised."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.first: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[2] is not None:
            import traceback

            frames = traceback.extract_tb(record.exc_info[2])
            where = f"{frames[-1].filename}:{frames[-1].lineno} {record.exc_info[0].__name__}"
            self.first.setdefault(where, "".join(traceback.format_exception(*record.exc_info))[-3000:])


if __name__ == "__main__":
    sys.exit(main())
