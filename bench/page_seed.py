"""Seed many cases for the page benchmark: the demo team made by the services, then cloned into other teams.

The demo team's cases are walked through the real pathway steps by `services.demo.load` (referrals, triage,
allocation, forms with their answers, sessions, partner records, deadlines, notifications, groups). Every
document those services wrote for the team is then copied in bulk into other teams with fresh ids, fresh
references and the team's own users, so each copy has exactly the shapes the services write. The audit trail
and the outbox are not copied: both are chains of their own (the audit trail is sealed).
"""

from __future__ import annotations

import math
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import mongoengine
from bson import ObjectId
from pymongo import WriteConcern

from services.demo.load import DEMO_TEAM, DEMO_USERS, load_demo
from services.reports.cohort import COHORT_MIGRATION, fill_cohort_counts
from services.reports.counts import COLLECTION as COUNTS_COLLECTION
from services.reports.counts import COUNTS_MIGRATION, fill_report_counts
from services.users.passwords import hash_password

BENCH_PASSWORD = "bench-pages-lantern-harbour-7"
# Written once for the whole service (or a chain of their own): never copied per team.
# Report counters are summed per team and day: they are worked out again from the copied history, not copied.
NOT_COPIED = {"audit", "outbox", "counters", "migrations", "form_definitions", "workflow_versions", "teams",
              "users", "request_keys", "sign_in_attempts", "system.views", COUNTS_COLLECTION}
# The users of a team who hold cases; each copy of the demo's cases goes to the next one of them.
POOLED_ROLE = "practitioner"
GLOBAL_ROLES = ("admin", "auditor")
IDS_OR_REFERENCES = re.compile(r"[0-9a-f]{24}|\b[A-Z]{2,8}-\d{4}-\d{5,}\b")
BATCH = 5_000
# Every copied case is open, as the demo's are: a team of 8 practitioners holds about 1,000 of them.
CASES_PER_TEAM = 1_000


@dataclass
class Seeded:
    """What was seeded, and whom and what a benchmark can ask for."""

    cases: int = 0
    documents: int = 0
    teams: list[str] = field(default_factory=list)
    users: dict[str, dict] = field(default_factory=dict)  # role -> {"email", "password", "id"}
    case_id: str = ""  # a case of the practitioner's with the most forms
    submission_id: str = ""  # its largest submitted standard form
    collections: list[str] = field(default_factory=list)


def seed_pages(n_cases: int, *, now: datetime, teams: int = 0, practitioners: int = 8, log=print) -> Seeded:
    """Load the demo team through the services and clone its cases into other teams until about n_cases exist."""
    load_demo(now=now)
    db = mongoengine.get_db()
    fast = WriteConcern(w=1)  # seeding only: the pages then read with the app's own settings
    names = sorted(n for n in db.list_collection_names() if n not in NOT_COPIED and not n.startswith("system."))
    template = {name: list(db[name].find()) for name in names}
    template = {name: docs for name, docs in template.items() if docs}
    base = len(template["cases"])
    copies = max(1, math.ceil((n_cases - base) / base))
    n_teams = teams or max(3, round(n_cases / CASES_PER_TEAM))
    team_keys = [f"bench{t:03d}" for t in range(n_teams)]
    demo_users = list(db.users.find({"email": {"$in": [a["email"] for a in DEMO_USERS]}}))
    password_hash = hash_password(BENCH_PASSWORD)
    people, team_users = _team_users(demo_users, team_keys, practitioners, password_hash)
    auditor = _global_auditor(demo_users, password_hash)
    db.users.with_options(write_concern=fast).insert_many(people + [auditor])
    north = db.teams.find_one({"key": DEMO_TEAM["key"]}, {"_id": 0})
    db.teams.insert_many([{**north, "key": key, "name": f"Bench team {i + 1}"} for i, key in enumerate(team_keys)])
    counters = {c["_id"]: c["value"] for c in db.counters.find()}
    sink = _Sink(db, fast)
    started = time.perf_counter()
    log(f"Cloning {base} demo cases {copies:,} times into {n_teams} teams ({', '.join(template)})")
    for copy in range(copies):
        team = team_keys[copy % n_teams]
        slot = copy // n_teams
        ids, strings = _user_map(demo_users, team_users[team], slot)
        for docs in template.values():
            for doc in docs:
                new = ObjectId()
                ids[doc["_id"]] = new
                strings[str(doc["_id"])] = str(new)
        for case in template["cases"]:
            prefix = case["reference"].rsplit("-", 1)[0]
            counters[prefix] = counters.get(prefix, 0) + 1
            strings[case["reference"]] = f"{prefix}-{counters[prefix]:05d}"
        for name, docs in template.items():
            sink.add(name, [_team_doc(_remap(doc, ids, strings), team) for doc in docs])
        if copy % 250 == 249:
            log(f"  {copy + 1:,} of {copies:,} copies")
    sink.close()
    log(f"Cloned {sink.count:,} documents in {time.perf_counter() - started:.0f} s")
    for prefix, value in counters.items():
        db.counters.update_one({"_id": prefix}, {"$max": {"value": value}}, upsert=True)
    db[COUNTS_COLLECTION].delete_many({})
    db.migrations.delete_many({"_id": {"$in": [COUNTS_MIGRATION, COHORT_MIGRATION]}})
    log(f"Report counters worked out from the copied history: {fill_report_counts():,}")
    # What each copied case was counted as names the demo's team: counted again, from scratch.
    log(f"Funnel and evaluation counters worked out from the copied cases: {fill_cohort_counts():,}")
    return _describe(db, template, team_keys, team_users, auditor, sink.count, names)


class _Sink:
    """Insert documents in batches on a second thread while the next copies are built."""

    def __init__(self, db, concern):
        self.db, self.concern, self.count = db, concern, 0
        self.pending: dict[str, list] = {}
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.inflight = None

    def add(self, name: str, docs: list[dict]) -> None:
        buffer = self.pending.setdefault(name, [])
        buffer.extend(docs)
        if len(buffer) >= BATCH:
            self._flush(name)

    def _flush(self, name: str) -> None:
        docs, self.pending[name] = self.pending[name], []
        if not docs:
            return
        if self.inflight is not None:
            self.inflight.result()
        collection = self.db[name].with_options(write_concern=self.concern)
        self.inflight = self.pool.submit(collection.insert_many, docs, ordered=False)
        self.count += len(docs)

    def close(self) -> None:
        for name in list(self.pending):
            self._flush(name)
        if self.inflight is not None:
            self.inflight.result()
        self.pool.shutdown()


def _team_users(demo_users, team_keys, practitioners, password_hash):
    """Return every team's copies of the demo team's users, with extra practitioners, and who is who by team."""
    people, by_team = [], {}
    for team in team_keys:
        mine = {"pool": [], "by_demo_id": {}}
        for user in demo_users:
            if any(role in user["roles"] for role in GLOBAL_ROLES):
                continue
            clone = _user_clone(user, team, user["email"].split("@")[0], password_hash)
            people.append(clone)
            mine["by_demo_id"][user["_id"]] = clone
            if user["roles"] == [POOLED_ROLE]:
                mine["pool"].append(clone)
        model = next(u for u in demo_users if POOLED_ROLE in u["roles"])
        for i in range(max(0, practitioners - len(mine["pool"]))):
            clone = _user_clone(model, team, f"{POOLED_ROLE}{i + 3}", password_hash)
            people.append(clone)
            mine["pool"].append(clone)
        by_team[team] = mine
    return people, by_team


def _user_clone(user: dict, team: str, local: str, password_hash: str) -> dict:
    return {**user, "_id": ObjectId(), "email": f"{local}.{team}@bench.pathway", "name": f"{user['name']} ({team})",
            "team": team if user.get("team") else "", "password_hash": password_hash, "must_change_password": False}


def _global_auditor(demo_users, password_hash) -> dict:
    model = next(u for u in demo_users if "auditor" in u["roles"])
    return {**model, "_id": ObjectId(), "email": "auditor@bench.pathway", "name": "Bench Auditor",
            "password_hash": password_hash, "must_change_password": False}


def _user_map(demo_users, mine, slot: int) -> tuple[dict, dict]:
    """Return the id maps that give one copy the team's users; the pooled users take turns by copy."""
    ids, strings = {}, {}
    pool, turn = mine["pool"], 0
    for user in demo_users:
        clone = mine["by_demo_id"].get(user["_id"])
        if clone is None:
            continue
        if clone in pool:
            clone = pool[(slot + turn) % len(pool)]
            turn += 1
        ids[user["_id"]] = clone["_id"]
        strings[str(user["_id"])] = str(clone["_id"])
    return ids, strings


def _remap(value, ids: dict, strings: dict):
    """Return a deep copy of a document with every known id and case reference replaced."""
    if isinstance(value, dict):
        return {k: _remap(v, ids, strings) for k, v in value.items()}
    if isinstance(value, list):
        return [_remap(v, ids, strings) for v in value]
    if isinstance(value, ObjectId):
        return ids.get(value, value)
    if isinstance(value, str) and len(value) >= 13:
        return IDS_OR_REFERENCES.sub(lambda m: strings.get(m.group(0), m.group(0)), value)
    return value


def _team_doc(doc: dict, team: str) -> dict:
    if doc.get("team"):
        doc["team"] = team
    return doc


def _describe(db, template, team_keys, team_users, auditor, count, names) -> Seeded:
    """Return the seeded figures and the practitioner, manager, auditor, case and form a benchmark asks for."""
    team = team_users[team_keys[0]]
    holding = {row["_id"]: row["n"] for row in db.cases.aggregate([
        {"$match": {"team": team_keys[0], "kind": "perpetrator", "status": "open"}},
        {"$group": {"_id": "$allocated_to", "n": {"$sum": 1}}}])}
    practitioner = max(team["pool"], key=lambda u: holding.get(str(u["_id"]), 0))
    manager = next(u for u in team["by_demo_id"].values() if u["roles"] == ["manager"])
    theirs = [c["_id"] for c in db.cases.find({"allocated_to": str(practitioner["_id"]), "kind": "perpetrator",
                                               "status": "open"}, {"_id": 1})]
    forms = {}
    for sub in db.submissions.find({"case_id": {"$in": theirs}, "status": {"$in": ["submitted", "countersigned"]}},
                                   {"case_id": 1, "answers": 1}):
        forms.setdefault(sub["case_id"], []).append((len(str(sub["answers"])), sub["_id"]))
    case_id = max(forms, key=lambda c: len(forms[c]))
    users = {"practitioner": practitioner, "manager": manager, "auditor": auditor}
    return Seeded(
        cases=db.cases.estimated_document_count(), documents=count, teams=team_keys,
        users={role: {"email": u["email"], "password": BENCH_PASSWORD, "id": str(u["_id"])}
               for role, u in users.items()},
        case_id=str(case_id), submission_id=str(max(forms[case_id])[1]), collections=sorted(template),
    )
