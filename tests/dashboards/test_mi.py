"""Management information: the growth rate and projection (table tests), the chart geometry, and
the page and its CSV for each persona."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cases.models import AuditAction, AuditEvent, Role
from dashboards import mi
from dashboards.models import DailySnapshot
from tests.conftest import make_user

# --- Growth rate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_on", "first_size", "last_on", "last_size", "rate", "observed"),
    [
        # A year of 6 % growth (365 days is a shade under 365.25).
        (date(2025, 1, 1), 1000, date(2026, 1, 1), 1060, Decimal("0.0600"), True),
        # The same growth over a leap year: a little slower a year.
        (date(2024, 1, 1), 1000, date(2025, 1, 1), 1060, Decimal("0.0599"), True),
        # A shrinking register.
        (date(2025, 1, 1), 1000, date(2026, 1, 1), 900, Decimal("-0.1001"), True),
        # Doubling over two years: about 41 % a year, compounded.
        (date(2024, 1, 1), 1000, date(2025, 12, 31), 2000, Decimal("0.4145"), True),
        # 400 days from 500 to 520.
        (date(2025, 1, 1), 500, date(2026, 2, 5), 520, Decimal("0.0365"), True),
        # Exactly 30 days is enough (a 10 % rise in a month is a steep year).
        (date(2026, 1, 1), 1000, date(2026, 1, 31), 1100, Decimal("2.1912"), True),
        # 29 days is not: the national 6 %.
        (date(2026, 1, 1), 1000, date(2026, 1, 30), 1100, Decimal("0.06"), False),
        # One snapshot only.
        (date(2026, 1, 1), 1000, date(2026, 1, 1), 1000, Decimal("0.06"), False),
        # No register at the start: no rate can be measured.
        (date(2025, 1, 1), 0, date(2026, 1, 1), 40, Decimal("0.06"), False),
        # No snapshots at all.
        (None, None, None, None, Decimal("0.06"), False),
    ],
)
def test_growth_rate(first_on, first_size, last_on, last_size, rate, observed):
    growth = mi.growth_rate(
        first_on=first_on, first_size=first_size, last_on=last_on, last_size=last_size
    )
    assert growth.rate == rate
    assert growth.observed is observed
    assert ("national rate of 6% a year is assumed" in growth.explanation) is not observed


def test_growth_says_why_it_was_assumed():
    short = mi.growth_rate(
        first_on=date(2026, 1, 1), first_size=10, last_on=date(2026, 1, 11), last_size=11
    )
    assert short.explanation == (
        "Fewer than 30 days of figures (10 days): the national rate of 6% a year is assumed."
    )
    assert short.days == 10 and short.percent == "6"
    seen = mi.growth_rate(
        first_on=date(2025, 1, 1), first_size=1000, last_on=date(2026, 1, 1), last_size=1060
    )
    assert seen.explanation == (
        "Observed over 365 days: from 1,000 to 1,060, 6% a year compounded."
    )


def test_growth_default_can_be_given():
    growth = mi.growth_rate(
        first_on=None, first_size=None, last_on=None, last_size=None, default=Decimal("0.03")
    )
    assert growth.rate == Decimal("0.03") and "3% a year" in growth.explanation


# --- Projection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "rate", "sizes"),
    [
        (1000, Decimal("0.06"), [1060, 1124, 1191, 1262, 1338]),
        (1000, Decimal("0"), [1000, 1000, 1000, 1000, 1000]),
        (1000, Decimal("-0.1"), [900, 810, 729, 656, 590]),
        (0, Decimal("0.06"), [0, 0, 0, 0, 0]),
        # 58,000 is about the national register: 6 % a year adds about 19,600 in five years.
        (58000, Decimal("0.06"), [61480, 65169, 69079, 73224, 77617]),
        # Half up: 10 * 1.05 = 10.5 → 11.
        (10, Decimal("0.05"), [11, 11, 12, 12, 13]),
    ],
)
def test_projection(size, rate, sizes):
    rows = mi.projection(size=size, on=date(2026, 3, 31), rate=rate)
    assert [row.size for row in rows] == sizes
    assert [row.years for row in rows] == [1, 2, 3, 4, 5]
    assert [row.on for row in rows] == [date(2026 + n, 3, 31) for n in range(1, 6)]


def test_projection_from_29_february():
    rows = mi.projection(size=100, on=date(2024, 2, 29), rate=Decimal("0.06"))
    assert [row.on for row in rows] == [
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
        date(2029, 2, 28),
    ]


@given(
    size=st.integers(min_value=0, max_value=200_000),
    rate=st.decimals(min_value=0, max_value=1, places=4),
)
def test_projection_never_falls_when_the_register_grows(size, rate):
    sizes = [row.size for row in mi.projection(size=size, on=date(2026, 1, 1), rate=rate)]
    assert sizes == sorted(sizes)
    assert sizes[0] >= size


# --- Small helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "pct"), [(2, 3, 66.7), (1, 8, 12.5), (0, 4, 0.0), (5, 5, 100.0), (1, 0, None)]
)
def test_percentage(part, whole, pct):
    assert mi.percentage(part, whole) == pct


@pytest.mark.parametrize(("part", "whole", "out"), [(4, 2, 2.0), (10, 3, 3.3), (1, 0, None)])
def test_ratio(part, whole, out):
    assert mi.ratio(part, whole) == out


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [
        (0, 1),
        (0.5, 0.5),
        (7, 8),
        (10, 10),
        (11, 12),
        (13, 16),
        (21, 25),
        (26, 30),
        (45, 50),
        (101, 120),
        (599, 600),
        (700, 800),
        (960, 1000),
    ],
)
def test_nice_ceiling(value, ceiling):
    assert mi.nice_ceiling(value) == ceiling


def test_sample_keeps_short_tables_and_thins_long_ones():
    short = list(range(60))
    assert mi.sample(short) == (short, 1)
    rows, step = mi.sample(list(range(130)))
    assert step == 3 and rows[:3] == [0, 3, 6] and rows[-1] == 129 and len(rows) == 44


# --- Charts -----------------------------------------------------------------------------------


def test_line_chart_scales_values_into_the_plot():
    days = [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)]
    chart = mi.line_chart(key="k", title="T", days=days, series=[("A", [0, 5, 10])])
    # 640 wide, 56 on the left and 16 on the right; 260 high, 12 above and 36 below.
    assert (chart.left, chart.right, chart.top, chart.bottom) == (56, 624, 12, 224)
    assert chart.lines[0].segments == ["56.0,224.0 340.0,118.0 624.0,12.0"]
    assert chart.y_ticks[0] == (224.0, "0") and chart.y_ticks[-1] == (12.0, "10")
    assert [t[2] for t in chart.x_ticks] == ["start", "middle", "end"]
    assert chart.description == "A: from 0 on 1 Jan 2026 to 10 on 3 Jan 2026."


def test_a_missing_figure_breaks_the_line_and_a_lone_point_is_a_dot():
    days = [date(2026, 1, d) for d in range(1, 6)]
    chart = mi.line_chart(
        key="k", title="T", days=days, series=[("A", [1, 2, None, 4, None])], y_max=4
    )
    line = chart.lines[0]
    assert len(line.segments) == 1 and len(line.dots) == 1
    assert line.dots[0] == (482.0, 12.0)


def test_each_line_has_its_own_colour_and_dash():
    days = [date(2026, 1, 1), date(2026, 1, 2)]
    chart = mi.line_chart(
        key="k", title="T", days=days, series=[(str(i), [i, i]) for i in range(3)]
    )
    assert len({(line.colour, line.dash) for line in chart.lines}) == 3
    assert len({line.dash for line in chart.lines}) == 3  # not colour alone


def test_percent_chart_with_one_day_and_no_figure():
    chart = mi.line_chart(
        key="k",
        title="T",
        days=[date(2026, 1, 1)],
        series=[("On time", [None])],
        unit="%",
        y_max=100,
    )
    assert chart.description == "On time: no figures."
    assert chart.y_ticks[-1][1] == "100%"
    assert chart.lines[0].segments == [] and chart.lines[0].dots == []
    assert mi.describe([], [], "") == "No figures yet."


# --- The page -------------------------------------------------------------------------------

START = date(2025, 1, 1)


def figures(register: int, **extra) -> dict:
    values = {key: 0 for key, _ in mi.FIGURES}
    values.update({"register": register, "notifications_on_time_pct": None, "cases_per_om": None})
    values.update(extra)
    return values


def file_snapshots(force, days: int, start: date = START, size: int = 1000, step: int = 1):
    DailySnapshot.objects.bulk_create(
        DailySnapshot(
            force=force,
            on=start + timedelta(days=n),
            figures=figures(size + n * step, notifications_on_time_pct=90.0),
        )
        for n in range(days)
    )


@pytest.mark.parametrize("persona", ["om", "colleague", "front_desk", "mappa_chair"])
def test_people_without_the_role_cannot_see_it(persona, request, client):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("dashboards:mi")).status_code == 403
    assert client.get(reverse("dashboards:mi-csv")).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, db):
    for name in ("dashboards:mi", "dashboards:mi-csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_user_of_no_force_is_refused(client, reference_data):
    nowhere = make_user("nora_none", None, [Role.ADMINISTRATOR])
    client.force_login(nowhere)
    assert client.get(reverse("dashboards:mi")).status_code == 403
    assert client.get(reverse("dashboards:mi-csv")).status_code == 403


def test_no_figures_yet(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:mi"))
    assert response.status_code == 200
    assert "No figures yet" in response.content.decode()
    assert 'data-testid="projection"' not in response.content.decode()


def test_supervisors_and_administrators_see_their_own_force(
    client, supervisor, administrator, other_force_om, force, other_force
):
    DailySnapshot.objects.create(force=force, on=START, figures=figures(1234))
    DailySnapshot.objects.create(force=other_force, on=START, figures=figures(777))
    for user, mine, theirs in [
        (supervisor, "1,234", "777"),
        (administrator, "1,234", "777"),
        (other_force_om, "777", "1,234"),
    ]:
        client.force_login(user)
        page = client.get(reverse("dashboards:mi")).content.decode()
        latest = page.split('data-testid="latest-figures"')[1].split("</dl>")[0]
        assert mine in latest and theirs not in latest
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, description=f"Management information for {other_force.name}"
    ).exists()


def test_short_figures_project_at_the_national_rate_clearly_labelled(client, supervisor, force):
    file_snapshots(force, 10)
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:mi"))
    page = response.content.decode()
    growth = page.split('data-testid="growth"')[1].split("</div>")[0]
    assert "Assumed growth, not observed" in growth and "Fewer than 30 days" in growth
    assert "6% a year" in growth
    # 1,009 on the last day, at 6 %.
    assert [row.size for row in response.context["projected"]] == [1070, 1134, 1202, 1274, 1350]


def test_a_year_of_figures_projects_at_the_observed_rate(client, supervisor, force):
    # 366 days from 1,000 growing by one a day to 1,365: about 36 % a year.
    file_snapshots(force, 366)
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:mi"))
    growth = response.context["growth"]
    assert growth.observed and growth.days == 365
    assert growth.rate == Decimal("0.3653")
    page = response.content.decode()
    assert "At the growth observed in this force" in page and "Assumed growth" not in page
    assert response.context["projected"][0].size == 1864


def test_charts_are_accessible_svg_with_a_table_each(client, supervisor, force):
    file_snapshots(force, 100)
    client.force_login(supervisor)
    page = client.get(reverse("dashboards:mi")).content.decode()
    for key in ("register", "risk", "management", "notifications", "overdue"):
        figure = page.split(f'data-testid="chart-{key}"')[1].split("</details>")[0]
        assert f'aria-labelledby="chart-{key}-title chart-{key}-desc"' in figure
        assert f'<title id="chart-{key}-title">' in figure
        assert f'<desc id="chart-{key}-desc">' in figure
        assert "<polyline" in figure
        assert '<th scope="col" class="govuk-table__header">Date</th>' in figure
    # The register chart describes itself and its table lists the days.
    register = page.split('data-testid="chart-register"')[1].split("</details>")[0]
    assert "Register size: from 1,000 on 1 Jan 2025 to 1,099 on 10 Apr 2025." in register
    assert "10 Apr 2025" in register and "Every 2nd day and the latest" in register
    assert "style=" not in page.split("<main")[1]  # nothing the CSP would block


@pytest.mark.parametrize(("period", "days"), [("90", 90), ("365", 365), ("all", 500), ("x", 365)])
def test_the_period_chooses_the_days_charted(client, supervisor, force, period, days):
    file_snapshots(force, 500)
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:mi"), {"period": period})
    assert len(response.context["charts"][0].chart.days) == days


def test_the_page_makes_the_same_queries_for_ten_days_or_four_hundred(
    client, supervisor, force, django_assert_max_num_queries
):
    client.force_login(supervisor)
    file_snapshots(force, 10)
    with django_assert_max_num_queries(16) as small:
        assert client.get(reverse("dashboards:mi"), {"period": "all"}).status_code == 200
    DailySnapshot.objects.all().delete()
    file_snapshots(force, 400)
    with django_assert_max_num_queries(16) as large:
        assert client.get(reverse("dashboards:mi"), {"period": "all"}).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


def test_navigation_offers_it_to_supervisors_and_administrators(
    client, supervisor, administrator, om
):
    href = reverse("dashboards:mi")
    for user, shown in [(supervisor, True), (administrator, True), (om, False)]:
        client.force_login(user)
        page = client.get(reverse("cases:inbox") if user is not administrator else href)
        assert (f'href="{href}"' in page.content.decode()) is shown


# --- The CSV ----------------------------------------------------------------------------------


def test_csv_export_is_an_audited_attachment_of_every_day(client, supervisor, force, other_force):
    file_snapshots(force, 3)
    DailySnapshot.objects.create(force=other_force, on=START, figures=figures(5))
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:mi-csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="rsom-figures-thames-valley-'
    )
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Date", *(label for _, label in mi.FIGURES)]
    assert [row[0] for row in rows[1:]] == ["2025-01-01", "2025-01-02", "2025-01-03"]
    assert [row[1] for row in rows[1:]] == ["1000", "1001", "1002"]
    on_time = rows[0].index("Notifications on time (%)")
    per_om = rows[0].index("Allocated cases per offender manager")
    assert rows[1][on_time] == "90.0" and rows[1][per_om] == ""
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.user_id == supervisor.pk
    assert event.description == (
        "Management information for Thames Valley Police: 3 days of figures as CSV"
    )
