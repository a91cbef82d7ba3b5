"""The register's journeys in Chromium: a front-desk clerk records an annual notification with
a change of address and prints the acknowledgement; the offender manager sees it in the inbox; a
clerk records the stays at another address and RSOM works out when they reached 7 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from notifications.models import Notification
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_journeys import fill_date, heading, main

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_desk_records_an_annual_notification_with_a_new_address(
    page: Page, live_server, front_desk, om, conviction, station
):
    sign_in(page, live_server, front_desk)
    page.get_by_label("Name, other name or reference").fill("smith")
    page.get_by_role("button", name="Search").click()
    main(page).get_by_role("link", name="SMITH, John Paul").click()
    expect(heading(page, "John Paul Smith")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record a notification").click()
    expect(heading(page, "Record a notification")).to_be_visible()
    page.get_by_label("Periodic notification").check()
    page.get_by_label("Police station").select_option(label=station.name)
    page.get_by_role("button", name="Continue").click()

    expect(heading(page, "Confirm who they are")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes, they match the photograph").check()
    page.get_by_role("button", name="Continue").click()

    expect(heading(page, "Go through each detail")).to_be_visible()
    assert_accessible(page)
    # Continuing without answering lists every section in the error summary.
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Home address: select whether they are the same")
    for legend in [
        "Names",
        "Other addresses where they regularly stay",
        "Households where a child lives or stays",
        "National Insurance number",
        "Bank and building society accounts",
        "Payment cards",
        "Passports and identity documents",
    ]:
        page.get_by_role("group", name=legend).get_by_label("Still the same").check()
    home = page.get_by_role("group", name="Home address", exact=True)
    home.get_by_label("Changed").check()
    home.get_by_label("A new home address").check()
    home.get_by_label("Address line 1").fill("4 Station Road")
    home.get_by_label("Town or city").fill("Reading")
    home.get_by_label("Postcode").fill("RG1 1AA")
    today = timezone.localdate()
    fill_date(page, "Date they moved", str(today.day), str(today.month), str(today.year))
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(heading(page, "Check and record the notification")).to_be_visible()
    expect(page.get_by_test_id("check-summary")).to_contain_text("Home address")
    page.get_by_label("Fingerprints taken").check()
    assert_accessible(page)
    page.get_by_role("button", name="Record notification").click()

    expect(page.get_by_role("heading", name="Notification recorded")).to_be_visible()
    assert_accessible(page)
    notification = Notification.objects.get()
    assert notification.change_types == ["home_address"]
    link = page.get_by_role("link", name="Print the acknowledgement")
    pdf = page.request.get(live_server.url + link.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"

    # The offender manager finds the change in their inbox and follows it to the notification.
    page.context.clear_cookies()
    sign_in(page, live_server, om)
    page.get_by_role("link", name="Inbox").click()
    expect(heading(page, "Inbox")).to_be_visible()
    inbox = page.get_by_test_id("inbox")
    expect(inbox).to_contain_text("4 Station Road")
    assert_accessible(page)
    inbox.get_by_role("link", name="Periodic notification").click()
    expect(heading(page, "Periodic notification")).to_be_visible()
    expect(main(page)).to_contain_text("4 Station Road, Reading, RG1 1AA")
    assert_accessible(page)


def test_front_desk_records_stays_and_rsom_works_out_when_they_reached_7_days(
    page: Page, live_server, front_desk, conviction, station
):
    sign_in(page, live_server, front_desk)
    page.get_by_label("Name, other name or reference").fill("smith")
    page.get_by_role("button", name="Search").click()
    main(page).get_by_role("link", name="SMITH, John Paul").click()
    page.get_by_role("link", name="Record a notification").click()
    page.get_by_label("Notification of a change").check()
    page.get_by_label("Police station").select_option(label=station.name)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Yes, they match the photograph").check()
    page.get_by_role("button", name="Continue").click()

    expect(heading(page, "Go through each detail")).to_be_visible()
    for group in page.get_by_role("group").filter(has=page.get_by_label("Still the same")).all():
        group.get_by_label("Still the same", exact=True).check()
    page.get_by_label("Not notifying a release").check()
    other = page.get_by_role("group", name="Other addresses where they regularly stay")
    other.get_by_label("Changed").check()
    other.get_by_label("Address line 1").fill("Flat 2, 9 Mill Lane")
    other.get_by_label("Town or city").fill("Reading")
    # domain.md 2.6: 3 days, then 4 days a week later: 7 days reached on the last day.
    first = timezone.localdate() - timedelta(days=20)
    stays = [
        ("Stay 1: first day", first),
        ("Stay 1: last day", first + timedelta(days=2)),
        ("Stay 2: first day", first + timedelta(days=9)),
        ("Stay 2: last day", first + timedelta(days=12)),
    ]
    for label, day in stays:
        fill_date(page, label, str(day.day), str(day.month), str(day.year))
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(heading(page, "Check and record the notification")).to_be_visible()
    page.get_by_role("button", name="Record notification").click()
    expect(page.get_by_role("heading", name="Notification recorded")).to_be_visible()
    reached = first + timedelta(days=12)
    assert Notification.objects.get().event_date == reached
