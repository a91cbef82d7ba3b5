"""The daily snapshot: each figure on a small data set, one row per force a day, a second run
writes nothing, concurrent runs step aside, and the command and the task."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Nominal
from dashboards import mi
from dashboards.models import DailySnapshot
from dashboards.services.snapshots import SNAPSHOT_LOCK, figures_by_force, snapshot_take
from dashboards.tasks import snapshot_figures_nightly
from notifications.models import Breach, Notification
from visits.models import VisitDue

# In British Summer Time, so the local day of a notification differs from its UTC day near
# midnight.
ON = date(2026, 7, 10)
LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def make_case(force, n: int, **fields) -> Nominal:
    return Nominal.objects.create(
        force=force,
        reference=f"T-{n:04d}",
        forenames="Test",
        surname=f"Case{n}",
        date_of_birth=date(1980, 1, 1),
        sex="male",
        **fields,
    )


def notify(nominal, station, by, taken_at, deadline) -> Notification:
    return Notification.objects.create(
        nominal=nominal,
        type="periodic",
        station=station,
        taken_by=by,
        taken_at=taken_at,
        deadline=deadline,
    )


def breach(nominal, by, first_failure_on, severity, remedied_on=None) -> Breach:
    return Breach.objects.create(
        nominal=nominal,
        duty="periodic",
        first_failure_on=first_failure_on,
        remedied_on=remedied_on,
        how_found="clock",
        action="words",
        severity=severity,
        rationale="Test",
        created_by=by,
    )


@pytest.fixture
def register(force, om, colleague, station):
    """Five registered cases in Thames Valley (two offender managers hold four of them) and two
    that have left the register."""
    low = make_case(force, 1, risk_level="low", offender_manager=om)
    high = make_case(force, 2, risk_level="high", mappa_level=2, offender_manager=om)
    make_case(force, 3, risk_level="low", status="reactive")
    make_case(
        force,
        4,
        risk_level="very_high",
        mappa_level=3,
        status="in_custody",
        offender_manager=colleague,
    )
    make_case(force, 5, offender_manager=om)  # risk not yet assessed
    ended = make_case(force, 6, risk_level="high", status="notification_ended")
    make_case(force, 7, mappa_level=3, status="deceased")
    VisitDue.objects.create(nominal=low, due=ON - timedelta(days=1))  # overdue
    VisitDue.objects.create(nominal=high, due=ON)  # due today: still in time
    VisitDue.objects.create(nominal=ended, due=ON - timedelta(days=90))  # off the register

    # Notifications with a deadline in the 30 days up to ON: two on time, one late.
    notify(low, station, om, at(ON - timedelta(days=1), 23, 30), ON - timedelta(days=1))
    # 00:30 on 10 July in London is still 9 July in UTC: late by the local day.
    notify(low, station, om, at(ON, 0, 30), ON - timedelta(days=1))
    notify(low, station, om, at(ON - timedelta(days=29), 0, 10), ON - timedelta(days=29))
    # Not counted: no deadline, before the window, after the day.
    notify(high, station, om, at(ON - timedelta(days=2), 10), None)
    notify(high, station, om, at(ON - timedelta(days=30), 23, 50), ON - timedelta(days=60))
    notify(high, station, om, at(ON + timedelta(days=1), 0, 5), ON + timedelta(days=1))

    breach(low, om, ON - timedelta(days=5), "technical")  # recent, open
    breach(low, om, ON - timedelta(days=100), "risk_relevant")  # old, open
    breach(high, om, ON - timedelta(days=10), "risk_relevant", ON - timedelta(days=2))  # recent
    # Began before the window and remedied only after ON: open on ON.
    breach(high, om, ON - timedelta(days=31), "technical", ON + timedelta(days=2))
    return low


EXPECTED_THAMES_VALLEY = {
    "register": 5,
    "risk_very_high": 1,
    "risk_high": 1,
    "risk_medium": 0,
    "risk_low": 2,
    "risk_not_assessed": 1,
    "reactive": 1,
    "mappa_2": 1,
    "mappa_3": 1,
    "notifications_with_deadline": 3,
    "notifications_on_time": 2,
    "notifications_on_time_pct": 66.7,
    "visits_overdue": 1,
    "breaches_technical_30d": 1,
    "breaches_risk_relevant_30d": 1,
    "breaches_technical_open": 2,
    "breaches_risk_relevant_open": 1,
    "offender_managers": 2,
    "cases_per_om": 2.0,
}


def test_figures_on_a_small_register(register, force, other_force, other_force_nominal):
    figures = figures_by_force(ON)
    assert figures[force.pk] == EXPECTED_THAMES_VALLEY
    assert list(figures[force.pk]) == [key for key, _ in mi.FIGURES]
    kent = figures[other_force.pk]
    assert kent["register"] == 1 and kent["risk_not_assessed"] == 1
    assert kent["offender_managers"] == 1 and kent["cases_per_om"] == 1.0
    assert kent["notifications_with_deadline"] == 0
    assert kent["notifications_on_time_pct"] is None
    assert set(figures) == {force.pk, other_force.pk}  # forces with no cases get no row


def test_one_row_per_force_a_day_and_a_second_run_writes_nothing(
    register, force, other_force_nominal
):
    first = snapshot_take(ON)
    assert (first.ran, first.forces, first.created, first.updated) == (True, 2, 2, 0)
    row = DailySnapshot.objects.get(force=force, on=ON)
    assert row.figures == EXPECTED_THAMES_VALLEY

    again = snapshot_take(ON)
    assert (again.created, again.updated, again.writes) == (0, 0, 0)
    assert "0 new, 0 brought up to date, 2 unchanged" in str(again)
    assert DailySnapshot.objects.count() == 2
    assert DailySnapshot.objects.get(pk=row.pk).created_at == row.created_at


def test_a_later_run_the_same_day_brings_a_changed_force_up_to_date(
    register, force, other_force, other_force_nominal
):
    snapshot_take(ON)
    kent_before = DailySnapshot.objects.get(force=other_force, on=ON).figures
    Nominal.objects.filter(pk=register.pk).update(risk_level="medium")

    later = snapshot_take(ON)

    assert (later.created, later.updated) == (0, 1)
    figures = DailySnapshot.objects.get(force=force, on=ON).figures
    assert figures["risk_low"] == 1 and figures["risk_medium"] == 1
    assert DailySnapshot.objects.get(force=other_force, on=ON).figures == kent_before


def test_each_day_gets_its_own_row(register, force):
    snapshot_take(ON)
    snapshot_take(ON + timedelta(days=1))
    days = list(DailySnapshot.objects.filter(force=force).values_list("on", flat=True))
    assert sorted(days) == [ON, ON + timedelta(days=1)]
    # A day later, the visit due on ON is overdue too.
    later = DailySnapshot.objects.get(force=force, on=ON + timedelta(days=1))
    assert later.figures["visits_overdue"] == 2


def test_queries_do_not_grow_with_forces_or_cases(
    register, force, other_force, other_force_nominal
):
    with CaptureQueriesContext(connection) as small:
        snapshot_take(ON)
    DailySnapshot.objects.all().delete()
    for n in range(20, 40):
        make_case(other_force if n % 2 else force, n, risk_level="medium")
    with CaptureQueriesContext(connection) as large:
        snapshot_take(ON)
    assert len(small) == len(large) <= 12


@pytest.fixture
def lock_holder(hold_lock):
    return hold_lock(SNAPSHOT_LOCK)


def test_a_run_already_in_progress_makes_a_second_one_return_at_once(register, lock_holder):
    with CaptureQueriesContext(connection) as queries:
        busy = snapshot_take(ON)

    assert not busy.ran and busy.writes == 0
    assert len(queries) == 1  # the try-lock, nothing else
    assert "not taken: another snapshot is in progress" in str(busy)
    assert not DailySnapshot.objects.exists()

    lock_holder.release()
    assert snapshot_take(ON).created == 1


def test_the_lock_is_released_after_a_run(register):
    snapshot_take(ON)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s "
            "AND pid = pg_backend_pid()",
            [SNAPSHOT_LOCK],
        )
        assert cursor.fetchone()[0] == 0


def test_a_row_written_by_a_racing_run_is_left_alone(register, force):
    # Another run committed its row between this run's read and its insert.
    racing = DailySnapshot.objects.create(force=force, on=ON, figures=EXPECTED_THAMES_VALLEY)
    result = snapshot_take(ON)
    assert result.writes == 0
    assert DailySnapshot.objects.get(force=force, on=ON).pk == racing.pk


def test_the_command_files_figures_under_a_date(register, force, capsys):
    call_command("snapshot_figures", "--date", ON.isoformat())
    assert "Snapshot for 10 Jul 2026: 1 force, 1 new" in capsys.readouterr().out
    assert DailySnapshot.objects.filter(force=force, on=ON).exists()
    call_command("snapshot_figures", "--date", ON.isoformat())
    assert "0 new, 0 brought up to date, 1 unchanged" in capsys.readouterr().out


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="give the date as YYYY-MM-DD"):
        call_command("snapshot_figures", "--date", "10/07/2026")


def test_the_nightly_task_files_today(register, force):
    from django.utils import timezone

    result = snapshot_figures_nightly.delay().get()
    assert result["ran"] and result["created"] == 1
    assert result["on"] == timezone.localdate().isoformat()
    assert DailySnapshot.objects.filter(force=force, on=timezone.localdate()).exists()
