"""A form's calculated results as rows: each part named in words, in the reader's language, never by its key."""

from __future__ import annotations

from services.common.language import in_language
from services.submissions.facade import computed_rows

TOTALS = {"inventory": {"self": {"total": 14, "unknown": 1, "answered": 63}},
          "scores": {"sections": {"history": 6}, "critical_items": 2}}


def test_a_calculation_s_parts_are_named_in_words(app):
    with app.test_request_context():
        rows = dict(computed_rows(TOTALS))
        assert rows["Inventory – self"] == "total: 14, unknown (?): 1, scored: 63"
        assert rows["Scores – critical items"] == "2" and rows["Scores – sections"] == "history: 6"
        with in_language("cy"):
            welsh = dict(computed_rows(TOTALS))
        assert "total: 14" not in welsh["Inventory – self"] and "14" in welsh["Inventory – self"]
