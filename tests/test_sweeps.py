"""The nightly sweeps in parts at once: the plan, forked processes, per-part locks, the chord."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from cases.models import InboxItem
from mappa.sweep import sweep_mappa_reviews
from notifications.models import Clock
from notifications.sweep import SWEEP_LOCK, SweepResult, sweep_register
from risk.sweep import refresh_reactive
from rsom import sweeps
from rsom.tasks import start_sweep
from tests.notifications.test_sweep import ON, convict, expected_values, make_person
from visits.sweep import sweep_visits

# Forked processes see only committed rows, so these tests commit theirs.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def register(om, reference_data):
    """Six people convicted in 2022 who have never notified: every clock shows overdue."""
    people = [make_person(om, f"Part{n}") for n in range(6)]
    for person in people:
        convict(om, person)
    return people


def ids_in(part: sweeps.Part, people) -> list[int]:
    return [p.pk for p in people if p.pk > part.after and (part.upto is None or p.pk <= part.upto)]


def test_the_plan_cuts_the_register_into_runs_of_about_as_many_people(register):
    first, second = sweeps.plan(2)

    assert (first.index, first.after) == (0, 0) and second.upto is None
    assert first.upto == second.after  # no gap, no overlap
    assert len(ids_in(first, register)) == len(ids_in(second, register)) == 3
    assert sweeps.plan(1) == [sweeps.WHOLE]
    assert len(sweeps.plan(20)) == 6  # never more parts than people


def test_an_empty_register_is_one_part(db):
    assert sweeps.plan(2) == [sweeps.WHOLE]


def test_inside_a_transaction_the_sweep_runs_whole_in_this_process(register):
    # Another process could not see this transaction's rows.
    with transaction.atomic():
        assert sweeps.parts_wanted(2) == [sweeps.WHOLE]
    assert len(sweeps.parts_wanted(2)) == 2


def test_parts_run_at_once_leave_the_night_as_one_run_would(register):
    Clock.objects.all().delete()

    first = sweep_register(on=ON, parts=2)

    assert first.ran and first.checked == 6 and first.clocks_changed == 6
    assert first.inbox_items_added == 6
    for person in register:
        stored = Clock.objects.filter(pk=person.pk).values(*expected_values(person, ON)).get()
        assert stored == expected_values(person, ON)
    # Run again, split or whole, nothing is left to write.
    assert sweep_register(on=ON, parts=2).writes == 0
    assert sweep_register(on=ON, parts=1).writes == 0


@pytest.mark.parametrize("sweep", [sweep_visits, refresh_reactive, sweep_mappa_reviews])
def test_every_sweep_split_in_parts_matches_one_run(register, sweep):
    split = sweep(on=ON, parts=2)

    assert split.ran
    assert sweep(on=ON, parts=1).writes == 0


def test_a_part_running_elsewhere_is_skipped_and_the_rest_is_swept(register, hold_sweep_lock):
    second_part = sweeps.plan(2)[1]
    hold_sweep_lock(SWEEP_LOCK, part=1)
    Clock.objects.all().delete()

    result = sweep_register(on=ON, parts=2)

    assert result.ran and result.checked == 3
    swept = set(Clock.objects.values_list("pk", flat=True))
    assert swept == {p.pk for p in register} - set(ids_in(second_part, register))


def test_a_sweep_all_of_whose_parts_run_elsewhere_says_so(register, hold_sweep_lock):
    hold_sweep_lock(SWEEP_LOCK, part=0)

    result = sweep_register(on=ON, parts=1)

    assert not result.ran and result.writes == 0
    assert "another sweep is in progress" in str(result)


def test_results_add_up_over_the_parts_that_ran():
    results = [
        SweepResult(on=ON, ran=True, checked=3, clocks_changed=1, inbox_items_added=2),
        SweepResult(on=ON, ran=False),
        SweepResult(on=ON, ran=True, checked=4, clocks_changed=0, inbox_items_added=1),
    ]

    total = sweeps.added_up(results, ON)

    assert (total.ran, total.checked, total.clocks_changed, total.inbox_items_added) == (
        True,
        7,
        1,
        3,
    )
    assert not sweeps.added_up([SweepResult(on=ON, ran=False)], ON).ran


def test_the_nightly_task_queues_a_task_per_part_then_the_final_step(register, settings):
    settings.SWEEP_PARTS = 2
    Clock.objects.all().delete()
    InboxItem.objects.all().delete()

    queued = start_sweep("register")

    assert queued["parts"] == 2 and queued["on"] == timezone.localdate().isoformat()
    # Tasks run at once in the tests: both parts have filled their clocks and inboxes.
    assert Clock.objects.count() == 6
    assert InboxItem.objects.filter(kind="notification_overdue").count() == 6


def test_the_commands_take_the_number_of_parts(register):
    out = io.StringIO()

    call_command("sweep_register", "--date", ON.isoformat(), "--parts", "2", stdout=out)

    assert "People checked:      6" in out.getvalue()
    with pytest.raises(CommandError, match="at least 1"):
        call_command("sweep_visits", "--parts", "0", stdout=io.StringIO())
