"""A supervisor's team dashboard, a reallocation with its capacity preview and the management
information, driven through Chromium, with axe-core run on every page visited."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import Nominal
from dashboards.models import WorkingHours
from dashboards.services.snapshots import snapshot_take
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_journeys import expect_identity_bar, heading, main
from visits.models import VisitDue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_follows_a_figure_and_reallocates_with_the_capacity_preview(
    page: Page, live_server, supervisor, om, colleague, nominal
):
    # A high-risk case (2.5 points) with an overdue visit; Daniel works one hour a week, so
    # the 2.03 points he can carry would be more than full with it.
    Nominal.objects.filter(pk=nominal.pk).update(risk_level="high")
    overdue = timezone.localdate() - timedelta(days=3)
    VisitDue.objects.update_or_create(nominal=nominal, defaults={"due": overdue})
    WorkingHours.objects.create(user=colleague, hours=Decimal("1"), effective_from=date(2024, 1, 1))

    sign_in(page, live_server, supervisor)
    page.get_by_role("link", name="Team dashboard").click()
    expect(heading(page, "Team dashboard")).to_be_visible()
    olivia = page.get_by_test_id("manager-row").filter(has_text="Olivia Marsh")
    expect(olivia.get_by_test_id("capacity")).to_contain_text("3 %")
    expect(olivia.get_by_test_id("capacity")).to_contain_text("1 of 50 cases")
    expect(page.get_by_test_id("team-totals")).to_be_visible()
    expect(page.get_by_test_id("overdue-grid")).to_be_visible()
    assert_accessible(page)

    work = page.get_by_test_id("work-row").filter(has_text="Olivia Marsh")
    work.get_by_role("link", name="Visits overdue: Olivia Marsh").click()
    expect(heading(page, "Olivia Marsh: home visits overdue")).to_be_visible()
    expect(page.get_by_test_id("case-count")).to_have_text("1 case")
    assert_accessible(page)

    main(page).get_by_role("link", name="SMITH, John Paul").click()
    expect(heading(page, "John Paul Smith")).to_be_visible()
    page.get_by_role("link", name="Reallocate this case").click()
    expect(heading(page, "Allocate this case")).to_be_visible()
    page.get_by_label("Offender manager").select_option(label="Daniel Okafor (North)")
    page.get_by_role("button", name="Preview the change").click()

    expect(heading(page, "Check the change")).to_be_visible()
    preview = page.get_by_test_id("capacity-preview")
    expect(preview).to_contain_text("Olivia Marsh: from 3 % to 0 %")
    expect(preview).to_contain_text("Daniel Okafor: from 0 % to 123 %")
    expect(preview.locator(".govuk-tag--red")).to_have_text("123 % (over capacity)")
    assert Nominal.objects.get(pk=nominal.pk).offender_manager_id == om.pk
    assert_accessible(page)

    page.get_by_role("button", name="Confirm reallocation").click()
    expect(heading(page, nominal.full_name)).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("allocated to Daniel Okafor")
    expect_identity_bar(page, "Offender manager: Daniel Okafor")
    assert Nominal.objects.get(pk=nominal.pk).offender_manager_id == colleague.pk
    assert_accessible(page)


def test_supervisor_reads_management_information_with_charts_and_projection(
    page: Page, live_server, supervisor, nominal
):
    today = timezone.localdate()
    for days_ago in (60, 30, 0):
        snapshot_take(on=today - timedelta(days=days_ago))

    sign_in(page, live_server, supervisor)
    page.get_by_role("link", name="Management information").click()
    expect(heading(page, "Management information")).to_be_visible()
    expect(page.get_by_test_id("latest-figures")).to_be_visible()
    charts = page.locator("figure[data-testid^='chart-']")
    expect(charts.first.locator("svg[role='img']")).to_be_visible()
    expect(page.get_by_test_id("projection")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Period shown").get_by_role("link").last.click()
    expect(heading(page, "Management information")).to_be_visible()
    expect(charts.first).to_be_visible()
    assert_accessible(page)
