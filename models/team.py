"""Teams: the unit of management, caseloads and group supervision."""

from __future__ import annotations

import mongoengine as me

from models.base import Document


class Team(Document):
    """A team of practitioners under one or more managers."""

    key = me.StringField(required=True, unique=True, regex=r"^[a-z][a-z0-9_-]*$", max_length=50)
    name = me.StringField(required=True, max_length=200)
    # Monthly group supervision; workbooks are due 2 working days before each.
    supervision_dates = me.ListField(me.DateField(), default=list)
    # Days the service is closed besides bank holidays (e.g. between Christmas and New Year); groups skip them.
    closures = me.ListField(me.DateField(), default=list)

    meta = {"collection": "teams"}
