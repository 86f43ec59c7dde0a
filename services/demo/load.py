"""Demo data: a team with one user per role, and (when the case features are present) sample cases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models.team import Team
from models.user import User
from services.demo.groups import load_demo_groups
from services.demo.plans import load_demo_cases
from services.users.accounts import create_user

DEMO_TEAM = {"key": "north", "name": "North Family Safeguarding Team"}

DEMO_USERS = [
    {"label": "Referrer (social worker)", "email": "referrer@demo.pathway", "password": "blue-harbour-lantern-26",
     "name": "Sam Referrer", "roles": ["referrer"], "organisation": "Children's Services, North Locality"},
    {"label": "Team manager", "email": "manager@demo.pathway", "password": "quiet-meadow-compass-26",
     "name": "Morgan Manager", "roles": ["manager"]},
    {"label": "Second team manager", "email": "manager2@demo.pathway", "password": "amber-river-teapot-26",
     "name": "Jordan Deputy", "roles": ["manager"]},
    {"label": "Practitioner (DAO)", "email": "practitioner@demo.pathway", "password": "silver-orchard-kettle-26",
     "name": "Priya Practitioner", "roles": ["practitioner"], "sex": "female"},
    {"label": "Partner-support worker", "email": "partner@demo.pathway", "password": "granite-willow-candle-26",
     "name": "Pat Partner-Worker", "roles": ["partner_worker"]},
    {"label": "Group co-facilitator", "email": "cofacilitator@demo.pathway", "password": "copper-heron-atlas-26",
     "name": "Owen Cole", "roles": ["practitioner"], "sex": "male"},
    {"label": "Auditor", "email": "auditor@demo.pathway", "password": "misty-bramble-ledger-26",
     "name": "Alex Auditor", "roles": ["auditor"]},
    {"label": "Administrator", "email": "admin@demo.pathway", "password": "velvet-summit-anchor-26",
     "name": "Ada Admin", "roles": ["admin"]},
]


def _monthly_supervision(today: date, months: int = 12) -> list[date]:
    """Return the second Tuesday of each month from this month on."""
    dates = []
    year, month = today.year, today.month
    for _ in range(months):
        first = date(year, month, 1)
        offset = (1 - first.weekday()) % 7  # Tuesday
        dates.append(first + timedelta(days=offset + 7))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return dates


def load_demo(*, now: datetime) -> str:
    """Create the demo team and users if missing; return a one-line summary."""
    team = Team.objects(key=DEMO_TEAM["key"]).first()
    if team is None:
        team = Team(key=DEMO_TEAM["key"], name=DEMO_TEAM["name"],
                    supervision_dates=_monthly_supervision(now.date()))
        team.save()
    created = 0
    for account in DEMO_USERS:
        if User.objects(email=account["email"]).first():
            continue
        create_user(
            email=account["email"], name=account["name"], roles=account["roles"],
            team="" if account["roles"] == ["referrer"] else team.key,
            organisation=account.get("organisation", ""), password=account["password"], now=now,
            sex=account.get("sex", ""),
        )
        created += 1
    cases = load_demo_cases(now=now)
    return f"team {team.key}, {created} new users, {load_demo_groups(now=now)}, {cases}"
