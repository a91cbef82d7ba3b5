"""A person's notification clock, composed from the section 1–3 rules: the overall requirement,
the next periodic (or initial) notification, open deadlines and the indefinite review dates.

Pure: plain values in, plain values out, no ORM and no clock (`on` is passed in). Every date
carries a "why" naming the rule and the facts it used."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from notifications import rules

Span = tuple[date, date | None]  # (first day, last day); None while still away


def _fmt(day: date) -> str:
    return day.strftime("%-d %b %Y")


@dataclass(frozen=True)
class Deadline:
    label: str
    due: date | None  # None while the duty waits (the person is away)
    why: str

    def as_json(self) -> dict:
        return {
            "label": self.label,
            "due": self.due.isoformat() if self.due else None,
            "why": self.why,
        }


@dataclass(frozen=True)
class Registration:
    """What put the person on the register, reduced to what the clock needs."""

    period: rules.NotificationPeriod
    under_18: bool  # on the relevant date


@dataclass(frozen=True)
class PersonClock:
    subject: bool
    indefinite: bool
    last_day: date | None
    requirement_why: str
    next_periodic_due: date | None
    deadlines: tuple[Deadline, ...] = ()
    review_statutory_date: date | None = None
    review_policy_date: date | None = None
    review_why: str = ""
    ending_soon: bool = field(default=False)

    @property
    def next_deadline(self) -> Deadline | None:
        dated = [d for d in self.deadlines if d.due is not None]
        return min(dated, key=lambda d: d.due, default=None)

    def status(self, on: date, due_soon_days: int) -> rules.ClockStatus | None:
        nearest = self.next_deadline
        if nearest is None:
            return None
        return rules.clock_status(due=nearest.due, on=on, due_soon_days=due_soon_days)


def _discharged(registration: Registration, discharged_on: date | None) -> Registration:
    # s.91C: a discharged indefinite requirement ends on the day the notice is received; a
    # conviction after the discharge brings its own requirement.
    period = registration.period
    if discharged_on is None or not period.indefinite or period.start >= discharged_on:
        return registration
    start = registration.period.start
    last = max(start, discharged_on - timedelta(days=1))
    why = (
        f"Indefinite requirement discharged on review: not subject from {_fmt(discharged_on)}, "
        "the day the notice was received (s.91C)"
    )
    return Registration(
        rules.NotificationPeriod(start, last, False, None, why), registration.under_18
    )


def _requirement(registrations: list[Registration], extra: Iterable[rules.NotificationPeriod]):
    periods = [r.period for r in registrations] + list(extra)
    if not periods:
        return None
    return rules.overall_requirement(periods)


def _ongoing(absences: Iterable[Span]) -> tuple[date, date | None] | None:
    return next(((first, last) for first, last in absences if last is None), None)


def current_run_start(registrations: list[Registration], on: date) -> date:
    """Where the person's current, unbroken time on the register began: a new requirement after
    an earlier one ended starts afresh with an initial notification (s.83)."""
    periods = sorted((r.period for r in registrations), key=lambda p: p.start)
    run_start, run_end = periods[0].start, periods[0].last_day
    for period in periods[1:]:
        if period.start > on:
            break
        if run_end is not None and period.start > run_end + timedelta(days=1):
            run_start = period.start
            run_end = period.last_day
        elif run_end is not None:
            run_end = None if period.last_day is None else max(run_end, period.last_day)
    return run_start


def _periodic(
    notifications: list[tuple[date, str]],
    registrations: list[Registration],
    absences: list[Span],
    *,
    on: date,
    no_fixed_abode: bool,
    feb29_falls_on_march_1: bool,
) -> Deadline:
    run_start = current_run_start(registrations, on)
    start = rules.latest_clock_start((d, k) for d, k in notifications if d >= run_start)
    away = _ongoing(absences)
    finished = [(first, last) for first, last in absences if last is not None]
    if start is None:
        label = "Initial notification"
        due = rules.initial_notification_due(run_start, absences=finished)
        why = f"3 days beginning with the relevant date, {_fmt(run_start)} (s.83)"
        section = "s.83"
    else:
        label = "Weekly notification" if no_fixed_abode else "Periodic notification"
        plain = rules.next_periodic_due(
            start, no_fixed_abode=no_fixed_abode, feb29_falls_on_march_1=feb29_falls_on_march_1
        )
        due = rules.next_periodic_due(
            start,
            no_fixed_abode=no_fixed_abode,
            absences=finished,
            feb29_falls_on_march_1=feb29_falls_on_march_1,
        )
        interval = "7 days" if no_fixed_abode else "one year"
        reason = "no fixed abode, " if no_fixed_abode else ""
        why = (
            f"{reason}{interval} after the last initial, periodic or change notification "
            f"on {_fmt(start)} (s.85)"
        )
        if due != plain:
            why += f"; moved from {_fmt(plain)} because the person was away then"
        section = "s.85"
    # A date already missed before the person went away stays missed; one that falls while
    # they are away waits for their return.
    if away and due >= away[0]:
        return Deadline(
            label,
            None,
            f"Waits while away since {_fmt(away[0])}: due 3 days after return ({section}).",
        )
    return Deadline(label, due, why[0].upper() + why[1:] + ".")


def _review_dates(
    registrations: list[Registration],
    notifications: list[tuple[date, str]],
    custody: list[Span],
    *,
    adult_years: int,
    youth_years: int,
    feb29_falls_on_march_1: bool,
) -> tuple[date | None, date | None, str]:
    # s.91B: from the first notification given after release for the offence.
    indefinite = [r for r in registrations if r.period.indefinite]
    if not indefinite:
        return None, None, ""
    governing = max(indefinite, key=lambda r: r.period.start)
    released = [last for first, last in custody if last and last >= governing.period.start]
    if any(last is None for first, last in custody):
        return None, None, "The review date is counted from the first notification after release."
    after = max(released, default=governing.period.start)
    starts = sorted(
        day for day, kind in notifications if rules.restarts_periodic_clock(kind) and day >= after
    )
    if not starts:
        return None, None, "No notification since release yet: the review date counts from it."
    first = starts[0]
    kwargs = {
        "first_notification_after_release": first,
        "under_18_on_relevant_date": governing.under_18,
        "feb29_falls_on_march_1": feb29_falls_on_march_1,
    }
    statutory = rules.indefinite_review_date(**kwargs)
    policy = rules.indefinite_review_date(
        adult_years=adult_years, youth_years=youth_years, **kwargs
    )
    years, age = (8, "under 18") if governing.under_18 else (15, "aged 18 or over")
    why = (
        f"{years} years from the first notification after release, {_fmt(first)} "
        f"({age} on the relevant date; s.91B)"
    )
    return statutory, policy, why


def person_clock(
    *,
    registrations: Iterable[Registration],
    notifications: Iterable[tuple[date, str]],
    absences: Iterable[Span] = (),
    custody: Iterable[Span] = (),
    open_deadlines: Iterable[Deadline] = (),
    on: date,
    no_fixed_abode: bool = False,
    extra_periods: Iterable[rules.NotificationPeriod] = (),
    feb29_falls_on_march_1: bool = True,
    review_adult_years: int = 15,
    review_youth_years: int = 8,
    ending_notice_days: int = 30,
    discharged_on: date | None = None,
) -> PersonClock:
    """Everything due from one person on `on`. `extra_periods` is the seam for civil orders (an
    SHPO extends the requirement); `custody` is the subset of `absences` spent in custody;
    `discharged_on` is when a discharge on review took effect."""
    registrations = [_discharged(r, discharged_on) for r in registrations]
    notifications = [(day, str(kind)) for day, kind in notifications]
    absences = list(absences)
    extra_periods = list(extra_periods)
    overall = _requirement(registrations, extra_periods)
    # An order keeps the person on the register (s.103G): its period joins the run the periodic
    # clock counts from, but only convictions are reviewed (s.91A).
    on_register = registrations + [Registration(p, False) for p in extra_periods]
    if overall is None:
        return PersonClock(
            False, False, None, "No registrable conviction, caution or finding.", None
        )
    statutory, policy, review_why = _review_dates(
        registrations,
        notifications,
        list(custody),
        adult_years=review_adult_years,
        youth_years=review_youth_years,
        feb29_falls_on_march_1=feb29_falls_on_march_1,
    )
    subject = overall.subject_on(on)
    common = {
        "subject": subject,
        "indefinite": overall.indefinite,
        "last_day": overall.last_day,
        "requirement_why": overall.explanation,
        "review_statutory_date": statutory,
        "review_policy_date": policy,
        "review_why": review_why,
    }
    if not subject or not on_register:
        return PersonClock(next_periodic_due=None, **common)
    periodic = _periodic(
        notifications,
        on_register,
        absences,
        on=on,
        no_fixed_abode=no_fixed_abode,
        feb29_falls_on_march_1=feb29_falls_on_march_1,
    )
    deadlines = [periodic]
    if periodic.due and overall.last_day and periodic.due > overall.last_day:
        deadlines = []  # the requirement ends first
    deadlines += sorted(open_deadlines, key=lambda d: d.due or date.max)
    ending_soon = bool(overall.last_day and (overall.last_day - on).days <= ending_notice_days)
    return PersonClock(
        next_periodic_due=periodic.due if deadlines and deadlines[0] is periodic else None,
        deadlines=tuple(deadlines),
        ending_soon=ending_soon,
        **common,
    )
