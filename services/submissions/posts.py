"""Prepare a posted form page before the form engine parses it: store the newly chosen files."""

from __future__ import annotations

import re
from datetime import datetime

from errors import FieldProblem, InvalidInput
from services.submissions import attachments


def take_uploads(posted: dict[str, list[str]], files, form_page, case, submission, *, actor, now: datetime) -> list:
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
            # Named by the question's label where the page lists what to correct, never by its key.
            problems.extend(FieldProblem(p.field, p.message, p.label or spec.label) for p in exc.problems)
            continue
        posted.pop(f"{name}-remove", None)  # a new file replaces the old one rather than removing it
        for part, value in record.items():
            posted[f"{name}-{part}"] = [str(value)]
    for key in [k for k, values in posted.items() if k.endswith("-remove") and values[:1] == ["true"]]:
        for part in ("id", "filename", "content_type", "size"):
            posted.pop(f"{key[:-len('-remove')]}-{part}", None)
    return problems


def in_page_order(problems: list, form_page) -> list:
    """Return the problems in the order their questions come on the page (the upload's among the others)."""
    order = {spec.name: place for place, spec in enumerate(form_page.fields)}
    return sorted(problems, key=lambda p: order.get(str(p.field).split(".", 1)[0].split("-", 1)[0], len(order)))
