"""The accessibility check the browser tests rely on finds a serious violation and names the element."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import assert_accessible, axe_violations, new_tab

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Check</title></head><body><main><h1>Check</h1>
<p>Text.</p>{extra}</main></body></html>"""


def test_axe_finds_and_names_a_serious_violation(browser):
    tab = new_tab(browser, "http://127.0.0.1")
    try:
        tab.set_content(PAGE.format(extra=""))
        assert_accessible(tab)
        tab.set_content(PAGE.format(extra='<img src="data:," id="no-alt"><input type="text" id="unlabelled">'))
        found = {v["id"]: v for v in axe_violations(tab)}
        assert found["image-alt"]["impact"] == "critical" and found["image-alt"]["nodes"] == [["#no-alt"]]
        assert found["label"]["nodes"] == [["#unlabelled"]]
        with pytest.raises(AssertionError, match="image-alt"):
            assert_accessible(tab)
    finally:
        tab.context.close()


def test_axe_checks_the_size_of_targets_a_wcag_2_2_rule_it_leaves_off_by_default(browser):
    tab = new_tab(browser, "http://127.0.0.1")
    try:
        tiny = 'style="width:12px;height:12px;padding:0;border:0;margin:0"'
        buttons = f'<div><button id="one" {tiny}>1</button><button id="two" {tiny}>2</button></div>'
        tab.set_content(PAGE.format(extra=buttons))
        found = {v["id"]: v for v in axe_violations(tab)}
        assert found["target-size"]["impact"] == "serious" and ["#one"] in found["target-size"]["nodes"]
    finally:
        tab.context.close()
