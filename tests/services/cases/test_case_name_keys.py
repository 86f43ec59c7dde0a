"""A case's name keys (what a name search reads) follow its person's name, and older cases are given them."""

from __future__ import annotations

from models.case import Case, fold, name_keys
from services.cases import lists as case_lists
from services.privacy import rectification


def keys_of(case) -> list[str]:
    return Case._get_collection().find_one({"_id": case.pk})["name_keys"]


def test_name_keys_are_folded_words():
    assert fold("ZOË Ångström") == "zoe angstrom"
    assert name_keys("Zoë O'Brien-Smith  ") == ["brien", "o", "smith", "zoe"]
    assert name_keys("") == [] and name_keys("  -- ") == []


def test_a_corrected_name_is_searched_by_its_new_words(make_case, make_user, now):
    manager = make_user(roles=["manager"], team="north")
    case = make_case(person={"name": "Dan Example"}, actor=manager)
    assert keys_of(case) == ["dan", "example"]
    rectification.correct_person(case.pk, {"field": "name", "value": "Daniel Éxample-Jones",
                                           "reason": "Spelt wrongly"}, actor=manager, now=now)
    assert keys_of(case) == ["daniel", "example", "jones"]
    found = case_lists.search_cases(actor=manager, now=now, query="jones")
    assert [r["case"].pk for r in found["rows"]] == [case.pk]
    rectification.correct_person(case.pk, {"field": "address", "value": "1 New Street", "reason": "He moved"},
                                 actor=manager, now=now)
    assert keys_of(case) == ["daniel", "example", "jones"]


def test_cases_stored_before_name_keys_get_them_once(make_case, now):
    first = make_case(person={"name": "Alex Marsh"})
    second = make_case(person={"name": "Sam Stone"})
    Case._get_collection().update_many({}, {"$unset": {"name_keys": ""}})
    assert case_lists.fill_name_keys(batch=1) == 2
    assert keys_of(first) == ["alex", "marsh"] and keys_of(second) == ["sam", "stone"]
    Case._get_collection().update_many({}, {"$unset": {"name_keys": ""}})
    assert case_lists.fill_name_keys() == 0  # done once: later starts do not scan the cases again
