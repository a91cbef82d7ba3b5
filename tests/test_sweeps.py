"""The nightly sweeps in parts at once: the plan, forked processes, per-part locks, the chord."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import call_command
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
from visits.sweep import VISIT_SWEEP_LOCK, sweep_visits

# Forked processes see only committed rows, so these tests commit theirs.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def register(om, reference_data):
    """Six people convicted in 2022 who have never notified: every clock shows overdue."""
    people = [make_person(om, f"Part{n}") for n in range(6)]
    for person in people:
        convict(om, person)
    return people


def ids_in(part: sweeps.Part, people) -> set[int]:
    spans = list(part.spans())
    return {
        p.pk for p in people for span in spans if span.of(type(p).objects).filter(pk=p.pk).exists()
    }


def test_parts_deal_out_blocks_of_ids_in_turn(register, monkeypatch):
    monkeypatch.setattr(sweeps, "BLOCK", 2)  # blocks of two ids, to see the dealing
    first, second = sweeps.plan(2)
    ids = sorted(p.pk for p in register)

    firsts, seconds = ids_in(first, register), ids_in(second, register)

    assert firsts | seconds == set(ids) and not firsts & seconds  # every person, once
    assert all((pk - 1) // 2 % 2 == 0 for pk in firsts)  # blocks 0, 2, 4 …
    assert all((pk - 1) // 2 % 2 == 1 for pk in seconds)  # blocks 1, 3, 5 …
    assert sweeps.plan(1) == [sweeps.WHOLE]
    with pytest.raises(ValueError, match="at least 1"):
        sweeps.plan(0)


def test_the_same_number_of_parts_splits_a_growing_register_the_same_way(register, om):
    before = [list(part.spans()) for part in sweeps.plan(2)]
    make_person(om, "Newcomer")
    after = [list(part.spans()) for part in sweeps.plan(2)]

    for old, new in zip(before, after, strict=True):
        assert new[: len(old)] == old  # new people only add blocks at the end


def test_an_empty_register_has_nothing_to_walk(db):
    assert [list(part.spans()) for part in sweeps.plan(2)] == [[], []]


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


def test_a_part_running_elsewhere_is_skipped_and_the_rest_is_swept(
    register, hold_sweep_lock, monkeypatch
):
    monkeypatch.setattr(sweeps, "BLOCK", 2)
    second_part = sweeps.plan(2)[1]
    held = hold_sweep_lock(SWEEP_LOCK, part=1)
    # The final step waits for the part held elsewhere; here that run ends as the wait begins.
    waited = []
    real_lock = sweeps.session_lock

    def lock(key, what, *, wait=False):
        if wait:
            waited.append(key)
            held.release()
        return real_lock(key, what, wait=wait)

    monkeypatch.setattr(sweeps, "session_lock", lock)
    Clock.objects.all().delete()

    result = sweep_register(on=ON, parts=2)

    assert result.ran and result.parts_skipped == 1
    assert waited == [(SWEEP_LOCK, 1)]
    swept = set(Clock.objects.values_list("pk", flat=True))
    assert swept == {p.pk for p in register} - ids_in(second_part, register)
    assert 0 < result.checked == len(swept) < len(register)


def test_a_sweep_all_of_whose_parts_run_elsewhere_says_so(register, hold_sweep_lock):
    hold_sweep_lock(SWEEP_LOCK, part=0)

    result = sweep_register(on=ON, parts=1)

    assert not result.ran and result.writes == 0 and result.parts_skipped == 1
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
    assert total.parts_skipped == 1
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


def test_the_commands_run_the_settings_number_of_parts_and_say_what_they_skipped(
    register, settings, hold_sweep_lock
):
    settings.SWEEP_PARTS = 2
    out = io.StringIO()

    call_command("sweep_register", "--date", ON.isoformat(), stdout=out)

    assert "People checked:      6" in out.getvalue()
    hold_sweep_lock(VISIT_SWEEP_LOCK, part=0)
    hold_sweep_lock(VISIT_SWEEP_LOCK, part=1)
    out = io.StringIO()
    call_command("sweep_visits", "--date", ON.isoformat(), stdout=out)
    assert "another sweep is in progress" in out.getvalue()


def test_with_other_threads_running_the_parts_run_here_not_forked(register, monkeypatch):
    # A fork would copy the other threads' open connections (a live server's, say).
    monkeypatch.setattr(sweeps, "ProcessPoolExecutor", None)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        result = sweep_register(on=ON, parts=2)
    finally:
        stop.set()
        other.join()

    assert result.ran and result.checked == 6 and result.parts_skipped == 0
