"""Management information, pure: what the daily figures are called, the register's growth rate
from two snapshots, a five-year projection at that rate, and the geometry of the charts that draw
the figures over time (values in, numbers and strings out; no ORM, no clock)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# The figures of one force's daily snapshot, in the order the page and the CSV show them.
FIGURES: list[tuple[str, str]] = [
    ("register", "Register size"),
    ("risk_very_high", "Very high risk"),
    ("risk_high", "High risk"),
    ("risk_medium", "Medium risk"),
    ("risk_low", "Low risk"),
    ("risk_not_assessed", "Risk not yet assessed"),
    ("reactive", "Reactive management"),
    ("mappa_2", "MAPPA level 2"),
    ("mappa_3", "MAPPA level 3"),
    ("notifications_with_deadline", "Notifications with a deadline, last 30 days"),
    ("notifications_on_time", "Of those, made on time"),
    ("notifications_on_time_pct", "Notifications on time (%)"),
    ("visits_overdue", "Home visits overdue"),
    ("breaches_technical_30d", "Technical breaches, last 30 days"),
    ("breaches_risk_relevant_30d", "Risk-relevant breaches, last 30 days"),
    ("breaches_technical_open", "Technical breaches open"),
    ("breaches_risk_relevant_open", "Risk-relevant breaches open"),
    ("offender_managers", "Offender managers"),
    ("cases_per_om", "Allocated cases per offender manager"),
]
FIGURE_LABELS = dict(FIGURES)

# The national register has grown by about 6 % a year: the assumption until a force has enough
# days of its own figures to measure its growth.
NATIONAL_GROWTH = Decimal("0.06")
MIN_OBSERVED_DAYS = 30
DAYS_IN_YEAR = Decimal("365.25")


def percentage(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, to one decimal place (None when there is no whole)."""
    if whole <= 0:
        return None
    exact = Decimal(part) * 100 / Decimal(whole)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def ratio(part: int, whole: int) -> float | None:
    if whole <= 0:
        return None
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# --- Growth and projection ----------------------------------------------------------------------


@dataclass(frozen=True)
class Growth:
    rate: Decimal  # a year: 0.06 is 6 %
    observed: bool  # False: the national default, because the force's own data is too short
    days: int  # days between the first and last snapshot used
    explanation: str

    @property
    def percent(self) -> str:
        return _pct(self.rate)


def growth_rate(
    *,
    first_on: date | None,
    first_size: int | None,
    last_on: date | None,
    last_size: int | None,
    min_days: int = MIN_OBSERVED_DAYS,
    default: Decimal = NATIONAL_GROWTH,
) -> Growth:
    """Compound annual growth of the register between two snapshots, scaled to a year:
    (last / first) ** (365.25 / days) - 1. With fewer than `min_days` days between them, or no
    register at the start, the national default stands in and says why."""
    days = (last_on - first_on).days if first_on and last_on else 0
    fallback = f"the national rate of {_pct(default)}% a year is assumed"
    if days < min_days:
        return Growth(
            default,
            False,
            max(days, 0),
            f"Fewer than {min_days} days of figures ({_days(max(days, 0))}): {fallback}.",
        )
    if not first_size or last_size is None:
        return Growth(default, False, days, f"No register at the start of the figures: {fallback}.")
    growth = math.pow(last_size / first_size, float(DAYS_IN_YEAR) / days) - 1
    rate = Decimal(str(growth)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return Growth(
        rate,
        True,
        days,
        f"Observed over {days} days: from {first_size:,} to {last_size:,}, "
        f"{_pct(rate)}% a year compounded.",
    )


def _pct(rate: Decimal) -> str:
    """A rate as a percentage for people: 0.06 is "6", 0.3653 is "36.5"."""
    text = str((rate * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return text.removesuffix(".0")


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


@dataclass(frozen=True)
class ProjectedYear:
    years: int
    on: date
    size: int


def projection(*, size: int, on: date, rate: Decimal, years: int = 5) -> list[ProjectedYear]:
    """The register `size` on `on`, grown at `rate` a year compounded, for each of `years` years
    (rounded to whole people, half up)."""
    out = []
    for n in range(1, years + 1):
        grown = Decimal(size) * (1 + rate) ** n
        out.append(ProjectedYear(n, _years_after(on, n), int(grown.to_integral(ROUND_HALF_UP))))
    return out


def _years_after(on: date, n: int) -> date:
    try:
        return on.replace(year=on.year + n)
    except ValueError:  # 29 February into a common year
        return on.replace(year=on.year + n, day=28)


# --- Charts -------------------------------------------------------------------------------------

# GOV.UK colours, each line also with its own dash pattern so no reader depends on colour alone.
PALETTE = [
    ("#1d70b8", ""),
    ("#d4351c", "8 4"),
    ("#00703c", "2 3"),
    ("#4c2c92", "10 3 2 3"),
    ("#f47738", "4 4"),
    ("#505a5f", "1 2"),
]


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    dash: str
    segments: list[str]  # SVG "x,y x,y …" runs, broken where a day has no figure
    dots: list[tuple[float, float]]  # lone points (a run of one) drawn as dots


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    y_ticks: list[tuple[float, str]]  # (y, label)
    x_ticks: list[tuple[float, str, str]]  # (x, label, text-anchor)
    lines: list[Line]
    days: list[date]
    series: list[tuple[str, list[float | None]]]

    @property
    def bottom(self) -> int:
        return self.top + self.plot_height

    @property
    def right(self) -> int:
        return self.left + self.plot_width

    @property
    def rows(self) -> list[tuple[date, list[float | None]]]:
        return [(day, [values[i] for _, values in self.series]) for i, day in enumerate(self.days)]


def nice_ceiling(value: float) -> float:
    """The smallest round number at or above `value` whose quarters are round too (1 for 0):
    1, 1.2, 1.6, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.6, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _label(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}{unit}"


def line_chart(
    *,
    key: str,
    title: str,
    days: list[date],
    series: list[tuple[str, list[float | None]]],
    unit: str = "",
    y_max: float | None = None,
    width: int = 640,
    height: int = 260,
) -> Chart:
    """Scale `series` (one value or None per day in `days`) into a line chart's geometry."""
    left, top, right_pad, bottom_pad = 56, 12, 16, 36
    plot_w, plot_h = width - left - right_pad, height - top - bottom_pad
    values = [v for _, vs in series for v in vs if v is not None]
    top_value = y_max if y_max is not None else nice_ceiling(max(values, default=0))
    first, last = (days[0], days[-1]) if days else (None, None)
    span = max((last - first).days, 1) if first and last else 1

    def x_of(day: date) -> float:
        if len(days) == 1:
            return round(left + plot_w / 2, 1)
        return round(left + plot_w * (day - first).days / span, 1)

    def y_of(value: float) -> float:
        return round(top + plot_h - plot_h * value / top_value, 1)

    lines = []
    for index, (label, vs) in enumerate(series):
        colour, dash = PALETTE[index % len(PALETTE)]
        runs: list[list[tuple[float, float]]] = [[]]
        for day, value in zip(days, vs, strict=True):
            if value is None:
                runs.append([])
            else:
                runs[-1].append((x_of(day), y_of(value)))
        segments = [" ".join(f"{x},{y}" for x, y in run) for run in runs if len(run) > 1]
        dots = [run[0] for run in runs if len(run) == 1]
        lines.append(Line(label, colour, dash, segments, dots))
    y_ticks = [(y_of(top_value * i / 4), _label(top_value * i / 4, unit)) for i in range(5)]
    return Chart(
        key=key,
        title=title,
        description=describe(days, series, unit),
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_w,
        plot_height=plot_h,
        y_ticks=y_ticks,
        x_ticks=_x_ticks(days, x_of),
        lines=lines,
        days=days,
        series=series,
    )


def _tick_days(days: list[date], count: int = 4) -> list[date]:
    if len(days) <= count:
        return list(days)
    step = (len(days) - 1) / (count - 1)
    return [days[round(i * step)] for i in range(count)]


def _x_ticks(days: list[date], x_of) -> list[tuple[float, str, str]]:
    picked = _tick_days(days)
    ticks = []
    for index, day in enumerate(picked):
        # The end labels lean inwards so they stay inside the picture.
        anchor = "middle"
        if len(picked) > 1 and index == 0:
            anchor = "start"
        elif len(picked) > 1 and index == len(picked) - 1:
            anchor = "end"
        ticks.append((x_of(day), f"{day:%-d %b %Y}", anchor))
    return ticks


def describe(days: list[date], series: list[tuple[str, list[float | None]]], unit: str) -> str:
    """A sentence a screen reader can use in place of the picture."""
    if not days:
        return "No figures yet."
    parts = []
    for label, vs in series:
        known = [(d, v) for d, v in zip(days, vs, strict=True) if v is not None]
        if not known:
            parts.append(f"{label}: no figures")
            continue
        (d0, v0), (d1, v1) = known[0], known[-1]
        if d0 == d1:
            parts.append(f"{label}: {_label(v0, unit)} on {d0:%-d %b %Y}")
        else:
            parts.append(
                f"{label}: from {_label(v0, unit)} on {d0:%-d %b %Y} "
                f"to {_label(v1, unit)} on {d1:%-d %b %Y}"
            )
    return "; ".join(parts) + "."


def sample(rows: list, most: int = 60) -> tuple[list, int]:
    """At most about `most` rows for a table (every n-th, always keeping the last) and the step."""
    if len(rows) <= most:
        return rows, 1
    step = math.ceil(len(rows) / most)
    picked = rows[::step]
    if picked[-1] is not rows[-1]:
        picked.append(rows[-1])
    return picked, step
