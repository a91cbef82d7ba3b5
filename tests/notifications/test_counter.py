"""The counter journey at the front desk, end to end through the test client."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Address, AuditEvent, BankAccount, CaseEvent, InboxItem, OtherName
from notifications import services as register
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _date(prefix, day):
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def start(client, nominal, station, kind="periodic"):
    response = client.post(
        reverse("notifications:frontdesk-notify-start", args=[nominal.pk]),
        {"type": kind, "station": station.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    key = response.url.rstrip("/").split("/")[-2]
    identity = client.post(response.url, {"identity_confirmed": "photograph"})
    assert identity.status_code == 302
    return key


SAME = {
    f"{slug}-status": "same"
    for slug in [
        "names",
        "home-address",
        "other-addresses",
        "households",
        "ni-number",
        "accounts",
        "cards",
        "documents",
    ]
}


def details_url(nominal, key):
    return reverse("notifications:frontdesk-notify-details", args=[nominal.pk, key])


def check_url(nominal, key):
    return reverse("notifications:frontdesk-notify-check", args=[nominal.pk, key])


def test_annual_notification_with_a_change_of_address(client, front_desk, conviction, station):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station)
    moved = timezone.localdate() - timedelta(days=1)
    data = {
        **SAME,
        "home-address-status": "changed",
        "home-address-new-kind": "home",
        "home-address-new-line_1": "4 Station Road",
        "home-address-new-town": "Reading",
        "home-address-new-postcode": "rg1 1aa",
        **_date("home-address-new-from_date", moved),
    }
    response = client.post(details_url(nominal, key), data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    page = client.get(check_url(nominal, key))
    assert "Home address" in page.content.decode()
    done = client.post(check_url(nominal, key), {"fingerprints_taken": "on"})
    assert done.status_code == 302
    notification = Notification.objects.get(nominal=nominal)
    assert notification.type == "periodic"
    assert notification.change_types == ["home_address"]
    assert notification.fingerprints_taken and not notification.photograph_taken
    assert notification.identity_confirmed
    # The record changed, with history, and the old home address ended the day before.
    homes = Address.objects.filter(nominal=nominal, kind="home").order_by("from_date")
    assert [a.postcode for a in homes] == ["RG1 4XX", "RG1 1AA"]
    assert homes[0].to_date == moved - timedelta(days=1)
    assert CaseEvent.objects.filter(nominal=nominal, kind="address_added").exists()
    # The snapshot holds the new address and marks the section changed.
    home = next(s for s in notification.details if s["slug"] == "home-address")
    assert home["changed"] and "4 Station Road" in home["items"][0]["value"]
    # The offender manager is told.
    item = InboxItem.objects.get(user=nominal.offender_manager, kind="notification")
    assert "Periodic notification" in item.title and "4 Station Road" in item.detail
    # A change of address calls for an ARMS review.
    assert InboxItem.objects.get(user=nominal.offender_manager, kind="arms_review")
    # The done page offers the acknowledgement and shows the next due date.
    page = client.get(done.url)
    assert "Print the acknowledgement" in page.content.decode()
    assert notification.verification_code in page.content.decode()


def _stays_at_a_friends_flat(**extra):
    return {
        **SAME,
        "release-status": "same",
        "other-addresses-status": "changed",
        "other-addresses-new-line_1": "Flat 2, 9 Mill Lane",
        "other-addresses-new-town": "Reading",
        **extra,
    }


def test_2_6_the_counter_works_out_when_stays_reached_7_days(
    client, front_desk, conviction, station
):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="change")
    first = timezone.localdate() - timedelta(days=20)  # stays 3 days, then 4 days a week later
    data = _stays_at_a_friends_flat(
        **_date("other-addresses-new-stay_1_first", first),
        **_date("other-addresses-new-stay_1_last", first + timedelta(days=2)),
        **_date("other-addresses-new-stay_2_first", first + timedelta(days=9)),
        **_date("other-addresses-new-stay_2_last", first + timedelta(days=12)),
    )

    response = client.post(details_url(nominal, key), data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    client.post(check_url(nominal, key), {})

    reached = first + timedelta(days=12)
    notification = Notification.objects.get(nominal=nominal)
    assert notification.event_date == reached
    assert notification.deadline == reached + timedelta(days=2)  # 3 days beginning with it
    flat = Address.objects.get(nominal=nominal, line_1="Flat 2, 9 Mill Lane")
    assert flat.kind == "other" and flat.from_date == reached
    assert flat.notes.startswith("Stays: ")


def test_stays_short_of_7_days_are_refused_and_kept(client, front_desk, conviction, station):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="change")
    first = timezone.localdate() - timedelta(days=10)
    data = _stays_at_a_friends_flat(
        **_date("other-addresses-new-stay_1_first", first),
        **_date("other-addresses-new-stay_1_last", first + timedelta(days=5)),
        **_date("other-addresses-new-stay_2_first", first + timedelta(days=8)),
    )

    page = client.post(details_url(nominal, key), data)

    text = page.content.decode()
    assert page.status_code == 200
    assert "Enter the last day of stay 2" in text
    assert "Flat 2, 9 Mill Lane" in text  # nothing typed is lost
    one_stay = {k: v for k, v in data.items() if "stay_2" not in k}
    page = client.post(details_url(nominal, key), one_stay)
    assert "never add up to 7 days within 12 months (6 days in all)" in page.content.decode()
    assert not Notification.objects.exists()


def test_a_date_that_disagrees_with_the_stays_is_refused(client, front_desk, conviction, station):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="change")
    first = timezone.localdate() - timedelta(days=10)
    data = _stays_at_a_friends_flat(
        **_date("other-addresses-new-from_date", first),
        **_date("other-addresses-new-stay_1_first", first),
        **_date("other-addresses-new-stay_1_last", first + timedelta(days=6)),
    )

    page = client.post(details_url(nominal, key), data)

    assert "The stays reached 7 days on" in page.content.decode()


def test_pressing_submit_twice_records_one_notification(client, front_desk, conviction, station):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station)
    client.post(details_url(nominal, key), SAME)
    first = client.post(check_url(nominal, key), {})
    second = client.post(check_url(nominal, key), {})
    assert Notification.objects.filter(nominal=nominal).count() == 1
    assert first.url == second.url


def test_every_section_needs_an_answer_and_input_is_kept(client, front_desk, conviction, station):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station)
    data = {
        "names-status": "changed",
        "names-new-forenames": "Jon",
        "names-new-surname": "",
    }
    response = client.post(details_url(nominal, key), data)
    assert response.status_code == 200
    texts = [e["text"] for e in response.context["errors"]]
    assert "Home address: select whether they are the same or have changed" in texts
    assert any(t.startswith("Names:") for t in texts)
    assert 'value="Jon"' in response.content.decode()
    assert not Notification.objects.exists()


def test_a_change_notification_needs_a_change(client, front_desk, conviction, station):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="change")
    response = client.post(details_url(nominal, key), {**SAME, "release-status": "same"})
    assert "Select at least one detail that has changed" in [
        e["text"] for e in response.context["errors"]
    ]


def test_name_change_keeps_the_old_name(client, front_desk, conviction, station):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="change")
    data = {
        **SAME,
        "release-status": "same",
        "names-status": "changed",
        "names-new-forenames": "John",
        "names-new-surname": "Smythe",
        **_date("names-new-changed_on", timezone.localdate()),
    }
    assert client.post(details_url(nominal, key), data).status_code == 302
    client.post(check_url(nominal, key), {})
    nominal.refresh_from_db()
    assert nominal.surname == "Smythe"
    assert OtherName.objects.get(nominal=nominal).name == "John Paul Smith"
    notification = Notification.objects.get(nominal=nominal)
    assert notification.deadline == timezone.localdate() + timedelta(days=2)


def test_new_account_is_masked_in_the_snapshot(client, front_desk, conviction, station):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="change")
    data = {
        **SAME,
        "release-status": "same",
        "accounts-status": "changed",
        "accounts-new-institution": "Northern Bank",
        "accounts-new-sort_code": "30-99-50",
        "accounts-new-account_number": "12345678",
        **_date("accounts-new-from_date", timezone.localdate()),
    }
    response = client.post(details_url(nominal, key), data)
    assert response.status_code == 302, response.context["errors"]
    client.post(check_url(nominal, key), {})
    notification = Notification.objects.get(nominal=nominal)
    assert "12345678" not in str(notification.details) + str(notification.changes)
    assert "5678" in str(notification.details)
    assert BankAccount.objects.get(nominal=nominal).account_number == "12345678"


def test_closing_an_account(client, front_desk, conviction, station):
    nominal = conviction.nominal
    account = BankAccount.objects.create(
        nominal=nominal, institution="Old Bank", sort_code="30-99-50", account_number="87654321"
    )
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="change")
    data = {
        **SAME,
        "release-status": "same",
        "accounts-status": "changed",
        "accounts-closed-closed": [str(account.pk)],
        **_date("accounts-closed-closed_on", timezone.localdate()),
    }
    response = client.post(details_url(nominal, key), data)
    assert response.status_code == 302, response.context["errors"]
    client.post(check_url(nominal, key), {})
    account.refresh_from_db()
    assert account.to_date == timezone.localdate()


def test_advance_notice_of_a_move_opens_a_non_occurrence_deadline(
    client, front_desk, conviction, station
):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="change")
    expected = timezone.localdate() + timedelta(days=10)
    data = {
        **SAME,
        "release-status": "same",
        "home-address-status": "changed",
        "home-address-new-kind": "home",
        "home-address-new-line_1": "9 New Street",
        "home-address-new-town": "Slough",
        **_date("home-address-new-from_date", expected),
    }
    assert client.post(details_url(nominal, key), data).status_code == 302
    client.post(check_url(nominal, key), {})
    notification = Notification.objects.get(nominal=nominal)
    assert notification.in_advance and notification.event_date == expected
    # Not applied yet: the home address is unchanged until the day.
    assert not Address.objects.filter(nominal=nominal, line_1="9 New Street").exists()
    deadline = nominal.open_deadlines.get()
    assert deadline.kind == "non_occurrence" and deadline.due == expected + timedelta(days=5)


def _trip(leaving, **extra):
    return {
        **_date("departure_date", leaving),
        "departure_point": "Heathrow",
        "destinations": "Spain: Malaga airport",
        "carriers": "Iberia",
        "first_night_accommodation": "Hotel Sol, Malaga",
        **extra,
    }


def test_a_planned_account_and_one_closed_are_refused_as_one_notification(
    client, front_desk, conviction, station
):
    nominal = conviction.nominal
    account = BankAccount.objects.create(
        nominal=nominal, institution="Old Bank", sort_code="30-99-50", account_number="87654321"
    )
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="change")
    data = {
        **SAME,
        "release-status": "same",
        "accounts-status": "changed",
        "accounts-new-institution": "Northern Bank",
        "accounts-new-sort_code": "30-99-51",
        "accounts-new-account_number": "12345678",
        **_date("accounts-new-from_date", timezone.localdate() + timedelta(days=10)),
        "accounts-closed-closed": [str(account.pk)],
        **_date("accounts-closed-closed_on", timezone.localdate() - timedelta(days=6)),
    }

    page = client.post(details_url(nominal, key), data)

    assert "separate notifications" in page.content.decode()
    assert not Notification.objects.exists()


def test_a_planned_move_and_a_new_account_are_refused_as_one_notification(
    client, front_desk, conviction, station
):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="change")
    data = {
        **SAME,
        "release-status": "same",
        "home-address-status": "changed",
        "home-address-new-kind": "home",
        "home-address-new-line_1": "9 New Street",
        "home-address-new-town": "Slough",
        **_date("home-address-new-from_date", timezone.localdate() + timedelta(days=10)),
        "accounts-status": "changed",
        "accounts-new-institution": "Northern Bank",
        "accounts-new-sort_code": "30-99-50",
        "accounts-new-account_number": "12345678",
        **_date("accounts-new-from_date", timezone.localdate()),
    }

    page = client.post(details_url(nominal, key), data)

    text = page.content.decode()
    assert page.status_code == 200 and "separate notifications" in text
    assert "9 New Street" in text and "Northern Bank" in text  # nothing typed is lost
    assert not Notification.objects.exists()


def test_travel_notification(client, front_desk, conviction, station):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="travel")
    leaving = timezone.localdate() + timedelta(days=20)
    data = _trip(leaving, **_date("return_date", leaving + timedelta(days=7)))
    assert client.post(details_url(nominal, key), data).status_code == 302
    client.post(check_url(nominal, key), {})
    notification = Notification.objects.get(nominal=nominal)
    assert notification.departure_date == leaving
    assert notification.deadline == leaving - timedelta(days=7)
    assert nominal.open_deadlines.get().kind == "travel_return"


def test_travel_at_short_notice_with_a_reason_is_due_24_hours_before(
    client, front_desk, conviction, station
):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="travel")
    leaving = timezone.localdate() + timedelta(days=2)
    reason = "Called away to a parent's funeral in Malaga yesterday"

    assert (
        client.post(
            details_url(nominal, key), _trip(leaving, short_notice_reason=reason)
        ).status_code
        == 302
    )
    check = client.get(check_url(nominal, key)).content.decode()
    assert "Why they could not give 7 days" in check and "funeral" in check
    client.post(check_url(nominal, key), {})

    notification = Notification.objects.get(nominal=nominal)
    assert notification.short_notice_reason == reason
    assert notification.deadline == leaving - timedelta(days=1) and notification.on_time


def test_travel_at_short_notice_without_a_reason_is_late(client, front_desk, conviction, station):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="travel")
    leaving = timezone.localdate() + timedelta(days=2)

    client.post(details_url(nominal, key), _trip(leaving))
    client.post(check_url(nominal, key), {})

    notification = Notification.objects.get(nominal=nominal)
    assert notification.deadline == leaving - timedelta(days=7) and not notification.on_time


def test_a_reason_for_short_notice_is_refused_when_7_days_notice_is_given(
    client, front_desk, conviction, station
):
    nominal = conviction.nominal
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="travel")
    leaving = timezone.localdate() + timedelta(days=7)

    page = client.post(details_url(nominal, key), _trip(leaving, short_notice_reason="In a hurry"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "no reason for short notice is needed" in text
    assert "In a hurry" in text and "Hotel Sol, Malaga" in text  # nothing typed is lost
    assert not Notification.objects.exists()


def _notified_trip(front_desk, nominal, station, leaving):
    trip, _ = register.notification_record(
        acting_user=front_desk,
        nominal=nominal,
        idempotency_key=uuid.uuid4(),
        data={"type": "travel", "station": station, **_trip_fields(leaving)},
    )
    return trip


def _trip_fields(leaving):
    return {
        "departure_date": leaving,
        "departure_point": "Heathrow",
        "destinations": "Spain: Malaga airport",
        "carriers": "Iberia",
        "first_night_accommodation": "Hotel Sol, Malaga",
        "return_date": leaving + timedelta(days=7),
    }


def test_a_change_to_a_notified_trip_is_due_24_hours_before_departure(
    client, front_desk, conviction, station
):
    nominal = conviction.nominal
    leaving = timezone.localdate() + timedelta(days=3)
    trip = _notified_trip(front_desk, nominal, station, leaving)
    assert nominal.open_deadlines.get().kind == "travel_return"
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="travel")

    page = client.get(details_url(nominal, key)).content.decode()
    assert "Does this change a trip they have already notified?" in page
    assert f"Leaving {leaving:%-d %b %Y} for Spain: Malaga airport" in page
    changed = _trip(leaving, amends=str(trip.pk), carriers="British Airways")
    assert client.post(details_url(nominal, key), changed).status_code == 302
    check = client.get(check_url(nominal, key)).content.decode()
    assert "Does this change a trip" in check and "Leaving" in check
    client.post(check_url(nominal, key), {})

    change = Notification.objects.exclude(pk=trip.pk).get(nominal=nominal)
    assert change.amends == trip and change.carriers == "British Airways"
    assert change.deadline == leaving - timedelta(days=1) and change.on_time
    # The change gave no return details, so the trip's duty to give them stays open.
    assert nominal.open_deadlines.get().source == trip
    # A trip once changed is offered no more: the change is the trip as last notified.
    key = start(client, nominal, station, kind="travel")
    page = client.get(details_url(nominal, key)).content.decode()
    assert f'value="{change.pk}"' in page and f'value="{trip.pk}"' not in page


def test_a_change_giving_a_new_return_date_replaces_the_trips_return_deadline(
    client, front_desk, conviction, station
):
    nominal = conviction.nominal
    leaving = timezone.localdate() + timedelta(days=3)
    trip = _notified_trip(front_desk, nominal, station, leaving)
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="travel")
    back = leaving + timedelta(days=10)

    changed = _trip(leaving, amends=str(trip.pk), **_date("return_date", back))
    client.post(details_url(nominal, key), changed)
    client.post(check_url(nominal, key), {})

    change = Notification.objects.get(amends=trip)
    assert nominal.open_deadlines.get(source=trip).met_by == change
    assert nominal.open_deadlines.get(met_by=None).due == back + timedelta(days=2)


def test_postponing_a_trip_is_due_24_hours_before_the_first_departure(
    client, front_desk, conviction, station
):
    nominal = conviction.nominal
    leaving = timezone.localdate()
    trip = _notified_trip(front_desk, nominal, station, leaving)
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="travel")

    later = leaving + timedelta(days=30)
    client.post(details_url(nominal, key), _trip(later, amends=str(trip.pk)))
    client.post(check_url(nominal, key), {})

    change = Notification.objects.get(amends=trip)
    assert change.deadline == leaving - timedelta(days=1) and not change.on_time


def test_a_trip_that_has_begun_cannot_be_changed(client, front_desk, conviction, station):
    nominal = conviction.nominal
    trip = _notified_trip(front_desk, nominal, station, timezone.localdate() + timedelta(days=3))
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="travel")
    Notification.objects.filter(pk=trip.pk).update(
        departure_date=timezone.localdate() - timedelta(days=1)
    )

    leaving = timezone.localdate() + timedelta(days=3)
    page = client.post(details_url(nominal, key), _trip(leaving, amends=str(trip.pk)))

    assert "That trip has begun or was changed since" in page.content.decode()


def test_a_change_to_a_trip_needs_no_reason_for_short_notice(
    client, front_desk, conviction, station
):
    nominal = conviction.nominal
    leaving = timezone.localdate() + timedelta(days=3)
    trip = _notified_trip(front_desk, nominal, station, leaving)
    client.force_login(front_desk)
    key = start(client, nominal, station, kind="travel")

    data = _trip(leaving, amends=str(trip.pk), short_notice_reason="Flight moved")
    page = client.post(details_url(nominal, key), data)

    assert "no reason for short notice is needed" in page.content.decode()
    assert Notification.objects.filter(nominal=nominal).count() == 1


def test_identity_not_confirmed_stops_the_journey(client, front_desk, conviction, station):
    client.force_login(front_desk)
    response = client.post(
        reverse("notifications:frontdesk-notify-start", args=[conviction.nominal_id]),
        {"type": "periodic", "station": station.pk},
    )
    refused = client.post(response.url, {"identity_confirmed": "no"})
    assert refused.status_code == 200
    assert "Do not record a notification" in refused.content.decode()


def test_front_desk_person_page_shows_the_clock_but_not_the_sentence(
    client, front_desk, notification
):
    client.force_login(front_desk)
    page = client.get(reverse("notifications:frontdesk-person", args=[notification.nominal_id]))
    text = page.content.decode()
    assert "Periodic notification" in text and "Why:" in text
    assert "custody" not in text.lower()
    assert AuditEvent.objects.filter(nominal_id=notification.nominal_id, action="view").exists()


def test_another_clerks_journey_key_is_not_usable(client, front_desk, conviction, station):
    client.force_login(front_desk)
    key = start(client, conviction.nominal, station)
    client.logout()
    client.force_login(front_desk)  # a new session: the journey is not in it
    assert client.get(details_url(conviction.nominal, key)).status_code == 404
