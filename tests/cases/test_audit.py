"""The audit trail: one event per view, append-only in the database, tamper-evident."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.utils import ProgrammingError
from django.urls import reverse

from cases import audit
from cases.models import AuditAction, AuditEvent

CASE_PAGES = [
    ("cases:nominal-detail", {}),
    ("cases:nominal-section", {"section": "addresses"}),
    ("cases:nominal-section", {"section": "documents-and-money"}),
    ("cases:nominal-section", {"section": "vehicles-and-work"}),
    ("cases:nominal-timeline", {}),
    ("cases:nominal-edit", {}),
    ("cases:nominal-photo", {}),
    ("cases:record-add", {"kind": "addresses"}),
]


@pytest.mark.parametrize(("name", "extra"), CASE_PAGES)
def test_each_case_page_view_writes_one_event(client, om, nominal, name, extra):
    client.force_login(om)
    before = AuditEvent.objects.count()
    response = client.get(reverse(name, kwargs={"pk": nominal.pk, **extra}), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert len(events) == 1
    event = events[0]
    assert (event.user_id, event.action, event.nominal_id) == (om.pk, "view", nominal.pk)
    assert event.ip_address == "10.1.2.3"


def test_a_change_records_fields_with_old_and_new_values(client, om, nominal):
    client.force_login(om)
    client.post(
        reverse("cases:nominal-edit", kwargs={"pk": nominal.pk}),
        {
            "forenames": "John Paul",
            "surname": "Smyth",
            "date_of_birth_0": "12",
            "date_of_birth_1": "4",
            "date_of_birth_2": "1980",
            "sex": "male",
            "ni_number": "AB123456C",
            "status": "active",
            "mappa_category": "1",
            "mappa_level": "1",
        },
    )
    event = AuditEvent.objects.filter(action=AuditAction.CHANGE).latest("id")
    assert event.changes == [{"field": "Last name", "old": "Smith", "new": "Smyth"}]
    assert event.nominal_id == nominal.pk


def test_failed_sign_in_is_recorded(client, om):
    client.post(reverse("login"), {"username": om.username, "password": "wrong"})
    event = AuditEvent.objects.latest("id")
    assert event.action == AuditAction.LOGIN_FAILED
    assert om.username in event.description


def test_the_database_refuses_updates_and_deletes(om):
    event = audit.record(actor=om, action=AuditAction.VIEW, description="x")
    for sql in (
        "UPDATE cases_auditevent SET description = 'y' WHERE id = %s",
        "DELETE FROM cases_auditevent WHERE id = %s",
    ):
        refused = pytest.raises((InternalError, ProgrammingError, IntegrityError))
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_each_event_chains_to_the_one_before(om):
    first = audit.record(actor=om, action=AuditAction.VIEW)
    second = audit.record(actor=om, action=AuditAction.VIEW)
    assert second.prev_hash == first.hash
    assert second.compute_hash() == second.hash


def test_verify_audit_passes_on_an_intact_trail(om, nominal, capsys):
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def _tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cases_auditevent DISABLE TRIGGER cases_auditevent_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE cases_auditevent ENABLE TRIGGER cases_auditevent_append_only")


def test_verify_audit_names_an_altered_event(om):
    events = [audit.record(actor=om, action=AuditAction.VIEW, description=str(i)) for i in range(5)]
    victim = events[2]
    _tamper("UPDATE cases_auditevent SET username = 'someone-else' WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError, match=rf"Audit event {victim.pk} .*altered"):
        call_command("verify_audit")


def test_verify_audit_names_the_event_after_a_deleted_one(om):
    events = [audit.record(actor=om, action=AuditAction.VIEW, description=str(i)) for i in range(4)]
    _tamper("DELETE FROM cases_auditevent WHERE id = %s", [events[1].pk])
    with pytest.raises(
        CommandError, match=rf"Audit event {events[2].pk} .*does not link to event {events[0].pk}"
    ):
        call_command("verify_audit")


def test_the_nightly_task_reports_a_broken_chain(om):
    from cases.tasks import verify_audit_trail

    event = audit.record(actor=om, action=AuditAction.VIEW)
    assert verify_audit_trail.delay().get() is None
    _tamper("UPDATE cases_auditevent SET action = 'change' WHERE id = %s", [event.pk])
    assert str(event.pk) in verify_audit_trail.delay().get()


def test_the_nightly_check_is_scheduled():
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE["verify-audit-nightly"]
    assert schedule["task"] == "cases.tasks.verify_audit_trail"


def test_supervisor_sees_who_viewed_the_case(client, om, colleague, supervisor, nominal):
    for user in (om, colleague):
        client.force_login(user)
        client.get(reverse("cases:nominal-detail", kwargs={"pk": nominal.pk}))
    client.force_login(supervisor)
    page = client.get(reverse("cases:nominal-viewers", kwargs={"pk": nominal.pk})).content.decode()
    assert om.username in page and colleague.username in page


def test_administrator_searches_events_by_user_and_case(client, om, administrator, nominal):
    client.force_login(om)
    client.get(reverse("cases:nominal-detail", kwargs={"pk": nominal.pk}))
    client.force_login(administrator)
    url = reverse("cases:audit-search")
    by_case = client.get(url, {"case": nominal.reference})
    assert by_case.status_code == 200
    assert all(e.nominal_id == nominal.pk for e in by_case.context["page"].object_list)
    assert by_case.context["page"].paginator.count >= 2
    by_user = client.get(url, {"user": om.username})
    assert {e.user_id for e in by_user.context["page"].object_list} == {om.pk}
