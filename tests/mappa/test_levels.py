"""MAPPA category and level (domain.md section 7): set with reasons, kept as history, copied to
the case (so the force's MAPPA chairs gain or lose sight of it); the next review due (level 2
every 16 weeks, level 3 every 8, force settings) and its nightly sweep; the MAPPA tab."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    AuditAction,
    AuditEvent,
    CaseEvent,
    InboxItem,
    MappaLevel,
    Nominal,
    NominalStatus,
)
from cases.services import nominal_update
from mappa import rules
from mappa.models import MappaLevelChange, MappaReviewDue
from mappa.services.levels import mappa_level_set, mappa_review_refresh
from mappa.sweep import MAPPA_SWEEP_LOCK, sweep_mappa_reviews
from mappa.tasks import sweep_mappa_reviews_nightly

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def set_level(user, nominal, level, on, category=1, rationale="Agreed at the MAPPA screening"):
    return mappa_level_set(
        acting_user=user,
        nominal=nominal,
        category=category,
        level=level,
        rationale=rationale,
        set_on=on,
    )


def visible_to(user) -> set[int]:
    return set(Nominal.objects.visible_to(user).values_list("pk", flat=True))


# --- The rules ----------------------------------------------------------------------------------

WEEKS = {"level2_weeks": 16, "level3_weeks": 8}


@pytest.mark.parametrize(
    ("level", "since", "last", "next_on", "due"),
    [
        # Section 7: level 2 at least every 16 weeks, level 3 every 8, from the level's date...
        (2, date(2025, 1, 6), None, None, date(2025, 4, 28)),
        (3, date(2025, 1, 6), None, None, date(2025, 3, 3)),
        # ... or from the last meeting that reviewed it at that level, on the date it set ...
        (2, date(2025, 1, 6), date(2025, 3, 3), date(2025, 5, 1), date(2025, 5, 1)),
        # ... never later than the interval allows, and the interval when none was set.
        (3, date(2025, 1, 6), date(2025, 3, 3), date(2025, 9, 1), date(2025, 4, 28)),
        (2, date(2025, 1, 6), date(2025, 3, 3), None, date(2025, 6, 23)),
        # A review before the level changed does not count for the new level.
        (3, date(2025, 4, 1), date(2025, 3, 3), date(2025, 5, 1), date(2025, 5, 27)),
        (1, date(2025, 1, 6), None, None, None),
    ],
)
def test_review_due(level, since, last, next_on, due):
    got, why = rules.review_due(
        level=level, level_since=since, last_review_on=last, next_review_on=next_on, **WEEKS
    )
    assert got == due
    assert why


def test_review_due_explains_itself():
    _, why = rules.review_due(
        level=2, level_since=date(2025, 1, 6), last_review_on=None, next_review_on=None, **WEEKS
    )
    assert why == (
        "Level 2 cases are reviewed at least every 16 weeks: counted from level 2 set on "
        "6 Jan 2025 (no meeting has reviewed it since)."
    )
    _, why = rules.review_due(
        level=3,
        level_since=date(2025, 1, 6),
        last_review_on=date(2025, 2, 3),
        next_review_on=date(2025, 3, 3),
        **WEEKS,
    )
    assert why == "Next review set at the MAPPA meeting on 3 Feb 2025."


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": 4}, "Unknown MAPPA level 4"),
        ({"level": True}, "Unknown MAPPA level True"),
        ({"level2_weeks": 0}, "whole number of weeks"),
        ({"level3_weeks": "8"}, "whole number of weeks"),
    ],
)
def test_review_interval_rejects_bad_input(kwargs, message):
    given = {"level": 2, **WEEKS, **kwargs}
    with pytest.raises(ValueError, match=message):
        rules.review_interval_weeks(given.pop("level"), **given)


def test_level_since_ignores_a_category_change_at_the_same_level():
    history = [(2, date(2025, 3, 1)), (2, date(2025, 1, 1)), (1, date(2024, 1, 1))]
    assert rules.level_since(history, 2) == date(2025, 1, 1)
    assert rules.level_since(history, 3) is None
    assert rules.level_since([], 2) is None


@pytest.mark.parametrize(
    ("next_on", "level", "problem"),
    [
        (date(2025, 3, 3), 2, "The next review date must be after the meeting (3 Mar 2025)"),
        (date(2025, 6, 23), 2, None),
        (
            date(2025, 6, 24),
            2,
            "The next review date must be on or before 23 Jun 2025: level 2 cases are reviewed "
            "at least every 16 weeks",
        ),
        (date(2025, 4, 28), 3, None),
        (
            date(2025, 4, 29),
            3,
            "The next review date must be on or before 28 Apr 2025: level 3 cases are reviewed "
            "at least every 8 weeks",
        ),
        (date(2026, 1, 1), 1, None),
    ],
)
def test_next_review_problem(next_on, level, problem):
    assert (
        rules.next_review_problem(next_on, held_on=date(2025, 3, 3), level=level, **WEEKS)
        == problem
    )


@pytest.mark.parametrize(
    ("due", "status"),
    [
        (None, None),
        (TODAY - timedelta(days=1), rules.ReviewStatus.OVERDUE),
        (TODAY, rules.ReviewStatus.DUE_SOON),
        (TODAY + timedelta(days=14), rules.ReviewStatus.DUE_SOON),
        (TODAY + timedelta(days=15), rules.ReviewStatus.NOT_DUE),
    ],
)
def test_review_status(due, status):
    assert rules.review_status(due, on=TODAY, due_soon_days=14) == status


# --- Setting the level --------------------------------------------------------------------------


def test_setting_the_level_records_it_copies_it_and_lets_the_chairs_see_the_case(
    om, mappa_chair, nominal
):
    assert nominal.pk not in visible_to(mappa_chair)
    change, created = set_level(om, nominal, 2, date(2025, 1, 6), category=1)

    assert created and (change.category, change.level, change.set_by) == (1, 2, om)
    stored = Nominal.objects.get(pk=nominal.pk)
    assert (stored.mappa_category, stored.mappa_level) == (1, 2)
    assert nominal.pk in visible_to(mappa_chair)
    event = CaseEvent.objects.filter(nominal=nominal, kind="mappa_level_set").get()
    assert event.summary == "MAPPA category 1, level 1 → category 1, level 2 from 6 Jan 2025"
    assert list(event.changes.values_list("field", "old", "new")) == [
        ("MAPPA level", "Level 1", "Level 2")
    ]
    audited = AuditEvent.objects.get(object_type="mappa.MappaLevelChange")
    assert (audited.action, audited.nominal_id, audited.user_id) == (
        AuditAction.CREATE,
        nominal.pk,
        om.pk,
    )
    review = MappaReviewDue.objects.get(nominal=nominal)
    assert review.due == date(2025, 4, 28)

    set_level(om, nominal, 1, date(2025, 2, 1), rationale="Risk reduced: ordinary management")
    assert nominal.pk not in visible_to(mappa_chair)
    assert MappaReviewDue.objects.get(nominal=nominal).due is None


def test_the_same_setting_again_writes_nothing(om, nominal):
    first, _ = set_level(om, nominal, 3, date(2025, 1, 6))
    counts = (
        MappaLevelChange.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )
    again, created = set_level(om, nominal, 3, date(2025, 1, 6))
    assert not created and again == first
    assert counts == (
        MappaLevelChange.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_back_dated_setting_fills_the_history_only(om, nominal):
    set_level(om, nominal, 3, date(2025, 3, 1))
    set_level(om, nominal, 2, date(2024, 6, 1), rationale="Found on file")
    stored = Nominal.objects.get(pk=nominal.pk)
    assert stored.mappa_level == 3
    summary = CaseEvent.objects.filter(kind="mappa_level_set").order_by("-pk")[0].summary
    assert "added to the history; the case stays at category 1, level 3" in summary
    assert list(
        MappaLevelChange.objects.filter(nominal=nominal).values_list("level", flat=True)
    ) == [
        3,
        2,
    ]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"level": 4}, "level", "Select the MAPPA level: 1, 2 or 3"),
        ({"category": 5}, "category", "Select the MAPPA category: 1, 2, 3 or 4"),
        ({"rationale": "  "}, "rationale", "Enter the reasons for this category and level"),
        (
            {"set_on": TODAY + timedelta(days=1)},
            "set_on",
            "The date the level takes effect must be today or in the past",
        ),
        (
            {"set_on": date(1970, 1, 1)},
            "set_on",
            "The date the level takes effect must be after the date of birth (12 Apr 1980)",
        ),
    ],
)
def test_bad_settings_are_refused(om, nominal, change, field, message):
    given = {"category": 1, "level": 2, "rationale": "Why", "set_on": date(2025, 1, 6), **change}
    with pytest.raises(ValidationError) as raised:
        mappa_level_set(acting_user=om, nominal=nominal, **given)
    assert raised.value.message_dict[field] == [message]
    assert not MappaLevelChange.objects.exists()


# --- Review due ---------------------------------------------------------------------------------


def test_review_due_follows_the_force_settings(om, nominal, force):
    force.mappa_level2_review_weeks, force.mappa_level3_review_weeks = 12, 4
    force.save()
    set_level(om, nominal, 2, date(2025, 1, 6))
    assert MappaReviewDue.objects.get(nominal=nominal).due == date(2025, 3, 31)
    set_level(om, nominal, 3, date(2025, 2, 3))
    review = MappaReviewDue.objects.get(nominal=nominal)
    assert review.due == date(2025, 3, 3)
    assert "every 4 weeks" in review.why


def test_a_level_changed_without_a_dated_record_counts_from_the_record_creation(om, nominal):
    nominal_update(acting_user=om, nominal=nominal, data={"mappa_level": MappaLevel.LEVEL_3})
    review = mappa_review_refresh(nominal)
    created = timezone.localtime(nominal.created_at).date()
    assert review.due == created + timedelta(weeks=8)
    assert "no dated change to level 3 is recorded" in review.why


# --- The nightly sweep --------------------------------------------------------------------------


def test_the_sweep_stores_due_dates_tells_the_manager_and_a_second_run_writes_nothing(
    om, nominal, force
):
    set_level(om, nominal, 3, TODAY - timedelta(weeks=8, days=1))  # due yesterday
    MappaReviewDue.objects.all().delete()
    first = sweep_mappa_reviews(on=TODAY)
    assert first.ran and first.checked == 1 and first.due_dates_changed == 1
    assert MappaReviewDue.objects.get(nominal=nominal).due == TODAY - timedelta(days=1)
    item = InboxItem.objects.get(user=om, kind="mappa_review_overdue")
    assert item.title == f"MAPPA review overdue: {nominal.display_name}"
    assert item.link == reverse("mappa:case-mappa", args=[nominal.pk])

    counts = (AuditEvent.objects.count(), InboxItem.objects.count())
    second = sweep_mappa_reviews(on=TODAY)
    assert second.ran and second.writes == 0
    assert counts == (AuditEvent.objects.count(), InboxItem.objects.count())


def test_the_sweep_tells_of_a_review_due_soon_once(om, nominal):
    set_level(om, nominal, 2, TODAY - timedelta(weeks=16) + timedelta(days=3))
    sweep_mappa_reviews(on=TODAY)
    sweep_mappa_reviews(on=TODAY + timedelta(days=1))
    assert InboxItem.objects.filter(user=om, kind="mappa_review_due").count() == 1
    assert not InboxItem.objects.filter(kind="mappa_review_overdue").exists()


def test_the_sweep_corrects_a_stale_date_and_clears_a_level_1_case(om, nominal, colleague):
    set_level(om, nominal, 2, date(2025, 1, 6))
    MappaReviewDue.objects.filter(nominal=nominal).update(due=date(2030, 1, 1), why="Stale")
    result = sweep_mappa_reviews(on=date(2025, 2, 1))
    assert result.due_dates_changed == 1
    assert MappaReviewDue.objects.get(nominal=nominal).due == date(2025, 4, 28)

    Nominal.objects.filter(pk=nominal.pk).update(mappa_level=1)
    sweep_mappa_reviews(on=date(2025, 2, 1))
    assert MappaReviewDue.objects.get(nominal=nominal).due is None


def test_the_sweep_skips_cases_no_longer_registered_when_telling(om, nominal):
    set_level(om, nominal, 3, TODAY - timedelta(weeks=10))
    Nominal.objects.filter(pk=nominal.pk).update(status=NominalStatus.DECEASED)
    sweep_mappa_reviews(on=TODAY)
    assert not InboxItem.objects.filter(kind__startswith="mappa_review").exists()


def test_the_sweep_works_in_batches_with_a_fixed_number_of_queries_each(om, nominal):
    from tests.mappa.test_meetings import make_case

    for n in range(4):
        set_level(om, make_case(om, f"Batch{n}"), 2, date(2025, 1, 6))
    MappaReviewDue.objects.all().delete()
    with CaptureQueriesContext(connection) as small:
        result = sweep_mappa_reviews(on=date(2025, 2, 1), batch_size=2)
    assert result.checked == 4 and result.due_dates_changed == 4
    for n in range(4, 10):
        set_level(om, make_case(om, f"Batch{n}"), 2, date(2025, 1, 6))
    MappaReviewDue.objects.all().delete()
    with CaptureQueriesContext(connection) as large:
        result = sweep_mappa_reviews(on=date(2025, 2, 1), batch_size=10)
    assert result.checked == 10
    assert len(large) <= len(small)


@pytest.fixture
def lock_holder(hold_sweep_lock):
    return hold_sweep_lock(MAPPA_SWEEP_LOCK)


def test_a_sweep_already_running_makes_a_second_one_return_at_once(om, nominal, lock_holder):
    set_level(om, nominal, 2, date(2025, 1, 6))
    busy = sweep_mappa_reviews(on=TODAY)
    assert not busy.ran and busy.writes == 0 and "not run" in str(busy)
    lock_holder.release()
    assert sweep_mappa_reviews(on=TODAY).ran


def test_the_nightly_task_runs_the_sweep_and_is_scheduled(om, nominal, settings):
    set_level(om, nominal, 2, date(2025, 1, 6))
    MappaReviewDue.objects.all().delete()
    assert sweep_mappa_reviews_nightly.delay().get()["sweep"] == "mappa reviews"
    assert MappaReviewDue.objects.get(pk=nominal.pk).due  # the task's parts ran at once
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-mappa-reviews-nightly"]
    assert entry["task"] == "mappa.tasks.sweep_mappa_reviews_nightly"
    assert entry["options"]["expires"] < 24 * 3600


def test_a_bad_batch_size_is_refused(db):
    with pytest.raises(ValueError, match="at least 1"):
        sweep_mappa_reviews(batch_size=0)


# --- The MAPPA tab and the level page -----------------------------------------------------------


def form_data(level=2, category=1, on=date(2025, 1, 6), rationale="Screened for level 2"):
    return {
        "category": str(category),
        "level": str(level),
        "rationale": rationale,
        "set_on_0": str(on.day),
        "set_on_1": str(on.month),
        "set_on_2": str(on.year),
    }


def test_the_offender_manager_sets_the_level_on_the_page(client, om, nominal):
    client.force_login(om)
    url = reverse("mappa:level-set", args=[nominal.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data())
    assert response.status_code == 302
    assert response.url == reverse("mappa:case-mappa", args=[nominal.pk])
    page = client.get(response.url).content.decode()
    assert "Screened for level 2" in page and "28 April 2025" in page
    assert "Change the MAPPA category or level" in page


def test_the_level_page_says_what_to_fix_and_keeps_what_was_typed(client, om, nominal):
    client.force_login(om)
    url = reverse("mappa:level-set", args=[nominal.pk])
    future = TODAY + timedelta(days=3)
    response = client.post(url, {**form_data(on=future, rationale="Kept text"), "level": "7"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select level 1, 2 or 3" in page
    assert "Kept text" in page
    response = client.post(url, form_data(on=future))
    assert "The date the level takes effect must be today or in the past" in (
        response.content.decode()
    )
    assert not MappaLevelChange.objects.exists()


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("om", 200, 200),
        ("supervisor", 200, 200),
        ("colleague", 200, 403),
        ("mappa_chair", 200, 403),  # the case is at level 2: chairs read it
        ("om_south", 404, 404),
        ("front_desk", 404, 404),
        ("administrator", 404, 404),
        ("other_force_om", 404, 404),
    ],
)
def test_tab_and_level_page_access(client, request, om, nominal, persona, read, write):
    set_level(om, nominal, 2, date(2025, 1, 6))
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("mappa:case-mappa", args=[nominal.pk])).status_code == read
    assert client.get(reverse("mappa:level-set", args=[nominal.pk])).status_code == write
    post = client.post(reverse("mappa:level-set", args=[nominal.pk]), form_data(level=3))
    assert post.status_code == (302 if write == 200 else write)


def test_the_tab_is_audited_and_a_colleague_sees_no_minutes_link(client, om, colleague, nominal):
    from tests.mappa.test_meetings import closed_meeting

    set_level(om, nominal, 2, date(2025, 1, 6))
    meeting, items = closed_meeting([nominal])
    url = reverse("mappa:case-mappa", args=[nominal.pk])
    minutes = reverse("mappa:case-minutes", args=[nominal.pk, items[0].pk])
    client.force_login(colleague)
    page = client.get(url).content.decode()
    assert "Level 2 meeting on" in page and minutes not in page
    client.force_login(om)
    assert minutes in client.get(url).content.decode()
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.VIEW, nominal_id=nominal.pk, description="MAPPA"
        ).count()
        == 2
    )


def test_the_tab_query_count_is_flat(client, om, nominal, django_assert_max_num_queries):
    client.force_login(om)
    url = reverse("mappa:case-mappa", args=[nominal.pk])
    for n in range(2):
        set_level(om, nominal, 2 + n % 2, date(2024, 1, 1) + timedelta(days=n))
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    for n in range(2, 12):
        set_level(om, nominal, 2 + n % 2, date(2024, 1, 1) + timedelta(days=n))
    with django_assert_max_num_queries(20) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
