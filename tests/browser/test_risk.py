"""The risk journeys in Chromium (issue 4): the offender manager scores RM2000/S, sets the risk
level, completes an ARMS assessment that the supervisor signs off, and reviews the risk
management plan; and the supervisor works a case into reactive management and back out of it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import Nominal, NominalStatus
from risk.models import ArmsFactor, FactorKind, ReactiveStage
from risk.services.levels import risk_level_set
from risk.sweep import refresh_reactive
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_journeys import case_tab, expect_identity_bar, fill_date, heading, main

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Evidence for each ARMS factor, in the order the form lists them within each kind.
RISK_EVIDENCE = ["Strong evidence", "Some evidence", "No evidence", "Some evidence"]
PROTECTIVE_EVIDENCE = ["Some evidence", "No evidence", "Strong evidence", "Some evidence"]


def switch_user(page: Page, live_server, user) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, user)


def open_risk_tab(page: Page, live_server, nominal: Nominal) -> None:
    page.goto(f"{live_server.url}/cases/{nominal.pk}/")
    expect(heading(page, nominal.full_name)).to_be_visible()
    case_tab(page, "Risk").click()
    expect(heading(page, "Risk")).to_be_visible()
    assert_accessible(page)


def expect_status(page: Page, status: str) -> None:
    # Exactly: "Reactive" contains "active".
    expect(page.get_by_test_id("identity-bar").get_by_text(status, exact=True)).to_be_visible()


def rate_factors(page: Page) -> list[ArmsFactor]:
    """Rate every factor in use; a note on the first of each kind. Returns the factors."""
    factors = list(ArmsFactor.objects.filter(in_use=True).order_by("order", "name"))
    for kind, evidence in (
        (FactorKind.RISK, RISK_EVIDENCE),
        (FactorKind.PROTECTIVE, PROTECTIVE_EVIDENCE),
    ):
        of_kind = [f for f in factors if f.kind == kind]
        for i, factor in enumerate(of_kind):
            group = page.get_by_role("group", name=factor.name, exact=True)
            group.get_by_label(evidence[i % len(evidence)], exact=True).check()
        page.get_by_label(f"Note on {of_kind[0].name.lower()}").fill(
            f"Seen on the last two visits: {of_kind[0].name.lower()}."
        )
    return factors


def test_offender_manager_assesses_risk_and_supervisor_signs_off(
    page: Page, live_server, om, supervisor, nominal
):
    sign_in(page, live_server, om)
    open_risk_tab(page, live_server, nominal)
    expect(page.get_by_test_id("current-level")).to_contain_text("has not been set")
    expect_identity_bar(page, "Risk not assessed")

    # RM2000/S, domain.md 4.3: age 30, 3 sexual and 8 criminal appearances, no factors: high.
    page.get_by_role("link", name="Score RM2000/S").click()
    expect(heading(page, "Score RM2000/S")).to_be_visible()
    assert_accessible(page)
    fill_date(page, "Commencement date", "1", "6", "2010")
    page.get_by_label("Sexual appearances").fill("3")
    page.get_by_label("Criminal appearances").fill("8")
    for question in [
        "Was any sexual offence against a male?",
        "Was any sexual offence against a stranger?",
        "Is he single?",
        "Was any sexual offence a non-contact offence?",
    ]:
        page.get_by_role("group", name=question).get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Score").click()

    expect(heading(page, "RM2000/S scoring")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("RM2000/S scored: high")
    expect(page.get_by_test_id("rm2000-result")).to_contain_text("4 points: high")
    explanation = page.get_by_test_id("rm2000-explanation")
    expect(explanation).to_contain_text("Age 30 at commencement of risk (25–34): 1 point")
    expect(explanation).to_contain_text("3 sexual appearances (3–4): 2 points")
    expect(explanation).to_contain_text("8 criminal appearances (5 or more): 1 point")
    expect(explanation).to_contain_text("Step 1 total 4 points: high")
    expect(page.get_by_test_id("rm2000-recompute")).to_contain_text("Result confirmed")
    assert_accessible(page)

    # The overall level, with a rationale: the identity bar follows it.
    page.get_by_role("link", name="Back to risk").click()
    expect(page.get_by_test_id("latest-rm2000")).to_contain_text("High")
    page.get_by_role("link", name="Set the risk level").click()
    expect(heading(page, "Set the risk level")).to_be_visible()
    expect(page.get_by_test_id("level-guidance")).to_contain_text("High (4 points")
    assert_accessible(page)
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Why is this the right level?").fill(
        "RM2000/S high; recent contact with a child's family."
    )
    page.get_by_role("button", name="Save the risk level").click()
    expect(heading(page, "Risk")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Risk level set: high")
    expect_identity_bar(page, "High risk")
    expect(page.get_by_test_id("current-level")).to_contain_text("recent contact with a child")
    assert_accessible(page)

    # ARMS: start, rate every factor, write the formulation, submit.
    page.get_by_role("link", name="Start an ARMS assessment").click()
    expect(heading(page, "Start an ARMS assessment")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why this assessment").fill("First assessment on this case")
    page.get_by_role("button", name="Start the assessment").click()
    expect(heading(page, "ARMS assessment")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("ARMS assessment started")
    assert_accessible(page)
    factors = rate_factors(page)
    assert [f.kind for f in factors].count(FactorKind.RISK) == 7
    assert [f.kind for f in factors].count(FactorKind.PROTECTIVE) == 4
    page.get_by_label("Formulation summary").fill(
        "Preoccupation and opportunity combine when his routine breaks down."
    )
    page.get_by_label("Priorities for the risk management plan").fill(
        "Keep him away from unsupervised contact with children; support his work."
    )
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(heading(page, "ARMS assessment")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Submitted for sign-off")
    expect(page.get_by_test_id("arms-summary")).to_contain_text("Submitted for sign-off")
    assert_accessible(page)

    # The supervisor finds it in the inbox and signs it off.
    switch_user(page, live_server, supervisor)
    page.get_by_role("link", name="Inbox").click()
    expect(heading(page, "Inbox")).to_be_visible()
    assert_accessible(page)
    page.get_by_test_id("inbox").get_by_role(
        "link", name="SMITH, John Paul: sign off the ARMS assessment"
    ).click()
    expect(heading(page, "Sign off the ARMS assessment")).to_be_visible()
    expect(page.get_by_test_id("arms-1")).to_contain_text("Seen on the last two visits")
    expect(main(page).get_by_text("Not rated")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Sign off the assessment").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(heading(page, "ARMS assessment")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Assessment signed off")
    expect(page.get_by_test_id("arms-summary")).to_contain_text("Signed off")
    assert_accessible(page)

    # The offender manager reviews the plan with the signed-off assessment.
    switch_user(page, live_server, om)
    page.get_by_role("link", name="Inbox").click()
    page.get_by_test_id("inbox").get_by_role(
        "link", name="SMITH, John Paul: review the risk management plan"
    ).click()
    expect(heading(page, "Write the risk management plan")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Contingency plan").fill(
        "If he is found near a school, recall the MAPPA meeting within 48 hours."
    )
    action = page.get_by_role("group", name="Supervision: action 1")
    action.get_by_label("Action").fill("Unannounced home visit every month")
    action.get_by_label("Owner").fill("Offender manager")
    page.get_by_role("button", name="Save the plan").click()
    expect(heading(page, "Risk management plan")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Risk management plan version 1 saved")
    expect(page.get_by_test_id("plan-supervision")).to_contain_text(
        "Unannounced home visit every month"
    )
    assert_accessible(page)

    # The Risk tab brings it together.
    page.get_by_role("link", name="Back to risk").click()
    expect(heading(page, "Risk")).to_be_visible()
    expect(page.get_by_test_id("current-level")).to_contain_text("High")
    expect(page.get_by_test_id("arms-summary")).to_contain_text("Signed off")
    expect(page.get_by_test_id("plan-summary")).to_contain_text("Version 1")
    expect_identity_bar(page, "High risk")
    assert_accessible(page)


def test_supervisor_works_the_reactive_management_queue(
    page: Page, live_server, om, supervisor, nominal
):
    # Low risk for four years, MAPPA level 1, no licence, no concerns: eligible tonight.
    four_years_ago = timezone.localdate() - timedelta(days=4 * 365 + 1)
    risk_level_set(
        acting_user=om,
        nominal=nominal,
        level="low",
        rationale="Stable for years; no concerns.",
        set_on=four_years_ago,
    )
    assert refresh_reactive().joined == 1

    # The offender manager proposes the case.
    sign_in(page, live_server, om)
    open_risk_tab(page, live_server, nominal)
    expect(page.get_by_test_id("reactive-stage")).to_contain_text("Eligible")
    page.get_by_role("link", name="Propose for reactive management").click()
    expect(heading(page, "Reactive management")).to_be_visible()
    criteria = page.get_by_test_id("reactive-criteria")
    expect(criteria.get_by_text("Met", exact=True)).to_have_count(5)
    expect(criteria.get_by_text("Not met")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Propose for reactive management").click()
    expect(heading(page, "Risk")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Proposed for reactive management")
    expect(page.get_by_test_id("reactive-stage")).to_contain_text("Proposed")
    assert_accessible(page)

    # The supervisor approves it from the queue.
    switch_user(page, live_server, supervisor)
    page.get_by_role("link", name="Reactive management").click()
    expect(heading(page, "Reactive management")).to_be_visible()
    row = page.get_by_test_id(f"queue-row-{nominal.pk}")
    expect(row).to_contain_text("Proposed by the offender manager")
    for met in [
        "low risk",
        "MAPPA level 1",
        "licence",
        "civil order",
        "concern",
    ]:
        expect(row.get_by_text(re.compile(rf"^Met: .*{met}", re.IGNORECASE))).to_have_count(1)
    expect(row.get_by_text("Not met")).to_have_count(0)
    assert_accessible(page)
    row.get_by_role("link", name="Decide for John Paul Smith").click()
    expect(heading(page, "Reactive management decision")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Approve: move the case to reactive management").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(heading(page, "Reactive management")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Decision recorded")
    expect(page.get_by_test_id(f"queue-row-{nominal.pk}")).to_have_count(0)
    assert_accessible(page)
    open_risk_tab(page, live_server, nominal)
    expect_status(page, "Reactive")
    expect(page.get_by_test_id("reactive-stage")).to_contain_text("Approved")

    # New intelligence from the offender manager flags it for return.
    switch_user(page, live_server, om)
    open_risk_tab(page, live_server, nominal)
    page.get_by_role("link", name="Add a note or intelligence").click()
    expect(heading(page, "Add a note or intelligence")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Intelligence", exact=True).check()
    today = timezone.localdate()
    fill_date(page, "Date it happened", str(today.day), str(today.month), str(today.year))
    page.get_by_label("What happened").fill("Seen at a children's play area on two evenings.")
    page.get_by_label("Source").fill("Neighbourhood policing team, report 4471")
    page.get_by_role("button", name="Save").click()
    expect(heading(page, "Notes and intelligence")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Intelligence recorded")
    expect(page.get_by_test_id("notes")).to_contain_text("Neighbourhood policing team")
    assert_accessible(page)

    # The supervisor sees the flag (inbox and queue) and returns the case to active management.
    switch_user(page, live_server, supervisor)
    page.get_by_role("link", name="Inbox").click()
    inbox = page.get_by_test_id("inbox")
    expect(
        inbox.get_by_role("link", name="SMITH, John Paul: return to active management?")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Reactive management"
    ).click()
    row = page.get_by_test_id(f"queue-row-{nominal.pk}")
    expect(row).to_contain_text("Flagged for return to active management")
    expect(row).to_contain_text("Intelligence recorded")
    assert_accessible(page)
    row.get_by_role("link", name="Decide for John Paul Smith").click()
    expect(heading(page, "Reactive management decision")).to_be_visible()
    expect(page.get_by_test_id("return-triggers")).to_contain_text("Intelligence recorded")
    assert_accessible(page)
    page.get_by_label("Return the case to active management").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Decision recorded")
    expect(page.get_by_test_id(f"queue-row-{nominal.pk}")).to_have_count(0)
    assert_accessible(page)

    open_risk_tab(page, live_server, nominal)
    expect_status(page, "Active")
    expect(page.get_by_test_id("reactive-stage")).to_contain_text("Returned to active management")
    nominal.refresh_from_db()
    assert nominal.status == NominalStatus.ACTIVE
    assert nominal.reactive.stage == ReactiveStage.RETURNED
