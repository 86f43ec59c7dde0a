"""A new admin builds a DASH-style risk checklist through the builder pages only, counting every action; a
practitioner fills it and sees the score and outcome change live; the Word copy and the case show the result."""

from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import expect

from models.form import ConfidentialSubmission, FormDefinition
from tests.browser_fixtures import assert_accessible, sign_in_browser, start_form_if_asked
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

# The 24 questions of the SafeLives DASH risk identification checklist (2009), as practitioners ask them.
DASH = """1. Has the current incident resulted in injury?
2. Are you very frightened?
3. What are you afraid of? Is it further injury or violence?
4. Do you feel isolated from family or friends?
5. Are you feeling depressed or having suicidal thoughts?
6. Have you separated or tried to separate from the abuser within the past year?
7. Is there conflict over child contact?
8. Does the abuser constantly text, call, contact, follow, stalk or harass you?
9. Are you pregnant or have you recently had a baby?
10. Is the abuse happening more often?
11. Is the abuse getting worse?
12. Does the abuser try to control everything you do and/or are they excessively jealous?
13. Has the abuser ever used weapons or objects to hurt you?
14. Has the abuser ever threatened to kill you or someone else and you believed them?
15. Has the abuser ever attempted to strangle, choke, suffocate or drown you?
16. Does the abuser do or say things of a sexual nature that make you feel bad or physically hurt you?
17. Is there any other person who has threatened you or who you are afraid of?
18. Do you know if the abuser has hurt anyone else?
19. Has the abuser ever mistreated an animal or the family pet?
20. Are there any financial issues?
21. Has the abuser had problems in the past year with drugs, alcohol or mental health?
22. Has the abuser ever threatened or attempted suicide?
23. Has the abuser ever broken bail, an injunction or a formal agreement?
24. Do you know if the abuser has ever been in trouble with the police or has a criminal history?"""
TITLE = "DASH risk identification checklist"
OUTCOME = "High risk — refer to MARAC"


class Counted:
    """Drive the builder and count what a person does: every click, tick, choice and typed field.

    Text pasted in (the questions) is not counted, as the measure of the issue says.
    """

    def __init__(self, page):
        self.page, self.clicks, self.typed = page, 0, 0

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1

    def check(self, locator) -> None:
        locator.check()
        self.clicks += 1

    def choose(self, locator, label: str) -> None:
        locator.select_option(label=label)
        self.clicks += 1

    def fill(self, locator, text: str, *, pasted: bool = False) -> None:
        locator.fill(text)
        self.typed += 0 if pasted else 1

    @property
    def total(self) -> int:
        return self.clicks + self.typed


def grid_answer(page, question: str, option: str):
    """Return a grid's radio by its row and column, as a screen reader names it."""
    return page.get_by_role("radio", name=f"{question}: {option}", exact=True)


def build_dash(page) -> Counted:
    """Build the checklist as a new admin would, starting from the list of forms."""
    act = Counted(page)
    act.click(page.get_by_role("button", name="Create a form"))
    act.fill(page.get_by_label("Title"), TITLE)
    act.fill(page.get_by_label("Key"), "dash_checklist")
    act.check(page.get_by_label("Confidential"))
    act.click(page.get_by_role("button", name="Create the form"))

    # All 24 questions at once, with their shared options and a comment box each.
    act.click(page.get_by_role("button", name="Add several questions").first)
    assert_accessible(page)
    act.fill(page.get_by_label("Questions", exact=True), DASH, pasted=True)
    act.fill(page.get_by_label("Options (for choices)"), "Yes\nNo\nDon't know")
    act.check(page.get_by_label("Show them together as a grid"))
    act.check(page.get_by_label("Add a comment box after each question"))
    act.click(page.get_by_role("button", name="Add the questions"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("24 questions added")

    # The follow-up date, asked only when question 9 is Yes.
    act.click(page.get_by_role("button", name="Add a question").first)
    act.check(page.get_by_label("Date", exact=True))
    act.click(page.get_by_role("button", name="Continue"))
    act.fill(page.get_by_label("Question", exact=True), "Date to follow up the pregnancy or new baby")
    act.choose(page.get_by_label("Show this question"), "Are you pregnant or have you recently had a baby?")
    act.choose(page.get_by_label("Answer", exact=True), "Yes")
    act.click(page.get_by_role("button", name="Add the question"))

    # The professional-judgement override, with a reason required when it is used.
    act.click(page.get_by_role("button", name="Add a question").first)
    act.check(page.get_by_label("Yes or no", exact=True))
    act.click(page.get_by_role("button", name="Continue"))
    act.fill(page.get_by_label("Question", exact=True), "Refer to MARAC on professional judgement?")
    act.click(page.get_by_role("button", name="Add the question"))
    act.click(page.get_by_role("button", name="Add a question").first)
    act.check(page.get_by_label("Long text", exact=True))
    act.click(page.get_by_role("button", name="Continue"))
    act.fill(page.get_by_label("Question", exact=True), "Reason for the professional judgement")
    act.check(page.get_by_label("The question must be answered"))
    act.choose(page.get_by_label("Show this question"), "Refer to MARAC on professional judgement?")
    act.choose(page.get_by_label("Answer", exact=True), "Yes")
    act.click(page.get_by_role("button", name="Add the question"))

    # The score (the number of Yes answers) and the outcome at 14 or more.
    act.click(page.get_by_role("link", name="Calculated values"))
    act.fill(page.get_by_label("Name", exact=True), "DASH score")
    act.check(page.get_by_label("Count an answer"))
    act.fill(page.get_by_label("Answer to count (for a count)"), "Yes")
    act.click(page.get_by_role("button", name="Add the calculated value"))
    act.fill(page.get_by_label("Name", exact=True), "Outcome")
    act.check(page.get_by_label("An outcome from a value"))
    act.choose(page.get_by_label("Based on (for an outcome)"), "DASH score")
    act.fill(page.get_by_label("Outcomes (for an outcome)"), f"14: {OUTCOME} (red)")
    act.fill(page.get_by_label("Outcome below the lowest value (optional)"), "Below the MARAC threshold (green)")
    act.click(page.get_by_role("button", name="Add the calculated value"))
    assert_accessible(page)

    # Offered at the risk assessment stage, then published.
    act.click(page.get_by_role("link", name="Settings", exact=True))
    act.fill(page.get_by_label("Tags (optional)"), "dao_assessment")
    act.check(page.get_by_label("It can be filled in again on the same case"))
    act.click(page.get_by_role("button", name="Save the settings"))
    act.click(page.get_by_role("link", name="Publish", exact=True))
    act.click(page.get_by_role("button", name="Publish version 1"))
    expect(page.get_by_text(f"Version 1 of {TITLE} is published")).to_be_visible()
    return act


def test_an_admin_builds_the_dash_checklist_and_a_practitioner_sees_the_score_live(
        page, make_user, make_team, make_case):
    make_team(key="north", name="North Team")
    admin = make_user(roles=["admin"], team="", name="Ada Admin")
    practitioner = make_user(roles=["practitioner"], team="north", name="Priya Practitioner")
    case = make_case(state="risk_assessment", allocated_to=practitioner)

    sign_in_browser(page, admin.email, DEFAULT_PASSWORD)
    page.wait_for_url("**/admin/forms")
    act = build_dash(page)
    print(f"\nBuilder actions for the DASH checklist: {act.total} ({act.clicks} clicks and choices, "
          f"{act.typed} typed fields; the 24 questions were pasted)")
    assert act.total <= 60
    published = FormDefinition.objects.get(key="dash_checklist", status="published").definition
    assert published["classification"] == "confidential"
    assert len(published["schema"]["properties"]) == 24 * 2 + 3
    assert published["computed"][0]["params"]["expr"] == "count('Yes', grid_q1_q24)"
    page.get_by_role("button", name="Sign out").click()

    # The practitioner answers; the score and outcome follow every answer, and the reason appears on override.
    sign_in_browser(page, practitioner.email, DEFAULT_PASSWORD)
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(f"/cases/{case.pk}")
    page.get_by_role("link", name=TITLE).click()
    start_form_if_asked(page)
    score, outcome = page.locator('[data-result="dash_score"]'), page.locator('[data-result="outcome"]')
    expect(page.locator('[data-grid="grid_q1_q24"] .pathway-grid__row')).to_have_count(24)
    expect(score).to_have_text("0")
    expect(outcome).to_have_text("Below the MARAC threshold")
    follow_up = page.get_by_role("group", name="Date to follow up the pregnancy or new baby")
    expect(follow_up).to_be_hidden()
    questions = [line.split(". ", 1)[1] for line in DASH.splitlines()]
    for number, question in enumerate(questions[:15], start=1):
        grid_answer(page, question, "Yes").check()
        expect(score).to_have_text(str(number))
    expect(outcome).to_have_text(OUTCOME)
    expect(follow_up).to_be_visible()
    grid_answer(page, questions[15], "Don't know").check()
    grid_answer(page, questions[0], "No").check()
    expect(score).to_have_text("14")
    grid_answer(page, questions[1], "No").check()
    expect(score).to_have_text("13")
    expect(outcome).to_have_text("Below the MARAC threshold")
    reason = page.get_by_label("Reason for the professional judgement")
    expect(reason).to_be_hidden()
    page.get_by_role("group", name="Refer to MARAC on professional judgement?").get_by_label("Yes").check()
    expect(reason).to_be_visible()
    grid_answer(page, questions[1], "Yes").check()
    expect(score).to_have_text("14")
    assert_accessible(page)

    # The reason is required once the override is used: the page says so and keeps the answers.
    follow_up.get_by_label("Day").fill("3")
    follow_up.get_by_label("Month").fill("12")
    follow_up.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for the professional judgement")
    expect(page.locator('[data-result="dash_score"]')).to_have_text("14")
    page.get_by_label("Reason for the professional judgement").fill("Escalating threats this week")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/check")
    expect(page.locator('[data-result="outcome"]')).to_have_text(OUTCOME)
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url(f"**/cases/{case.pk}/submissions/**")
    expect(page.get_by_text(OUTCOME)).to_be_visible()
    submission = ConfidentialSubmission.objects.get(case_id=case.pk, form_key="dash_checklist")
    assert submission.computed == {"dash_score": 14, "outcome": OUTCOME}

    # The Word copy carries the score and the outcome.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a Word document").click()
    with open(download.value.path(), "rb") as handle:
        data = handle.read()
    text = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "DASH score" in text and OUTCOME in text and ">14<" in text

    # The API gives the same result, to those who may read the confidential record.
    api = page.request.get(f"/api/v1/cases/{case.pk}").json()
    assert [(s["form"], [r["text"] for r in s["results"]]) for s in api["submissions"]] == [
        ("dash_checklist", ["14", OUTCOME])]

    # The case lists it with its date and result, and a new one can be started after the next incident.
    page.goto(f"/cases/{case.pk}")
    task = page.locator(".govuk-task-list__item", has_text=TITLE)
    expect(task).to_contain_text(f"DASH score: 14 — {OUTCOME}")
    assert_accessible(page)
    page.get_by_role("link", name=f"Start a new {TITLE}").click()
    start_form_if_asked(page)
    expect(page.locator('[data-result="dash_score"]')).to_have_text("0")
    assert ConfidentialSubmission.objects(case_id=case.pk, form_key="dash_checklist").count() == 2
    assert not page.console_errors
