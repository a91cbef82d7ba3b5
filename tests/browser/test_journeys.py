"""Each role's first job, driven through Chromium, with axe-core run on every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cases import services
from cases.models import Nominal
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375


def main(page: Page):
    return page.get_by_role("main")


def heading(page: Page, text: str):
    return page.get_by_role("heading", level=1, name=text)


def case_tab(page: Page, name: str):
    return page.get_by_role("navigation", name="Case sections").get_by_role(
        "link", name=name, exact=True
    )


def expect_identity_bar(page: Page, *texts: str) -> None:
    """The case's identity bar shows each text (rendered, not only in the DOM)."""
    bar = page.get_by_test_id("identity-bar")
    for text in texts:
        expect(bar.get_by_text(text)).to_be_visible()


def fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def open_case(page: Page, link: str, name: str) -> None:
    """Follow a case's link in a list ("SMITH, John Paul") to its page ("John Paul Smith")."""
    main(page).get_by_role("link", name=link).click()
    expect(heading(page, name)).to_be_visible()


def test_offender_manager_adds_a_case_and_its_address(page: Page, live_server, om, nominal):
    sign_in(page, live_server, om)
    expect(heading(page, "My caseload")).to_be_visible()
    expect(main(page).get_by_role("link", name="SMITH, John Paul")).to_be_visible()
    assert_accessible(page)

    open_case(page, "SMITH, John Paul", "John Paul Smith")
    expect_identity_bar(page, "SMITH, John Paul", nominal.reference, "Born 12 Apr 1980")
    assert_accessible(page)

    page.get_by_role("link", name="Add a case").click()
    expect(heading(page, "Add a case")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("First and middle names").fill("Mark Anthony")
    page.get_by_label("Last name").fill("Jones")
    fill_date(page, "Date of birth", "31", "2", "1980")
    page.get_by_label("Male", exact=True).check()
    page.get_by_role("button", name="Create case").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="Date of birth must be a real date")).to_be_visible()
    expect(page.get_by_label("First and middle names")).to_have_value("Mark Anthony")
    expect(page.get_by_label("Last name")).to_have_value("Jones")
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    fill_date(page, "Date of birth", "3", "3", "1979")
    page.get_by_role("button", name="Create case").click()
    expect(heading(page, "Mark Anthony Jones")).to_be_visible()
    created = Nominal.objects.get(surname="Jones")
    assert created.offender_manager_id == om.pk
    expect_identity_bar(page, "JONES, Mark Anthony", created.reference)
    expect(page.get_by_role("alert")).to_contain_text(f"Case {created.reference} created")
    assert_accessible(page)

    case_tab(page, "Addresses").click()
    expect(heading(page, "Addresses")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add address").click()
    expect(heading(page, "Add address")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Home address").check()
    page.get_by_label("Address line 1").fill("4 Station Road")
    page.get_by_label("Town or city").fill("Reading")
    page.get_by_label("Postcode").fill("rg1 1aa")
    fill_date(page, "From", "1", "6", "2024")
    page.get_by_role("button", name="Save").click()
    expect(heading(page, "Addresses")).to_be_visible()
    expect(page.get_by_test_id("block-addresses")).to_contain_text("4 Station Road")
    expect(page.get_by_test_id("block-addresses")).to_contain_text("RG1 1AA")
    assert_accessible(page)

    case_tab(page, "Timeline").click()
    expect(heading(page, "Timeline")).to_be_visible()
    timeline = page.locator(".moj-timeline")
    expect(timeline.get_by_role("heading", name=re.compile(r"^Address added"))).to_be_visible()
    expect(timeline.get_by_role("heading", name=re.compile(r"^Record created"))).to_be_visible()
    assert_accessible(page)


def test_supervisor_reallocates_a_case(page: Page, live_server, supervisor, colleague, nominal):
    sign_in(page, live_server, supervisor)
    expect(heading(page, "Team caseload")).to_be_visible()
    table = main(page).get_by_role("table")
    expect(table.get_by_role("link", name="SMITH, John Paul")).to_be_visible()
    expect(table).to_contain_text("Olivia Marsh")
    assert_accessible(page)

    open_case(page, "SMITH, John Paul", "John Paul Smith")
    assert_accessible(page)

    page.get_by_role("link", name="Reallocate this case").click()
    expect(heading(page, "Allocate this case")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Offender manager").select_option(label="Daniel Okafor (North)")
    page.get_by_role("button", name="Allocate").click()

    expect(heading(page, nominal.full_name)).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("allocated to Daniel Okafor")
    expect_identity_bar(page, "Offender manager: Daniel Okafor")
    assert Nominal.objects.get(pk=nominal.pk).offender_manager_id == colleague.pk
    assert_accessible(page)

    case_tab(page, "Who viewed").click()
    expect(heading(page, "Who viewed this case")).to_be_visible()
    viewers = page.get_by_role("table", name="People who viewed it")
    row = viewers.get_by_role("row").filter(has_text="helen_price")
    expect(row).to_have_count(1)
    assert int(row.get_by_role("cell").nth(1).inner_text()) >= 2
    assert_accessible(page)


def test_front_desk_confirms_who_is_at_the_counter(page: Page, live_server, front_desk, nominal):
    sign_in(page, live_server, front_desk)
    expect(heading(page, "Find the person at the counter")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Name, other name or reference").fill("smith")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 result")).to_be_visible()
    assert_accessible(page)

    main(page).get_by_role("link", name="SMITH, John Paul").click()
    expect(heading(page, "John Paul Smith")).to_be_visible()
    photo = page.get_by_role("img", name="Photograph of John Paul Smith")
    expect(photo).to_be_visible()
    page.wait_for_function("img => img.complete", arg=photo.element_handle())
    assert photo.evaluate("img => img.naturalWidth") > 0, "the photograph did not load"
    expect(main(page)).to_contain_text("12 April 1980")
    expect(main(page)).to_contain_text("12 Mill Lane, Reading, RG1 4XX")
    assert_accessible(page)

    # The front desk never reaches the case pages: not even their existence.
    response = page.goto(f"{live_server.url}/cases/{nominal.pk}/")
    assert response is not None and response.status == 404
    assert "Smith" not in page.content()
    assert_accessible(page, expected_errors=["status of 404 (Not Found)"])


def test_mappa_chair_reads_a_level_2_case(page: Page, live_server, mappa_chair, om, nominal):
    services.nominal_update(acting_user=om, nominal=nominal, data={"mappa_level": 2})

    sign_in(page, live_server, mappa_chair)
    expect(heading(page, "MAPPA level 2 and 3 cases")).to_be_visible()
    table = main(page).get_by_role("table")
    expect(table.get_by_role("link", name="SMITH, John Paul")).to_be_visible()
    expect(table).to_contain_text("Level 2")
    assert_accessible(page)

    open_case(page, "SMITH, John Paul", "John Paul Smith")
    expect_identity_bar(page, "MAPPA Level 2")
    expect(main(page)).to_contain_text("You can read this case but not change it")
    expect(page.get_by_role("link", name="Change details")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^(Re)?allocate"))).to_have_count(0)
    assert_accessible(page)


def test_administrator_searches_the_audit_trail(
    page: Page, live_server, administrator, om, nominal
):
    sign_in(page, live_server, administrator)
    expect(heading(page, "Audit trail")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Case reference").fill(nominal.reference)
    page.get_by_role("button", name="Search").click()
    events = page.get_by_role("table")
    expect(events.get_by_role("caption")).to_have_text(re.compile(r"^[1-9]\d* events?$"))
    expect(events).to_contain_text(f"Created {nominal.reference}")
    assert_accessible(page)

    page.get_by_label("Case reference").fill("")
    page.get_by_label("User name").fill("olivia_marsh")
    page.get_by_role("button", name="Search").click()
    expect(events.get_by_role("caption")).to_have_text(re.compile(r"^[1-9]\d* events?$"))
    users = events.locator("tbody tr td:nth-child(3)")
    assert set(users.all_inner_texts()) == {"olivia_marsh"}
    assert_accessible(page)


def assert_fits(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width + 1, f"{page.url} is {scroll_width}px wide at {width}px"


def test_offender_manager_on_a_phone(page: Page, live_server, om, nominal):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    sign_in(page, live_server, om)
    expect(heading(page, "My caseload")).to_be_visible()
    assert_fits(page, PHONE_WIDTH)
    assert_accessible(page)

    open_case(page, "SMITH, John Paul", "John Paul Smith")
    assert_fits(page, PHONE_WIDTH)
    assert_accessible(page)
