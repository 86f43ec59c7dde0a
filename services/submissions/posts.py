"""Prepare a posted form page before the form engine parses it: repeater buttons and newly chosen files."""

from __future__ import annotations

import re
from datetime import datetime

from werkzeug.datastructures import MultiDict

from errors import InvalidInput
from services.submissions import attachments


def repeater_action(formdata, action: str, form_page) -> tuple[MultiDict, bool]:
    """Return the posted data (without the inputs of a row being removed) and whether a repeater button was used.

    The row is dropped by its posted index, before parsing, so that a blank row above it cannot shift which
    entry goes.
    """
    data = MultiDict(formdata)
    parts = action.split("-")
    repeaters = {f.name for f in form_page.fields if f.repeats}
    if len(parts) < 2 or parts[0] not in ("add", "remove") or parts[1] not in repeaters:
        return data, False
    if parts[0] == "remove" and len(parts) == 3 and parts[2].isdigit():
        prefix = f"{parts[1]}-{parts[2]}-"
        for name in [n for n in data if n.startswith(prefix)]:
            data.poplist(name)
    return data, True


def take_uploads(posted: MultiDict, files, form_page, case, submission, *, actor, now: datetime) -> list:
    """Store the files chosen on this page and post their records as the file inputs' hidden fields.

    The engine then parses them like a file kept from an earlier save, in the right repeater row too.
    """
    patterns = {}
    for spec in form_page.fields:
        if spec.uploads:
            patterns[re.escape(spec.name)] = (spec, None)
        for child in (c for c in spec.children if c.uploads):
            patterns[rf"{re.escape(spec.name)}-(\d{{1,4}})-{re.escape(child.name)}"] = (child, spec)
    problems = []
    for name, upload in files.items(multi=False):
        match = next(((pattern, m) for pattern in patterns if (m := re.fullmatch(pattern, name))), None)
        if match is None or not upload.filename:
            continue
        spec, parent = patterns[match[0]]
        path = f"{parent.name}.{match[1].group(1)}.{spec.name}" if parent else spec.name
        try:
            record = attachments.store_attachment(
                upload.stream, upload.filename, accept=spec.item.get("accept"), max_bytes=spec.item.get("max_bytes"),
                actor=actor, now=now, field=path, case=case, classification=submission.classification)
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        posted.poplist(f"{name}-remove")  # a new file replaces the old one rather than removing it
        for part, value in record.items():
            posted.setlist(f"{name}-{part}", [str(value)])
    for key in [k for k in posted if k.endswith("-remove") and posted.get(k) == "true"]:
        for part in ("id", "filename", "content_type", "size"):
            posted.poplist(f"{key[:-len('-remove')]}-{part}")
    return problems
