"""The supervisor's team dashboard, the lists behind its figures, each offender manager's capacity
page, the reallocation preview and the capacity model in the admin."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import AuditAction, AuditEvent, Nominal, Role
from dashboards import capacity as rules
from dashboards import selectors
from dashboards.models import CapacitySettings, CaseWeight, Reduction, WorkingHours
from notifications.models import Clock
from risk.models import PlanAction, RiskManagementPlan, RiskReviewDue
from tests.conftest import make_user
from visits.models import VisitDue

TODAY = timezone.localdate()
_names = count(1)


def case(
    owner,
    *,
    risk="",
    status="active",
    mappa=1,
    visit_due=None,
    next_due=None,
    arms_due=None,
    actions=0,
):
    """A case allocated to `owner` (or, for a supervisor, to their team only) with its stored
    due dates and open plan actions set directly."""
    n = next(_names)
    made = services.nominal_create(
        acting_user=owner,
        data={
            "forenames": "Case",
            "surname": f"Person{n:03d}",
            "date_of_birth": date(1970, 1, 1) + timedelta(days=n),
            "sex": "male",
        },
    )
    Nominal.objects.filter(pk=made.pk).update(risk_level=risk, status=status, mappa_level=mappa)
    VisitDue.objects.update_or_create(nominal=made, defaults={"due": visit_due})
    Clock.objects.update_or_create(nominal=made, defaults={"next_due": next_due})
    RiskReviewDue.objects.update_or_create(nominal=made, defaults={"due": arms_due})
    if actions:
        plan = RiskManagementPlan.objects.create(
            nominal=made, version=1, contingency="Arrest", created_by=owner
        )
        PlanAction.objects.bulk_create(
            PlanAction(plan=plan, heading="supervision", action=f"Action {i}", owner="OM")
            for i in range(actions)
        )
    return Nominal.objects.get(pk=made.pk)


def dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboards:team"))
    assert response.status_code == 200
    return response


def row_of(response, user):
    return next(line for line in response.context["rows"] if line["row"].manager == user)


def figure(line, name):
    return line["row"].counts.get(name, 0)


@pytest.fixture
def team(om, colleague, om_south, supervisor):
    """North: Olivia (om) with four cases, Daniel (colleague) with two, one case not allocated;
    South: one case the North supervisor must never count."""
    yesterday, long_ago = TODAY - timedelta(days=1), TODAY - timedelta(days=90)
    cases = {
        "low_overdue_visit": case(om, risk="low", visit_due=yesterday, actions=2),
        "high_mappa2_notification_overdue": case(om, risk="high", mappa=2, next_due=yesterday),
        "very_high_arms_due": case(om, risk="very_high", mappa=3, arms_due=TODAY),
        "reactive": case(om, risk="low", status="reactive", next_due=TODAY + timedelta(days=5)),
        "custody": case(colleague, risk="high", status="in_custody", visit_due=long_ago),
        "not_assessed": case(colleague, next_due=TODAY + timedelta(days=200)),
        "unallocated": case(supervisor, risk="medium", visit_due=long_ago),
        "south": case(om_south, risk="very_high", visit_due=long_ago, next_due=long_ago),
        "ended": case(om, risk="high", status="notification_ended", visit_due=long_ago),
    }
    return cases


# --- The dashboard ----------------------------------------------------------------------------


def test_each_offender_manager_has_their_figures(client, supervisor, om, colleague, team):
    response = dashboard(client, supervisor)
    olivia = row_of(response, om)
    assert figure(olivia, "caseload") == 4  # the ended case is off the register
    assert [figure(olivia, f"risk:{k}") for k in selectors.RISK_KEYS] == [2, 0, 1, 1, 0]
    assert figure(olivia, "management:active") == 3
    assert figure(olivia, "management:reactive") == 1
    assert figure(olivia, "management:custody") == 0
    assert figure(olivia, "due:visits") == 1
    assert figure(olivia, "due:notifications") == 2  # overdue, and due within 14 days
    assert figure(olivia, "due:arms") == 1
    assert olivia["row"].open_actions == 2

    daniel = row_of(response, colleague)
    assert figure(daniel, "caseload") == 2
    assert figure(daniel, "management:custody") == 1
    assert figure(daniel, "risk:not_assessed") == 1
    assert figure(daniel, "due:visits") == 1
    assert figure(daniel, "due:notifications") == 0

    unallocated = next(line for line in response.context["rows"] if line["row"].manager is None)
    assert figure(unallocated, "caseload") == 1
    assert unallocated["name"] == "Not allocated"
    assert len(response.context["rows"]) == 3  # South's manager is not in the team

    totals = response.context["dashboard"].totals
    assert totals.counts["caseload"] == 7
    assert totals.counts["due:visits"] == 3
    assert totals.open_actions == 2
    grid = response.context["dashboard"].grid
    assert grid["visits"] == {
        "low": 1,
        "medium": 1,
        "high": 1,
        "very_high": 0,
        "not_assessed": 0,
    }
    assert grid["notifications_overdue"]["high"] == 1
    assert sum(grid["notifications_overdue"].values()) == 1
    assert grid["arms"]["very_high"] == 1
    html = response.content.decode()
    assert "South" not in html and "Priya" not in html
    assert AuditEvent.objects.filter(
        user_id=supervisor.pk, action=AuditAction.VIEW, description="Team dashboard"
    ).exists()


def test_capacity_counts_points_against_hours_and_highlights_over_100(
    client, supervisor, om, colleague, team
):
    # Olivia: low 1.0 + high 2.5 + MAPPA 2 1.0 + very high 4.0 + MAPPA 3 2.0 + reactive 0.3
    # = 10.8 points; half time (18.5 of 37 hours) carries 37.5 points: 29 %.
    services_hours(supervisor, om, D("18.5"))
    # Daniel: custody 0.5 + not assessed 1.5 = 2 points with 1 hour left (37 - 36): 2.03
    # points available, 99 %; half an hour more off leaves 1.01 points.
    services_reduction(supervisor, colleague, D("36"))
    response = dashboard(client, supervisor)
    olivia = row_of(response, om)["row"]
    assert olivia.capacity == rules.Capacity(D("10.8"), D("37.50"))
    assert olivia.capacity.percent == 29
    assert olivia.load.caseload == 4
    daniel = row_of(response, colleague)["row"]
    assert daniel.capacity.percent == 99 and not daniel.capacity.over
    html = response.content.decode()
    assert "4 of 50 cases" in html
    assert 'data-testid="over-capacity"' not in html

    services_reduction(supervisor, colleague, D("0.5"), reason="Training")
    response = dashboard(client, supervisor)
    daniel = row_of(response, colleague)["row"]
    assert daniel.capacity.percent == 198 and daniel.capacity.over  # 2 of 1.01
    assert 'data-testid="over-capacity"' in response.content.decode()
    team_capacity = response.context["dashboard"].totals.capacity
    assert team_capacity == olivia.capacity + daniel.capacity


def test_force_weights_apply_from_their_effective_date(client, supervisor, om, force, team):
    CaseWeight.objects.create(
        force=force, category="low", points=D("2"), effective_from=TODAY - timedelta(days=1)
    )
    CaseWeight.objects.create(
        force=force, category="low", points=D("50"), effective_from=TODAY + timedelta(days=1)
    )
    CapacitySettings.objects.create(force=force, full_time_points=D("100"))
    olivia = row_of(dashboard(client, supervisor), om)["row"]
    # One active low case now worth 2 (not 1, and not tomorrow's 50); reactive stays 0.3.
    assert olivia.capacity == rules.Capacity(D("11.8"), D("100.00"))


def test_the_category_filters_agree_with_the_capacity_rule(om, supervisor, team):
    cases = Nominal.objects.filter(pk__in=[c.pk for c in team.values()])
    for nominal in cases:
        category = rules.case_category(status=nominal.status, risk_level=nominal.risk_level)
        extra = rules.mappa_extra(nominal.mappa_level)
        for candidate in rules.WeightCategory:
            matched = cases.filter(selectors.category_q(candidate), pk=nominal.pk).exists()
            assert matched == (candidate in (category, extra)), (nominal, candidate)
        kind = rules.management_type(nominal.status)
        for candidate in rules.Management.ALL:
            matched = cases.filter(selectors.management_q(candidate), pk=nominal.pk).exists()
            assert matched == (candidate == kind)


def test_every_figure_links_to_the_list_behind_it(client, supervisor, om, team):
    response = dashboard(client, supervisor)
    rows, totals = response.context["rows"], response.context["totals"]
    cells = [cell for line in rows for cell in (*line["caseload"], *line["work"])]
    cells += totals["caseload"] + totals["work"]
    for line in response.context["grid"]:
        cells += [*line["cells"], line["total"]]
    assert len(cells) > 50
    for cell in cells:
        listed = client.get(cell.url)
        assert listed.status_code == 200, cell.url
        page = listed.context["page"]
        if "due=actions" in cell.url:
            shown = sum(n.open_action_count for n in page.object_list)
        else:
            shown = page.paginator.count
        assert shown == cell.value, (cell.url, cell.describe)


def test_the_list_says_what_it_holds(client, supervisor, om, team):
    client.force_login(supervisor)
    url = reverse("dashboards:team-list")
    response = client.get(url, {"manager": om.pk, "risk": "high", "due": "notifications"})
    assert response.context["heading"] == "Olivia Marsh: high risk, notifications due or overdue"
    assert [n.pk for n in response.context["page"]] == [team["high_mappa2_notification_overdue"].pk]
    html = response.content.decode()
    assert "Person" in html and "Overdue" in html
    assert AuditEvent.objects.filter(
        description="Team dashboard: Olivia Marsh: high risk, notifications due or overdue"
    ).exists()
    response = client.get(url, {"manager": "none"})
    assert response.context["heading"] == "Not allocated: all cases"
    assert [n.pk for n in response.context["page"]] == [team["unallocated"].pk]
    response = client.get(url, {"management": "custody"})
    assert response.context["heading"] == "Whole team: in custody or hospital"


def test_the_list_never_shows_another_teams_cases(client, supervisor, om_south, team):
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:team-list"), {"manager": om_south.pk})
    assert response.context["page"].paginator.count == 0
    assert response.context["heading"] == "Priya Shah: all cases"
    response = client.get(reverse("dashboards:team-list"), {"manager": "9999999999"})
    assert response.context["heading"] == "No such offender manager: all cases"
    assert response.context["page"].paginator.count == 0
    assert "Person" not in response.content.decode().split("<main")[1]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"risk": "extreme"}, "Choose a risk level from the dashboard"),
        ({"manager": "abc"}, "Choose an offender manager from the dashboard"),
        ({"due": "everything"}, "Choose a kind of work from the dashboard"),
        ({"management": "x"}, "Choose a type of management from the dashboard"),
    ],
)
def test_the_list_explains_a_bad_link(client, supervisor, params, message):
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:team-list"), params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["page"] is None


def _team_of(supervisor, force, team_obj, managers, cases_each):
    for i in range(managers):
        manager = make_user(
            f"manager{i}_{team_obj.name.lower()}", force, [Role.OFFENDER_MANAGER], [team_obj]
        )
        WorkingHours.objects.create(user=manager, hours=D("30"), effective_from=date(2024, 1, 1))
        Reduction.objects.create(
            user=manager,
            reason="Training",
            hours=D("2"),
            starts_on=date(2024, 1, 1),
            created_by=supervisor,
        )
        for j in range(cases_each):
            case(
                manager,
                risk=["low", "high", "very_high"][j % 3],
                status=["active", "reactive", "in_custody"][j % 3],
                mappa=1 + j % 3,
                visit_due=TODAY - timedelta(days=j),
                next_due=TODAY - timedelta(days=j),
                arms_due=TODAY,
                actions=1,
            )


def test_dashboard_queries_stay_flat_as_the_team_grows(
    client, django_assert_max_num_queries, force, supervisor, north
):
    client.force_login(supervisor)
    selectors.capacity_settings(force)  # made on first use: not part of the steady count
    _team_of(supervisor, force, north, managers=2, cases_each=3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("dashboards:team")).status_code == 200
    _team_of_more = services.team_create(force=force, name="Second")
    services.user_set_roles(user=supervisor, roles=[Role.SUPERVISOR], teams=[north, _team_of_more])
    _team_of(supervisor, force, _team_of_more, managers=4, cases_each=4)
    with CaptureQueriesContext(connection) as small_list:
        client.get(reverse("dashboards:team-list"), {"due": "visits"})
    with django_assert_max_num_queries(20):
        response = client.get(reverse("dashboards:team"))
    assert len(response.context["rows"]) == 6
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("dashboards:team"))
    assert len(large.captured_queries) == len(small.captured_queries)
    with CaptureQueriesContext(connection) as listing:
        response = client.get(reverse("dashboards:team-list"), {"due": "visits"})
    assert response.context["page"].paginator.count == 2 * 2 + 4 * 3  # due today is in time
    assert len(listing.captured_queries) == len(small_list.captured_queries) <= 20


# --- Capacity pages ---------------------------------------------------------------------------


def services_hours(supervisor, manager, hours, on=date(2024, 1, 1)):
    from dashboards.services.capacity import working_hours_set

    return working_hours_set(acting_user=supervisor, user=manager, hours=hours, effective_from=on)


def services_reduction(supervisor, manager, hours, reason="Phased return", ends_on=None):
    from dashboards.services.capacity import reduction_add

    return reduction_add(
        acting_user=supervisor,
        user=manager,
        reason=reason,
        hours=hours,
        starts_on=TODAY - timedelta(days=10),
        ends_on=ends_on,
    )


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_the_capacity_page_explains_the_figure(client, supervisor, om, team):
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:manager-capacity", args=[om.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 of 50" in html
    assert "14 %" in html  # 10.8 of 75 points
    breakdown = {line["label"]: line["count"] for line in response.context["breakdown"]}
    assert breakdown["Added for MAPPA level 3"] == 1
    assert breakdown["Reactive management"] == 1
    assert AuditEvent.objects.filter(description=f"Capacity of {om.username}").exists()


def test_a_supervisor_sets_contracted_hours(client, supervisor, om):
    client.force_login(supervisor)
    url = reverse("dashboards:manager-capacity", args=[om.pk])
    data = {"action": "hours", "hours-hours": "22.5", **_date("hours-effective_from", TODAY)}
    response = client.post(url, data)
    assert response.status_code == 302
    row = WorkingHours.objects.get(user=om)
    assert (row.hours, row.effective_from) == (D("22.5"), TODAY)
    events = AuditEvent.objects.filter(object_type="dashboards.WorkingHours")
    assert events.count() == 1
    client.post(url, data)  # pressed twice: nothing more
    assert WorkingHours.objects.filter(user=om).count() == 1
    assert events.count() == 1
    client.post(url, {**data, "hours-hours": "30"})  # same date again replaces the hours
    assert WorkingHours.objects.get(user=om).hours == D("30")
    assert events.count() == 2


@pytest.mark.parametrize(
    "hours, day, message",
    [
        ("", TODAY, "Enter the contracted hours a week"),
        ("lots", TODAY, "Contracted hours a week must be a number, like 37 or 22.5"),
        ("61", TODAY, "Contracted hours a week must be 60 or fewer"),
        ("-1", TODAY, "Contracted hours a week must be 0 or more"),
        ("37", None, "Enter the date these hours start"),
    ],
)
def test_bad_hours_are_explained_and_kept(client, supervisor, om, hours, day, message):
    client.force_login(supervisor)
    data = {"action": "hours", "hours-hours": hours}
    data |= _date("hours-effective_from", day) if day else {}
    response = client.post(reverse("dashboards:manager-capacity", args=[om.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "govuk-error-summary" in html
    assert f'value="{hours}"' in html if hours else True
    assert not WorkingHours.objects.exists()


def test_a_supervisor_adds_and_ends_a_reduction(client, supervisor, om):
    client.force_login(supervisor)
    url = reverse("dashboards:manager-capacity", args=[om.pk])
    data = {
        "action": "reduction",
        "reduction-reason": "Phased return",
        "reduction-hours": "7.5",
        **_date("reduction-starts_on", TODAY - timedelta(days=7)),
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # pressed twice
    reduction = Reduction.objects.get(user=om)
    assert reduction.ends_on is None and reduction.created_by == supervisor
    assert AuditEvent.objects.filter(object_type="dashboards.Reduction").count() == 1
    response = client.get(url)
    assert response.context["load"].capacity.available == D("59.80")  # 29.5 of 37 hours

    end_url = reverse("dashboards:reduction-end", args=[om.pk, reduction.pk])
    assert client.get(end_url).status_code == 200
    response = client.post(end_url, _date("ends_on", TODAY - timedelta(days=8)))
    assert "Last day must be the same as or after the start date" in response.content.decode()
    response = client.post(end_url, _date("ends_on", TODAY - timedelta(days=1)))
    assert response.status_code == 302
    reduction.refresh_from_db()
    assert reduction.ends_on == TODAY - timedelta(days=1)
    assert AuditEvent.objects.filter(object_type="dashboards.Reduction").count() == 2
    assert client.get(url).context["load"].capacity.available == D("75.00")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"reduction-reason": ""}, "Enter the reason for the reduction"),
        ({"reduction-hours": "0"}, "Hours a week taken off casework must be 0.25 or more"),
        ({"reduction-hours": "40"}, "cannot be more than the 37 contracted hours a week"),
        (_date("reduction-ends_on", TODAY - timedelta(days=30)), "End date must be the same as"),
        (
            {"reduction-starts_on_0": "31", "reduction-starts_on_1": "2"},
            "Start date must be a real",
        ),
    ],
)
def test_bad_reductions_are_explained_and_kept(client, supervisor, om, change, message):
    client.force_login(supervisor)
    data = {
        "action": "reduction",
        "reduction-reason": "Training course",
        "reduction-hours": "7.5",
        **_date("reduction-starts_on", TODAY - timedelta(days=7)),
        **change,
    }
    response = client.post(reverse("dashboards:manager-capacity", args=[om.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    if data["reduction-reason"]:
        assert f'value="{data["reduction-reason"]}"' in html
    assert not Reduction.objects.exists()


def test_capacity_pages_are_for_the_managers_own_supervisors(
    client, force, south, supervisor, om, colleague, om_south
):
    reduction, _ = services_reduction(supervisor, om, D("2"))
    south_supervisor = make_user("sam_south", force, [Role.SUPERVISOR], [south])
    pages = [
        reverse("dashboards:manager-capacity", args=[om.pk]),
        reverse("dashboards:reduction-end", args=[om.pk, reduction.pk]),
    ]
    for url in pages:
        client.force_login(south_supervisor)
        assert client.get(url).status_code == 404
        client.force_login(colleague)
        assert client.get(url).status_code == 403
        client.force_login(supervisor)
        assert client.get(url).status_code == 200
    # A reduction of someone else cannot be reached through another manager's page.
    other, _ = services_reduction(south_supervisor, om_south, D("2"))
    client.force_login(supervisor)
    url = reverse("dashboards:reduction-end", args=[om.pk, other.pk])
    assert client.get(url).status_code == 404
    response = client.post(reverse("dashboards:manager-capacity", args=[om.pk]), {"action": "x"})
    assert response.status_code == 404


# --- Reallocation preview ---------------------------------------------------------------------


def test_reallocation_previews_both_managers_then_confirms(client, supervisor, om, colleague, team):
    client.force_login(supervisor)
    nominal = team["very_high_arms_due"]  # 4.0 + 2.0 = 6 points
    url = reverse("cases:nominal-allocate", args=[nominal.pk])
    form = client.get(url).content.decode()
    assert "Preview the change" in form
    response = client.post(url, {"offender_manager": colleague.pk, "step": "preview"})
    assert response.status_code == 200
    lines = [line.text for line in response.context["preview"]]
    # Olivia: 10.8 of 75 points = 14 %, then 4.8 = 6 %; Daniel: 2 of 75 = 3 %, then 8 = 11 %.
    assert lines == ["Olivia Marsh: from 14 % to 6 %", "Daniel Okafor: from 3 % to 11 %"]
    html = response.content.decode()
    assert "Confirm reallocation" in html
    assert Nominal.objects.get(pk=nominal.pk).offender_manager_id == om.pk  # nothing moved yet
    assert AuditEvent.objects.filter(
        nominal_id=nominal.pk, description=f"Allocation preview: {colleague.username}"
    ).exists()

    response = client.post(url, {"offender_manager": colleague.pk, "step": "confirm"})
    assert response.status_code == 302
    assert Nominal.objects.get(pk=nominal.pk).offender_manager_id == colleague.pk


def test_the_preview_highlights_a_manager_going_over_capacity(
    client, supervisor, om, colleague, team
):
    services_hours(supervisor, colleague, D("1"))  # 2.03 points available, 2 carried
    client.force_login(supervisor)
    url = reverse("cases:nominal-allocate", args=[team["low_overdue_visit"].pk])
    response = client.post(url, {"offender_manager": colleague.pk, "step": "preview"})
    daniel = response.context["preview"][1]
    assert (daniel.before.over, daniel.after.over) == (False, True)
    assert daniel.text == "Daniel Okafor: from 99 % to 148 %"
    assert "(over capacity)" in response.content.decode()


def test_a_bad_choice_in_the_preview_is_explained(client, supervisor, om, om_south, team):
    client.force_login(supervisor)
    url = reverse("cases:nominal-allocate", args=[team["reactive"].pk])
    response = client.post(url, {"offender_manager": om_south.pk, "step": "preview"})
    assert "Select an offender manager from the list" in response.content.decode()
    assert response.context["preview"] is None


# --- The admin and navigation ----------------------------------------------------------------


def test_administrators_edit_weights_and_settings_for_their_own_force(
    client, administrator, force, other_force
):
    CaseWeight.objects.create(
        force=other_force, category="high", points=D("9"), effective_from=date(2024, 1, 1)
    )
    client.force_login(administrator)
    response = client.post(
        reverse("admin:dashboards_caseweight_add"),
        {"force": force.pk, "category": "high", "points": "3", "effective_from": "2025-04-01"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CaseWeight.objects.get(force=force).points == D("3")
    assert AuditEvent.objects.filter(object_type="dashboards.CaseWeight").exists()
    listing = client.get(reverse("admin:dashboards_caseweight_changelist"))
    assert listing.context["cl"].result_count == 1  # not Kent's
    response = client.post(
        reverse("admin:dashboards_caseweight_add"),
        {"force": other_force.pk, "category": "low", "points": "1", "effective_from": "2025-04-01"},
    )
    assert response.status_code == 200  # another force is not a choice
    assert not CaseWeight.objects.filter(force=other_force, category="low").exists()

    settings = selectors.capacity_settings(force)
    response = client.post(
        reverse("admin:dashboards_capacitysettings_change", args=[settings.pk]),
        {"full_time_hours": "36", "full_time_points": "80"},
    )
    assert response.status_code == 302
    settings.refresh_from_db()
    assert (settings.full_time_hours, settings.full_time_points) == (D("36"), D("80"))


def test_only_administrators_reach_the_capacity_model(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("admin:dashboards_caseweight_changelist")).status_code == 302


def test_supervisors_find_the_dashboard_in_the_navigation(client, supervisor, om):
    client.force_login(supervisor)
    html = client.get(reverse("cases:caseload")).content.decode()
    assert "Team dashboard" in html and "Team caseload" in html
    client.force_login(om)
    assert "Team dashboard" not in client.get(reverse("cases:caseload")).content.decode()


# --- The API ----------------------------------------------------------------------------------


def test_the_api_gives_the_same_figures(client, supervisor, om, colleague, team):
    client.force_login(supervisor)
    body = client.get(reverse("api:team-dashboard")).json()
    olivia = next(m for m in body["managers"] if m["manager_id"] == om.pk)
    assert olivia["caseload"] == 4
    assert olivia["by_risk"] == {
        "low": 2,
        "medium": 0,
        "high": 1,
        "very_high": 1,
        "not_assessed": 0,
    }
    assert olivia["by_management"] == {"active": 3, "reactive": 1, "custody": 0}
    assert (olivia["visits_overdue"], olivia["notifications_due"]) == (1, 2)
    assert (olivia["arms_reviews_due"], olivia["open_actions"]) == (1, 2)
    assert olivia["capacity"] == {
        "points": "10.80",
        "available": "75.00",
        "percent": 14,
        "over": False,
    }
    unallocated = next(m for m in body["managers"] if m["manager_id"] is None)
    assert unallocated["capacity"] is None and unallocated["caseload"] == 1
    assert body["totals"]["caseload"] == 7
    assert body["overdue_by_risk"]["visits"]["medium"] == 1
    assert body["guideline"] == 50
    assert AuditEvent.objects.filter(description="API: team dashboard").exists()
    client.force_login(om)
    response = client.get(reverse("api:team-dashboard"))
    assert response.status_code == 403
    assert response.json()["message"]
