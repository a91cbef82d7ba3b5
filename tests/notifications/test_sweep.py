"""The nightly register sweep: clocks, inbox items, closing ended cases, the lock, query counts."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import AuditAction, AuditEvent, CaseEvent, InboxItem, Nominal, NominalStatus
from notifications import services as register
from notifications import sweep as sweep_module
from notifications.history import load_history
from notifications.models import (
    Absence,
    Clock,
    Conviction,
    IndefiniteReview,
    Notification,
    ReviewOutcome,
    ReviewStage,
    Schedule3Offence,
)
from notifications.services import CLOCK_FIELDS, clock_values, compute_clock
from notifications.sweep import SWEEP_LOCK, sweep_register
from notifications.tasks import sweep_register_nightly
from rsom.tasks import finish_sweep, sweep_part
from tests.conftest import holds_sweep_lock

ON = date(2025, 6, 2)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


def make_person(om, surname: str, *, born=date(1975, 5, 5)) -> Nominal:
    return services.nominal_create(
        acting_user=om,
        data={"forenames": "Test", "surname": surname, "date_of_birth": born, "sex": "male"},
    )


def convict(om, nominal, *, disposal="other", relevant=date(2022, 1, 10), months=None):
    data = {
        "kind": "caution" if disposal == "caution" else "conviction",
        "relevant_date": relevant,
        "court": "Reading Magistrates' Court",
        "offence": Schedule3Offence.objects.get(paragraph="21"),
        "disposal": disposal,
    }
    if months:
        data["terms"] = [{"start": 0, "length": months}]
    return register.conviction_save(acting_user=om, nominal=nominal, data=data)


def notify(desk, station, nominal, day: date, kind="periodic", **extra):
    made, _ = register.notification_record(
        acting_user=desk,
        nominal=nominal,
        idempotency_key=uuid.uuid4(),
        data={"type": kind, "station": station, "taken_at": _aware(day), **extra},
    )
    return made


def clock_rows():
    return list(Clock.objects.order_by("pk").values(*CLOCK_FIELDS, "computed_on"))


def trail_counts():
    return (AuditEvent.objects.count(), InboxItem.objects.count(), CaseEvent.objects.count())


def expected_values(nominal, on):
    return clock_values(compute_clock(load_history(nominal.pk), on=on))


@pytest.fixture
def overdue(conviction):
    """24 months' custody on 1 Mar 2020 and no notification: initial due 3 Mar 2020, overdue."""
    return conviction.nominal


@pytest.fixture
def due_soon(om, front_desk, station):
    person = make_person(om, "Dueson")
    convict(om, person, relevant=date(2022, 1, 10))
    notify(desk=front_desk, station=station, nominal=person, day=date(2024, 6, 7))
    return person  # periodic due 7 Jun 2025: five days after ON


@pytest.fixture
def on_time(om, front_desk, station):
    person = make_person(om, "Ontime")
    convict(om, person, relevant=date(2022, 1, 10))
    notify(desk=front_desk, station=station, nominal=person, day=date(2025, 3, 1))
    return person  # periodic due 1 Mar 2026


@pytest.fixture
def ended(om, front_desk, station):
    person = make_person(om, "Ended")
    convict(om, person, disposal="caution", relevant=date(2022, 4, 1))  # last day 31 Mar 2024
    notify(desk=front_desk, station=station, nominal=person, day=date(2022, 4, 2), kind="initial")
    return person


# --- Clocks -------------------------------------------------------------------------------------


def test_sweep_fills_clocks_and_a_second_run_writes_nothing(overdue, due_soon, on_time):
    Clock.objects.all().delete()

    first = sweep_register(on=ON)

    assert first.ran
    assert (first.checked, first.clocks_changed) == (3, 3)
    for person in (overdue, due_soon, on_time):
        stored = Clock.objects.get(pk=person.pk)
        assert {f: getattr(stored, f) for f in CLOCK_FIELDS} == expected_values(person, ON)
        assert stored.computed_on == ON
    assert Clock.objects.get(pk=on_time.pk).next_periodic_due == date(2026, 3, 1)

    before_rows, before_trail = clock_rows(), trail_counts()
    with CaptureQueriesContext(connection) as queries:
        second = sweep_register(on=ON)

    assert second.ran and second.checked == 3
    assert (second.clocks_changed, second.inbox_items_added, second.cases_ended) == (0, 0, 0)
    assert second.writes == 0
    assert clock_rows() == before_rows
    assert trail_counts() == before_trail
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_changed_clock_is_rewritten_with_the_day_it_changed(on_time):
    Clock.objects.filter(pk=on_time.pk).update(
        next_periodic_due=None, next_due=None, computed_on=date(2020, 1, 1)
    )
    other = Clock.objects.get(pk=on_time.pk)

    result = sweep_register(on=ON)

    stored = Clock.objects.get(pk=on_time.pk)
    assert result.clocks_changed == 1
    assert stored.next_periodic_due == date(2026, 3, 1)
    assert stored.computed_on == ON
    assert other.computed_on == date(2020, 1, 1)


def test_unchanged_clock_keeps_its_computed_on(on_time):
    Clock.objects.filter(pk=on_time.pk).update(computed_on=date(2020, 1, 1))

    sweep_register(on=ON)

    assert Clock.objects.get(pk=on_time.pk).computed_on == date(2020, 1, 1)


# --- The offender manager's inbox ---------------------------------------------------------------


def test_overdue_and_due_soon_go_to_the_allocated_offender_manager_once(
    overdue, due_soon, on_time, om, colleague, supervisor
):
    result = sweep_register(on=ON)

    items = {i.nominal_id: i for i in InboxItem.objects.filter(kind__startswith="notification_")}
    assert result.inbox_items_added == 2
    assert set(items) == {overdue.pk, due_soon.pk}
    late = items[overdue.pk]
    assert late.user == om
    assert late.kind == "notification_overdue"
    assert late.title == "Notification overdue: SMITH, John Paul"
    assert late.key == f"clock:{overdue.pk}:overdue:2020-03-03"
    assert late.due == date(2020, 3, 3)
    assert "the failure began on 4 Mar 2020" in late.detail
    assert "3 days beginning with the relevant date" in late.detail  # the why
    assert late.link == reverse("cases:nominal-detail", args=[overdue.pk])
    soon = items[due_soon.pk]
    assert (soon.user, soon.kind, soon.due) == (om, "notification_due_soon", date(2025, 6, 7))
    assert soon.title.startswith("Notification due soon: ")
    assert not InboxItem.objects.filter(user__in=[colleague, supervisor]).exists()

    soon.done_at = timezone.now()
    soon.save()
    again = sweep_register(on=ON)

    assert again.inbox_items_added == 0
    assert InboxItem.objects.count() == 2


def test_due_soon_then_overdue_tells_the_manager_about_each(due_soon, om):
    sweep_register(on=ON)
    sweep_register(on=date(2025, 6, 8))  # the first day of failure

    kinds = list(
        InboxItem.objects.filter(nominal=due_soon).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == ["notification_due_soon", "notification_overdue"]


def test_unallocated_or_closed_cases_tell_nobody(overdue, om):
    Nominal.objects.filter(pk=overdue.pk).update(status=NominalStatus.MOVED_OUT_OF_FORCE)

    assert sweep_register(on=ON).inbox_items_added == 0

    Nominal.objects.filter(pk=overdue.pk).update(status=NominalStatus.ACTIVE, offender_manager=None)
    assert sweep_register(on=ON).inbox_items_added == 0
    assert not InboxItem.objects.exists()


def test_reallocated_case_tells_the_new_manager(overdue, om, colleague, supervisor):
    sweep_register(on=ON)
    services.nominal_allocate(acting_user=supervisor, nominal=overdue, offender_manager=colleague)

    assert sweep_register(on=ON).inbox_items_added == 1
    assert InboxItem.objects.filter(user=colleague, nominal=overdue).count() == 1


def test_requirements_ending_soon(om, front_desk, station):
    person = make_person(om, "Ending")
    convict(om, person, relevant=date(2020, 6, 12))  # 5 years: last day 11 Jun 2025
    notify(desk=front_desk, station=station, nominal=person, day=date(2024, 6, 20))

    result = sweep_register(on=ON)

    item = InboxItem.objects.get(kind="requirements_ending")
    assert result.inbox_items_added == 1
    assert item.user == om
    assert item.title == "Requirements end soon: ENDING, Test"
    assert item.key == f"clock:{person.pk}:ending:2025-06-11"
    assert "end after 11 Jun 2025" in item.detail
    assert sweep_register(on=date(2025, 6, 3)).inbox_items_added == 0


# --- End of requirements -------------------------------------------------------------------------


def test_ended_requirements_close_the_case_and_tell_nobody_twice(ended, om):
    result = sweep_register(on=ON)

    ended.refresh_from_db()
    assert result.cases_ended == 1
    assert ended.status == NominalStatus.NOTIFICATION_ENDED
    assert Conviction.objects.filter(nominal=ended).exists()  # closed, never deleted
    assert Notification.objects.filter(nominal=ended).exists()
    event = CaseEvent.objects.get(nominal=ended, kind="notification_ended")
    assert event.summary == "Notification requirements ended on 31 Mar 2024"
    assert event.actor is None
    assert [(c.field, c.old, c.new) for c in event.changes.all()] == [
        ("Status", "Active", "Notification ended")
    ]
    trail = AuditEvent.objects.get(nominal_id=ended.pk, action=AuditAction.CHANGE, user_id=None)
    assert trail.description == "Nightly sweep: notification requirements ended"
    assert trail.object_type == "cases.Nominal"
    told = InboxItem.objects.get(nominal=ended)
    assert (told.user, told.kind) == (om, "requirements_ended")
    assert told.key == f"clock:{ended.pk}:ended:2024-03-31"

    before = trail_counts()
    again = sweep_register(on=ON)

    assert again.cases_ended == 0 and again.writes == 0
    assert trail_counts() == before


def test_cases_no_longer_registered_are_left_alone(ended):
    Nominal.objects.filter(pk=ended.pk).update(status=NominalStatus.DECEASED)

    assert sweep_register(on=ON).cases_ended == 0
    assert Nominal.objects.get(pk=ended.pk).status == NominalStatus.DECEASED


def test_still_subject_on_the_last_day(ended):
    assert sweep_register(on=date(2024, 3, 31)).cases_ended == 0
    assert sweep_register(on=date(2024, 4, 1)).cases_ended == 1


def review(nominal, user, *, ends: date) -> IndefiniteReview:
    return IndefiniteReview.objects.create(
        nominal=nominal,
        stage=ReviewStage.DECIDED,
        application_received_on=ends - timedelta(days=90),
        opened_on=ends - timedelta(days=90),
        decision_target=ends,
        outcome=ReviewOutcome.DISCHARGED,
        determined_on=ends - timedelta(days=5),
        notice_received_on=ends,
        requirements_end_on=ends,
        opened_by=user,
        decided_by=user,
    )


def test_discharged_on_review_closes_the_case_from_the_day_notice_is_received(om, supervisor):
    discharged = make_person(om, "Discharged")
    convict(om, discharged, disposal="custody", relevant=date(2005, 1, 10), months=48)
    review(discharged, supervisor, ends=ON)
    later = make_person(om, "Later")
    convict(om, later, disposal="custody", relevant=date(2005, 1, 10), months=48)
    review(later, supervisor, ends=ON + timedelta(days=3))

    result = sweep_register(on=ON)

    assert result.cases_ended == 1
    assert Nominal.objects.get(pk=discharged.pk).status == NominalStatus.NOTIFICATION_ENDED
    assert Nominal.objects.get(pk=later.pk).status == NominalStatus.ACTIVE
    event = CaseEvent.objects.get(nominal=discharged, kind="notification_ended")
    assert event.summary == "Notification requirements ended on 1 Jun 2025"  # the last day subject
    # Overdue notifications are no longer the manager's concern once discharged.
    assert set(InboxItem.objects.filter(nominal=discharged).values_list("kind", flat=True)) == {
        "requirements_ended"
    }
    assert InboxItem.objects.filter(nominal=later, kind="notification_overdue").exists()


# --- Safe to run twice, at once, or after a crash -----------------------------------------------


@pytest.fixture
def lock_holder(hold_sweep_lock):
    return hold_sweep_lock(SWEEP_LOCK)


def test_a_sweep_already_running_makes_a_second_one_return_at_once(on_time, lock_holder):
    Clock.objects.filter(pk=on_time.pk).update(next_due=None)

    with CaptureQueriesContext(connection) as queries:
        busy = sweep_register(on=ON)

    assert not busy.ran
    assert busy.writes == 0 and busy.checked == 0
    assert "another sweep is in progress" in str(busy)
    assert len(queries) == 1
    assert Clock.objects.get(pk=on_time.pk).next_due is None

    lock_holder.release()
    done = sweep_register(on=ON)

    assert done.ran and done.clocks_changed == 1
    assert Clock.objects.get(pk=on_time.pk).next_due == date(2026, 3, 1)


def test_the_lock_is_released_after_each_sweep(on_time):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, 0)", [SWEEP_LOCK])
        assert holds_sweep_lock(SWEEP_LOCK)  # the check sees a held lock
        cursor.execute("SELECT pg_advisory_unlock(%s, 0)", [SWEEP_LOCK])

    sweep_register(on=ON)

    assert not holds_sweep_lock(SWEEP_LOCK)


def test_a_crash_keeps_the_batches_already_done(om, monkeypatch):
    people = []
    for n in range(5):
        person = make_person(om, f"Crash{n}")
        convict(om, person)
        people.append(person)
    Clock.objects.update(requirement_why="stale")
    real = sweep_module.load_histories

    def failing(batch):
        batch = list(batch)
        if people[3].pk in {p.pk for p in batch}:
            raise RuntimeError("worker lost")
        return real(batch)

    monkeypatch.setattr(sweep_module, "load_histories", failing)
    with pytest.raises(RuntimeError):
        sweep_register(on=ON, batch_size=2)

    stale = set(Clock.objects.filter(requirement_why="stale").values_list("pk", flat=True))
    assert stale == {p.pk for p in people[2:]}
    assert not holds_sweep_lock(SWEEP_LOCK)

    monkeypatch.setattr(sweep_module, "load_histories", real)
    finished = sweep_register(on=ON, batch_size=2)

    assert finished.clocks_changed == 3
    assert not Clock.objects.filter(requirement_why="stale").exists()


# --- Queries per batch --------------------------------------------------------------------------


def _sweep_queries(on) -> int:
    Clock.objects.update(next_due=None, deadlines=[])  # every clock needs writing again
    with CaptureQueriesContext(connection) as queries:
        sweep_register(on=on)
    return len(queries)


def test_queries_per_batch_do_not_grow_with_the_number_of_people(om, django_assert_max_num_queries):
    for n in range(3):
        convict(om, make_person(om, f"Small{n}"))
    small = _sweep_queries(ON)
    for n in range(12):
        convict(om, make_person(om, f"Large{n}"))

    Clock.objects.update(next_due=None, deadlines=[])
    with django_assert_max_num_queries(small):
        result = sweep_register(on=ON + timedelta(days=1))

    assert result.checked == 15 and result.clocks_changed == 15
    assert InboxItem.objects.filter(kind="notification_overdue").count() == 15


# --- The task, the command and the schedule -----------------------------------------------------


def test_nightly_task_queues_the_sweep_and_its_parts_do_the_work(overdue):
    queued = sweep_register_nightly.delay().get()

    assert queued["sweep"] == "register" and queued["parts"] >= 1
    assert queued["on"] == timezone.localdate().isoformat()
    # Tasks run at once in the tests: the parts and the final step have already run.
    assert InboxItem.objects.filter(nominal=overdue, kind="notification_overdue").count() == 1


def test_nightly_task_is_scheduled_with_an_expiry_under_a_day():
    entry = django_settings.CELERY_BEAT_SCHEDULE["sweep-register-nightly"]

    assert entry["task"] == "notifications.tasks.sweep_register_nightly"
    assert 0 < entry["options"]["expires"] < 24 * 3600
    # The queued parts and final step retry after a lost connection.
    assert sweep_part.autoretry_for and finish_sweep.autoretry_for


def test_command_prints_the_counts(overdue):
    out = io.StringIO()

    call_command("sweep_register", "--date", "2025-06-02", stdout=out)

    text = out.getvalue()
    assert "2 Jun 2025" in text
    assert "People checked:      1" in text
    assert "Inbox items added:   1" in text
    assert "Cases closed:        0" in text


def test_command_rejects_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("sweep_register", "--date", "2 June 2025")


# --- The demo data ------------------------------------------------------------------------------


def test_demo_data_has_register_history_and_swept_twice_writes_nothing(reference_data):
    call_command("seed_demo", people=30, stdout=io.StringIO())
    today = timezone.localdate()
    people = Nominal.objects.filter(force__code="thames-valley")

    assert people.count() == 30
    assert not people.filter(convictions__isnull=True).exists()
    assert Clock.objects.filter(nominal__in=people).count() == 30
    assert Notification.objects.filter(nominal__in=people, type="initial").exists()
    assert Notification.objects.filter(nominal__in=people, type="periodic").exists()
    assert Notification.objects.filter(nominal__in=people, type="change").exists()
    assert Absence.objects.filter(nominal__in=people, kind="custody").exists()
    assert Conviction.objects.filter(nominal__in=people, indefinite=True).exists()
    assert Conviction.objects.filter(
        nominal__in=people, indefinite=False, disposal="custody"
    ).exists()
    assert Conviction.objects.filter(nominal__in=people, kind="caution").exists()
    assert Conviction.objects.filter(nominal__in=people, disposal="other").exists()
    assert Conviction.objects.filter(nominal__in=people, age_on_relevant_date__lt=18).exists()
    registered = Clock.objects.filter(nominal__in=people.registered())
    assert registered.overdue(today).exists()
    assert registered.due_soon(today, 14).exists()
    assert people.filter(
        status=NominalStatus.NOTIFICATION_ENDED, clock__subject=False, clock__last_day__lt=today
    ).exists()
    # Consistent: nobody still on the register has requirements that have already ended.
    assert not registered.filter(subject=False, last_day__lt=today).exists()

    # The requirement: the nightly task over the demo data run twice writes nothing the
    # second time.
    sweep_register(on=today)
    before_rows, before_trail = clock_rows(), trail_counts()
    second = sweep_register(on=today)

    assert second.ran and second.checked == 30
    assert second.writes == 0
    assert clock_rows() == before_rows
    assert trail_counts() == before_trail

    call_command("seed_demo", people=30, stdout=io.StringIO())
    assert trail_counts() == before_trail  # loading the demo again adds nothing
