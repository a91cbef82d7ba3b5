"""Case notes and intelligence (domain.md sections 4 and 5): the service, its triggers, the pages
and the API, for every persona. The front desk never sees any of it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services as case_services
from cases.models import AuditAction, AuditEvent, CaseEvent, InboxItem, Nominal, NominalStatus
from risk.models import CaseNote, NoteKind, ReactiveCase, ReactiveStage, RiskReviewDue
from risk.services import notes
from risk.services.triggers import EVENT_TRIGGERS

SECRET = "Seen outside Elm Road primary school at 15:20"


def add(user, nominal, **data):
    values = {
        "kind": NoteKind.NOTE,
        "occurred_on": timezone.localdate() - timedelta(days=1),
        "text": "Home visit arranged by phone.",
        "source": "",
        "is_concern": False,
        **data,
    }
    return notes.case_note_add(acting_user=user, nominal=nominal, data=values)


def intelligence(user, nominal, text=SECRET, **data):
    return add(user, nominal, kind=NoteKind.INTELLIGENCE, text=text, source="School", **data)


def form_data(**data):
    day = timezone.localdate() - timedelta(days=2)
    return {
        "kind": NoteKind.INTELLIGENCE,
        "occurred_on_0": day.day,
        "occurred_on_1": day.month,
        "occurred_on_2": day.year,
        "text": SECRET,
        "source": "Neighbourhood team",
        **data,
    }


def make_reactive(nominal):
    Nominal.objects.filter(pk=nominal.pk).update(status=NominalStatus.REACTIVE)
    ReactiveCase.objects.create(nominal=nominal, stage=ReactiveStage.APPROVED)
    nominal.refresh_from_db()
    return nominal


# --- The service --------------------------------------------------------------------------------


def test_intelligence_is_recorded_with_its_timeline_event_audit_and_arms_trigger(om, nominal):
    note, created = intelligence(om, nominal, is_concern=True)

    assert created and note.kind == NoteKind.INTELLIGENCE and note.created_by == om
    event = CaseEvent.objects.get(nominal=nominal, kind="intelligence_added")
    assert "raises a concern" in event.summary
    assert event.kind not in EVENT_TRIGGERS
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="risk.CaseNote", object_id=str(note.pk)
    ).exists()
    due = RiskReviewDue.objects.get(nominal=nominal)
    assert due.due == timezone.localdate() and "Intelligence" in due.why
    assert InboxItem.objects.filter(user=om, nominal=nominal, kind="arms_review").exists()


def test_a_plain_note_triggers_nothing(om, nominal):
    add(om, nominal)

    assert CaseEvent.objects.filter(nominal=nominal, kind="note_added").exists()
    assert not RiskReviewDue.objects.filter(nominal=nominal).exists()
    assert not InboxItem.objects.filter(kind="arms_review").exists()


@pytest.mark.parametrize(
    ("kind", "trigger"),
    [
        (NoteKind.INTELLIGENCE, "new_intelligence"),
        (NoteKind.ARREST, "arrest"),
        (NoteKind.CONTACT_WITH_CHILDREN, "address_with_children"),
        (NoteKind.RELATIONSHIP, None),
    ],
)
def test_trigger_kinds_on_a_reactive_case(om, supervisor, nominal, kind, trigger):
    make_reactive(nominal)

    add(om, nominal, kind=kind, source="Custody record")

    case = ReactiveCase.objects.get(nominal=nominal)
    assert RiskReviewDue.objects.filter(nominal=nominal, due=timezone.localdate()).exists()
    if trigger is None:
        assert case.stage == ReactiveStage.APPROVED and case.return_triggers == []
        assert not InboxItem.objects.filter(user=supervisor, kind="reactive_return").exists()
    else:
        assert case.stage == ReactiveStage.RETURN_FLAGGED
        assert [t["trigger"] for t in case.return_triggers] == [trigger]
        assert InboxItem.objects.filter(user=supervisor, kind="reactive_return").exists()


def test_an_active_case_is_not_flagged_for_return(om, nominal):
    intelligence(om, nominal)

    assert not ReactiveCase.objects.filter(nominal=nominal).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"occurred_on": date.today() + timedelta(days=3)}, "occurred_on", "today or in the past"),
        ({"occurred_on": date(1970, 1, 1)}, "occurred_on", "after the date of birth"),
        ({"kind": NoteKind.INTELLIGENCE, "source": "  "}, "source", "where the intelligence"),
        ({"text": "   "}, "text", "Enter what happened"),
        ({"kind": "gossip"}, "kind", "not a valid choice"),
    ],
)
def test_bad_notes_are_refused_with_a_clear_message(om, nominal, data, field, message):
    with pytest.raises(ValidationError) as error:
        add(om, nominal, **data)

    assert message in " ".join(error.value.message_dict[field])
    assert not CaseNote.objects.exists()


def test_the_same_note_twice_is_recorded_once(om, nominal):
    first, created = intelligence(om, nominal)
    again, created_again = intelligence(om, nominal)

    assert created and not created_again and again.pk == first.pk
    assert CaseNote.objects.count() == 1
    assert CaseEvent.objects.filter(kind="intelligence_added").count() == 1


# --- The pages ----------------------------------------------------------------------------------


def test_offender_manager_adds_intelligence_through_the_page(client, om, nominal):
    client.force_login(om)
    url = reverse("risk:note-add", args=[nominal.pk])

    assert client.get(url + "?kind=intelligence").status_code == 200
    response = client.post(url, form_data(is_concern="on"))

    assert response.status_code == 302
    assert response.url == reverse("risk:note-list", args=[nominal.pk])
    note = CaseNote.objects.get()
    assert note.is_concern and note.source == "Neighbourhood team"
    page = client.get(response.url)
    assert SECRET in page.content.decode() and "Intelligence recorded" in page.content.decode()


def test_a_future_date_is_refused_and_what_was_typed_is_kept(client, om, nominal):
    client.force_login(om)
    day = timezone.localdate() + timedelta(days=5)
    data = form_data(occurred_on_0=day.day, occurred_on_1=day.month, occurred_on_2=day.year)

    response = client.post(reverse("risk:note-add", args=[nominal.pk]), data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "The date it happened must be today or in the past" in body
    assert SECRET in body
    assert not CaseNote.objects.exists()


def test_intelligence_without_a_source_is_refused(client, om, nominal):
    client.force_login(om)

    response = client.post(reverse("risk:note-add", args=[nominal.pk]), form_data(source=""))

    assert "Enter where the intelligence came from" in response.content.decode()
    assert not CaseNote.objects.exists()


def test_the_list_filters_by_kind_and_is_audited(client, om, colleague, nominal):
    intelligence(om, nominal)
    add(om, nominal, text="Phoned to rearrange the visit")
    client.force_login(colleague)
    url = reverse("risk:note-list", args=[nominal.pk])

    everything = client.get(url).content.decode()
    only_intel = client.get(url + "?kind=intelligence").content.decode()

    assert SECRET in everything and "Phoned to rearrange" in everything
    assert SECRET in only_intel and "Phoned to rearrange" not in only_intel
    assert "Add a note or intelligence" not in everything  # the colleague reads only
    assert (
        AuditEvent.objects.filter(
            user_id=colleague.pk, action=AuditAction.VIEW, nominal_id=nominal.pk
        ).count()
        == 2
    )


def test_an_unknown_kind_filter_shows_everything(client, om, nominal):
    intelligence(om, nominal)
    client.force_login(om)

    response = client.get(reverse("risk:note-list", args=[nominal.pk]) + "?kind=nonsense")

    assert response.status_code == 200 and SECRET in response.content.decode()


def test_the_risk_tab_summarises_recent_notes(client, om, nominal):
    intelligence(om, nominal, is_concern=True)
    client.force_login(om)

    body = client.get(reverse("risk:overview", args=[nominal.pk])).content.decode()

    assert "Notes and intelligence" in body and "Elm Road" in body
    assert reverse("risk:note-add", args=[nominal.pk]) in body
    assert "Not in the reactive-management queue" in body


@pytest.mark.parametrize(
    ("persona", "list_status", "add_status"),
    [
        ("om", 200, 200),
        ("colleague", 200, 403),
        ("supervisor", 200, 200),
        ("om_south", 404, 404),
        ("front_desk", 404, 404),
        ("mappa_chair", 404, 404),
        ("administrator", 404, 404),
        ("other_force_om", 404, 404),
    ],
)
def test_page_access_per_persona(request, client, nominal, persona, list_status, add_status):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("risk:note-list", args=[nominal.pk])).status_code == list_status
    response = client.post(reverse("risk:note-add", args=[nominal.pk]), form_data())
    assert response.status_code == (302 if add_status == 200 else add_status)


def test_anonymous_users_are_sent_to_sign_in(client, nominal):
    response = client.get(reverse("risk:note-list", args=[nominal.pk]))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_front_desk_never_sees_notes_or_intelligence(client, om, front_desk, nominal):
    intelligence(om, nominal)
    client.force_login(front_desk)

    person = client.get(reverse("notifications:frontdesk-person", args=[nominal.pk]))
    assert person.status_code == 200
    assert "Elm Road" not in person.content.decode()
    for name in ("risk:note-list", "risk:note-add", "risk:overview"):
        assert client.get(reverse(name, args=[nominal.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(front_desk)
    response = api.get(reverse("api:note-list", args=[nominal.pk]))
    assert response.status_code == 403 and "Elm Road" not in response.content.decode()


def _more_notes(om, nominal, count):
    for n in range(count):
        add(om, nominal, text=f"Note {n}", occurred_on=date(2024, 1, 1) + timedelta(days=n))


@pytest.mark.parametrize("path", ["page", "api"])
def test_notes_list_query_count_is_flat(client, om, nominal, django_assert_max_num_queries, path):
    client.force_login(om)
    api = APIClient()
    api.force_authenticate(om)

    def fetch():
        if path == "page":
            return client.get(reverse("risk:note-list", args=[nominal.pk]))
        return api.get(reverse("api:note-list", args=[nominal.pk]))

    _more_notes(om, nominal, 2)
    fetch()
    with django_assert_max_num_queries(16) as small:
        assert fetch().status_code == 200
    _more_notes(om, nominal, 20)
    with django_assert_max_num_queries(16) as large:
        assert fetch().status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


# --- The API ------------------------------------------------------------------------------------


@pytest.fixture
def api(om):
    client = APIClient()
    client.force_authenticate(om)
    return client


def api_note(**data):
    return {
        "kind": "intelligence",
        "occurred_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "text": SECRET,
        "source": "Neighbourhood team",
        "is_concern": True,
        **data,
    }


def test_api_records_a_note_once(api, om, nominal):
    url = reverse("api:note-list", args=[nominal.pk])

    first = api.post(url, api_note(), format="json")
    again = api.post(url, api_note(), format="json")

    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["created_by"] == {"id": om.pk, "name": om.get_full_name()}
    assert CaseNote.objects.count() == 1
    assert RiskReviewDue.objects.filter(nominal=nominal).exists()


def test_api_lists_notes_filtered_by_kind(api, om, nominal):
    intelligence(om, nominal)
    add(om, nominal, text="A plain note")
    url = reverse("api:note-list", args=[nominal.pk])

    everything = api.get(url).json()
    only_notes = api.get(url, {"kind": "note"}).json()

    assert everything["count"] == 2
    assert [n["text"] for n in only_notes["results"]] == ["A plain note"]
    assert (
        AuditEvent.objects.filter(
            user_id=om.pk, action=AuditAction.VIEW, description__startswith="API: notes"
        ).count()
        == 2
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (api_note(occurred_on="2099-01-01"), "occurred_on"),
        (api_note(occurred_on="2024-02-30"), "occurred_on"),
        (api_note(kind="rumour"), "kind"),
        (api_note(source=""), "source"),
        (api_note(text=""), "text"),
        (api_note(text="x" * 10_001), "text"),
        (api_note(is_concern="perhaps"), "is_concern"),
        ({}, "kind"),
    ],
)
def test_api_refuses_bad_notes_in_the_one_error_shape(api, nominal, body, field):
    response = api.post(reverse("api:note-list", args=[nominal.pk]), body, format="json")

    assert response.status_code == 400
    assert response.json()["message"] and field in response.json()["errors"]
    assert not CaseNote.objects.exists()


@pytest.mark.parametrize("body", [[], "text", [{"kind": "note"}], {"kind": ["note"]}])
def test_api_never_fails_on_junk(api, nominal, body):
    response = api.post(reverse("api:note-list", args=[nominal.pk]), body, format="json")

    assert response.status_code == 400 and "errors" in response.json()


def test_api_unknown_kind_filter_is_a_clear_error(api, nominal):
    response = api.get(reverse("api:note-list", args=[nominal.pk]), {"kind": "rumour"})

    assert response.status_code == 400 and "kind" in response.json()["errors"]


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("om", 200, 201),
        ("colleague", 200, 403),
        ("supervisor", 200, 201),
        ("om_south", 404, 404),
        ("front_desk", 403, 403),
        ("mappa_chair", 404, 404),
        ("administrator", 403, 403),
        ("other_force_om", 404, 404),
    ],
)
def test_api_access_per_persona(request, nominal, persona, read, write):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(persona))
    url = reverse("api:note-list", args=[nominal.pk])

    assert client.get(url).status_code == read
    response = client.post(url, api_note(), format="json")
    assert response.status_code == write
    if write != 201:
        assert response.json()["errors"] == {} and not CaseNote.objects.exists()


def test_api_anonymous_is_refused(nominal):
    response = APIClient().get(reverse("api:note-list", args=[nominal.pk]))

    assert response.status_code == 401


def test_a_mappa_chair_reads_notes_on_a_level_3_case(om, mappa_chair, nominal):
    case_services.nominal_update(acting_user=om, nominal=nominal, data={"mappa_level": 3})
    intelligence(om, nominal)
    client = APIClient()
    client.force_authenticate(mappa_chair)
    url = reverse("api:note-list", args=[nominal.pk])

    assert client.get(url).json()["count"] == 1
    assert client.post(url, api_note(text="Another"), format="json").status_code == 403
