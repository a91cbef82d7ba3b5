"""MAPPA meeting packs (domain.md sections 7 and 9): the PDF read back with pypdf (page count,
the marking and "Page x of y" on every page, the photograph embedded), what the shared version
leaves out, what each case's pages say, a fixed number of queries however long the agenda,
a 10-case pack made in the request and an 11-case pack made by the task with its progress,
every download a disclosure naming its recipient, out-of-date packs refused, and who reaches
any of it."""

from __future__ import annotations

import io
import os
import time
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import AuditAction, AuditEvent, Nominal, Role, User
from mappa import pack as pack_module
from mappa.models import (
    AgendaItem,
    Decision,
    Meeting,
    MeetingPack,
    PackStatus,
)
from mappa.services import meetings as service
from mappa.services import minutes as minutes_service
from mappa.services import packs
from mappa.services.levels import mappa_level_set
from notifications import orders
from notifications import services as register
from notifications.models import Breach, Schedule3Offence, Station
from risk.models import CaseNote, Rm2000Scoring
from risk.services.levels import risk_level_set
from tests.conftest import make_user, png_upload
from tests.mappa.test_meetings import agency, attend, chair_of, make_case, minute, plan_meeting
from tests.visits.test_recording import sign_off_arms
from visits.models import Visit

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


# --- Small factories ----------------------------------------------------------------------------


def rich_case(om: User, surname: str) -> Nominal:
    """A level 2 case with a record of every kind the pack prints."""
    nominal = make_case(om, surname, level=2)
    register.conviction_save(
        acting_user=om,
        nominal=nominal,
        data={
            "kind": "conviction",
            "relevant_date": date(2020, 3, 1),
            "court": "Reading Crown Court",
            "offence": Schedule3Offence.objects.get(paragraph="13"),
            "disposal": "custody",
            "terms": [{"start": 0, "length": 24}],
        },
    )
    risk_level_set(
        acting_user=om,
        nominal=nominal,
        level="high",
        rationale="New partner with a young daughter",
        set_on=TODAY - timedelta(days=20),
    )
    Rm2000Scoring.objects.create(
        nominal=nominal,
        commencement_date=date(2022, 3, 1),
        age=45,
        sexual_appearances=1,
        criminal_appearances=2,
        male_victim=False,
        stranger_victim=True,
        single=True,
        non_contact=False,
        points=3,
        step1="medium",
        aggravating=1,
        category="high",
        scored_by=om,
    )
    sign_off_arms(nominal, om, {"hostile-orientation": "strong", "positive-routine": "some"})
    orders.order_add(
        acting_user=om,
        nominal=nominal,
        data={"type": "shpo", "court": "Reading Crown Court", "made_on": date(2024, 1, 10)},
        terms=[{"kind": "prohibition", "text": "No unsupervised contact with any child"}],
    )
    Visit.objects.create(
        nominal=nominal,
        status="recorded",
        visited_at=timezone.now() - timedelta(days=5),
        outcome="completed",
        concerns="Toys in the spare room",
        created_by=om,
        recorded_by=om,
    )
    Breach.objects.create(
        nominal=nominal,
        duty="periodic",
        first_failure_on=TODAY - timedelta(days=12),
        remedied_on=TODAY - timedelta(days=9),
        how_found="clock",
        action="words",
        severity="technical",
        rationale="Late by three days, then attended",
        created_by=om,
    )
    CaseNote.objects.create(
        nominal=nominal, kind="note", text="Started work at a warehouse", created_by=om
    )
    CaseNote.objects.create(
        nominal=nominal,
        kind="intelligence",
        text="Seen near Lakeside primary school",
        source="Neighbourhood team",
        created_by=om,
    )
    return Nominal.objects.get(pk=nominal.pk)


def notify(nominal: Nominal, front_desk: User) -> None:
    station = Station.objects.get_or_create(force=nominal.force, name="Reading police station")[0]
    register.notification_record(
        acting_user=front_desk,
        nominal=nominal,
        idempotency_key=f"7b0c7b1e-4a4e-4d0e-9a51-{nominal.pk:012d}",
        data={"type": "periodic", "station": station, "identity_confirmed": True},
    )


def meeting_with(
    cases: list[Nominal], *, minuted: bool = True, held_on: date = TODAY
) -> tuple[Meeting, list]:
    """A meeting (today's) with `cases` on its agenda, an attendee, one apology, and minutes."""
    chair = chair_of(cases[0].force)
    meeting = plan_meeting(chair, held_on=held_on)
    items = [service.agenda_add(acting_user=chair, meeting=meeting, nominal=n)[0] for n in cases]
    attend(chair, meeting, "Sam Jones")
    attend(chair, meeting, "Alex Brown", present=False)
    if minuted:
        items = [minute(chair, item, complete=False) for item in items]
    return Meeting.objects.get(pk=meeting.pk), items


def ready_pack(meeting: Meeting, *, shared: bool = True) -> MeetingPack:
    pack = packs.pack_prepare(acting_user=meeting.chair, meeting=meeting, shared=shared)
    assert pack.status == PackStatus.READY, pack.error
    return pack


def pdf(pack: MeetingPack) -> PdfReader:
    with pack.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def drawn_images(page) -> set[str]:
    """The image objects the page draws (the pages share one resource dictionary)."""
    names = page["/Resources"].get("/XObject", {}).keys()
    content = page.get_contents().get_data().decode("latin-1")
    return {name for name in names if f"{name} Do" in content}


def words(text: str) -> str:
    return " ".join(text.split())


def secret_minutes(chair: User, item: AgendaItem) -> None:
    """A discussion, a decision and an action marked not for sharing, beside shared ones."""
    item = AgendaItem.objects.select_related("meeting", "nominal").get(pk=item.pk)
    minutes_service.minutes_save(
        acting_user=chair,
        item=item,
        data={
            **(item.plan or {}),
            "discussion": "Kestrel discussion about the victim's new address",
            "discussion_not_for_sharing": True,
            "next_review_on": item.next_review_on,
        },
    )
    minutes_service.decision_add(
        acting_user=chair,
        item=item,
        data={
            "decision": "Osprey covert check",
            "rationale": "Ospreyreason",
            "not_for_sharing": True,
        },
    )
    minutes_service.action_add(
        acting_user=chair,
        item=item,
        data={
            "action": "Heron surveillance briefing",
            "owner": "DS Heron",
            "agency": agency(),
            "due": TODAY + timedelta(days=7),
            "not_for_sharing": True,
        },
    )
    minutes_service.action_add(
        acting_user=chair,
        item=item,
        data={
            "action": "Share the plan with housing",
            "owner": "Sam Jones",
            "agency": agency(),
            "due": TODAY + timedelta(days=14),
        },
    )


def download_url(pack: MeetingPack, **params) -> str:
    url = reverse("mappa:pack-download", args=[pack.meeting_id, pack.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.fixture
def chair(mappa_chair):
    return mappa_chair


# --- The PDF ------------------------------------------------------------------------------------


def test_every_page_carries_the_marking_and_its_page_number(chair, om, nominal):
    meeting, _ = meeting_with([rich_case(om, "Adams"), make_case(om, "Baker", level=2)])
    pack = ready_pack(meeting)
    reader = pdf(pack)
    texts = page_texts(reader)
    assert len(reader.pages) == pack.pages >= 4  # cover, agenda, a page or more per case
    for number, text in enumerate(texts, 1):
        assert "OFFICIAL-SENSITIVE" in text, number
        assert f"Page {number} of {pack.pages}" in text, number
    cover = words(texts[0])
    assert "Page 1 of" in cover and "MAPPA level 2 meeting" in cover
    assert "Multi-Agency Public Protection Arrangements" in cover
    assert "must not be copied or shared beyond the meeting's attendees" in cover
    assert "Sam Jones" in cover and "Probation Service" in cover
    assert "Apologies" in cover and "Alex Brown" in cover
    assert "Shared version" in cover and "NOT FOR CIRCULATION" not in cover
    assert (pack.total, pack.progress) == (2, 2)


def test_what_is_not_for_sharing_is_only_in_the_full_version(chair, om):
    meeting, items = meeting_with([rich_case(om, "Adams")])
    secret_minutes(chair, items[0])
    shared = words(" ".join(page_texts(pdf(ready_pack(meeting)))))
    full = words(" ".join(page_texts(pdf(ready_pack(meeting, shared=False)))))
    secrets = ["Kestrel", "Osprey", "Heron", "Lakeside primary school"]
    for secret in secrets:
        assert secret not in shared, secret
        assert secret in full, secret
    # What was not marked is in both; the shared version says what it leaves out.
    for both in ["Stay at level 2", "Share the plan with housing", "Started work at a warehouse"]:
        assert both in shared and both in full
    assert "Police intelligence held: 1 item" in shared
    assert "3 parts of the minutes about this case are not for sharing" in shared
    assert "FULL VERSION — NOT FOR CIRCULATION" in full
    assert "[Not for sharing]" in full


def test_the_case_pages_embed_the_photograph(chair, om):
    case = make_case(om, "Carter", level=2)
    case.photograph.save("p.png", png_upload(), save=True)
    meeting, _ = meeting_with([case])
    reader = pdf(ready_pack(meeting))
    case_pages = [p for p in reader.pages if "1. CARTER, Case" in p.extract_text()]
    assert len(case_pages) == 1
    assert len(drawn_images(case_pages[0])) == 1
    assert not drawn_images(reader.pages[0])  # the cover has none
    # Inlined: nothing in the PDF points anywhere else.
    with MeetingPack.objects.get(meeting=meeting).file.open("rb") as handle:
        assert b"/URI" not in handle.read()


def test_an_unreadable_photograph_is_left_out_not_fatal(chair, om, nominal):
    with open(nominal.photograph.path, "wb") as broken:
        broken.write(b"not an image")
    assert pack_module.photo_data_uri(nominal) == ""
    mappa_level_set(
        acting_user=om, nominal=nominal, category=1, level=2, rationale="Screened", set_on=TODAY
    )
    meeting, _ = meeting_with([Nominal.objects.get(pk=nominal.pk)])
    assert "No photograph on record" in words(" ".join(page_texts(pdf(ready_pack(meeting)))))


def test_each_case_shows_its_records_and_what_happened_since_its_last_review(chair, om, front_desk):
    case = rich_case(om, "Adams")
    notify(case, front_desk)
    # An earlier meeting reviewed the case and left an action open.
    earlier = plan_meeting(chair, held_on=TODAY - timedelta(days=30))
    item = service.agenda_add(acting_user=chair, meeting=earlier, nominal=case)[0]
    attend(chair, earlier)
    item = minute(chair, item)
    minutes_service.item_reopen(acting_user=chair, item=item)
    minutes_service.action_add(
        acting_user=chair,
        item=AgendaItem.objects.select_related("meeting", "nominal").get(pk=item.pk),
        data={
            "action": "Check the new partner",
            "owner": "PC Lee",
            "agency": agency(),
            "due": TODAY - timedelta(days=2),
        },
    )
    minutes_service.item_complete(
        acting_user=chair, item=AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    )
    service.meeting_close(acting_user=chair, meeting=earlier)

    meeting, _ = meeting_with([case])
    text = words(" ".join(page_texts(pdf(ready_pack(meeting, shared=False)))))
    last = (TODAY - timedelta(days=30)).strftime("%-d %b %Y")
    expected = [
        "1. ADAMS, Case",
        "Reading Crown Court",
        # The SHPO, made until further order, keeps him subject while it lasts.
        "Subject to the notification requirements indefinitely",
        "Until 28 Feb 2030",
        "Current risk of serious harm: High",
        "New partner with a young daughter",
        "3 points",
        "Hostile orientation (strong evidence)",
        "Positive routine (some evidence)",
        "Sexual harm prevention order (SHPO)",
        "No unsupervised contact with any child",
        f"Since the case's last MAPPA review on {last}",
        "Toys in the spare room",
        "Periodic notification",
        "Periodic notification (technical)",
        "Started work at a warehouse",
        "Seen near Lakeside primary school",
        "Check the new partner",
        "(overdue)",
        "Weekly reporting to probation",
        "Recall if he contacts the victim",
        "Compliant; new partner with a child",
        "Stay at level 2",
        "Risk managed",
    ]
    missing = [e for e in expected if e not in text]
    assert not missing, missing


def test_a_case_never_reviewed_looks_back_one_review_interval(chair, om):
    meeting, _ = meeting_with([make_case(om, "Evans", level=2)])
    content = pack_module.pack_content(meeting, shared=True)
    case = content.cases[0]
    assert case.since == TODAY - timedelta(weeks=16)
    assert "16 weeks before this meeting" in case.since_why


def test_reading_the_pack_takes_the_same_queries_however_long_the_agenda(chair, om):
    small, _ = meeting_with([rich_case(om, f"Small{n}") for n in range(2)], minuted=False)
    large, _ = meeting_with(
        [rich_case(om, f"Large{n}") for n in range(5)],
        minuted=False,
        held_on=TODAY - timedelta(days=1),
    )

    def read(meeting):
        with CaptureQueriesContext(connection) as queries:
            content = pack_module.pack_content(meeting, shared=False)
            # Touch what the templates touch.
            for case in content.cases:
                _ = [o.terms.all() for o in case.orders], case.arms_risks, case.happened
                _ = case.nominal.offender_manager, case.nominal.mappa_review
        return content, len(queries)

    small_content, small_count = read(small)
    large_content, large_count = read(large)
    assert len(large_content.cases) == 5 and large_content.cases[4].orders
    assert small_count == large_count <= 25


def test_a_long_pack_is_laid_out_case_by_case_with_the_same_pages(chair, om):
    meeting, _ = meeting_with([make_case(om, f"Case{n}", level=2) for n in range(3)])
    content = pack_module.pack_content(meeting, shared=True)
    seen: list[int] = []
    by_case = pack_module.render_pack(content, progress=seen.append)
    at_once = pack_module.render_pack(content)
    assert seen == [1, 2, 3]
    assert by_case.pages == at_once.pages
    by_case_texts, at_once_texts = (
        page_texts(PdfReader(io.BytesIO(r.pdf))) for r in (by_case, at_once)
    )
    # Page for page the same (only the order pypdf reads the margins in may differ).
    assert [sorted(t.split()) for t in by_case_texts] == [sorted(t.split()) for t in at_once_texts]
    for number, text in enumerate(by_case_texts, 1):
        assert "OFFICIAL-SENSITIVE" in text and f"Page {number} of {by_case.pages}" in text
    assert "1. CASE0, Case" in by_case_texts[2]


# --- Preparing: in the request, or in the task --------------------------------------------------


def test_a_ten_case_pack_is_made_in_the_request(client, chair, om):
    meeting, _ = meeting_with([make_case(om, f"Case{n}", level=2) for n in range(10)])
    client.force_login(chair)
    started = time.perf_counter()
    response = client.post(reverse("mappa:pack-create", args=[meeting.pk]), {"version": "shared"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302 and response.url.endswith("#pack")
    pack = MeetingPack.objects.get(meeting=meeting)
    assert (pack.status, pack.total, pack.progress) == (PackStatus.READY, 10, 10)
    assert pack.pages == len(pdf(pack).pages) >= 12
    # The target is 5 s on the 2-core machine (measured by the benchmark); loose here.
    assert elapsed < 10, elapsed
    page = client.get(reverse("mappa:meeting-detail", args=[meeting.pk])).content.decode()
    assert "Download the shared version" in page and "hx-trigger" not in page


def test_an_eleven_case_pack_goes_to_the_task_and_reports_progress(
    client, chair, om, django_capture_on_commit_callbacks
):
    meeting, _ = meeting_with([make_case(om, f"Case{n}", level=2) for n in range(11)])
    client.force_login(chair)
    url = reverse("mappa:pack-create", args=[meeting.pk])
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(url, {"version": "shared"})
    assert response.status_code == 302 and len(queued) == 1
    pack = MeetingPack.objects.get(meeting=meeting)
    assert (pack.status, pack.progress, pack.total) == (PackStatus.QUEUED, 0, 11)

    # The meeting page shows progress and polls for it.
    page = client.get(reverse("mappa:meeting-detail", args=[meeting.pk])).content.decode()
    assert "Preparing the pack: 0 of 11 cases" in page
    assert 'hx-trigger="every 2s"' in page and "Refresh the page to see how it is going" in page
    panel = reverse("mappa:pack-panel", args=[meeting.pk])
    fragment = client.get(panel, headers={"HX-Request": "true"})
    assert "Preparing the pack: 0 of 11 cases" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    # Asking again while it is being prepared queues nothing more.
    with django_capture_on_commit_callbacks() as again:
        client.post(url, {"version": "shared"})
    assert not again and MeetingPack.objects.filter(meeting=meeting).count() == 1

    queued[0]()  # the worker runs it (eagerly in tests)
    pack.refresh_from_db()
    assert (pack.status, pack.progress, pack.total) == (PackStatus.READY, 11, 11)
    texts = page_texts(pdf(pack))
    assert len(texts) == pack.pages >= 13
    for number, text in enumerate(texts, 1):
        assert "OFFICIAL-SENSITIVE" in text and f"Page {number} of {pack.pages}" in text
    fragment = client.get(panel, headers={"HX-Request": "true"}).content.decode()
    assert "Download the shared version" in fragment and "hx-trigger" not in fragment


def test_the_task_prepares_a_pack_once(chair, om, django_capture_on_commit_callbacks):
    from mappa.tasks import build_meeting_pack

    meeting, _ = meeting_with([make_case(om, f"Case{n}", level=2) for n in range(11)])
    with django_capture_on_commit_callbacks(execute=True):
        pack, created = packs.pack_request(acting_user=chair, meeting=meeting, shared=False)
    pack.refresh_from_db()
    assert created and pack.status == PackStatus.READY
    name = pack.file.name
    assert build_meeting_pack.delay(pack.pk).get() == PackStatus.READY
    pack.refresh_from_db()
    assert pack.file.name == name


def test_a_failure_marks_the_pack_failed(chair, om, monkeypatch):
    meeting, _ = meeting_with([make_case(om, "Failing", level=2)])

    def broken(*args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(packs, "render_pack", broken)
    pack = packs.pack_prepare(acting_user=chair, meeting=meeting, shared=True)
    assert pack.status == PackStatus.FAILED and pack.error == packs.FAILED_MESSAGE
    assert not pack.file
    monkeypatch.undo()
    # Asking again works.
    assert ready_pack(meeting).status == PackStatus.READY


def test_a_pack_lost_with_its_worker_can_be_asked_for_again(client, chair, om):
    meeting, _ = meeting_with([make_case(om, "Lost", level=2)])
    lost = MeetingPack.objects.create(
        meeting=meeting, shared=True, status=PackStatus.RENDERING, total=1, requested_by=chair
    )
    MeetingPack.objects.filter(pk=lost.pk).update(
        requested_at=timezone.now() - packs.STALE_AFTER - timedelta(minutes=1)
    )
    client.force_login(chair)
    page = client.get(reverse("mappa:meeting-detail", args=[meeting.pk])).content.decode()
    assert packs.LOST_MESSAGE in page and "hx-trigger" not in page
    assert "Prepare it again<span" in page
    pack = ready_pack(meeting)
    assert pack.pk != lost.pk
    assert not MeetingPack.objects.filter(pk=lost.pk).exists()  # failed, then discarded


def test_a_new_pack_replaces_the_older_one(chair, om):
    meeting, _ = meeting_with([make_case(om, "Again", level=2)])
    first = ready_pack(meeting)
    old_file = first.file.path
    second = ready_pack(meeting)
    assert list(MeetingPack.objects.filter(meeting=meeting)) == [second]
    assert not os.path.exists(old_file)
    full = ready_pack(meeting, shared=False)  # the other version is kept separately
    assert MeetingPack.objects.filter(meeting=meeting).count() == 2 and not full.shared


def test_a_meeting_without_cases_has_no_pack(client, chair):
    meeting = plan_meeting(chair)
    client.force_login(chair)
    response = client.post(
        reverse("mappa:pack-create", args=[meeting.pk]), {"version": "shared"}, follow=True
    )
    assert "Add at least one case to the agenda before preparing its pack" in (
        response.content.decode()
    )
    assert not MeetingPack.objects.exists()


def test_an_unknown_version_is_refused(client, chair, om):
    meeting, _ = meeting_with([make_case(om, "Version", level=2)])
    client.force_login(chair)
    response = client.post(
        reverse("mappa:pack-create", args=[meeting.pk]), {"version": "draft"}, follow=True
    )
    assert "Choose the shared or the full version of the pack" in response.content.decode()
    assert not MeetingPack.objects.exists()


# --- Downloading: a disclosure naming its recipient ---------------------------------------------


def disclosures(pack: MeetingPack):
    return AuditEvent.objects.filter(
        action=AuditAction.DISCLOSE, object_type="mappa.MeetingPack", object_id=str(pack.pk)
    )


def test_the_download_page_asks_who_the_pack_is_for(client, chair, om):
    meeting, _ = meeting_with([make_case(om, "Page", level=2)])
    pack = ready_pack(meeting)
    client.force_login(chair)
    response = client.get(download_url(pack))
    page = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert f"Attendees of the meeting of {TODAY:%-d %b %Y}" in page
    assert "An agency" in page and "A named person" in page
    assert not disclosures(pack).exists()
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(pack.pk)).exists()


def test_a_download_is_a_disclosure_to_the_chosen_recipient(client, chair, om):
    cases = [make_case(om, "Fox", level=2), make_case(om, "Grey", level=2)]
    meeting, _ = meeting_with(cases)
    pack = ready_pack(meeting)
    client.force_login(chair)
    choices = [
        ({"recipient": "attendees"}, f"Attendees of the meeting of {TODAY:%-d %b %Y}"),
        ({"recipient": "agency", "agency": agency("Probation Service").pk}, "Probation Service"),
        (
            {"recipient": "person", "person": "Sam+Jones,+housing++officer"},
            "Sam Jones, housing officer",
        ),
    ]
    for params, recipient in choices:
        response = client.get(download_url(pack, **params))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f'filename="MAPPA-level-2-meeting-{TODAY:%Y-%m-%d}-shared-pack.pdf"' in disposition
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF") and len(PdfReader(io.BytesIO(body)).pages) == pack.pages
        events = list(disclosures(pack).filter(recipient=recipient).order_by("id"))
        # One disclosure for each case in the pack, each naming the recipient.
        assert [e.nominal_id for e in events] == [c.pk for c in cases], recipient
        assert {e.username for e in events} == {chair.username}
        assert "Downloaded the shared pack" in events[0].description
    assert disclosures(pack).count() == 6


def test_the_full_version_is_disclosed_to_the_chair_alone(client, chair, om):
    meeting, _ = meeting_with([make_case(om, "Hale", level=2)])
    pack = ready_pack(meeting, shared=False)
    client.force_login(chair)
    page = client.get(download_url(pack)).content.decode()
    assert "It is for you alone" in page and "Who is the pack for?" not in page
    response = client.get(download_url(pack, recipient="chair"))
    assert response["Content-Disposition"].startswith("attachment;")
    event = disclosures(pack).get()
    assert event.recipient == (
        "Margaret Ellis (MAPPA chair: the full version, not for circulation)"
    )


def test_a_bad_recipient_is_explained_and_nothing_is_disclosed(client, chair, om):
    meeting, _ = meeting_with([make_case(om, "Ives", level=2)])
    pack = ready_pack(meeting)
    client.force_login(chair)
    cases = [
        ({"recipient": "agency"}, "Select the agency the pack is for", None),
        ({"recipient": "person", "person": "+"}, "Enter the name, role and organisation", None),
        (
            {"recipient": "person", "person": "x" * 151},
            "must be 150 characters or fewer",
            "x" * 151,
        ),
        ({"recipient": "agency", "agency": "999999"}, "Select the agency from the list", None),
        ({"recipient": "court"}, "Select who the pack is for", None),
    ]
    for params, message, kept in cases:
        response = client.get(download_url(pack, **params))
        page = response.content.decode()
        assert response.status_code == 200 and message in page, params
        assert "<title>Error: " in page and "govuk-error-summary" in page
        if kept:
            assert f'value="{kept}"' in page
    assert not disclosures(pack).exists()


def test_a_pack_made_before_the_minutes_changed_is_not_handed_out(client, chair, om):
    meeting, items = meeting_with([make_case(om, "Jones", level=2)])
    pack = ready_pack(meeting)
    assert packs.pack_is_current(pack)
    # The chair now marks a decision not for sharing: the pack made earlier still shows it.
    Decision.objects.filter(item=items[0]).update(not_for_sharing=True)
    client.force_login(chair)
    response = client.get(download_url(pack, recipient="attendees"))
    page = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "have changed since this pack was prepared" in page
    assert not disclosures(pack).exists()
    # Preparing it again makes a pack that leaves the decision out.
    fresh = ready_pack(meeting)
    assert "Stay at level 2" not in " ".join(page_texts(pdf(fresh)))
    assert client.get(download_url(fresh, recipient="attendees"))["Content-Type"] == (
        "application/pdf"
    )


def test_a_pack_not_ready_is_not_downloaded(client, chair, om):
    meeting, _ = meeting_with([make_case(om, "King", level=2)])
    busy = MeetingPack.objects.create(
        meeting=meeting, shared=True, status=PackStatus.QUEUED, total=1, requested_by=chair
    )
    client.force_login(chair)
    response = client.get(download_url(busy, recipient="attendees"))
    assert response.status_code == 302 and response.url.endswith("#pack")
    assert not disclosures(busy).exists()


# --- Who reaches packs --------------------------------------------------------------------------


def test_only_the_forces_chairs_reach_its_packs(client, request, chair, om, other_force):
    meeting, _ = meeting_with([make_case(om, "Lowe", level=2)])
    pack = ready_pack(meeting)
    others = [
        request.getfixturevalue(persona)
        for persona in ["om", "colleague", "supervisor", "front_desk", "administrator"]
    ]
    others += [
        request.getfixturevalue("other_force_om"),
        make_user("kent_chair", other_force, [Role.MAPPA_CHAIR]),
    ]
    urls = [
        download_url(pack),
        download_url(pack, recipient="attendees"),
        reverse("mappa:pack-panel", args=[meeting.pk]),
    ]
    create = reverse("mappa:pack-create", args=[meeting.pk])
    for user in others:
        client.force_login(user)
        for url in urls:
            response = client.get(url, headers={"HX-Request": "true"})
            assert response.status_code == 404, (user.username, url)
        assert client.post(create, {"version": "full"}).status_code == 404, user.username
    assert MeetingPack.objects.filter(meeting=meeting).count() == 1
    assert not disclosures(pack).exists()


def test_another_chair_of_the_force_may_download(client, chair, om, force):
    meeting, _ = meeting_with([make_case(om, "Moss", level=2)])
    pack = ready_pack(meeting)
    deputy = make_user("dee_deputy", force, [Role.MAPPA_CHAIR])
    client.force_login(deputy)
    response = client.get(download_url(pack, recipient="attendees"))
    assert response["Content-Type"] == "application/pdf"
    assert disclosures(pack).get().username == deputy.username


def test_signed_out_users_are_sent_to_sign_in(client, chair, om):
    meeting, _ = meeting_with([make_case(om, "Nash", level=2)])
    pack = ready_pack(meeting)
    for url in [download_url(pack), reverse("mappa:pack-panel", args=[meeting.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.post(reverse("mappa:pack-create", args=[meeting.pk]), {"version": "full"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_panel_without_htmx_goes_back_to_the_meeting(client, chair, om):
    meeting, _ = meeting_with([make_case(om, "Owen", level=2)])
    client.force_login(chair)
    response = client.get(reverse("mappa:pack-panel", args=[meeting.pk]))
    assert response.status_code == 302
    assert response.url == reverse("mappa:meeting-detail", args=[meeting.pk]) + "#pack"


def test_services_refuse_anyone_but_a_chair(om, chair):
    meeting, _ = meeting_with([make_case(om, "Pope", level=2)])
    pack = ready_pack(meeting)
    with pytest.raises(PermissionDenied):
        packs.pack_request(acting_user=om, meeting=meeting, shared=True)
    with pytest.raises(PermissionDenied):
        packs.pack_disclose(acting_user=om, pack=pack, recipient="Anyone")
