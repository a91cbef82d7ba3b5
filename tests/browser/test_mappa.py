"""The MAPPA chair's journey in Chromium (issue 6): plan a level 2 meeting, put two cases on its
agenda, record who attended, minute both cases (discussion, a decision with its rationale, an
action, the plan and the next review), mark them complete, close the meeting and download the
shared meeting pack, naming who it is for. axe-core checks every page on the way."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from cases import services
from cases.models import AuditAction, AuditEvent, Nominal
from mappa.models import AgendaItem, Meeting, MeetingPack, MeetingStatus, PackStatus
from mappa.services import meetings as meeting_services
from mappa.services.levels import mappa_level_set
from mappa.services.packs import pack_build
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_journeys import fill_date, heading, main

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = {
    "Supervision": "Weekly reporting to probation",
    "Monitoring and control": "Unannounced home visits monthly",
    "Interventions and treatment": "Horizon programme",
    "Victim safety planning": "Exclusion zone around the school",
    "Contingency plan": "Recall if he contacts the victim",
}


def level_2(om, nominal: Nominal) -> Nominal:
    mappa_level_set(
        acting_user=om,
        nominal=nominal,
        category=1,
        level=2,
        rationale="Screened for level 2",
        set_on=timezone.localdate() - timedelta(days=30),
    )
    return Nominal.objects.get(pk=nominal.pk)


def minute_case(page: Page, name: str, decision: str, on: date) -> None:
    """From the meeting page, write a case's minutes and mark them complete."""
    main(page).get_by_role("table", name="Cases on the agenda, in order").get_by_role(
        "link", name=name
    ).click()
    expect(heading(page, f"Minutes: {name}")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Discussion", exact=True).fill("Compliant; a new partner with a child")
    for label, text in PLAN.items():
        page.get_by_label(label, exact=True).fill(text)
    review = on + timedelta(weeks=12)
    fill_date(page, "Next review date", str(review.day), str(review.month), str(review.year))
    page.get_by_role("button", name="Save the minutes").click()
    expect(page.get_by_role("alert")).to_contain_text("Minutes saved")
    assert_accessible(page)

    page.get_by_label("Decision", exact=True).fill(decision)
    page.get_by_label("Rationale", exact=True).fill("Risk is managed by the current plan")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Decision recorded")
    assert_accessible(page)

    page.get_by_text("Record an action", exact=True).click()
    page.get_by_label("Action", exact=True).fill("Tell housing about the exclusion zone")
    page.get_by_label("Owner", exact=True).fill("Sam Jones")
    page.get_by_label("Owner's agency").select_option(label="Probation Service")
    due = on + timedelta(days=14)
    fill_date(page, "Due date", str(due.day), str(due.month), str(due.year))
    page.get_by_role("button", name="Record the action").click()
    expect(page.get_by_role("alert")).to_contain_text("Action recorded")
    assert_accessible(page)

    page.get_by_role("button", name="Mark the minutes as complete").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Minutes for {name} marked complete")
    assert_accessible(page)


def test_mappa_chair_runs_a_meeting_and_downloads_the_shared_pack(
    page: Page, live_server, mappa_chair, om, nominal
):
    today = timezone.localdate()
    first = level_2(om, nominal)
    second = level_2(
        om,
        services.nominal_create(
            acting_user=om,
            data={
                "forenames": "Mark",
                "surname": "Jones",
                "date_of_birth": date(1979, 3, 3),
                "sex": "male",
            },
        ),
    )

    sign_in(page, live_server, mappa_chair)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="MAPPA meetings").click()
    expect(heading(page, "MAPPA meetings")).to_be_visible()
    assert_accessible(page)

    # Plan the meeting.
    page.get_by_role("link", name="Plan a meeting").click()
    expect(heading(page, "Plan a MAPPA meeting")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Level 2").check()
    fill_date(page, "Date of the meeting", str(today.day), str(today.month), str(today.year))
    page.get_by_label("Start time (optional)").fill("10:00")
    page.get_by_label("Place").fill("Reading police station")
    page.get_by_role("button", name="Plan the meeting").click()
    title = f"MAPPA level 2 meeting on {today:%-d %b %Y}"
    expect(heading(page, title)).to_be_visible()
    assert_accessible(page)
    meeting = Meeting.objects.get(force=mappa_chair.force)

    # The agenda: both level 2 cases.
    page.get_by_role("link", name="Add cases to the agenda").click()
    expect(heading(page, "Add cases to the agenda")).to_be_visible()
    assert_accessible(page)
    for case in (first, second):
        page.get_by_role("button", name=f"Add {case.display_name}").click()
        expect(page.get_by_role("alert")).to_contain_text(f"{case.display_name} added")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the meeting").click()
    expect(heading(page, title)).to_be_visible()

    # Attendance: one present, one apology.
    page.get_by_role("link", name="Add an attendee").click()
    expect(heading(page, "Add an attendee")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Sam Jones")
    page.get_by_label("Role (optional)").fill("Probation officer")
    page.get_by_label("Agency").select_option(label="Probation Service")
    page.get_by_label("Present", exact=True).check()
    page.get_by_role("button", name="Save and add another").click()
    expect(heading(page, "Add an attendee")).to_be_visible()
    page.get_by_label("Name", exact=True).fill("Alex Brown")
    page.get_by_label("Agency").select_option(index=2)
    page.get_by_label("Sent apologies").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(heading(page, title)).to_be_visible()
    attendance = page.get_by_test_id("attendees")
    expect(attendance).to_contain_text("Sam Jones")
    expect(attendance).to_contain_text("Sent apologies")
    assert_accessible(page)

    # The minutes of each case.
    minute_case(page, first.display_name, "Stay at level 2", today)
    minute_case(page, second.display_name, "Refer to the level 3 panel", today)
    expect(main(page)).to_contain_text("2 of 2 cases minuted")
    assert AgendaItem.objects.filter(meeting=meeting, minutes_complete=True).count() == 2

    # Close the meeting.
    page.get_by_role("link", name="Close the meeting").click()
    expect(heading(page, f"Close the {title}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Close the meeting").click()
    expect(page.get_by_role("alert")).to_contain_text("closed")
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CLOSED
    assert_accessible(page)

    # The pack: prepare the shared version (two cases: ready at once), then download it.
    panel = page.get_by_test_id("pack-panel")
    shared = panel.get_by_test_id("pack-shared")
    expect(shared).to_contain_text("Not prepared yet")
    shared.get_by_role("button", name="Prepare it (shared version)").click()
    expect(page.get_by_role("alert")).to_contain_text("Shared version of the pack ready")
    expect(shared).to_contain_text("2 cases")
    assert_accessible(page)

    panel.get_by_role("link", name="Download the shared version").click()
    expect(heading(page, "Download the shared meeting pack")).to_be_visible()
    attendees = page.get_by_label(f"Attendees of the meeting of {today:%-d %b %Y}")
    expect(attendees).to_be_checked()
    # Choosing an agency shows the list of agencies.
    expect(page.get_by_label("Agency", exact=True)).to_be_hidden()
    page.get_by_label("An agency").check()
    expect(page.get_by_label("Agency", exact=True)).to_be_visible()
    assert_accessible(page)
    attendees.check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the pack").click()
    download = download_info.value
    assert download.suggested_filename == (
        f"MAPPA-level-2-meeting-{today:%Y-%m-%d}-shared-pack.pdf"
    )
    with open(download.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    texts = [p.extract_text() for p in reader.pages]
    assert len(texts) >= 4
    assert all("OFFICIAL-SENSITIVE" in text for text in texts)
    assert f"Page 1 of {len(texts)}" in texts[0]
    body = " ".join(" ".join(texts).split())
    assert "Stay at level 2" in body and "Refer to the level 3 panel" in body
    recipients = set(
        AuditEvent.objects.filter(action=AuditAction.DISCLOSE).values_list(
            "recipient", "nominal_id"
        )
    )
    assert recipients == {
        (f"Attendees of the meeting of {today:%-d %b %Y}", first.pk),
        (f"Attendees of the meeting of {today:%-d %b %Y}", second.pk),
    }


def test_the_meeting_page_follows_a_pack_being_prepared(
    page: Page, live_server, mappa_chair, om, nominal
):
    meeting, _ = meeting_services.meeting_create(
        acting_user=mappa_chair,
        data={"level": 2, "held_on": timezone.localdate(), "place": "Reading police station"},
    )
    meeting_services.agenda_add(
        acting_user=mappa_chair, meeting=meeting, nominal=level_2(om, nominal)
    )
    # As the worker leaves it part way through a long pack.
    pack = MeetingPack.objects.create(
        meeting=meeting,
        shared=True,
        status=PackStatus.RENDERING,
        total=14,
        progress=4,
        requested_by=mappa_chair,
    )

    sign_in(page, live_server, mappa_chair)
    page.goto(f"{live_server.url}/mappa/meetings/{meeting.pk}/")
    shared = page.get_by_test_id("pack-shared")
    expect(shared).to_contain_text("Preparing the pack: 4 of 14 cases")
    expect(
        shared.get_by_role("link", name="Refresh the page to see how it is going")
    ).to_be_visible()
    assert_accessible(page)

    # The page polls: the worker's progress shows without reloading.
    MeetingPack.objects.filter(pk=pack.pk).update(progress=9)
    expect(shared).to_contain_text("Preparing the pack: 9 of 14 cases", timeout=6000)
    MeetingPack.objects.filter(pk=pack.pk).update(status=PackStatus.QUEUED)
    pack_build(pack.pk)
    expect(shared.get_by_role("link", name="Download the shared version")).to_be_visible(
        timeout=6000
    )
    assert_accessible(page)
