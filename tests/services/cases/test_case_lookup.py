"""Finding a case by the id in an address: its "not found" words are made only when it is not found."""

from __future__ import annotations

import pytest
from bson import ObjectId

import services.cases.access as access
import services.common.language as language
from errors import NotFound
from services.cases.access import get_case


def test_a_case_that_is_found_costs_no_translation_and_one_that_is_not_says_so(make_case, monkeypatch):
    case = make_case()
    said = []
    # Either way of saying it: at once (Flask-Babel's) or when a lazy text is said (ours).
    for module, name in ((access, "_"), (language, "gettext")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda text, real=real, **values: said.append(text) or real(text, **values))
    assert get_case(str(case.pk)).pk == case.pk
    assert said == []  # every case page finds its case: translating the refusal each time cost every page
    for made_up in ("not-an-id", str(ObjectId()), None):
        with pytest.raises(NotFound) as refused:
            get_case(made_up)
        assert str(refused.value) == "There is no such case", made_up
    assert said == ["There is no such case"] * 3
