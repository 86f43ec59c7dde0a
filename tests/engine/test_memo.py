"""The bounded memo by content: the same content gets the kept answer; other contents, or none, are worked out."""

from __future__ import annotations

from datetime import date

from memo import Memo, content_text


def test_the_same_content_is_worked_out_once_whatever_its_key_order():
    memo, runs = Memo(4), []
    for data in ({"a": 1, "b": [2]}, {"b": [2], "a": 1}):
        assert memo.get(content_text(data), lambda: runs.append(1) or "answer") == "answer"
    assert runs == [1]


def test_a_date_never_stands_for_the_text_that_looks_the_same():
    assert content_text({"d": date(2026, 1, 2)}) != content_text({"d": "2026-01-02"})


def test_content_without_text_is_worked_out_every_time_and_never_kept():
    looped: dict = {}
    looped["self"] = looped
    assert content_text(looped) is None and content_text({1: object}) is not None
    memo, runs = Memo(4), []
    for _ in range(2):
        memo.get(None, lambda: runs.append(1))
    assert runs == [1, 1]


def test_past_its_limit_it_forgets_and_works_out_again():
    memo, runs = Memo(2), []
    for key in ("a", "b", "c", "a"):
        memo.get(key, lambda key=key: runs.append(key))
    assert runs == ["a", "b", "c", "a"]


def test_an_answer_kept_by_hand_is_found_and_counts_towards_the_limit():
    memo = Memo(2)
    assert memo.find("a") is None
    memo.keep("a", 1)
    memo.keep("b", None)
    assert memo.find("a") == 1 and memo.get("b", lambda: "worked out") is None  # a kept None is an answer too
    memo.keep("c", 3)
    assert memo.find("a") is None and memo.find("c") == 3
