"""The written acknowledgement (s.87(3)): the PDF, who may print it, and checking a code."""

from __future__ import annotations

import io
import time
import uuid
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.models import AuditAction, AuditEvent, BankAccount, NominalStatus, PaymentCard
from notifications import services as register
from notifications.acknowledgement import (
    NO_REMOTE_FETCHER,
    acknowledgement_filename,
    acknowledgement_queryset,
    normalise_code,
    render_acknowledgement_pdf,
)
from notifications.models import Clock, Notification


def pdf_url(notification) -> str:
    return reverse("notifications:acknowledgement-pdf", args=[notification.pk])


def verify_url(code: str | None = None) -> str:
    url = reverse("notifications:acknowledgement-verify")
    return url if code is None else f"{url}?code={code}"


def read_pdf(content: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return reader, [page.extract_text() for page in reader.pages]


def fetch_pdf(client, user, notification) -> tuple[PdfReader, str]:
    client.force_login(user)
    response = client.get(pdf_url(notification))
    assert response.status_code == 200
    reader, pages = read_pdf(response.content)
    return reader, "\n".join(pages)


def printed(notification) -> str:
    """The PDF's text as rendered from the stored notification (after any test change to it)."""
    fresh = acknowledgement_queryset().get(pk=notification.pk)
    return "\n".join(read_pdf(render_acknowledgement_pdf(fresh))[1])


@pytest.fixture
def notification_with_money(conviction, front_desk, station):
    """A periodic notification by someone with a bank account and a payment card."""
    nominal = conviction.nominal
    BankAccount.objects.create(
        nominal=nominal, institution="Barclays", sort_code="20-00-00", account_number="12345678"
    )
    PaymentCard.objects.create(
        nominal=nominal, issuer="Visa", card_number="4929123456789012", expires="12/29"
    )
    made, _ = register.notification_record(
        acting_user=front_desk,
        nominal=nominal,
        idempotency_key="0d9e3a6c-2b1f-4c8e-9f07-5a4b3c2d1e0f",
        data={"type": "periodic", "station": station, "identity_confirmed": True},
    )
    return made


# --- The PDF -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_front_desk_prints_an_a4_acknowledgement(client, front_desk, notification):
    client.force_login(front_desk)
    response = client.get(pdf_url(notification))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reference = notification.nominal.reference
    assert response["Content-Disposition"].startswith(
        f'inline; filename="acknowledgement-{reference}-'
    )
    assert response["Content-Disposition"].endswith('.pdf"')
    assert "no-store" in response["Cache-Control"]

    reader, pages = read_pdf(response.content)
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 0), round(float(box.height), 0)) == (595, 842)
    text = "\n".join(pages)
    for expected in [
        "OFFICIAL-SENSITIVE",
        "Page 1 of",
        "Printed ",
        "Acknowledgement of notification",
        "Sexual Offences Act 2003",
        "87(3)",
        "John Paul Smith",
        "12 April 1980",
        reference,
        "Periodic notification",
        "Reading police station",
        "Tom Reed",
        notification.verification_code,
        "can check that this acknowledgement is genuine",
        "RSOM",
    ]:
        assert expected in text, expected


@pytest.mark.django_db
def test_pdf_shows_the_next_periodic_due_date_from_the_clock(client, front_desk, notification):
    due = Clock.objects.get(pk=notification.nominal_id).next_periodic_due
    assert due is not None
    _, text = fetch_pdf(client, front_desk, notification)
    assert f"{due:%-d %B %Y}" in text


@pytest.mark.django_db
def test_pdf_without_a_clock_says_the_date_is_not_recorded(notification):
    Clock.objects.filter(pk=notification.nominal_id).delete()
    assert "Not recorded: ask at the police station" in printed(notification)


@pytest.mark.django_db
def test_pdf_prints_only_masked_account_and_card_numbers(
    client, front_desk, notification_with_money
):
    _, text = fetch_pdf(client, front_desk, notification_with_money)
    assert "12345678" not in text
    assert "5678" in text
    assert "4929123456789012" not in text
    assert "9012" in text
    assert "Barclays" in text and "Visa" in text


@pytest.mark.django_db
def test_pdf_prints_the_details_snapshot_as_given(notification):
    Notification.objects.filter(pk=notification.pk).update(
        details=[
            {
                "section": "Home address",
                "slug": "home-address",
                "items": [{"label": "Home address", "value": "7 Canal Walk, Oxford OX1 2AB"}],
                "changed": True,
            },
            {"section": "Payment cards", "slug": "cards", "items": [], "changed": False},
        ]
    )
    text = printed(notification)
    assert "7 Canal Walk, Oxford OX1 2AB" in text
    assert "Changed" in text
    assert "None notified" in text
    # The snapshot, not the record as it stands now.
    assert "12 Mill Lane" not in text


@pytest.mark.django_db
def test_marking_and_page_numbers_on_every_page(notification):
    items = [
        {"label": f"Address {i}", "value": f"{i} Long Road, Reading RG1 1AA"} for i in range(90)
    ]
    Notification.objects.filter(pk=notification.pk).update(
        details=[{"section": "Other addresses", "slug": "x", "items": items, "changed": False}]
    )
    fresh = acknowledgement_queryset().get(pk=notification.pk)
    reader, pages = read_pdf(render_acknowledgement_pdf(fresh))

    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in text, number
        assert f"Page {number} of {len(pages)}" in text, number
        assert notification.verification_code in text, number


@pytest.mark.django_db
def test_change_notification_lists_what_changed(notification):
    Notification.objects.filter(pk=notification.pk).update(
        type="change",
        change_types=["home_address", "account"],
        event_date=date(2026, 3, 2),
    )
    text = printed(notification)
    assert "Notification of a change" in text
    assert "New home address" in text
    assert "Bank account opened or closed" in text
    assert "Date of the change" in text and "2 March 2026" in text


@pytest.mark.django_db
def test_travel_notification_prints_the_trip(notification):
    Notification.objects.filter(pk=notification.pk).update(
        type="travel",
        departure_date=date(2026, 8, 20),
        departure_point="London Heathrow",
        destinations="Spain: Málaga airport",
        carriers="Iberia IB3163",
        first_night_accommodation="Hotel Sol, Málaga",
        return_date=date(2026, 8, 27),
        return_point="London Gatwick",
    )
    text = printed(notification)
    assert "Travel abroad" in text
    for expected in [
        "20 August 2026",
        "London Heathrow",
        "Málaga airport",
        "Iberia IB3163",
        "Hotel Sol",
        "27 August 2026",
        "London Gatwick",
    ]:
        assert expected in text, expected


@pytest.mark.django_db
def test_travel_at_short_notice_prints_the_reason(notification):
    Notification.objects.filter(pk=notification.pk).update(
        type="travel",
        departure_date=date(2026, 8, 20),
        short_notice_reason="Called away to a funeral",
    )
    text = printed(notification)
    assert "reasonably practicable" in " ".join(text.split()), text
    assert "Called away to a funeral" in text


@pytest.mark.django_db
def test_a_change_to_a_trip_prints_which_trip_it_changes(notification):
    trip = Notification.objects.get(pk=notification.pk)
    trip.pk, trip.verification_code, trip.idempotency_key = None, "TRIP0000001", uuid.uuid4()
    trip.type, trip.departure_date = "travel", date(2026, 8, 20)
    trip.save()
    Notification.objects.filter(pk=notification.pk).update(
        type="travel", departure_date=date(2026, 8, 20), amends=trip
    )
    text = " ".join(printed(notification).split())
    assert "Changes the trip notified" in text and "Notified on" in text


@pytest.mark.django_db
def test_periodic_notification_has_no_travel_section(notification):
    assert "Travel abroad" not in printed(notification)


@pytest.mark.django_db
def test_time_is_london_local_and_officer_shows_collar_number(notification, front_desk):
    front_desk.collar_number = "4521"
    front_desk.save(update_fields=["collar_number"])
    # 23:30 UTC in summer is 00:30 the next day in London.
    Notification.objects.filter(pk=notification.pk).update(
        taken_at=datetime(2026, 7, 1, 23, 30, tzinfo=UTC),
        fingerprints_taken=True,
        photograph_taken=False,
    )
    fresh = acknowledgement_queryset().get(pk=notification.pk)
    text = "\n".join(read_pdf(render_acknowledgement_pdf(fresh))[1])
    assert "2 July 2026 at 12:30am" in text
    assert "Tom Reed (collar number 4521)" in text
    assert "Fingerprints taken Yes" in " ".join(text.split())
    assert "Photograph taken No" in " ".join(text.split())
    name = acknowledgement_filename(fresh)
    assert name == f"acknowledgement-{fresh.nominal.reference}-20260702.pdf"


@pytest.mark.django_db
def test_pdf_is_titled_tagged_and_in_english(notification):
    fresh = acknowledgement_queryset().get(pk=notification.pk)
    reader = PdfReader(io.BytesIO(render_acknowledgement_pdf(fresh)))
    assert reader.metadata.title.startswith("Acknowledgement of notification")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root


def test_pdf_never_fetches_remote_resources():
    for url in ["https://example.org/font.woff", "http://127.0.0.1/x.css", "file:///etc/passwd"]:
        with pytest.raises(ValueError):
            NO_REMOTE_FETCHER.fetch(url)


@pytest.mark.django_db
def test_render_time_is_reported(notification, record_property):
    fresh = acknowledgement_queryset().get(pk=notification.pk)
    started = time.perf_counter()
    render_acknowledgement_pdf(fresh)
    seconds = time.perf_counter() - started
    # Recorded for reading in reports, not asserted: machines differ.
    record_property("acknowledgement_render_seconds", round(seconds, 3))
    print(f"acknowledgement PDF rendered in {seconds:.3f} s")


# --- Printing: the audit trail and who may print ------------------------------------------------


@pytest.mark.django_db
def test_each_print_is_logged_as_a_disclosure_to_the_person(client, front_desk, notification):
    client.force_login(front_desk)
    client.get(pdf_url(notification))
    client.get(pdf_url(notification))

    events = AuditEvent.objects.filter(
        action=AuditAction.DISCLOSE, object_type="notifications.Notification"
    )
    assert events.count() == 2
    event = events.first()
    assert event.object_id == str(notification.pk)
    assert event.nominal_id == notification.nominal_id
    assert event.user_id == front_desk.pk
    assert event.description == "Written acknowledgement printed"
    assert event.recipient == "John Paul Smith"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona, expected",
    [
        ("front_desk", 200),
        ("om", 200),
        ("colleague", 200),
        ("supervisor", 200),
        ("om_south", 404),
        ("mappa_chair", 404),
        ("administrator", 404),
        ("other_force_om", 404),
    ],
)
def test_who_may_print(request, client, notification, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(pdf_url(notification))
    assert response.status_code == expected
    disclosed = AuditEvent.objects.filter(action=AuditAction.DISCLOSE).exists()
    assert disclosed == (expected == 200)


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, notification):
    response = client.get(pdf_url(notification))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_unknown_notification_is_not_found(client, om, notification):
    client.force_login(om)
    assert (
        client.get(reverse("notifications:acknowledgement-pdf", args=[999999])).status_code == 404
    )


@pytest.mark.django_db
def test_print_is_get_only(client, front_desk, notification):
    client.force_login(front_desk)
    assert client.post(pdf_url(notification)).status_code == 405


@pytest.mark.django_db
def test_front_desk_cannot_print_once_the_person_is_off_the_register(
    client, front_desk, om, notification
):
    notification.nominal.__class__.objects.filter(pk=notification.nominal_id).update(
        status=NominalStatus.NOTIFICATION_ENDED
    )
    client.force_login(front_desk)
    assert client.get(pdf_url(notification)).status_code == 404
    # The offender manager still can, from the case.
    client.force_login(om)
    assert client.get(pdf_url(notification)).status_code == 200


@pytest.mark.django_db
def test_print_page_query_count_is_small(
    client, front_desk, notification, django_assert_max_num_queries
):
    client.force_login(front_desk)
    with django_assert_max_num_queries(12):
        assert client.get(pdf_url(notification)).status_code == 200


# --- Checking a code -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "K7QM-4TXP-9H",
        "k7qm-4txp-9h",
        "K7QM4TXP9H",
        " k7qm 4txp 9h ",
        "K7Q-M4TX--P9H",
        "k7qm–4txp–9h",
    ],
)
def test_codes_are_normalised_to_the_stored_form(typed):
    assert normalise_code(typed) == "K7QM-4TXP-9H"


@pytest.mark.parametrize(
    "typed", ["", "K7QM-4TXP", "K7QM-4TXP-9H2", "K7QM-4TXP-9O", "K7QM-4TXP-91"]
)
def test_impossible_codes_are_refused(typed):
    assert normalise_code(typed) is None


@pytest.mark.django_db
def test_a_genuine_code_shows_only_what_matches_the_paper(client, front_desk, notification):
    client.force_login(front_desk)
    response = client.get(verify_url(notification.verification_code))

    assert response.status_code == 200
    page = response.content.decode()
    assert "This acknowledgement is genuine" in page
    assert notification.nominal.reference in page
    assert "Periodic notification" in page
    assert "Reading police station" in page
    assert "Tom Reed" in page
    # Nothing else of the case.
    assert "John Paul Smith" not in page
    assert "12 April 1980" not in page
    assert "Mill Lane" not in page

    event = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("id")
    assert notification.verification_code in event.description
    assert "genuine" in event.description
    assert event.object_id == str(notification.pk)
    assert event.user_id == front_desk.pk


@pytest.mark.django_db
def test_a_code_typed_loosely_is_still_found(client, om, notification):
    typed = " " + notification.verification_code.replace("-", " ").lower()
    client.force_login(om)
    response = client.get(reverse("notifications:acknowledgement-verify"), {"code": typed})
    assert "This acknowledgement is genuine" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_code_is_an_error_that_keeps_what_was_typed(client, front_desk, notification):
    unknown = "ZZZZ-ZZZZ-ZZ" if notification.verification_code != "ZZZZ-ZZZZ-ZZ" else "YYYY-YYYY-YY"
    client.force_login(front_desk)
    response = client.get(verify_url(unknown.lower()))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "No acknowledgement in this force has that code" in page
    assert "govuk-error-summary" in page
    assert f'value="{unknown.lower()}"' in page
    assert "This acknowledgement is genuine" not in page

    event = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("id")
    assert unknown in event.description and "no match" in event.description
    assert event.nominal_id is None


@pytest.mark.django_db
def test_a_malformed_code_says_what_a_code_looks_like(client, front_desk, notification):
    client.force_login(front_desk)
    response = client.get(verify_url("ABC-12"))
    page = response.content.decode()
    assert "Enter the verification code as printed" in page
    assert 'value="ABC-12"' in page
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


@pytest.mark.django_db
def test_an_empty_code_asks_for_one(client, front_desk):
    client.force_login(front_desk)
    response = client.get(verify_url(""))
    assert "Enter the verification code" in response.content.decode()


@pytest.mark.django_db
def test_the_blank_form_checks_nothing(client, front_desk):
    client.force_login(front_desk)
    response = client.get(verify_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Check an acknowledgement" in page
    assert "govuk-error-summary" not in page
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


@pytest.mark.django_db
def test_the_check_form_keeps_the_csrf_token_out_of_the_address(client, front_desk):
    client.force_login(front_desk)
    page = client.get(verify_url()).content.decode()
    check_form = page.split('<form method="get"', 1)[1].split("</form>", 1)[0]
    assert 'name="code"' in check_form
    assert "csrfmiddlewaretoken" not in check_form


@pytest.mark.django_db
def test_another_forces_code_is_not_revealed(client, other_force_om, notification):
    client.force_login(other_force_om)
    response = client.get(verify_url(notification.verification_code))
    page = response.content.decode()
    assert "No acknowledgement in this force has that code" in page
    assert notification.nominal.reference not in page
    assert "Reading police station" not in page
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("id")
    assert "no match" in event.description and event.object_id == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona, expected",
    [
        ("front_desk", 200),
        ("om", 200),
        ("colleague", 200),
        ("om_south", 200),
        ("supervisor", 200),
        ("mappa_chair", 200),
        ("other_force_om", 200),
        ("administrator", 403),
    ],
)
def test_who_may_check_a_code(request, client, notification, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(verify_url(notification.verification_code))
    assert response.status_code == expected
    checked = AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()
    assert checked == (expected == 200)


@pytest.mark.django_db
def test_checking_a_code_needs_sign_in(client):
    response = client.get(verify_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_om_south_sees_a_genuine_code_of_their_own_force(client, om_south, notification):
    """Checking a code is force-wide: it tells no more than the paper already shows."""
    client.force_login(om_south)
    response = client.get(verify_url(notification.verification_code))
    assert "This acknowledgement is genuine" in response.content.decode()
