"""Planning visits (domain.md section 5): the next visit due and why through the services, the
Visits tab, the offender manager's visits page (by date and by area), planning a visit with the
pattern warning, cancelling one, and who may do what."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.dates import add_months
from cases.models import Address, AuditAction, AuditEvent, CaseEvent, Nominal, NominalStatus
from risk.services.levels import risk_level_set
from risk.services.plans import plan_review
from visits.models import Visit, VisitDue, VisitStatus
from visits.services import planning
from visits.services.due import visit_due_refresh
from visits.services.planning import DueStatus, due_status, due_status_q

# --- Small factories ----------------------------------------------------------------------------


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def set_risk(user, nominal, level, on=date(2024, 1, 1)):
    risk_level_set(acting_user=user, nominal=nominal, level=level, rationale="Assessed", set_on=on)
    nominal.refresh_from_db()
    return nominal


def record(nominal, user, day: date, outcome="completed", hour=10, address=None) -> Visit:
    """A visit or attempt as the recording service leaves it, then the due date refreshed."""
    visit = Visit.objects.create(
        nominal=nominal,
        status=VisitStatus.RECORDED,
        visited_at=at(day, hour),
        outcome=outcome,
        address=address or nominal.addresses.first(),
        created_by=user,
        recorded_by=user,
    )
    visit_due_refresh(nominal)
    return visit


def make_case(om, surname, postcode="RG1 4XX", due=None) -> Nominal:
    case = services.nominal_create(
        acting_user=om,
        data={
            "forenames": "Test",
            "surname": surname,
            "date_of_birth": date(1970, 1, 1),
            "sex": "male",
        },
    )
    Address.objects.create(
        nominal=case,
        kind=Address.Kind.HOME,
        line_1="1 High Street",
        town="Reading",
        postcode=postcode,
        from_date=date(2020, 1, 1),
    )
    if due is not None:
        # Low risk set a year before: due on `due`, kept by every later refresh.
        set_risk(om, case, "low", on=add_months(due, -12))
        assert VisitDue.objects.get(nominal=case).due == due
    return case


def next_weekday(weekday: int, after: date | None = None) -> date:
    """The first day after `after` (default today) falling on `weekday` (Monday 0)."""
    day = (after or timezone.localdate()) + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def plan(user, nominal, day=None, band="morning", **extra):
    visit, _ = planning.visit_plan(
        acting_user=user,
        nominal=nominal,
        planned_for=day or next_weekday(2),
        time_band=band,
        announced=extra.pop("announced", False),
        **extra,
    )
    return visit


def plan_post(day: date, band="afternoon", **extra) -> dict:
    return {
        "planned_for_0": day.day,
        "planned_for_1": day.month,
        "planned_for_2": day.year,
        "time_band": band,
        "announced": "unannounced",
        **extra,
    }


# --- The next visit due and why (section 5), through the services --------------------------------


def test_5_4_high_risk_is_due_three_months_after_the_last_completed_visit(om, nominal):
    set_risk(om, nominal, "high")
    record(nominal, om, date(2025, 1, 10))

    due = VisitDue.objects.get(nominal=nominal)

    assert due.due == date(2025, 4, 10)
    assert due.why == (
        "Visit every 3 months for high risk (force policy), counted from the last completed "
        "visit on 10 Jan 2025. Failed attempts do not count."
    )


def test_5_5_very_high_risk_month_end_clamps(om, nominal):
    set_risk(om, nominal, "very_high")
    record(nominal, om, date(2025, 1, 31))

    assert VisitDue.objects.get(nominal=nominal).due == date(2025, 2, 28)


def test_failed_attempts_do_not_move_the_due_date(om, nominal):
    set_risk(om, nominal, "high")
    record(nominal, om, date(2025, 1, 10))
    for outcome, day in [
        ("no_answer", date(2025, 3, 1)),
        ("refused", date(2025, 3, 8)),
        ("not_present", date(2025, 3, 15)),
    ]:
        record(nominal, om, day, outcome=outcome)

    assert VisitDue.objects.get(nominal=nominal).due == date(2025, 4, 10)


def test_no_completed_visit_counts_from_the_date_risk_was_set(om, nominal):
    set_risk(om, nominal, "medium", on=date(2024, 2, 29))

    due = VisitDue.objects.get(nominal=nominal)

    assert due.due == date(2024, 8, 29)
    assert "the risk level set on 29 Feb 2024 (no completed visit yet)" in due.why


def test_reactive_management_means_no_routine_visits(om, nominal):
    set_risk(om, nominal, "low")
    record(nominal, om, date(2025, 1, 10))
    services.nominal_update(acting_user=om, nominal=nominal, data={"status": "reactive"})

    due = VisitDue.objects.get(nominal=nominal)

    assert due.due is None
    assert due.why.startswith("No routine visits under reactive management")


def test_an_individual_frequency_in_the_plan_overrides_the_force_interval(om, nominal):
    set_risk(om, nominal, "low")
    record(nominal, om, date(2025, 1, 10))
    plan_review(
        acting_user=om,
        nominal=nominal,
        based_on=None,
        contingency="Recall if he contacts children",
        visit_interval_months=2,
        visit_interval_reason="New partner with children",
    )

    due = VisitDue.objects.get(nominal=nominal)

    assert due.due == date(2025, 3, 10)
    assert "every 2 months set in the plan (New partner with children)" in due.why


def test_force_intervals_are_settings(om, nominal):
    nominal.force.visit_months_high = 2
    nominal.force.save()
    set_risk(om, nominal, "high")
    record(nominal, om, date(2025, 1, 10))

    assert VisitDue.objects.get(nominal=nominal).due == date(2025, 3, 10)


# --- The status, defined once ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-30, DueStatus.OVERDUE),
        (-1, DueStatus.OVERDUE),
        (0, DueStatus.DUE_SOON),  # due today is still in time
        (14, DueStatus.DUE_SOON),
        (15, DueStatus.UP_TO_DATE),
    ],
)
def test_due_status(offset, expected):
    on = date(2025, 6, 2)
    assert due_status(on + timedelta(days=offset), on=on, due_soon_days=14) == expected


def test_no_due_date_has_no_status():
    assert due_status(None, on=date(2025, 6, 2), due_soon_days=14) is None


def test_the_filter_and_the_function_agree(om):
    on = timezone.localdate()
    cases = {
        offset: make_case(om, f"Agree{offset + 50}", due=on + timedelta(days=offset))
        for offset in range(-3, 20)
    }
    for status in DueStatus:
        matched = set(
            Nominal.objects.filter(
                due_status_q(status, on=on, due_soon_days=14), pk__in=[c.pk for c in cases.values()]
            ).values_list("pk", flat=True)
        )
        expected = {
            case.pk
            for offset, case in cases.items()
            if due_status(on + timedelta(days=offset), on=on, due_soon_days=14) == status
        }
        assert matched == expected, status


# --- The Visits tab -----------------------------------------------------------------------------


def test_the_tab_shows_the_due_date_why_and_status(client, om, nominal):
    set_risk(om, nominal, "high")
    record(nominal, om, date(2025, 1, 10))
    client.force_login(om)

    response = client.get(reverse("visits:case-visits", args=[nominal.pk]))

    assert response.status_code == 200
    assert response.context["status"] == DueStatus.OVERDUE
    text = response.content.decode()
    assert "10 April 2025" in text and "Overdue" in text
    assert "counted from the last completed visit on 10 Jan 2025" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, nominal_id=nominal.pk, description="Visits"
    ).exists()


def test_the_tab_works_the_due_date_out_when_it_was_never_stored(client, om, nominal):
    set_risk(om, nominal, "high", on=date(2025, 1, 10))
    VisitDue.objects.filter(nominal=nominal).delete()
    client.force_login(om)

    response = client.get(reverse("visits:case-visits", args=[nominal.pk]))

    assert response.context["visit_due"].due == date(2025, 4, 10)
    assert VisitDue.objects.get(nominal=nominal).due == date(2025, 4, 10)


def test_the_tab_lists_visits_and_attempts_newest_first(client, om, colleague, nominal):
    first = record(nominal, om, date(2025, 1, 10), hour=9)
    failed = record(nominal, colleague, date(2025, 3, 4), outcome="no_answer", hour=19)
    planned = plan(om, nominal)
    client.force_login(om)

    response = client.get(reverse("visits:case-visits", args=[nominal.pk]))

    history = response.context["history"]
    assert [v.pk for v, _, _ in history] == [failed.pk, first.pk]
    assert history[0][2].startswith("Evening") and history[1][2].startswith("Morning")
    assert [v.pk for v in response.context["open_visits"]] == [planned.pk]
    text = response.content.decode()
    assert "Failed: No answer" in text and str(colleague) in text
    assert reverse("visits:visit-plan", args=[nominal.pk]) in text
    assert reverse("visits:visit-cancel", args=[nominal.pk, planned.pk]) in text
    assert reverse("visits:visit-record", args=[nominal.pk, planned.pk]) in text
    for visit in (first, failed):
        assert reverse("visits:visit-detail", kwargs={"visit_id": visit.pk}) in text


def test_readers_see_the_tab_without_the_plan_button(client, colleague, nominal):
    client.force_login(colleague)

    response = client.get(reverse("visits:case-visits", args=[nominal.pk]))

    assert response.status_code == 200
    assert reverse("visits:visit-plan", args=[nominal.pk]) not in response.content.decode()


def test_the_tab_warns_when_visits_fall_into_a_pattern(client, om, nominal):
    monday = date(2025, 3, 3)
    record(nominal, om, monday - timedelta(days=14), hour=10)
    record(nominal, om, monday - timedelta(days=5), hour=15)  # a Wednesday afternoon
    record(nominal, om, monday, hour=11)
    client.force_login(om)

    response = client.get(reverse("visits:case-visits", args=[nominal.pk]))

    warning = response.context["pattern_warning"]
    assert warning == (
        "2 of the last 3 visits were on a Monday; 2 of the last 3 visits were in the morning. "
        "Vary the days and times of visits."
    )
    assert 'data-testid="pattern-warning"' in response.content.decode()


def test_no_pattern_warning_when_visits_vary(client, om, nominal):
    record(nominal, om, date(2025, 3, 3), hour=10)  # Monday morning
    record(nominal, om, date(2025, 3, 12), hour=15)  # Wednesday afternoon
    record(nominal, om, date(2025, 3, 21), hour=19)  # Friday evening
    client.force_login(om)

    response = client.get(reverse("visits:case-visits", args=[nominal.pk]))

    assert response.context["pattern_warning"] is None


def test_the_tab_query_count_is_flat(client, om, nominal, django_assert_max_num_queries):
    client.force_login(om)
    for n in range(3):
        record(nominal, om, date(2025, 1, 1) + timedelta(days=n))
        plan(om, nominal, day=next_weekday(n))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("visits:case-visits", args=[nominal.pk]))
    for n in range(3, 30):
        record(nominal, om, date(2025, 1, 1) + timedelta(days=n))
        plan(om, nominal, day=timezone.localdate() + timedelta(days=n + 10))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("visits:case-visits", args=[nominal.pk]))
    assert len(response.context["history"]) == 30


# --- Planning a visit ---------------------------------------------------------------------------


def test_planning_a_visit_is_audited_and_on_the_timeline(om, colleague, nominal):
    day = next_weekday(2)

    visit, created = planning.visit_plan(
        acting_user=om,
        nominal=nominal,
        planned_for=day,
        time_band="evening",
        announced=True,
        co_attendee=colleague,
    )

    assert created
    assert (visit.status, visit.planned_for, visit.time_band, visit.announced) == (
        "planned",
        day,
        "evening",
        True,
    )
    assert visit.address == nominal.addresses.get()  # the current home by default
    assert visit.co_attendee == colleague and visit.created_by == om
    event = CaseEvent.objects.get(nominal=nominal, kind="visit_planned")
    assert event.summary == f"Visit planned for {day:%-d %b %Y}, evening (5pm to 10pm), announced"
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="visits.Visit", object_id=str(visit.pk)
    ).exists()


def test_planning_twice_plans_once(om, nominal):
    day = next_weekday(3)
    first = plan(om, nominal, day=day)
    again, created = planning.visit_plan(
        acting_user=om, nominal=nominal, planned_for=day, time_band="morning", announced=False
    )

    assert not created and again.pk == first.pk
    assert Visit.objects.filter(nominal=nominal).count() == 1
    assert CaseEvent.objects.filter(kind="visit_planned").count() == 1


def test_the_same_token_returns_the_visit_already_planned(om, nominal):
    token = "5d1f0a52-9a8e-4d47-b7a4-2f7d1c3b6e90"
    first = plan(om, nominal, client_key=token)
    again = plan(om, nominal, day=next_weekday(4), band="evening", client_key=token)

    assert again.pk == first.pk and Visit.objects.count() == 1


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ("yesterday", "planned_for", "must be today or in the future"),
        ("next year", "planned_for", "within a year from today"),
        ("lunchtime", "time_band", "Select the time of day"),
        ("self", "co_attendee", "Select another officer"),
        ("front desk", "co_attendee", "Select another officer"),
        ("ended address", "address", "current addresses"),
    ],
)
def test_planning_rejects_bad_input(bad, field, message, om, front_desk, nominal):
    today = timezone.localdate()
    ended = Address.objects.create(
        nominal=nominal,
        kind=Address.Kind.OTHER,
        line_1="Old flat",
        town="Slough",
        from_date=date(2019, 1, 1),
        to_date=date(2019, 12, 31),
    )
    values = {"planned_for": next_weekday(1), "time_band": "morning"}
    values |= {
        "yesterday": {"planned_for": today - timedelta(days=1)},
        "next year": {"planned_for": today + timedelta(days=400)},
        "lunchtime": {"time_band": "lunchtime"},
        "self": {"co_attendee": om},
        "front desk": {"co_attendee": front_desk},
        "ended address": {"address": ended},
    }[bad]

    with pytest.raises(ValidationError) as error:
        planning.visit_plan(acting_user=om, nominal=nominal, announced=False, **values)

    assert message in " ".join(error.value.message_dict[field])
    assert not Visit.objects.exists()


def test_a_closed_case_cannot_have_visits_planned(om, nominal):
    Nominal.objects.filter(pk=nominal.pk).update(status=NominalStatus.DECEASED)
    nominal.refresh_from_db()

    with pytest.raises(ValidationError, match="the case is closed"):
        plan(om, nominal)


def test_the_plan_page_plans_a_visit(client, om, colleague, nominal):
    client.force_login(om)
    url = reverse("visits:visit-plan", args=[nominal.pk])
    page = client.get(url)
    token = page.context["form"].initial["token"]
    day = next_weekday(4)

    response = client.post(
        url,
        plan_post(
            day,
            address=nominal.addresses.get().pk,
            co_attendee=colleague.pk,
            token=token,
        ),
    )

    assert response.status_code == 302
    assert response.url == reverse("visits:case-visits", args=[nominal.pk])
    visit = Visit.objects.get(nominal=nominal)
    assert (visit.planned_for, visit.time_band, visit.co_attendee) == (day, "afternoon", colleague)
    assert str(visit.client_key) == str(token)
    # The button pressed again: the same token, one visit.
    again = client.post(url, plan_post(day, address=nominal.addresses.get().pk, token=token))
    assert again.status_code == 302 and Visit.objects.count() == 1


def test_the_plan_page_keeps_what_was_typed_with_a_clear_error(client, om, nominal):
    client.force_login(om)
    yesterday = timezone.localdate() - timedelta(days=1)

    response = client.post(
        reverse("visits:visit-plan", args=[nominal.pk]),
        plan_post(yesterday, address=nominal.addresses.get().pk),
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "The date of the visit must be today or in the future" in text
    assert f'value="{yesterday.year}"' in text
    assert not Visit.objects.exists()


def test_the_plan_page_warns_of_a_pattern_then_saves_when_asked_again(client, om, nominal):
    # The last visits: Monday mornings.
    record(nominal, om, date(2025, 3, 3), hour=9)
    record(nominal, om, date(2025, 3, 10), hour=10)
    client.force_login(om)
    url = reverse("visits:visit-plan", args=[nominal.pk])
    monday = next_weekday(0)
    data = plan_post(monday, band="evening", address=nominal.addresses.get().pk)
    data["token"] = "0b1e8f6a-3c55-4c9e-8f0d-6a3c2b1d9e7f"

    warned = client.post(url, data)

    assert warned.status_code == 200
    assert "were on a Monday" in warned.context["warning"]
    assert 'data-testid="plan-pattern-warning"' in warned.content.decode()
    assert "Plan the visit anyway" in warned.content.decode()
    assert not Visit.objects.filter(status=VisitStatus.PLANNED).exists()
    seen = warned.context["form"].data["pattern_checked"]
    assert seen == f"{monday.isoformat()}:evening"

    saved = client.post(url, {**data, "pattern_checked": seen})

    assert saved.status_code == 302
    assert Visit.objects.get(status=VisitStatus.PLANNED).planned_for == monday


def test_a_varied_plan_saves_without_a_warning(client, om, nominal):
    record(nominal, om, date(2025, 3, 3), hour=9)  # Monday morning
    record(nominal, om, date(2025, 3, 12), hour=15)  # Wednesday afternoon
    client.force_login(om)

    response = client.post(
        reverse("visits:visit-plan", args=[nominal.pk]),
        plan_post(next_weekday(4), band="evening", address=nominal.addresses.get().pk),
    )

    assert response.status_code == 302
    assert Visit.objects.filter(status=VisitStatus.PLANNED).count() == 1


def test_plan_pattern_warning_only_when_the_plan_repeats():
    recent = [(date(2025, 3, 3), "morning"), (date(2025, 3, 10), "morning")]

    assert planning.plan_pattern_warning(recent, date(2025, 4, 4), "evening") is None
    assert "in the morning" in planning.plan_pattern_warning(recent, date(2025, 4, 4), "morning")
    assert "on a Monday" in planning.plan_pattern_warning(recent, date(2025, 4, 7), "night")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("om", 302),
        ("supervisor", 302),
        ("colleague", 403),
        ("om_south", 404),
        ("front_desk", 404),
        ("mappa_chair", 404),
        ("administrator", 404),
        ("other_force_om", 404),
    ],
)
def test_who_may_plan_a_visit(persona, expected, request, client, nominal):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        reverse("visits:visit-plan", args=[nominal.pk]),
        plan_post(next_weekday(4), address=nominal.addresses.get().pk),
    )

    assert response.status_code == expected
    assert Visit.objects.count() == (1 if expected == 302 else 0)


def test_planning_needs_sign_in(client, nominal):
    response = client.get(reverse("visits:visit-plan", args=[nominal.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- Cancelling a planned visit -----------------------------------------------------------------


def test_cancelling_needs_a_reason_and_keeps_it(client, om, nominal):
    visit = plan(om, nominal)
    client.force_login(om)
    url = reverse("visits:visit-cancel", args=[nominal.pk, visit.pk])

    missing = client.post(url, {"reason": "  "})
    assert missing.status_code == 200
    assert "Enter why the visit is cancelled" in missing.content.decode()

    done = client.post(url, {"reason": "Officer called to an emergency"})

    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED
    event = CaseEvent.objects.get(nominal=nominal, kind="visit_cancelled")
    assert event.summary.endswith("cancelled: Officer called to an emergency")
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_id=str(visit.pk), object_type="visits.Visit"
    ).exists()
    # Pressed again: nothing more is written.
    assert client.post(url, {"reason": "Again"}).status_code == 302
    assert CaseEvent.objects.filter(kind="visit_cancelled").count() == 1


def test_a_recorded_visit_cannot_be_cancelled(om, nominal):
    visit = record(nominal, om, date(2025, 1, 10))

    with pytest.raises(ValidationError, match="Only a planned visit"):
        planning.visit_cancel(acting_user=om, visit=visit, reason="Mistake")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("colleague", 403), ("om_south", 404), ("front_desk", 404), ("other_force_om", 404)],
)
def test_who_may_not_cancel(persona, expected, request, client, om, nominal):
    visit = plan(om, nominal)
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        reverse("visits:visit-cancel", args=[nominal.pk, visit.pk]), {"reason": "No"}
    )

    assert response.status_code == expected
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


def test_a_visit_of_another_case_is_not_found(client, om, nominal):
    other = make_case(om, "Other")
    visit = plan(om, other)
    client.force_login(om)

    response = client.get(reverse("visits:visit-cancel", args=[nominal.pk, visit.pk]))

    assert response.status_code == 404


# --- My visits ----------------------------------------------------------------------------------


@pytest.fixture
def caseload(om):
    today = timezone.localdate()
    return {
        "overdue": make_case(om, "Overdue", "RG10 1AA", due=today - timedelta(days=3)),
        "soon": make_case(om, "Soon", "RG2 7XX", due=today + timedelta(days=5)),
        "later": make_case(om, "Later", "RG1 4XX", due=today + timedelta(days=20)),
        "far": make_case(om, "Far", "RG1 2BB", due=today + timedelta(days=90)),
        "none": make_case(om, "Nopostcode", "", due=today - timedelta(days=1)),
    }


def test_my_visits_lists_overdue_upcoming_and_planned(client, om, caseload):
    planned = plan(om, caseload["far"])
    client.force_login(om)

    response = client.get(reverse("visits:my-visits"))

    listing = response.context["listing"]
    assert [r.nominal.surname for r in listing.overdue] == ["Overdue", "Nopostcode"]
    assert [r.nominal.surname for r in listing.upcoming] == ["Soon", "Later"]
    assert [v.pk for v in listing.planned] == [planned.pk]
    far = next(r for r in listing.rows if r.nominal.surname == "Far")
    assert far.planned == [planned] and far.district == "RG1"
    text = response.content.decode()
    assert reverse("visits:visit-plan", args=[caseload["overdue"].pk]) in text


def test_my_visits_grouped_by_area(client, om, caseload):
    plan(om, caseload["far"])
    client.force_login(om)

    response = client.get(reverse("visits:my-visits"), {"group": "area"})

    areas = response.context["areas"]
    assert [a.district for a in areas] == ["RG1", "RG2", "RG10", ""]
    assert {r.nominal.surname for r in areas[0].rows} == {"Later", "Far"}
    assert "No current home postcode" in response.content.decode()


def test_my_visits_leaves_out_other_managers_and_closed_cases(client, om, colleague, caseload):
    today = timezone.localdate()
    make_case(colleague, "Colleagues", due=today - timedelta(days=3))
    Nominal.objects.filter(pk=caseload["soon"].pk).update(status=NominalStatus.DECEASED)
    client.force_login(om)

    response = client.get(reverse("visits:my-visits"))

    names = {r.nominal.surname for r in response.context["listing"].rows}
    assert names == {"Overdue", "Later", "Nopostcode"}


def test_a_supervisor_views_a_team_members_visits(client, supervisor, om, om_south, caseload):
    client.force_login(supervisor)

    team = client.get(reverse("visits:my-visits"))
    member = client.get(reverse("visits:my-visits"), {"manager": om.pk})
    outsider = client.get(reverse("visits:my-visits"), {"manager": om_south.pk})
    nonsense = client.get(reverse("visits:my-visits"), {"manager": "x"})

    assert team.status_code == 200 and len(team.context["listing"].rows) == 4
    assert member.status_code == 200 and member.context["manager"] == om
    assert len(member.context["listing"].rows) == 4
    assert outsider.status_code == 404 and nonsense.status_code == 404


def test_an_offender_manager_cannot_view_a_colleagues_visits(client, om, colleague):
    client.force_login(om)

    assert client.get(reverse("visits:my-visits"), {"manager": colleague.pk}).status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("front_desk", 403), ("mappa_chair", 403), ("administrator", 403)],
)
def test_my_visits_is_for_offender_managers_and_supervisors(persona, expected, request, client):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("visits:my-visits")).status_code == expected


def test_offender_managers_have_my_visits_in_the_navigation(client, om, front_desk):
    client.force_login(om)
    assert reverse("visits:my-visits") in client.get(reverse("cases:caseload")).content.decode()
    client.force_login(front_desk)
    page = client.get(reverse("notifications:frontdesk-search")).content.decode()
    assert reverse("visits:my-visits") not in page


@pytest.mark.parametrize("group", ["", "area"])
def test_my_visits_query_count_is_flat(group, client, om, django_assert_max_num_queries):
    today = timezone.localdate()
    for n in range(3):
        case = make_case(om, f"Small{n}", f"RG{n} 1AA", due=today - timedelta(days=n))
        plan(om, case)
    client.force_login(om)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("visits:my-visits"), {"group": group})
    for n in range(3, 30):
        case = make_case(om, f"Large{n}", f"RG{n} 1AA", due=today + timedelta(days=n % 25))
        plan(om, case)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("visits:my-visits"), {"group": group})
    assert len(response.context["listing"].rows) == 30


# --- The caseload column ------------------------------------------------------------------------


def test_the_caseload_column_takes_its_status_from_the_one_definition(client, om):
    today = timezone.localdate()
    make_case(om, "Late", due=today - timedelta(days=1))
    make_case(om, "Today", due=today)
    client.force_login(om)

    text = client.get(reverse("cases:caseload")).content.decode()

    assert text.count('govuk-tag--red">Overdue') == 1
    assert text.count("Due soon") == 1
