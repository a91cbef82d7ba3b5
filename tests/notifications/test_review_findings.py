"""Cases found in review: each a way the register once went wrong."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import BankAccount, InboxItem
from notifications import rules, services
from notifications.clock import Registration, person_clock
from notifications.models import (
    IndefiniteReview,
    Notification,
    OpenDeadline,
    Schedule3Offence,
)

pytestmark = pytest.mark.django_db


def period(start, last=None):
    return rules.NotificationPeriod(start, last, last is None)


def test_a_new_requirement_after_one_ended_starts_with_an_initial_notification():
    clock = person_clock(
        registrations=[
            Registration(period(date(2015, 1, 10), date(2017, 1, 9)), False),
            Registration(period(date(2024, 3, 1), date(2034, 2, 28)), False),
        ],
        notifications=[(date(2015, 1, 11), "initial")],
        on=date(2024, 3, 2),
    )
    assert clock.deadlines[0].label == "Initial notification"
    assert clock.deadlines[0].due == date(2024, 3, 3)


def test_a_date_missed_before_going_away_stays_missed():
    clock = person_clock(
        registrations=[Registration(period(date(2020, 3, 1), date(2030, 2, 28)), False)],
        notifications=[(date(2023, 10, 1), "periodic")],
        absences=[(date(2025, 1, 5), None)],
        on=date(2025, 2, 1),
    )
    assert clock.deadlines[0].due == date(2024, 10, 1)


def test_a_date_falling_while_away_waits():
    clock = person_clock(
        registrations=[Registration(period(date(2020, 3, 1), date(2030, 2, 28)), False)],
        notifications=[(date(2024, 10, 1), "periodic")],
        absences=[(date(2025, 1, 5), None)],
        on=date(2025, 10, 5),
    )
    assert clock.deadlines[0].due is None


def test_a_discharge_does_not_end_a_later_conviction():
    clock = person_clock(
        registrations=[
            Registration(period(date(2000, 1, 1)), False),
            Registration(period(date(2025, 1, 1)), False),
        ],
        notifications=[(date(2025, 1, 2), "initial")],
        on=date(2025, 6, 1),
        discharged_on=date(2024, 7, 3),
    )
    assert clock.subject and clock.indefinite


def _custody(om, nominal, months, relevant=date(2000, 1, 10)):
    return services.conviction_save(
        acting_user=om,
        nominal=nominal,
        data={
            "kind": "conviction",
            "relevant_date": relevant,
            "court": "Reading Crown Court",
            "offence": Schedule3Offence.objects.get(paragraph="1"),
            "disposal": "custody",
            "terms": [{"start": 0, "length": months}],
        },
    )


def test_the_sweep_keeps_open_a_case_subject_to_a_later_conviction(om, supervisor, nominal):
    from notifications.sweep import sweep_register

    _custody(om, nominal, 48)
    _custody(om, nominal, 12, relevant=date(2025, 3, 1))
    IndefiniteReview.objects.create(
        nominal=nominal,
        stage="decided",
        outcome="discharged",
        decision_target=date(2024, 4, 24),
        requirements_end_on=date(2024, 7, 3),
        opened_by=supervisor,
    )
    sweep_register()
    nominal.refresh_from_db()
    assert nominal.status == "active"
    assert nominal.clock.last_day == date(2035, 2, 28)


def test_recording_past_custody_does_not_leave_a_release_overdue(om, notification):
    nominal = notification.nominal
    services.absence_save(
        acting_user=om,
        nominal=nominal,
        data={"kind": "custody", "first_day": date(2020, 3, 1), "last_day": date(2021, 3, 1)},
    )
    deadline = OpenDeadline.objects.get(nominal=nominal, kind="release")
    assert deadline.met_by == notification
    assert nominal.clock.next_due > timezone.localdate()


def test_an_advance_notified_change_can_be_closed_when_it_happened(
    client, om, front_desk, conviction, station
):
    made, _ = services.notification_record(
        acting_user=front_desk,
        nominal=conviction.nominal,
        idempotency_key="11111111-2222-3333-4444-555555555555",
        data={
            "type": "change",
            "station": station,
            "change_types": ["home_address"],
            "event_date": timezone.localdate() + timedelta(days=3),
            "in_advance": True,
        },
    )
    deadline = OpenDeadline.objects.get(source=made)
    client.force_login(om)
    url = reverse("notifications:deadline-close", args=[conviction.nominal_id, deadline.pk])
    assert client.post(url, {"note": ""}).status_code == 200  # a note is required
    assert client.post(url, {"note": "Moved as notified"}).status_code == 302
    deadline.refresh_from_db()
    assert deadline.closed_on and deadline.closed_by == om
    clock = conviction.nominal.clock
    clock.refresh_from_db()
    assert all(
        d["label"] != "Say that an advance-notified change did not happen" for d in clock.deadlines
    )


def test_an_unrelated_change_does_not_meet_a_non_occurrence_deadline(
    front_desk, conviction, station
):
    made, _ = services.notification_record(
        acting_user=front_desk,
        nominal=conviction.nominal,
        idempotency_key="21111111-2222-3333-4444-555555555555",
        data={
            "type": "change",
            "station": station,
            "change_types": ["home_address"],
            "event_date": timezone.localdate() + timedelta(days=3),
            "in_advance": True,
        },
    )
    services.notification_record(
        acting_user=front_desk,
        nominal=conviction.nominal,
        idempotency_key="31111111-2222-3333-4444-555555555555",
        data={
            "type": "change",
            "station": station,
            "change_types": ["account"],
            "event_date": timezone.localdate(),
        },
    )
    assert OpenDeadline.objects.get(source=made).is_open


def test_a_name_change_is_in_the_snapshot(client, front_desk, conviction, station):
    from tests.notifications.test_counter import SAME, _date, check_url, details_url, start

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
    client.post(details_url(nominal, key), data)
    client.post(check_url(nominal, key), {})
    names = next(s for s in Notification.objects.get().details if s["slug"] == "names")
    assert names["items"][0]["value"] == "John Smythe"


def test_an_account_notified_in_advance_is_stored_masked(client, front_desk, conviction, station):
    from tests.notifications.test_counter import SAME, _date, check_url, details_url, start

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
        **_date("accounts-new-from_date", timezone.localdate() + timedelta(days=5)),
    }
    assert client.post(details_url(nominal, key), data).status_code == 302
    client.post(check_url(nominal, key), {})
    notification = Notification.objects.get()
    stored = str(notification.changes) + str(InboxItem.objects.values_list("detail", flat=True))
    assert "12345678" not in stored and "5678" in stored
    assert not BankAccount.objects.filter(nominal=nominal).exists()  # applied on the day


def test_a_change_of_ni_number_alone_is_refused_clearly(client, front_desk, conviction, station):
    from tests.notifications.test_counter import SAME, details_url, start

    client.force_login(front_desk)
    key = start(client, conviction.nominal, station, kind="change")
    data = {
        **SAME,
        "release-status": "same",
        "ni-number-status": "changed",
        "ni-number-new-ni_number": "AB 12 34 56 D",
    }
    response = client.post(details_url(conviction.nominal, key), data)
    assert response.status_code == 200
    assert any("National Insurance" in e["text"] for e in response.context["errors"])
