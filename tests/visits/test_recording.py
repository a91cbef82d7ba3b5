"""Recording a visit at the door: the record page, its autosaved draft (with conflicts and
retries), recording completed visits and failed attempts, attachments checked on their contents
and served only to case readers, and the API for all of it."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases.models import Address, AuditEvent, CaseEvent, InboxItem
from risk.models import ArmsAssessment, ArmsFactor, ArmsRating, ArmsStatus
from visits.models import Visit, VisitAttachment, VisitDue, VisitStatus
from visits.services import recording

pytestmark = pytest.mark.django_db

OUTSIDERS = ["om_south", "front_desk", "mappa_chair", "administrator", "other_force_om"]
QUERIES_VISIT_PAGE = 17
QUERIES_RECORD_PAGE = 21
QUERIES_API_LIST = 15


# --- Factories ----------------------------------------------------------------------------------


def png_bytes(colour=(120, 140, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name="photo.png", content=None, content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type)


def draft(nominal, user, **fields) -> Visit:
    return Visit.objects.create(
        nominal=nominal, status=VisitStatus.DRAFT, created_by=user, **fields
    )


def home(nominal) -> Address:
    return nominal.addresses.get(line_1="12 Mill Lane")


def moment(day: date, hour=10, minute=0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def recorded(nominal, user, *, outcome="completed", on=None, address=None, hour=10) -> Visit:
    visit = draft(nominal, user)
    made, _ = recording.visit_record(
        acting_user=user,
        visit=visit,
        data={
            "outcome": outcome,
            "visited_at": moment(on or timezone.localdate() - timedelta(days=1), hour),
            "address": address or home(nominal),
        },
    )
    return made


def form_data(visit, **overrides) -> dict:
    when = timezone.localtime() - timedelta(minutes=5)
    data = {
        "outcome": "completed",
        "visited_on_0": when.day,
        "visited_on_1": when.month,
        "visited_on_2": when.year,
        "visited_time": f"{when:%H:%M}",
        "address": visit.nominal.addresses.first().pk,
        "present": "",
        "concerns": "",
        "follow_up": "",
        "draft_version": visit.draft_version,
        "client_key": str(visit.client_key),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def record_url(visit) -> str:
    return reverse("visits:visit-record", kwargs={"pk": visit.nominal_id, "visit_id": visit.pk})


def draft_url(visit) -> str:
    return reverse("visits:visit-draft", kwargs={"pk": visit.nominal_id, "visit_id": visit.pk})


def attachment_url(attachment) -> str:
    return reverse(
        "visits:attachment",
        kwargs={"pk": attachment.visit.nominal_id, "attachment_id": attachment.pk},
    )


def sign_off_arms(nominal, user, ratings: dict[str, str]) -> ArmsAssessment:
    assessment = ArmsAssessment.objects.create(
        nominal=nominal,
        status=ArmsStatus.SIGNED_OFF,
        created_by=user,
        signed_off_on=date(2025, 1, 10),
    )
    for code, evidence in ratings.items():
        ArmsRating.objects.create(
            assessment=assessment, factor=ArmsFactor.objects.get(code=code), evidence=evidence
        )
    return assessment


# --- Starting a record --------------------------------------------------------------------------


def test_record_a_visit_now_starts_one_draft_for_repeated_presses(client, om, nominal):
    client.force_login(om)
    key = str(uuid.uuid4())
    url = reverse("visits:visit-start", kwargs={"pk": nominal.pk})
    first = client.post(url, {"client_key": key})
    again = client.post(url, {"client_key": key})
    visit = Visit.objects.get(nominal=nominal)
    assert first.url == again.url == record_url(visit)
    assert visit.status == VisitStatus.DRAFT and str(visit.client_key) == key
    assert visit.address == home(nominal)
    # Another press later (a new key) returns to the unfinished record, not a second one.
    client.post(url, {"client_key": str(uuid.uuid4())})
    assert Visit.objects.filter(nominal=nominal).count() == 1


def test_the_record_page_is_a_phone_form_with_the_checklist(client, om, nominal):
    sign_off_arms(nominal, om, {"hostile-orientation": "strong", "sexual-preoccupation": "some"})
    visit = draft(nominal, om)
    client.force_login(om)
    response = client.get(record_url(visit))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="time"' in html and 'capture="environment"' in html
    assert 'accept="image/jpeg,image/png,image/heic"' in html
    assert "js/visit-record.js" in html and "<script>" not in html
    items = [i.item for i in response.context["form"].items]
    assert items[:2] == ["Hostile orientation", "Sexual preoccupation"]
    marked = [i.marked for i in response.context["form"].items]
    assert marked[0] == "Strong evidence in the latest ARMS"
    assert marked[1] == "Some evidence in the latest ARMS"
    assert not any(marked[2:])
    assert len(items) == ArmsFactor.objects.filter(in_use=True).count()
    assert AuditEvent.objects.filter(
        action="view", object_type="visits.Visit", object_id=str(visit.pk)
    ).exists()


def test_order_prohibitions_are_an_empty_seam_for_now(nominal):
    assert recording.order_prohibitions(nominal) == []


# --- Recording ----------------------------------------------------------------------------------


def test_recording_a_completed_visit(client, om, nominal):
    factor = ArmsFactor.objects.filter(in_use=True).first()
    visit = draft(nominal, om)
    client.force_login(om)
    data = form_data(
        visit,
        present="Jane Smith (partner)",
        concerns="New laptop in the bedroom",
        follow_up="Check the laptop",
        **{f"obs-arms-{factor.code}-seen": "on", f"obs-arms-{factor.code}-note": "Discussed"},
    )
    response = client.post(record_url(visit), {**data, "photos": upload()})
    visit.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("visits:visit-detail", kwargs={"visit_id": visit.pk})
    assert visit.status == VisitStatus.RECORDED and visit.outcome == "completed"
    assert visit.recorded_by == om and visit.address == home(nominal)
    assert visit.present == "Jane Smith (partner)"
    assert {"item": factor.name, "seen": True, "note": "Discussed"} in visit.observations
    assert visit.attachments.get().kind == "photo"
    event = CaseEvent.objects.get(nominal=nominal, kind="visit_recorded")
    assert event.summary.startswith("Home visit completed at 12 Mill Lane")
    assert AuditEvent.objects.filter(description="Visit recorded: " + visit.get_outcome_display())


def test_a_completed_visit_moves_the_next_visit_due(client, om, nominal):
    from risk.models import RiskLevelChange

    RiskLevelChange.objects.create(
        nominal=nominal, level="high", rationale="RM2000 high", set_on=date(2024, 1, 1), set_by=om
    )
    nominal.risk_level, nominal.risk_level_set_on = "high", date(2024, 1, 1)
    nominal.save(update_fields=["risk_level", "risk_level_set_on"])
    yesterday = timezone.localdate() - timedelta(days=1)
    recorded(nominal, om, outcome="no_answer", on=yesterday)
    assert VisitDue.objects.get(nominal=nominal).due == date(2024, 4, 1)  # attempts never count
    recorded(nominal, om, outcome="completed", on=yesterday)
    due = VisitDue.objects.get(nominal=nominal)
    assert due.due > timezone.localdate() and "last completed visit" in due.why


@pytest.mark.parametrize(
    "outcome,label",
    [("no_answer", "no answer"), ("refused", "refused entry"), ("not_present", "not present")],
)
def test_recording_each_failed_attempt(client, om, nominal, outcome, label):
    visit = draft(nominal, om)
    client.force_login(om)
    response = client.post(record_url(visit), form_data(visit, outcome=outcome))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.RECORDED and visit.failed
    event = CaseEvent.objects.get(nominal=nominal, kind="visit_failed")
    assert event.summary.lower().startswith(
        f"visit attempt at 12 mill lane, reading, rg1 4xx: {label}"
    )
    page = client.get(response.url)
    assert "Failed: " in page.content.decode()


def test_recording_needs_what_happened_and_keeps_what_was_typed(client, om, nominal):
    visit = draft(nominal, om)
    client.force_login(om)
    data = form_data(visit, outcome="", concerns="Curtains drawn all day", visited_time="25:99")
    response = client.post(record_url(visit), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["outcome"] == ["Select what happened at the visit"]
    assert form.errors["visited_time"] == ["Enter the time of the visit, for example 14:30"]
    assert "Curtains drawn all day" in response.content.decode()
    visit.refresh_from_db()
    # Kept on the server too, as a draft: closing the tab now loses nothing.
    assert visit.status == VisitStatus.DRAFT and visit.concerns == "Curtains drawn all day"
    assert response.context["form"].data["draft_version"] == str(visit.draft_version)


def test_a_visit_in_the_future_cannot_be_recorded(client, om, nominal):
    visit = draft(nominal, om)
    client.force_login(om)
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = form_data(
        visit, visited_on_0=tomorrow.day, visited_on_1=tomorrow.month, visited_on_2=tomorrow.year
    )
    response = client.post(record_url(visit), data)
    assert response.status_code == 200
    assert response.context["form"].errors["visited_time"] == [
        "The date and time of the visit must be now or in the past"
    ]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DRAFT


def test_retrying_record_visit_returns_the_same_visit(client, om, nominal):
    visit = draft(nominal, om)
    client.force_login(om)
    data = form_data(visit, outcome="no_answer")
    first = client.post(record_url(visit), {**data, "photos": upload()})
    again = client.post(record_url(visit), {**data, "photos": upload()})
    assert first.url == again.url
    assert Visit.objects.filter(nominal=nominal).count() == 1
    assert CaseEvent.objects.filter(nominal=nominal, kind="visit_failed").count() == 1
    assert VisitAttachment.objects.filter(visit=visit).count() == 1


def test_starting_from_a_planned_visit(client, om, nominal):
    visit = Visit.objects.create(
        nominal=nominal,
        status=VisitStatus.PLANNED,
        planned_for=timezone.localdate(),
        time_band="morning",
        created_by=om,
    )
    client.force_login(om)
    page = client.get(record_url(visit))
    assert "Planned for" in page.content.decode()
    client.post(record_url(visit), form_data(visit))
    visit.refresh_from_db()
    assert visit.status == VisitStatus.RECORDED and visit.planned_for == timezone.localdate()


def test_a_recorded_visit_opens_its_record_not_the_form(client, om, nominal):
    visit = recorded(nominal, om)
    client.force_login(om)
    response = client.get(record_url(visit))
    assert response.url == f"/visits/{visit.pk}/"


# --- The draft ----------------------------------------------------------------------------------


def test_autosave_keeps_the_draft_and_counts_versions(client, om, nominal):
    visit = draft(nominal, om)
    client.force_login(om)
    data = form_data(visit, outcome="", concerns="Dog at the door")
    response = client.post(draft_url(visit), data, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["version"] == 1 and response.json()["not_saved"] == {}
    visit.refresh_from_db()
    assert visit.concerns == "Dog at the door" and visit.draft_version == 1
    assert visit.status == VisitStatus.DRAFT
    # The same answers again (nothing changed) keep the version.
    again = client.post(draft_url(visit), {**data, "draft_version": 1})
    assert again.json()["version"] == 1


def test_autosave_keeps_valid_answers_and_names_the_others(client, om, nominal):
    visit = draft(nominal, om)
    client.force_login(om)
    data = form_data(visit, visited_time="not a time", present="Mother")
    response = client.post(draft_url(visit), data)
    assert response.status_code == 200
    assert "visited_time" in response.json()["not_saved"]
    visit.refresh_from_db()
    assert visit.present == "Mother" and visit.visited_at is None


def test_a_stale_autosave_gets_a_conflict_and_overwrites_nothing(client, om, supervisor, nominal):
    visit = draft(nominal, om)
    client.force_login(supervisor)
    client.post(draft_url(visit), form_data(visit, concerns="From the supervisor's tab"))
    client.force_login(om)
    response = client.post(draft_url(visit), form_data(visit, concerns="From the phone"))
    assert response.status_code == 409
    body = response.json()
    assert "changed in another browser tab or on another device" in body["message"]
    assert body["version"] == 1 and body["conflict"] == "changed"
    visit.refresh_from_db()
    assert visit.concerns == "From the supervisor's tab"
    # Choosing to keep this version sends it again on top of the other one.
    kept = client.post(draft_url(visit), form_data(visit, concerns="From the phone"))
    assert kept.status_code == 200
    visit.refresh_from_db()
    assert visit.concerns == "From the phone" and visit.draft_version == 2


def test_a_stale_record_is_refused_with_the_answers_kept(client, om, supervisor, nominal):
    visit = draft(nominal, om)
    stale = form_data(visit, concerns="Typed on the phone")
    client.force_login(supervisor)
    client.post(draft_url(visit), form_data(visit, concerns="Typed in the office"))
    client.force_login(om)
    response = client.post(record_url(visit), stale)
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert "changed in another browser tab or on another device" in errors[0]
    assert "Typed on the phone" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DRAFT and visit.concerns == "Typed in the office"
    # Sent again (the form now carries the current version): recorded as typed on the phone.
    again = client.post(record_url(visit), {**stale, "draft_version": visit.draft_version})
    assert again.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.RECORDED and visit.concerns == "Typed on the phone"


def test_a_save_whose_answer_was_lost_is_not_a_conflict(client, om, nominal):
    visit = draft(nominal, om)
    client.force_login(om)
    data = form_data(visit, concerns="Sent once, answer lost")
    client.post(draft_url(visit), data)
    retried = client.post(draft_url(visit), data)  # the same body, still on version 0
    assert retried.status_code == 200 and retried.json()["version"] == 1


def test_autosave_after_recording_says_so(client, om, nominal):
    visit = recorded(nominal, om)
    client.force_login(om)
    response = client.post(draft_url(visit), form_data(visit))
    assert response.status_code == 409 and response.json()["conflict"] == "recorded"


def test_autosave_for_another_visit_key_is_refused(client, om, nominal):
    visit = draft(nominal, om)
    client.force_login(om)
    response = client.post(draft_url(visit), form_data(visit, client_key=str(uuid.uuid4())))
    assert response.status_code == 400


# --- Attachments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40, "image/jpeg"),
        ("photo.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image/heic"),
        ("talk.mp3", b"ID3\x04\x00\x00" + b"\x00" * 40, "audio/mpeg"),
        ("talk.m4a", b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00" + b"\x00" * 20, "audio/x-m4a"),
        ("talk.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 40, "audio/webm;codecs=opus"),
        ("talk.ogg", b"OggS\x00\x02" + b"\x00" * 40, "audio/ogg"),
        ("talk.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 30, "audio/wav"),
        ("clip.mp4", b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00" + b"\x00" * 20, "video/mp4"),
        ("clip.mov", b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00" + b"\x00" * 20, "video/quicktime"),
        ("clip.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 40, "video/webm"),
    ],
)
def test_each_allowed_type_is_kept(om, nominal, name, content, content_type):
    visit = draft(nominal, om)
    attachment, created = recording.attachment_add(
        acting_user=om, visit=visit, upload=upload(name, content, content_type)
    )
    assert created
    assert attachment.content_type == content_type.split(";")[0].replace("x-m4a", "mp4")
    assert attachment.kind == content_type.split("/")[0].replace("image", "photo")


def test_a_jpg_that_is_really_text_is_rejected(client, om, nominal):
    visit = draft(nominal, om)
    client.force_login(om)
    fake = upload("photo.jpg", b"This is not a photo at all, just some text.", "image/jpeg")
    response = client.post(
        reverse("visits:attachment-add", kwargs={"pk": nominal.pk, "visit_id": visit.pk}),
        {"files": fake},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        "photo.jpg is not a real JPEG photo: its contents do not match its type. Choose the "
        "photo or recording again"
    )
    assert not VisitAttachment.objects.exists()


def test_a_png_declared_as_a_video_is_rejected(om, nominal):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="not a real MP4 video"):
        recording.attachment_add(
            acting_user=om, visit=draft(nominal, om), upload=upload("clip.mp4", None, "video/mp4")
        )


def test_other_types_are_refused_with_a_clear_message(om, nominal):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=r"notes.pdf must be a photo \(JPEG, PNG or HEIC\)"):
        recording.attachment_add(
            acting_user=om,
            visit=draft(nominal, om),
            upload=upload("notes.pdf", b"%PDF-1.7", "application/pdf"),
        )


def test_size_limits_per_kind(client, om, nominal, monkeypatch):
    visit = draft(nominal, om)
    client.force_login(om)
    big = png_bytes() + b"\x00" * (15 * 1024 * 1024)
    response = client.post(
        record_url(visit), {**form_data(visit), "photos": upload("big.png", big)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["photos"] == [
        "big.png is 15.0 MB: a photograph must be 15 MB or smaller"
    ]
    assert not VisitAttachment.objects.exists()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DRAFT  # not recorded until the photo is sorted out
    assert recording.SIZE_LIMITS == {
        "photo": 15 * 1024 * 1024,
        "audio": 50 * 1024 * 1024,
        "video": 200 * 1024 * 1024,
    }


def test_the_same_file_twice_is_kept_once(client, om, nominal):
    visit = draft(nominal, om)
    client.force_login(om)
    url = reverse("visits:attachment-add", kwargs={"pk": nominal.pk, "visit_id": visit.pk})
    first = client.post(url, {"files": upload()}, HTTP_ACCEPT="application/json")
    again = client.post(url, {"files": upload("renamed.png")}, HTTP_ACCEPT="application/json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["added"][0]["id"] == again.json()["added"][0]["id"]
    assert VisitAttachment.objects.count() == 1
    other = client.post(url, {"files": upload(content=png_bytes((1, 2, 3)))})
    assert other.status_code == 302 and VisitAttachment.objects.count() == 2


def test_attachments_are_stored_privately_under_a_random_name(om, nominal, settings):
    attachment, _ = recording.attachment_add(
        acting_user=om, visit=draft(nominal, om), upload=upload("John Smith bedroom.png")
    )
    assert attachment.file.name.startswith(f"visits/{nominal.pk}/")
    assert "Smith" not in attachment.file.name and "." not in attachment.file.name
    assert attachment.file.path.startswith(str(settings.MEDIA_ROOT))
    assert len(attachment.sha256) == 64


def test_an_attachment_is_served_privately_and_each_view_audited(client, om, colleague, nominal):
    attachment, _ = recording.attachment_add(
        acting_user=om, visit=draft(nominal, om), upload=upload("John Smith.png")
    )
    for user in (om, colleague):
        client.force_login(user)
        response = client.get(attachment_url(attachment))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == png_bytes()
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["Content-Disposition"] == (
            f'inline; filename="visit-{attachment.visit_id}-photo-{attachment.pk}.png"'
        )
    views = AuditEvent.objects.filter(
        action="view", object_type="visits.VisitAttachment", object_id=str(attachment.pk)
    )
    assert sorted(views.values_list("username", flat=True)) == sorted(
        [om.username, colleague.username]
    )
    assert set(views.values_list("nominal_id", flat=True)) == {nominal.pk}


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_for_attachments(client, request, om, nominal, persona):
    attachment, _ = recording.attachment_add(
        acting_user=om, visit=draft(nominal, om), upload=upload()
    )
    client.force_login(request.getfixturevalue(persona))
    assert client.get(attachment_url(attachment)).status_code == 404
    api = reverse(
        "api:visit-attachment",
        kwargs={"visit_id": attachment.visit_id, "attachment_id": attachment.pk},
    )
    assert client.get(api).status_code in (403, 404)
    assert not AuditEvent.objects.filter(object_type="visits.VisitAttachment", action="view")


def test_an_attachment_is_only_served_under_its_own_case(client, om, nominal, other_force_nominal):
    attachment, _ = recording.attachment_add(
        acting_user=om, visit=draft(nominal, om), upload=upload()
    )
    client.force_login(om)
    other = Visit.objects.create(
        nominal=nominal, status=VisitStatus.DRAFT, created_by=om
    )  # same case, other visit: fine
    assert other
    from cases import services

    second = services.nominal_create(
        acting_user=om,
        data={"forenames": "A", "surname": "B", "date_of_birth": date(1990, 1, 1), "sex": "male"},
    )
    url = reverse("visits:attachment", kwargs={"pk": second.pk, "attachment_id": attachment.pk})
    assert client.get(url).status_code == 404


def test_the_visit_page_lists_attachments_for_readers(client, om, colleague, nominal):
    visit = recorded(nominal, om)
    recording.attachment_add(acting_user=om, visit=visit, upload=upload())
    recording.attachment_add(
        acting_user=om,
        visit=visit,
        upload=upload("talk.mp3", b"ID3\x04\x00\x00" + b"\x00" * 40, "audio/mpeg"),
    )
    client.force_login(colleague)
    response = client.get(reverse("visits:visit-detail", kwargs={"visit_id": visit.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="rsom-thumb"' in html and "<audio" in html and "controls" in html
    assert "Add to this visit" not in html  # readers do not add
    # The page itself is audited once; the files are audited as they are fetched.
    assert AuditEvent.objects.filter(action="view", object_type="visits.Visit").count() == 1


def test_adding_to_a_recorded_visit_from_its_page(client, om, nominal):
    visit = recorded(nominal, om)
    client.force_login(om)
    response = client.post(
        reverse("visits:attachment-add", kwargs={"pk": nominal.pk, "visit_id": visit.pk}),
        {"files": [upload(), upload("b.png", png_bytes((9, 9, 9)))], "caption": "Back garden"},
    )
    assert response.status_code == 302
    assert list(visit.attachments.values_list("caption", flat=True)) == ["Back garden"] * 2


# --- Permissions --------------------------------------------------------------------------------


def test_who_may_record(client, request, om, nominal):
    visit = draft(nominal, om)
    for persona, code in [
        ("om", 200),
        ("supervisor", 200),
        ("colleague", 403),
        ("om_south", 404),
        ("front_desk", 404),
        ("other_force_om", 404),
    ]:
        client.force_login(request.getfixturevalue(persona))
        assert client.get(record_url(visit)).status_code == code, persona
        posted = client.post(draft_url(visit), form_data(visit))
        assert posted.status_code in ((200, 409) if code == 200 else (code,)), persona
        started = client.post(reverse("visits:visit-start", kwargs={"pk": nominal.pk}))
        assert started.status_code == (302 if code == 200 else code), persona


def test_a_visit_under_another_case_is_404(client, om, nominal):
    from cases import services

    second = services.nominal_create(
        acting_user=om,
        data={"forenames": "A", "surname": "B", "date_of_birth": date(1990, 1, 1), "sex": "male"},
    )
    visit = draft(nominal, om)
    client.force_login(om)
    url = reverse("visits:visit-record", kwargs={"pk": second.pk, "visit_id": visit.pk})
    assert client.get(url).status_code == 404
    missing = reverse("visits:visit-detail", kwargs={"visit_id": 10**9})
    assert client.get(missing).status_code == 404


# --- API ----------------------------------------------------------------------------------------


def api_record_url(visit) -> str:
    return reverse("api:visit-record", kwargs={"visit_id": visit.pk})


def test_api_records_a_visit_and_a_retry_returns_it(client, om, nominal):
    visit = draft(nominal, om)
    client.force_login(om)
    body = {
        "outcome": "refused",
        "visited_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "address": home(nominal).pk,
        "observations": [{"item": "Hostile orientation", "seen": True, "note": "Shouting"}],
        "client_key": str(visit.client_key),
    }
    first = client.post(api_record_url(visit), body, content_type="application/json")
    assert first.status_code == 200, first.json()
    assert first.json()["status"] == "recorded" and first.json()["failed"] is True
    again = client.post(
        api_record_url(visit), {**body, "outcome": "completed"}, content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["outcome"] == "refused"
    assert CaseEvent.objects.filter(kind="visit_failed").count() == 1


def test_api_records_an_unplanned_visit_idempotently(client, om, nominal):
    client.force_login(om)
    key = str(uuid.uuid4())
    url = reverse("api:nominal-visit-record", kwargs={"pk": nominal.pk})
    body = {
        "outcome": "completed",
        "visited_at": (timezone.now() - timedelta(minutes=30)).isoformat(),
        "address": home(nominal).pk,
        "client_key": key,
    }
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Visit.objects.filter(nominal=nominal).count() == 1


def test_api_errors_have_one_shape_and_never_500(client, om, colleague, nominal):
    visit = draft(nominal, om)
    client.force_login(om)
    bad = client.post(
        api_record_url(visit),
        {"outcome": "maybe", "visited_at": "yesterday"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"message", "errors"}
    assert set(bad.json()["errors"]) == {"outcome", "visited_at"}
    future = client.post(
        api_record_url(visit),
        {"outcome": "completed", "visited_at": (timezone.now() + timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert future.status_code == 400 and "visited_at" in future.json()["errors"]
    wrong_address = client.post(
        api_record_url(visit),
        {"outcome": "completed", "visited_at": timezone.now().isoformat(), "address": 999999},
        content_type="application/json",
    )
    assert wrong_address.status_code == 404
    no_file = client.post(reverse("api:visit-attachments", kwargs={"visit_id": visit.pk}), {})
    assert no_file.status_code == 400 and "file" in no_file.json()["errors"]
    stale = client.post(
        api_record_url(visit),
        {
            "outcome": "completed",
            "visited_at": timezone.now().isoformat(),
            "address": home(nominal).pk,
            "draft_version": 7,
        },
        content_type="application/json",
    )
    assert stale.status_code == 409 and set(stale.json()) == {"message", "errors"}
    client.force_login(colleague)
    assert (
        client.post(api_record_url(visit), {}, content_type="application/json").status_code == 403
    )
    missing = client.get(reverse("api:visit-attachments", kwargs={"visit_id": 10**9}))
    assert missing.status_code == 404 and set(missing.json()) == {"message", "errors"}


def test_api_attachments_upload_list_and_fetch(client, om, nominal):
    visit = draft(nominal, om)
    client.force_login(om)
    url = reverse("api:visit-attachments", kwargs={"visit_id": visit.pk})
    made = client.post(url, {"file": upload(), "caption": "Front door"})
    assert made.status_code == 201
    again = client.post(url, {"file": upload()})
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    fake = client.post(url, {"file": upload("x.jpg", b"hello there, not a jpeg", "image/jpeg")})
    assert (
        fake.status_code == 400
        and "not a real JPEG photo" in fake.json()["errors"]["non_field_errors"][0]
    )
    listed = client.get(url)
    assert [row["caption"] for row in listed.json()["results"]] == ["Front door"]
    fetched = client.get(listed.json()["results"][0]["file_url"], HTTP_ACCEPT="image/*")
    assert fetched.status_code == 200 and fetched["Cache-Control"] == "private, no-store"
    assert fetched["X-Content-Type-Options"] == "nosniff"
    assert fetched["Content-Disposition"].startswith('inline; filename="visit-')
    assert (
        AuditEvent.objects.filter(
            action="view", object_type="visits.VisitAttachment", object_id=str(made.json()["id"])
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    "persona,read,write",
    [
        ("om", 200, 201),
        ("supervisor", 200, 201),
        ("colleague", 200, 403),
        ("om_south", 404, 404),
        ("front_desk", 403, 403),
        ("mappa_chair", 404, 404),
        ("administrator", 403, 403),
        ("other_force_om", 404, 404),
    ],
)
def test_api_permissions_per_persona(client, request, om, nominal, persona, read, write):
    visit = draft(nominal, om)
    client.force_login(request.getfixturevalue(persona))
    url = reverse("api:visit-attachments", kwargs={"visit_id": visit.pk})
    assert client.get(url).status_code == read
    assert client.post(url, {"file": upload()}).status_code == write


def test_api_needs_sign_in(client, om, nominal):
    visit = draft(nominal, om)
    assert (
        client.get(reverse("api:visit-attachments", kwargs={"visit_id": visit.pk})).status_code
        == 401
    )


def test_warrant_notice_goes_to_the_inbox_once(om, nominal):
    day = timezone.localdate() - timedelta(days=5)
    recorded(nominal, om, outcome="no_answer", on=day)
    assert not InboxItem.objects.filter(kind="visit_warrant").exists()
    recorded(nominal, om, outcome="refused", on=day + timedelta(days=2))
    recorded(nominal, om, outcome="not_present", on=day + timedelta(days=3))
    item = InboxItem.objects.get(kind="visit_warrant")
    assert item.user == om and item.title == "A warrant under s.96B may be sought"


@pytest.mark.django_db(transaction=True)
def test_a_photo_saved_while_the_draft_saves_does_not_deadlock(om, nominal):
    """The photo's transaction holds the audit chain's lock and checks its key to the visit at
    commit; the draft save locks the visit and waits for the audit lock."""
    import threading
    import time

    from django.db import connection, transaction

    visit = draft(nominal, om)
    photo_pending = threading.Event()
    problems: list[BaseException] = []

    def add_photo():
        try:
            with transaction.atomic():
                recording.attachment_add(acting_user=om, visit=visit, upload=upload())
                photo_pending.set()
                time.sleep(0.5)  # the draft save is now waiting for the audit lock
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            problems.append(error)
            photo_pending.set()
        finally:
            connection.close()

    def save_draft():
        photo_pending.wait(5)
        try:
            recording.visit_draft_save(
                acting_user=om, visit=visit, data={"concerns": "Typed"}, version=0
            )
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            problems.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add_photo), threading.Thread(target=save_draft)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not problems, problems
    visit.refresh_from_db()
    assert visit.concerns == "Typed" and visit.attachments.count() == 1


# --- Query counts -------------------------------------------------------------------------------


def add_photos(visit, user, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        recording.attachment_add(
            acting_user=user, visit=visit, upload=upload(f"{n}.png", png_bytes((n, 7, 7)))
        )


def test_the_visit_page_reads_in_flat_queries(client, om, nominal, django_assert_max_num_queries):
    visit = recorded(nominal, om)
    add_photos(visit, om, 1)
    client.force_login(om)
    url = reverse("visits:visit-detail", kwargs={"visit_id": visit.pk})
    client.get(url)
    with django_assert_max_num_queries(QUERIES_VISIT_PAGE):
        assert client.get(url).status_code == 200
    add_photos(visit, om, 9, start=1)
    with django_assert_max_num_queries(QUERIES_VISIT_PAGE):
        assert len(client.get(url).context["attachments"]) == 10


def test_the_record_page_reads_in_flat_queries(client, om, nominal, django_assert_max_num_queries):
    visit = draft(nominal, om)
    add_photos(visit, om, 1)
    client.force_login(om)
    client.get(record_url(visit))
    with django_assert_max_num_queries(QUERIES_RECORD_PAGE):
        assert client.get(record_url(visit)).status_code == 200
    add_photos(visit, om, 9, start=1)
    with django_assert_max_num_queries(QUERIES_RECORD_PAGE):
        assert client.get(record_url(visit)).status_code == 200


def test_the_attachments_api_lists_in_flat_queries(
    client, om, nominal, django_assert_max_num_queries
):
    visit = draft(nominal, om)
    add_photos(visit, om, 1)
    client.force_login(om)
    url = reverse("api:visit-attachments", kwargs={"visit_id": visit.pk})
    client.get(url)
    with django_assert_max_num_queries(QUERIES_API_LIST):
        assert client.get(url).json()["count"] == 1
    add_photos(visit, om, 9, start=1)
    with django_assert_max_num_queries(QUERIES_API_LIST):
        assert client.get(url).json()["count"] == 10
