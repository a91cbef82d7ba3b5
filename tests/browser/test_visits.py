"""Recording home visits on a phone (375 px wide): a completed visit with a photo, then a failed
attempt, with axe-core run and the page width checked on every page visited."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from risk.models import RiskLevelChange
from tests.browser.conftest import assert_accessible, sign_in
from visits.models import Visit, VisitAttachment, VisitDue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 375


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 110, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def set_risk(nominal, om, level="high", on=date(2024, 1, 15)) -> None:
    # Straight to the tables: the risk services are another part of the service.
    RiskLevelChange.objects.create(
        nominal=nominal, level=level, rationale="RM2000/S high", set_on=on, set_by=om
    )
    nominal.risk_level, nominal.risk_level_set_on = level, on
    nominal.save(update_fields=["risk_level", "risk_level_set_on"])


def heading(page: Page, text):
    return page.get_by_role("heading", level=1, name=text)


def check_page(page: Page) -> None:
    """Fits a phone without sideways scrolling, and axe finds nothing."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide at {PHONE_WIDTH}px"
    assert_accessible(page)


def open_visits(page: Page) -> None:
    page.get_by_role("navigation", name="Case sections").get_by_role(
        "link", name="Visits", exact=True
    ).click()
    expect(heading(page, "Visits")).to_be_visible()


def start_recording(page: Page) -> None:
    open_visits(page)
    check_page(page)
    page.get_by_role("button", name="Record a visit now").click()
    expect(heading(page, "Record a visit")).to_be_visible()
    expect(page.get_by_test_id("save-status")).to_have_text("Your answers are saved as you go.")
    check_page(page)


def test_offender_manager_records_a_visit_and_a_failed_attempt_on_a_phone(
    page: Page, live_server, om, nominal
):
    set_risk(nominal, om)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    sign_in(page, live_server, om)
    page.get_by_role("main").get_by_role("link", name="SMITH, John Paul").click()
    expect(heading(page, "John Paul Smith")).to_be_visible()

    # A completed visit with a photo.
    start_recording(page)
    page.get_by_label("Completed: risk assessed at the address").check()
    expect(page.get_by_label("12 Mill Lane, Reading, RG1 4XX (home address)")).to_be_checked()
    page.get_by_label("Who was present").fill("Jane Smith (partner)")
    factor = page.get_by_role("group", name="Sexual preoccupation")
    factor.get_by_label("Seen or discussed").check()
    factor.get_by_label("Note").fill("Talked about his new job")
    page.get_by_label("Concerns").fill("New laptop in the bedroom")
    status = page.get_by_test_id("save-status")
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))
    page.get_by_label("Take a photo").set_input_files(
        {"name": "door.png", "mimeType": "image/png", "buffer": png()}
    )
    expect(page.get_by_test_id("uploaded")).to_contain_text("Photograph added at")
    expect(page.get_by_test_id("upload-status")).to_have_text("Sent and kept with the visit.")
    check_page(page)
    page.get_by_role("button", name="Record visit").click()

    expect(heading(page, re.compile(r"^Visit on "))).to_be_visible()
    expect(page.get_by_test_id("visit-outcome")).to_have_text(
        "Completed: risk assessed at the address"
    )
    expect(page.get_by_test_id("visit-concerns")).to_have_text("New laptop in the bedroom")
    photo = page.get_by_test_id("attachments").get_by_role("img")
    expect(photo).to_be_visible()
    photo.scroll_into_view_if_needed()
    # Served through the audited view: the photo itself, not a broken image.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    assert photo.evaluate("img => img.naturalWidth") == 64
    check_page(page)

    # A failed attempt: no answer.
    start_recording(page)
    page.get_by_label("No answer").check()
    page.get_by_role("button", name="Record visit").click()
    expect(heading(page, re.compile(r"^Visit attempt on "))).to_be_visible()
    expect(page.get_by_test_id("visit-outcome")).to_have_text("Failed: No answer")
    check_page(page)

    open_visits(page)
    expect(page.get_by_test_id("visit-history")).to_contain_text("No answer")
    check_page(page)

    visits = Visit.objects.filter(nominal=nominal).order_by("pk")
    assert [(v.status, v.outcome) for v in visits] == [
        ("recorded", "completed"),
        ("recorded", "no_answer"),
    ]
    completed = visits[0]
    assert completed.present == "Jane Smith (partner)"
    assert {"item": "Sexual preoccupation", "seen": True, "note": "Talked about his new job"} in (
        completed.observations
    )
    assert VisitAttachment.objects.get().visit == completed
    assert VisitDue.objects.get(nominal=nominal).due > date.today()
