"""The nightly visit sweep: due dates in bulk (section 5), "Visit overdue" inbox items, a second
run writing nothing, the lock, a crash, queries per batch, the task, the schedule, the command."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import AuditEvent, Force, InboxItem, Nominal, NominalStatus
from risk.services.plans import plan_review
from rsom.tasks import finish_sweep, sweep_part
from tests.conftest import holds_sweep_lock
from tests.visits.test_planning import at, make_case, set_risk
from visits import sweep as sweep_module
from visits.models import Visit, VisitDue, VisitStatus
from visits.services.due import visit_due_refresh
from visits.sweep import VISIT_SWEEP_LOCK, sweep_visits
from visits.tasks import sweep_visits_nightly

ON = date(2025, 6, 2)


def visited(nominal, day: date, outcome="completed") -> Visit:
    """A recorded visit written straight to the table: only the sweep will see it."""
    return Visit.objects.create(
        nominal=nominal,
        status=VisitStatus.RECORDED,
        visited_at=at(day),
        outcome=outcome,
        created_by=nominal.offender_manager,
        recorded_by=nominal.offender_manager,
    )


def due_rows() -> dict[int, tuple]:
    return {d.pk: (d.due, d.why) for d in VisitDue.objects.all()}


def trail() -> tuple[int, int]:
    return AuditEvent.objects.count(), InboxItem.objects.count()


@pytest.fixture
def high(om, nominal):
    """High risk from 1 Jan 2024, last completed visit 10 Jan 2025 (section 5.4)."""
    set_risk(om, nominal, "high")
    visited(nominal, date(2025, 1, 10))
    return nominal


@pytest.fixture
def very_high(om):
    """Very high risk, last visit 31 Jan 2025 (section 5.5), not yet swept."""
    case = make_case(om, "Veryhigh", "RG2 1AA")
    set_risk(om, case, "very_high")
    visited(case, date(2025, 1, 31))
    return case


# --- Due dates ----------------------------------------------------------------------------------


def test_the_worked_examples_through_the_sweep(high, very_high):
    result = sweep_visits(on=ON)

    assert result.ran and result.checked == 2 and result.due_dates_changed == 2
    assert VisitDue.objects.get(nominal=high).due == date(2025, 4, 10)
    assert VisitDue.objects.get(nominal=very_high).due == date(2025, 2, 28)
    assert VisitDue.objects.get(nominal=high).computed_on == ON


def test_failed_attempts_do_not_move_the_due_date(high):
    visited(high, date(2025, 3, 1), outcome="no_answer")
    visited(high, date(2025, 3, 2), outcome="refused")

    sweep_visits(on=ON)

    assert VisitDue.objects.get(nominal=high).due == date(2025, 4, 10)


def test_reactive_cases_get_no_routine_visits(om, high):
    Nominal.objects.filter(pk=high.pk).update(status=NominalStatus.REACTIVE)

    sweep_visits(on=ON)

    row = VisitDue.objects.get(nominal=high)
    assert row.due is None and "reactive management" in row.why


def test_the_plans_individual_frequency_is_used(om, high):
    plan_review(
        acting_user=om,
        nominal=high,
        based_on=None,
        contingency="C",
        visit_interval_months=1,
        visit_interval_reason="Released last month",
    )
    VisitDue.objects.all().delete()

    sweep_visits(on=ON)

    row = VisitDue.objects.get(nominal=high)
    assert row.due == date(2025, 2, 10) and "set in the plan (Released last month)" in row.why


def test_the_sweep_agrees_with_the_service(om, high, very_high):
    reactive = make_case(om, "Reactive")
    set_risk(om, reactive, "low")
    Nominal.objects.filter(pk=reactive.pk).update(status=NominalStatus.REACTIVE)
    visited(reactive, date(2025, 2, 1))
    custody = make_case(om, "Custody")
    Nominal.objects.filter(pk=custody.pk).update(status=NominalStatus.IN_CUSTODY)
    make_case(om, "Unassessed")

    sweep_visits(on=ON)
    swept = due_rows()
    for nominal in Nominal.objects.all():
        visit_due_refresh(nominal)

    assert due_rows() == swept


def test_a_second_run_writes_nothing(high, very_high):
    first = sweep_visits(on=ON)
    before = (due_rows(), trail())

    with CaptureQueriesContext(connection) as queries:
        second = sweep_visits(on=ON)

    assert first.writes > 0
    assert second.ran and second.writes == 0
    assert (due_rows(), trail()) == before
    assert not [q for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]


def test_missing_rows_are_created(high):
    VisitDue.objects.all().delete()

    result = sweep_visits(on=ON)

    assert result.due_dates_changed == 1
    assert VisitDue.objects.get(nominal=high).due == date(2025, 4, 10)


def test_one_audit_event_per_batch_that_changed(high, very_high):
    before = AuditEvent.objects.count()

    sweep_visits(on=ON)

    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.user_id is None and "2 next visit due dates changed" in event.description
    assert {c["field"] for c in event.changes} == {high.reference, very_high.reference}


def test_a_force_setting_that_breaks_the_rules_stops_one_case_not_the_sweep(om, high):
    # Lower risk visited more often than higher risk: the rule refuses the table.
    other = make_case(om, "Fine")
    set_risk(om, other, "low")
    Nominal.objects.filter(pk=other.pk).update(status=NominalStatus.REACTIVE)
    Force.objects.filter(pk=high.force_id).update(visit_months_low=1)

    result = sweep_visits(on=ON)

    assert result.ran and result.failed == 1
    assert VisitDue.objects.get(nominal=other).due is None  # reactive: still worked out


# --- Inbox --------------------------------------------------------------------------------------


def test_overdue_visits_go_to_the_allocated_offender_manager_once(om, high, very_high):
    result = sweep_visits(on=ON)

    items = InboxItem.objects.filter(kind="visit_overdue").order_by("nominal_id")
    assert result.inbox_items_added == 2
    assert [(i.user_id, i.nominal_id) for i in items] == [(om.pk, high.pk), (om.pk, very_high.pk)]
    first = items[0]
    assert first.title == f"Visit overdue: {high.display_name}"
    assert first.key == f"visit-overdue:{high.pk}:2025-04-10"
    assert first.due == date(2025, 4, 10)
    assert first.link == reverse("visits:case-visits", args=[high.pk])
    assert first.detail.startswith("A home visit was due by 10 Apr 2025. Visit every 3 months")

    InboxItem.objects.filter(pk=first.pk).update(done_at=first.created_at)  # dealt with
    again = sweep_visits(on=date(2025, 6, 3))

    assert again.inbox_items_added == 0
    assert InboxItem.objects.filter(kind="visit_overdue").count() == 2


def test_a_new_due_date_that_passes_is_a_new_item(om, high):
    sweep_visits(on=ON)
    visited(high, date(2025, 5, 1))

    sweep_visits(on=date(2025, 8, 2))

    keys = set(InboxItem.objects.filter(kind="visit_overdue").values_list("key", flat=True))
    assert keys == {f"visit-overdue:{high.pk}:2025-04-10", f"visit-overdue:{high.pk}:2025-08-01"}


def test_no_item_when_not_overdue_unallocated_or_closed(om, high, very_high):
    Nominal.objects.filter(pk=high.pk).update(offender_manager=None)
    Nominal.objects.filter(pk=very_high.pk).update(status=NominalStatus.DECEASED)
    soon = make_case(om, "Soon")
    set_risk(om, soon, "high", on=date(2025, 4, 1))  # due 1 Jul 2025

    result = sweep_visits(on=ON)

    assert result.inbox_items_added == 0
    assert not InboxItem.objects.filter(kind="visit_overdue").exists()


# --- Safe to run twice, at once, or after a crash -----------------------------------------------


@pytest.fixture
def lock_holder(hold_sweep_lock):
    return hold_sweep_lock(VISIT_SWEEP_LOCK)


def test_a_sweep_already_running_makes_a_second_one_return_at_once(high, lock_holder):
    with CaptureQueriesContext(connection) as queries:
        busy = sweep_visits(on=ON)

    assert not busy.ran and busy.writes == 0 and busy.checked == 0
    assert len(queries) == 1  # the try-lock, nothing else
    assert "not run" in str(busy)

    lock_holder.release()
    done = sweep_visits(on=ON)

    assert done.ran and done.due_dates_changed == 1


def test_the_lock_is_released_after_each_sweep(high):
    sweep_visits(on=ON)
    assert not holds_sweep_lock(VISIT_SWEEP_LOCK)


def test_a_crash_keeps_the_batches_already_done(om, monkeypatch):
    people = []
    for n in range(5):
        person = make_case(om, f"Crash{n}")
        set_risk(om, person, "medium")
        visited(person, date(2025, 1, 10))
        people.append(person)
    real = sweep_module.visit_due_for

    def failing(nominal, **kwargs):
        if nominal.pk == people[3].pk:
            raise RuntimeError("worker lost")
        return real(nominal, **kwargs)

    monkeypatch.setattr(sweep_module, "visit_due_for", failing)
    with pytest.raises(RuntimeError):
        sweep_visits(on=ON, batch_size=2)

    done = set(VisitDue.objects.filter(due=date(2025, 7, 10)).values_list("nominal_id", flat=True))
    assert done == {people[0].pk, people[1].pk}
    assert not holds_sweep_lock(VISIT_SWEEP_LOCK)

    monkeypatch.setattr(sweep_module, "visit_due_for", real)
    finished = sweep_visits(on=ON, batch_size=2)

    assert finished.due_dates_changed == 3
    assert VisitDue.objects.filter(due=date(2025, 7, 10)).count() == 5


def test_a_visit_recorded_meanwhile_is_not_overwritten(om, high, monkeypatch):
    """The rows to change are locked and their facts read again before writing: a completed
    visit committed after the batch was read still counts."""
    real = sweep_module._rewrite

    def visit_arrives(pks, on, computed):
        visited(high, date(2025, 5, 20))  # committed by another officer meanwhile
        return real(pks, on, computed)

    monkeypatch.setattr(sweep_module, "_rewrite", visit_arrives)
    sweep_visits(on=ON)

    assert VisitDue.objects.get(nominal=high).due == date(2025, 8, 20)


# --- Queries per batch --------------------------------------------------------------------------


def _stale_sweep(on) -> int:
    VisitDue.objects.update(due=None, why="stale")
    with CaptureQueriesContext(connection) as queries:
        result = sweep_visits(on=on)
    assert result.due_dates_changed == Nominal.objects.count()
    return len(queries)


def test_queries_per_batch_do_not_grow_with_the_number_of_cases(om, django_assert_max_num_queries):
    for n in range(3):
        case = make_case(om, f"Small{n}")
        set_risk(om, case, "high")
        visited(case, date(2025, 1, 10))
    small = _stale_sweep(ON)
    for n in range(15):
        case = make_case(om, f"Large{n}")
        set_risk(om, case, "very_high")
        visited(case, date(2025, 1, 10 + n))

    VisitDue.objects.update(due=None, why="stale")
    with django_assert_max_num_queries(small):
        result = sweep_visits(on=ON)

    assert result.checked == 18 and result.due_dates_changed == 18
    assert InboxItem.objects.filter(kind="visit_overdue").count() == 18


# --- The task, the command and the schedule -----------------------------------------------------


def test_nightly_task_queues_the_sweep_and_its_parts_do_the_work(high):
    queued = sweep_visits_nightly.delay().get()

    assert queued["sweep"] == "visits" and queued["parts"] >= 1
    # Tasks run at once in the tests: the parts have already run.
    assert VisitDue.objects.filter(pk=high.pk).exists()
    assert InboxItem.objects.filter(nominal=high, kind="visit_overdue").count() == 1


def test_nightly_task_is_scheduled_with_an_expiry_under_a_day():
    entry = django_settings.CELERY_BEAT_SCHEDULE["sweep-visits-nightly"]

    assert entry["task"] == "visits.tasks.sweep_visits_nightly"
    assert 0 < entry["options"]["expires"] < 24 * 3600
    # The queued parts and final step retry after a lost connection.
    assert sweep_part.autoretry_for and finish_sweep.autoretry_for


def test_command_prints_the_counts(high):
    out = io.StringIO()

    call_command("sweep_visits", "--date", "2025-06-02", stdout=out)

    text = out.getvalue()
    assert "2 Jun 2025" in text
    assert "Cases checked:       1" in text
    assert "Due dates changed:   1" in text
    assert "Inbox items added:   1" in text


def test_command_rejects_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("sweep_visits", "--date", "2 June 2025")


def test_command_rejects_a_bad_batch_size(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("sweep_visits", "--batch-size", "0")


def test_after_a_service_refresh_the_sweep_has_nothing_to_do(om, high):
    """The services and the sweep work the due date out the same way."""
    sweep_visits(on=ON)
    services.nominal_update(acting_user=om, nominal=high, data={"on_licence": True})

    assert sweep_visits(on=ON).due_dates_changed == 0
