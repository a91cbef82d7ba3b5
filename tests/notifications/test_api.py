"""The register API: convictions, notifications (once per idempotency key) and the clock, with
the same access, 404s and audit as the pages; bad input answers 400, never 500."""

from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services as case_services
from cases.dates import add_years
from cases.models import AuditEvent
from notifications import services as register
from notifications.models import (
    Clock,
    Conviction,
    Notification,
    OpenDeadline,
    Schedule3Offence,
    Station,
)


def convictions_url(nominal):
    return reverse("api:conviction-list", kwargs={"pk": nominal.pk})


def conviction_url(conviction):
    return reverse("api:conviction-detail", kwargs={"conviction_id": conviction.pk})


def notifications_url(nominal):
    return reverse("api:notification-list", kwargs={"pk": nominal.pk})


def notification_url(notification):
    return reverse("api:notification-detail", kwargs={"notification_id": notification.pk})


def clock_url(nominal):
    return reverse("api:nominal-clock", kwargs={"pk": nominal.pk})


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def api(om):
    return client_for(om)


def new_conviction(**overrides):
    return {
        "kind": "conviction",
        "relevant_date": "2021-06-01",
        "court": "Oxford Crown Court",
        "offence": "13",
        "threshold_met": True,
        "disposal": "custody",
        "terms": [{"start": 0, "length": 18}],
        **overrides,
    }


def new_notification(at, **overrides):
    return {"type": "periodic", "station": at.pk, "identity_confirmed": True, **overrides}


def post_notification(client, nominal, payload, key=None):
    key = str(uuid.uuid4()) if key is None else key
    return client.post(notifications_url(nominal), payload, format="json", HTTP_IDEMPOTENCY_KEY=key)


def audit_count(nominal, action):
    return AuditEvent.objects.filter(nominal_id=nominal.pk, action=action).count()


# --- Access: every endpoint × every persona ------------------------------------------------------

PERSONAS = [
    "om",
    "colleague",
    "om_south",
    "supervisor",
    "front_desk",
    "mappa_chair",
    "administrator",
    "other_force_om",
    None,
]
READ = dict(
    om=200,
    colleague=200,
    om_south=404,
    supervisor=200,
    front_desk=403,
    mappa_chair=404,
    administrator=403,
    other_force_om=404,
)
READ_WITH_FRONT_DESK = {**READ, "front_desk": 200}
WRITE = {**READ, "colleague": 403}
NOTIFY = {**WRITE, "front_desk": 201}


def expected(table, persona):
    return 401 if persona is None else table[persona]


def as_persona(request, persona) -> APIClient:
    return client_for(request.getfixturevalue(persona) if persona else None)


@pytest.mark.parametrize("persona", PERSONAS)
def test_reading_convictions(persona, request, conviction):
    client = as_persona(request, persona)
    assert client.get(convictions_url(conviction.nominal)).status_code == expected(READ, persona)
    assert client.get(conviction_url(conviction)).status_code == expected(READ, persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_adding_a_conviction(persona, request, nominal):
    response = as_persona(request, persona).post(
        convictions_url(nominal), new_conviction(), format="json"
    )
    assert response.status_code == expected({**WRITE, "om": 201, "supervisor": 201}, persona)
    if response.status_code != 201:
        assert response.json()["message"]
    assert Conviction.objects.count() == (1 if response.status_code == 201 else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_reading_notifications(persona, request, notification):
    client = as_persona(request, persona)
    nominal = notification.nominal
    assert client.get(notifications_url(nominal)).status_code == expected(READ, persona)
    detail = client.get(notification_url(notification))
    assert detail.status_code == expected(READ_WITH_FRONT_DESK, persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_recording_a_notification(persona, request, conviction, station):
    client = as_persona(request, persona)
    response = post_notification(client, conviction.nominal, new_notification(station))
    assert response.status_code == expected({**NOTIFY, "om": 201, "supervisor": 201}, persona)
    assert Notification.objects.count() == (1 if response.status_code == 201 else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_reading_the_clock(persona, request, conviction):
    response = as_persona(request, persona).get(clock_url(conviction.nominal))
    assert response.status_code == expected(READ_WITH_FRONT_DESK, persona)


def test_mappa_chair_reads_a_level_2_case_but_cannot_add(mappa_chair, om, nominal):
    case_services.nominal_update(acting_user=om, nominal=nominal, data={"mappa_level": 2})
    client = client_for(mappa_chair)
    assert client.get(convictions_url(nominal)).status_code == 200
    assert client.get(clock_url(nominal)).status_code == 200
    refused = client.post(convictions_url(nominal), new_conviction(), format="json")
    assert refused.status_code == 403


def test_front_desk_cannot_reach_a_person_who_has_left_the_register(front_desk, om, nominal):
    case_services.nominal_update(
        acting_user=om, nominal=nominal, data={"status": "notification_ended"}
    )
    assert client_for(front_desk).get(clock_url(nominal)).status_code == 404


def test_missing_rows_answer_404_like_hidden_ones(api):
    assert api.get(reverse("api:conviction-detail", args=[999999])).status_code == 404
    assert api.get(reverse("api:notification-detail", args=[999999])).status_code == 404
    assert api.get(reverse("api:nominal-clock", args=[999999])).status_code == 404


# --- Convictions ---------------------------------------------------------------------------------


def test_adding_a_conviction_computes_the_period_and_is_audited(api, nominal):
    before = audit_count(nominal, "create")
    response = api.post(convictions_url(nominal), new_conviction(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["period_months"] == 120 and body["last_day"] == "2031-05-31"
    assert body["indefinite"] is False and body["custody_months"] == 18
    assert body["age_on_relevant_date"] == 41
    assert body["offence"]["paragraph"] == "13" and body["offence"]["title"]
    assert "10 years" in body["period_explanation"]
    assert audit_count(nominal, "create") == before + 1
    assert Clock.objects.get(nominal=nominal).last_day == date(2031, 5, 31)


def test_terms_in_weeks_convert_at_12_over_52(api, nominal):
    # 130 weeks is exactly 30 months: indefinite (s.82).
    payload = new_conviction(terms=[{"length": 130, "unit": "weeks"}])
    body = api.post(convictions_url(nominal), payload, format="json").json()
    assert body["custody_months"] == 30 and body["indefinite"] is True
    assert body["terms"] == [{"start": 0.0, "length": 30.0}]


def test_paragraph_with_a_letter_is_found(api, nominal):
    if not Schedule3Offence.objects.filter(paragraph="24A").exists():
        pytest.skip("paragraph 24A is not in the reference data")
    payload = new_conviction(offence="24a", disposal="other", terms=[])
    response = api.post(convictions_url(nominal), payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["offence"]["paragraph"] == "24A"


def test_indeterminate_sentence_needs_no_term(api, nominal):
    payload = new_conviction(terms=[], indeterminate_sentence=True)
    response = api.post(convictions_url(nominal), payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["indefinite"] is True


def test_conditional_discharge(api, nominal):
    payload = new_conviction(
        relevant_date="2022-05-05", disposal="conditional_discharge", terms=[], discharge_months=36
    )
    body = api.post(convictions_url(nominal), payload, format="json").json()
    assert body["last_day"] == "2025-05-04"


def test_conviction_list_is_audited_and_newest_first(api, nominal, om):
    for year in (2019, 2021):
        api.post(
            convictions_url(nominal),
            new_conviction(relevant_date=f"{year}-01-01"),
            format="json",
        )
    before = audit_count(nominal, "view")
    body = api.get(convictions_url(nominal)).json()
    assert [r["relevant_date"] for r in body["results"]] == ["2021-01-01", "2019-01-01"]
    assert audit_count(nominal, "view") == before + 1


def test_conviction_detail_is_audited(api, conviction):
    before = AuditEvent.objects.filter(object_id=str(conviction.pk), action="view").count()
    body = api.get(conviction_url(conviction)).json()
    assert body["id"] == conviction.pk and body["last_day"] == "2030-02-28"
    assert AuditEvent.objects.filter(object_id=str(conviction.pk), action="view").count() == (
        before + 1
    )


def tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        (new_conviction(relevant_date=tomorrow()), "relevant_date", "today or in the past"),
        (new_conviction(relevant_date="1980-04-12"), "relevant_date", "after the date of birth"),
        (new_conviction(relevant_date="1975-01-01"), "relevant_date", "after the date of birth"),
        (new_conviction(relevant_date="2021-02-30"), "relevant_date", "real date"),
        (new_conviction(offence="99Z"), "offence", "not a paragraph of Schedule 3"),
        (new_conviction(disposal="birching"), "disposal", "conditional_discharge"),
        (new_conviction(kind="rumour"), "kind", "not a kind of conviction"),
        (new_conviction(terms=[]), "terms", "Give the custodial term"),
        (new_conviction(disposal="dto", terms=[]), "terms", "Give the custodial term"),
        (new_conviction(terms=[{"length": 0}]), "terms", "longer than 0"),
        (new_conviction(terms=[{"length": -6}]), "terms", "longer than 0"),
        (new_conviction(terms=[{"start": -1, "length": 6}]), "terms", "greater than or equal"),
        (new_conviction(terms=[{"length": 6, "unit": "days"}]), "terms", "not a unit"),
        (new_conviction(disposal="caution", terms=[{"length": 6}]), "terms", "applies only"),
        (new_conviction(disposal="conditional_discharge", terms=[]), "discharge_months", "Give"),
        (
            new_conviction(disposal="conditional_discharge", terms=[], discharge_months=0),
            "discharge_months",
            "greater than or equal to 1",
        ),
        (
            new_conviction(disposal="conditional_discharge", terms=[], discharge_months=40),
            "discharge_months",
            "less than or equal to 36",
        ),
    ],
)
def test_bad_convictions_answer_400_with_a_clear_message(api, nominal, payload, field, words):
    response = api.post(convictions_url(nominal), payload, format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["message"] and field in body["errors"], body
    assert words in str(body["errors"][field]), body
    assert not Conviction.objects.exists()


def test_rule_errors_from_the_service_answer_400(api, nominal):
    # Only custody can be indeterminate: the rule says so, the API passes it on.
    payload = new_conviction(disposal="hospital", terms=[], indeterminate_sentence=True)
    response = api.post(convictions_url(nominal), payload, format="json")
    assert response.status_code == 400
    assert "Only custody can be an indeterminate sentence" in str(response.json()["errors"])
    assert not Conviction.objects.exists()


def test_a_disposal_impossible_at_the_persons_age_answers_400(api, nominal):
    response = api.post(convictions_url(nominal), new_conviction(disposal="dto"), format="json")
    assert response.status_code == 400
    assert "aged 12 to 17" in str(response.json()["errors"]["relevant_date"])
    assert not Conviction.objects.exists()


GARBAGE = [
    {},
    [],
    "a string",
    12,
    None,
    {"kind": None, "relevant_date": None, "disposal": None, "terms": None},
    {"kind": ["conviction"], "relevant_date": ["2020-01-01"], "court": {"x": 1}},
    new_conviction(relevant_date="yesterday"),
    new_conviction(relevant_date="0001-01-01"),
    new_conviction(relevant_date="9999-12-31"),
    new_conviction(relevant_date=20200101),
    new_conviction(terms="eighteen months"),
    new_conviction(terms={"length": 18}),
    new_conviction(terms=[None]),
    new_conviction(terms=[18]),
    new_conviction(terms=[{"length": 10**40}]),
    new_conviction(terms=[{"length": "NaN"}]),
    new_conviction(terms=[{"length": "Infinity"}]),
    new_conviction(terms=[{"length": 1e308, "unit": "weeks"}]),
    new_conviction(terms=[{"length": 1200}] * 51),
    new_conviction(terms=[{"start": 10**9, "length": 1}]),
    new_conviction(discharge_months=10**30, disposal="conditional_discharge", terms=[]),
    new_conviction(offence=["13"]),
    new_conviction(offence="\x00"),
    new_conviction(court="x" * 10_000),
    new_conviction(threshold_met="perhaps"),
    new_conviction(indeterminate_sentence=[True]),
]


@pytest.mark.parametrize("payload", GARBAGE)
def test_garbage_conviction_never_answers_500(api, nominal, payload):
    response = api.post(convictions_url(nominal), payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["message"]


def test_malformed_json_answers_400(api, nominal):
    response = api.post(convictions_url(nominal), "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["message"]


def test_convictions_list_query_count_is_flat(api, nominal, om, django_assert_max_num_queries):
    def add(count):
        for n in range(count):
            register.conviction_save(
                acting_user=om,
                nominal=nominal,
                data={
                    "kind": "caution",
                    "relevant_date": date(2010 + n, 1, 1),
                    "court": "Reading police station",
                    "offence": Schedule3Offence.objects.get(paragraph="13"),
                    "disposal": "caution",
                },
            )

    add(1)
    with django_assert_max_num_queries(8):
        assert api.get(convictions_url(nominal)).status_code == 200
    add(9)
    with django_assert_max_num_queries(8):
        assert len(api.get(convictions_url(nominal)).json()["results"]) == 10


# --- Notifications -------------------------------------------------------------------------------


def test_front_desk_records_a_notification(front_desk, conviction, station):
    nominal = conviction.nominal
    before = audit_count(nominal, "create")
    response = post_notification(
        client_for(front_desk),
        nominal,
        new_notification(station, fingerprints_taken=True),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["type"] == "periodic" and body["station"] == {
        "id": station.pk,
        "name": station.name,
    }
    assert body["taken_by"]["id"] == front_desk.pk and body["fingerprints_taken"] is True
    assert body["details"][0]["section"] == "Date of birth"
    assert any(s["slug"] == "home-address" and s["items"] for s in body["details"])
    assert body["verification_code"] and body["changes"] == []
    assert audit_count(nominal, "create") == before + 1
    assert nominal.events.filter(kind="notification").exists()
    made = Notification.objects.get()
    assert Clock.objects.get(nominal=nominal).next_periodic_due > timezone.localdate()
    assert made.details == body["details"]


def test_the_same_key_twice_records_one_notification(front_desk, conviction, station):
    client = client_for(front_desk)
    key = str(uuid.uuid4())
    first = post_notification(client, conviction.nominal, new_notification(station), key)
    events = AuditEvent.objects.filter(action="create").count()
    again = post_notification(client, conviction.nominal, new_notification(station), key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Notification.objects.count() == 1
    assert AuditEvent.objects.filter(action="create").count() == events
    assert AuditEvent.objects.filter(
        action="view", object_id=str(first.json()["id"]), description__contains="repeated"
    ).exists()


def test_a_repeat_returns_the_first_even_if_the_payload_differs(api, conviction, station):
    key = str(uuid.uuid4())
    post_notification(api, conviction.nominal, new_notification(station), key)
    again = post_notification(api, conviction.nominal, {"type": "nonsense"}, key)
    assert again.status_code == 200 and again.json()["type"] == "periodic"


def test_a_key_reused_for_another_person_is_refused(om, nominal, conviction, station):
    other = case_services.nominal_create(
        acting_user=om,
        data={
            "forenames": "Ann",
            "surname": "Other",
            "date_of_birth": date(1970, 2, 2),
            "sex": "female",
        },
    )
    client = client_for(om)
    key = str(uuid.uuid4())
    assert post_notification(client, nominal, new_notification(station), key).status_code == 201
    refused = post_notification(client, other, new_notification(station), key)
    assert refused.status_code == 409
    assert "another person" in refused.json()["message"]
    assert not Notification.objects.filter(nominal=other).exists()


def test_the_idempotency_key_is_unique_in_the_database(notification, station, om):
    with pytest.raises(IntegrityError):
        Notification.objects.create(
            nominal=notification.nominal,
            type="periodic",
            station=station,
            taken_by=om,
            idempotency_key=notification.idempotency_key,
        )


@pytest.mark.parametrize(
    ("key", "words"),
    [(None, "Send an Idempotency-Key header"), ("not-a-uuid", "must be a UUID"), ("  ", "Send")],
)
def test_the_idempotency_key_is_required(api, conviction, station, key, words):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    response = api.post(
        notifications_url(conviction.nominal), new_notification(station), format="json", **headers
    )
    assert response.status_code == 400
    assert words in response.json()["errors"]["Idempotency-Key"][0]
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_record_one_notification(front_desk, conviction, station):
    key = str(uuid.uuid4())
    statuses = []
    start = threading.Barrier(3)

    def send():
        try:
            start.wait()
            client = client_for(front_desk)
            response = post_notification(client, conviction.nominal, new_notification(station), key)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 201]
    assert Notification.objects.filter(idempotency_key=key).count() == 1


def test_a_change_notification(api, conviction, station):
    today = timezone.localdate()
    payload = new_notification(
        station,
        type="change",
        change_types=["home_address", "home_address", "name"],
        event_date=today.isoformat(),
    )
    response = post_notification(api, conviction.nominal, payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["change_types"] == ["home_address", "name"]
    assert body["deadline"] == (today + timedelta(days=2)).isoformat()
    assert body["on_time"] is True


def test_a_change_in_advance_opens_the_non_occurrence_deadline(api, conviction, station):
    expected_on = timezone.localdate() + timedelta(days=10)
    payload = new_notification(
        station,
        type="change",
        change_types=["home_address"],
        event_date=expected_on.isoformat(),
        in_advance=True,
    )
    assert post_notification(api, conviction.nominal, payload).status_code == 201
    deadline = OpenDeadline.objects.get(nominal=conviction.nominal)
    assert deadline.kind == "non_occurrence" and deadline.due == expected_on + timedelta(days=5)


def test_foreign_travel(api, conviction, station):
    leaving = timezone.localdate() + timedelta(days=30)
    payload = new_notification(
        station,
        type="travel",
        departure_date=leaving.isoformat(),
        destinations="Spain (Malaga)",
        return_date=(leaving + timedelta(days=7)).isoformat(),
    )
    body = post_notification(api, conviction.nominal, payload).json()
    assert body["deadline"] == (leaving - timedelta(days=7)).isoformat()
    assert body["destinations"] == "Spain (Malaga)"


def test_foreign_travel_at_short_notice(api, conviction, station):
    leaving = timezone.localdate() + timedelta(days=3)
    payload = new_notification(
        station,
        type="travel",
        departure_date=leaving.isoformat(),
        short_notice_reason="Work trip arranged by the employer yesterday",
    )
    body = post_notification(api, conviction.nominal, payload).json()
    assert body["deadline"] == (leaving - timedelta(days=1)).isoformat() and body["on_time"]
    assert body["short_notice_reason"].startswith("Work trip")


def test_a_change_to_a_notified_trip(api, conviction, station):
    leaving = timezone.localdate() + timedelta(days=3)
    first = post_notification(
        api,
        conviction.nominal,
        new_notification(station, type="travel", departure_date=leaving.isoformat()),
    ).json()
    change = new_notification(
        station, type="travel", departure_date=leaving.isoformat(), amends=first["id"]
    )
    body = post_notification(api, conviction.nominal, change).json()
    assert body["amends"] == first["id"]
    assert body["deadline"] == (leaving - timedelta(days=1)).isoformat() and body["on_time"]


def test_a_change_must_be_to_a_trip_of_this_person_still_to_begin(
    api, conviction, station, notification
):
    not_a_trip = new_notification(
        station,
        type="travel",
        departure_date=(timezone.localdate() + timedelta(days=30)).isoformat(),
        amends=notification.pk,  # a periodic notification, not a trip
    )
    response = post_notification(api, conviction.nominal, not_a_trip)
    assert response.status_code == 400
    assert "still to begin" in response.json()["errors"]["amends"][0]


def other_station(other_force):
    return Station.objects.create(force=other_force, name="Maidstone police station")


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"type": "change"}, "change_types", "at least one type of change"),
        ({"type": "change", "change_types": ["name"]}, "event_date", "Give the date of the change"),
        (
            {"type": "change", "change_types": ["name"], "event_date": tomorrow()},
            "event_date",
            "in_advance",
        ),
        ({"change_types": ["name"]}, "change_types", "only to a notification of a change"),
        ({"type": "change", "change_types": ["hat"]}, "change_types", "not a type of change"),
        ({"in_advance": True}, "in_advance", "Only a change"),
        ({"type": "travel"}, "departure_date", "Give the date of departure"),
        (
            {"type": "travel", "departure_date": "2030-05-10", "return_date": "2030-05-09"},
            "return_date",
            "on or after the date of departure",
        ),
        ({"type": "travel_return"}, "return_date", "Give the date of return"),
        (
            {"type": "travel", "departure_date": "2099-05-10", "short_notice_reason": "Late"},
            "short_notice_reason",
            "no reason for short notice is needed",
        ),
        (
            {"type": "travel_return", "return_date": "2020-05-10", "short_notice_reason": "x"},
            "short_notice_reason",
            "applies only to travel",
        ),
        ({"short_notice_reason": "x"}, "short_notice_reason", "only to foreign travel"),
        ({"amends": 1}, "amends", "only to foreign travel"),
        (
            {"type": "travel_return", "return_date": "2020-05-10", "amends": 1},
            "amends",
            "Only a travel notification changes a trip",
        ),
        ({"departure_date": "2030-05-10"}, "departure_date", "only to foreign travel"),
        ({"type": "non_occurrence"}, "event_date", "the date the change was expected"),
        ({"type": "visit"}, "type", "not a type of notification"),
        ({"station": 999999}, "station", "no station 999999"),
        ({"event_date": "1066-10-14"}, "event_date", "between"),
    ],
)
def test_bad_notifications_answer_400_with_a_clear_message(
    api, conviction, station, overrides, field, words
):
    response = post_notification(api, conviction.nominal, new_notification(station, **overrides))
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert field in errors and words in str(errors[field]), errors
    assert not Notification.objects.exists()


def test_stations_of_another_force_or_closed_are_refused(api, conviction, station, other_force):
    elsewhere = other_station(other_force)
    closed = Station.objects.create(force=station.force, name="Closed station", in_use=False)
    for refused in (elsewhere, closed):
        response = post_notification(api, conviction.nominal, new_notification(refused))
        assert response.status_code == 400
        assert "station" in response.json()["errors"]
    assert not Notification.objects.exists()


NOTIFICATION_GARBAGE = [
    {},
    [],
    "periodic",
    None,
    {"type": None, "station": None},
    {"type": ["periodic"], "station": [1]},
    {"type": "periodic", "station": "Reading"},
    {"type": "periodic", "station": 10**30},
    {"type": "periodic", "station": -1},
    {"type": "periodic", "station": True},
    {"type": "change", "change_types": "name", "event_date": "2024-01-01"},
    {"type": "change", "change_types": [None], "event_date": "2024-01-01"},
    {"type": "change", "change_types": [["name"]], "event_date": "2024-01-01"},
    {"type": "change", "change_types": ["name"] * 100, "event_date": "2024-01-01"},
    {"type": "travel", "departure_date": "9999-12-31"},
    {"type": "travel", "departure_date": "0001-01-01"},
    {"type": "travel", "departure_date": 20300101},
    {"type": "travel_return", "return_date": "soon"},
    {"type": "non_occurrence", "event_date": {"day": 1}},
    {"type": "periodic", "identity_confirmed": "perhaps"},
    {"type": "periodic", "carriers": "x" * 10_000},
]


@pytest.mark.parametrize("payload", NOTIFICATION_GARBAGE)
def test_garbage_notification_never_answers_500(api, conviction, station, payload):
    if isinstance(payload, dict) and "station" not in payload:
        payload = {**payload, "station": station.pk}
    response = post_notification(api, conviction.nominal, payload)
    assert response.status_code == 400, response.content
    assert response.json()["message"]
    assert not Notification.objects.exists()


def test_notification_list_and_detail_are_audited(api, notification):
    nominal = notification.nominal
    before = audit_count(nominal, "view")
    body = api.get(notifications_url(nominal)).json()
    assert [r["id"] for r in body["results"]] == [notification.pk]
    detail = api.get(notification_url(notification)).json()
    assert detail["verification_code"] == notification.verification_code
    assert detail["station"]["name"] == notification.station.name
    assert audit_count(nominal, "view") == before + 2


def test_front_desk_reads_a_notification_of_their_force(front_desk, notification):
    before = AuditEvent.objects.filter(user_id=front_desk.pk, action="view").count()
    response = client_for(front_desk).get(notification_url(notification))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(user_id=front_desk.pk, action="view").count() == before + 1


def test_notification_list_query_count_is_flat(
    api, conviction, front_desk, station, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            register.notification_record(
                acting_user=front_desk,
                nominal=conviction.nominal,
                idempotency_key=uuid.uuid4(),
                data={"type": "periodic", "station": station},
            )

    add(1)
    with django_assert_max_num_queries(8):
        assert api.get(notifications_url(conviction.nominal)).status_code == 200
    add(9)
    with django_assert_max_num_queries(8):
        body = api.get(notifications_url(conviction.nominal)).json()
    assert len(body["results"]) == 10


# --- The clock -----------------------------------------------------------------------------------


def test_the_clock_shows_what_is_due_and_why(api, notification):
    nominal = notification.nominal
    before = audit_count(nominal, "view")
    body = api.get(clock_url(nominal)).json()
    today = timezone.localdate()
    assert body["subject"] is True and body["last_day"] == "2030-02-28"
    assert body["indefinite"] is False and "10 years" in body["requirement_why"]
    assert body["next_periodic_due"] == add_years(today, 1).isoformat()
    assert body["status"] == "up_to_date" and body["due_soon_days"] == 14
    assert body["deadlines"][0]["label"] == "Periodic notification"
    assert "s.85" in body["deadlines"][0]["why"]
    assert body["checked_on"] == today.isoformat()
    assert audit_count(nominal, "view") == before + 1


def test_an_overdue_clock(api, conviction):
    # Convicted on 1 Mar 2020 and never notified: the initial notification is long overdue.
    body = api.get(clock_url(conviction.nominal)).json()
    assert body["status"] == "overdue"
    assert body["next_due"] == "2020-03-03" and body["next_due_label"] == "Initial notification"


def test_the_clock_is_computed_when_none_is_stored(api, conviction):
    Clock.objects.filter(nominal=conviction.nominal).delete()
    body = api.get(clock_url(conviction.nominal)).json()
    assert body["last_day"] == "2030-02-28"
    assert Clock.objects.filter(nominal=conviction.nominal).exists()


def test_a_person_with_no_conviction_has_no_requirement(api, nominal):
    body = api.get(clock_url(nominal)).json()
    assert body["subject"] is False and body["status"] is None and body["deadlines"] == []


# --- The schema ---------------------------------------------------------------------------------


def test_schema_validates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_form_encoded_bodies_answer_400_not_500(api, conviction, station):
    nominal = conviction.nominal
    bad_conviction = {"kind": "conviction", "terms": "18", "relevant_date": "x"}
    assert api.post(convictions_url(nominal), bad_conviction).status_code == 400
    bad_notification = {"type": "change", "change_types": "hat", "station": "x"}
    response = api.post(
        notifications_url(nominal), bad_notification, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert response.status_code == 400


def test_an_offence_with_a_threshold_needs_the_answer(om, nominal):
    payload = new_conviction()
    del payload["threshold_met"]
    response = client_for(om).post(convictions_url(nominal), payload, format="json")
    assert response.status_code == 400
    assert "threshold" in response.json()["errors"]["threshold_met"][0]


def test_the_front_desk_clock_leaves_out_the_sentence(front_desk, conviction):
    body = client_for(front_desk).get(clock_url(conviction.nominal)).json()
    assert "requirement_why" not in body and "review_why" not in body
    assert body["next_due"]


def test_in_advance_needs_a_future_date(front_desk, conviction, station):
    response = client_for(front_desk).post(
        notifications_url(conviction.nominal),
        new_notification(
            station,
            type="change",
            change_types=["home_address"],
            event_date="2020-01-01",
            in_advance=True,
        ),
        format="json",
        HTTP_IDEMPOTENCY_KEY="7f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    )
    assert response.status_code == 400
    assert "after today" in response.json()["errors"]["event_date"][0]
