"""Notification rules (domain.md sections 0–3): how long a person is subject to the notification
requirements, when each notification falls due, and the review of indefinite requirements.

Pure functions: plain values in, plain values out, no clock; force settings are passed in as
keyword arguments whose defaults are the ones domain.md gives.

Absences (custody, hospital, abroad) are (first day, last day) pairs, both inclusive, where the
last day is the day the absence ends: the day of release, discharge or return to the UK.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from cases.dates import add_months, add_years, age_on

Number = Decimal | int
Span = tuple[date, date]

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ONE_DAY = timedelta(days=1)


# --- Input checks and wording -----------------------------------------------------------------


def _fmt(day: date) -> str:
    # Fixed English month names: the strings are shown to users whatever the server locale.
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def _date(label: str, value: object) -> date:
    # A datetime is a date subclass but cannot be compared with one, so it is a caller bug here.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{label} must be a date (got {value!r}).")
    return value


def _whole(label: str, value: object, minimum: int = 0) -> int:
    # bool is an int subclass; True as a count is a caller bug, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{label} must be a whole number (got {value!r}).")
    if value < minimum:
        raise ValueError(f"{label} must be at least {minimum} (got {value}).")
    return value


def _number(label: str, value: object, *, allow_zero: bool = False) -> Decimal:
    # Decimal keeps week conversions exact at the 6- and 30-month boundaries.
    if value is None:
        raise ValueError(f"{label} is missing.")
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"{label} must be a number (got {value!r}).")
    # str() first so a float such as 6.1 becomes 6.1, not its binary approximation.
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{label} must be a finite number (got {value}).")
    if number < 0:
        raise ValueError(f"{label} cannot be negative (got {value}).")
    if number == 0 and not allow_zero:
        raise ValueError(f"{label} must be more than 0 (got {value}).")
    return number


def _months_text(months: Decimal) -> str:
    # Week-converted terms have long fractions; two places are enough for a reader.
    if months == months.to_integral_value():
        return str(int(months))
    return f"{months.quantize(Decimal('0.01')).normalize()}"


def _length_text(months: int) -> str:
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if rest:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " ".join(parts)


def _spans(label: str, spans: Iterable[Span]) -> tuple[Span, ...]:
    # Domain.md section 2: every absence or stay is a closed range of whole days.
    checked = []
    for span in spans:
        if not isinstance(span, tuple | list) or len(span) != 2:
            raise ValueError(f"Each {label} must be a (first day, last day) pair (got {span!r}).")
        first = _date(f"The first day of a {label}", span[0])
        last = _date(f"The last day of a {label}", span[1])
        if last < first:
            raise ValueError(
                f"A {label} cannot end ({_fmt(last)}) before it starts ({_fmt(first)})."
            )
        checked.append((first, last))
    return tuple(checked)


# --- Section 0: counting days -----------------------------------------------------------------


def deadline_within_days(start: date, days: int) -> date:
    # Domain.md section 0: "within N days beginning with X" counts X as day 1.
    start = _date("The start date", start)
    return start + timedelta(days=_whole("The number of days", days, minimum=1) - 1)


def three_day_deadline(event: date) -> date:
    # ss.83-84; domain.md section 0: "within 3 days beginning with" the event.
    return deadline_within_days(event, 3)


def six_day_deadline(start: date) -> date:
    # s.84; domain.md section 0: "within 6 days beginning with" the expected date.
    return deadline_within_days(start, 6)


def first_day_of_failure(deadline: date) -> date:
    # s.91; domain.md section 6: the offence begins the day after the deadline (6.4).
    return _date("The deadline", deadline) + _ONE_DAY


class ClockStatus(StrEnum):
    UP_TO_DATE = "up_to_date"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def clock_status(*, due: date, on: date, due_soon_days: int = 14) -> ClockStatus:
    # Domain.md sections 2 and 6: overdue from the first day of failure; due day itself is not.
    on = _date("The date checked", on)
    warning = _whole("The due-soon warning in days", due_soon_days)
    if on >= first_day_of_failure(due):
        return ClockStatus.OVERDUE
    if on >= due - timedelta(days=warning):
        return ClockStatus.DUE_SOON
    return ClockStatus.UP_TO_DATE


# --- Section 1: the notification period -------------------------------------------------------


class Disposal(StrEnum):
    CUSTODY = "custody"
    DTO = "dto"
    HOSPITAL_RESTRICTION = "hospital_restriction"
    HOSPITAL = "hospital"
    CAUTION = "caution"
    CONDITIONAL_DISCHARGE = "conditional_discharge"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _DISPOSAL_LABELS[self]

    @classmethod
    def parse(cls, value: Disposal | str) -> Disposal:
        try:
            return cls(value)
        except ValueError:
            expected = ", ".join(item.value for item in cls)
            raise ValueError(f"Unknown disposal {value!r}: expected one of {expected}.") from None


_DISPOSAL_LABELS = {
    Disposal.CUSTODY: "custody",
    Disposal.DTO: "a detention and training order",
    Disposal.HOSPITAL_RESTRICTION: "a hospital order with a restriction order",
    Disposal.HOSPITAL: "a hospital order without a restriction order",
    Disposal.CAUTION: "a caution",
    Disposal.CONDITIONAL_DISCHARGE: "a conditional discharge",
    Disposal.OTHER: "a community order, fine or other disposal",
}

_MAX_CONDITIONAL_DISCHARGE_MONTHS = 36


@dataclass(frozen=True)
class NotificationPeriod:
    start: date  # the relevant date
    last_day: date | None  # last day subject; None when indefinite
    indefinite: bool
    length_months: int | None = None  # None when indefinite (or when built from elsewhere)
    explanation: str = ""  # the rule that produced the period, for the case page

    def __post_init__(self) -> None:
        if self.indefinite != (self.last_day is None):
            raise ValueError("An indefinite period has no last day, and a finite one needs one.")
        if self.last_day is not None and self.last_day < self.start:
            raise ValueError("A notification period cannot end before it starts.")

    def subject_on(self, day: date) -> bool:
        return self.start <= day and (self.last_day is None or day <= self.last_day)


class _Rule(NamedTuple):
    adult_months: int | None  # None: indefinite
    basis: str
    halved_under_18: bool = True


def _custody_rule(term: Decimal, basis: str) -> _Rule:
    # s.82; domain.md section 1: exactly 6 months → 7 years; exactly 30 months → indefinite.
    if term >= 30:
        return _Rule(None, f"{basis} (30 months or more)")
    if term > 6:
        return _Rule(120, f"{basis} (more than 6 and less than 30 months)")
    return _Rule(84, f"{basis} (6 months or less)")


def _custody_months(disposal: Disposal, custody_months: Number | None) -> Decimal:
    if custody_months is None:
        raise ValueError(
            f"The custodial term in months is needed for {disposal.label} "
            "(for life or IPP, mark the sentence as indeterminate)."
        )
    return _number("The custodial term in months", custody_months)


def _discharge_months(discharge_months: Number | None) -> int:
    # A discharge is at most 3 years, and its period ends on a calendar day, so whole months.
    if discharge_months is None:
        raise ValueError("The length of the conditional discharge in months is needed.")
    months = _number("The length of the conditional discharge in months", discharge_months)
    if months != months.to_integral_value():
        raise ValueError(
            "Give the length of the conditional discharge in whole months "
            f"(got {discharge_months})."
        )
    if months > _MAX_CONDITIONAL_DISCHARGE_MONTHS:
        raise ValueError(
            f"A conditional discharge cannot be longer than 36 months (3 years) (got {months})."
        )
    return int(months)


def _check_extras(
    disposal: Disposal, custody: Number | None, discharge: Number | None, indeterminate: bool
) -> None:
    # A term given for the wrong disposal is a data-entry slip; silently ignoring it hides it.
    if custody is not None and disposal not in (Disposal.CUSTODY, Disposal.DTO):
        raise ValueError(
            f"A custodial term applies only to custody or a detention and training order, "
            f"not to {disposal.label}."
        )
    if discharge is not None and disposal is not Disposal.CONDITIONAL_DISCHARGE:
        raise ValueError(
            f"A discharge length applies only to a conditional discharge, not to {disposal.label}."
        )
    if indeterminate and disposal is not Disposal.CUSTODY:
        raise ValueError(f"Only custody can be an indeterminate sentence, not {disposal.label}.")


def _period_rule(
    disposal: Disposal, custody: Number | None, discharge: Number | None, indeterminate: bool
) -> _Rule:
    # s.82; domain.md section 1 table.
    if disposal is Disposal.CUSTODY and indeterminate:
        return _Rule(None, "an indeterminate custodial sentence (life or IPP)")
    if disposal is Disposal.CUSTODY:
        term = _custody_months(disposal, custody)
        return _custody_rule(term, f"custody of {_months_text(term)} months")
    if disposal is Disposal.DTO:
        term = _custody_months(disposal, custody)
        half = term / 2
        basis = (
            f"a {_months_text(term)}-month detention and training order, counted as its "
            f"{_months_text(half)}-month detention half"
        )
        return _custody_rule(half, basis)
    if disposal is Disposal.CONDITIONAL_DISCHARGE:
        months = _discharge_months(discharge)
        basis = f"a conditional discharge of {months} months, which sets the period"
        return _Rule(months, basis, halved_under_18=False)
    fixed = {
        Disposal.HOSPITAL_RESTRICTION: None,
        Disposal.HOSPITAL: 84,
        Disposal.CAUTION: 24,
        Disposal.OTHER: 60,
    }
    return _Rule(fixed[disposal], disposal.label)


def _age_text(age: int, relevant_date: date, rule: _Rule) -> str:
    # s.82(2): halving follows age on the relevant date, so the explanation names that day.
    on = _fmt(relevant_date)
    if age >= 18:
        return f"aged 18 or over on {on}"
    if rule.adult_months is None:
        return f"aged {age} on {on} (an indefinite period is not halved)"
    if not rule.halved_under_18:
        return f"aged {age} on {on} (not halved under 18)"
    adult = _length_text(rule.adult_months)
    return f"aged {age} on {on}, so half the adult period of {adult}"


def period_last_day(start: date, months: int, *, feb29_falls_on_march_1: bool = True) -> date:
    # s.82; domain.md section 0: a period "beginning with" the start ends the day before its
    # anniversary; whole years use the year rule so a 29 February start follows the force setting.
    months = _whole("The period in months", months, minimum=1)
    years, rest = divmod(months, 12)
    if rest == 0:
        end = add_years(start, years, feb29_falls_on_march_1=feb29_falls_on_march_1)
    else:
        end = add_months(start, months)
    return end - _ONE_DAY


def _age_on_relevant_date(date_of_birth: date, relevant_date: date) -> int:
    relevant_date = _date("The relevant date", relevant_date)
    date_of_birth = _date("The date of birth", date_of_birth)
    if date_of_birth >= relevant_date:
        raise ValueError(
            f"The date of birth ({_fmt(date_of_birth)}) must be before the relevant date "
            f"({_fmt(relevant_date)})."
        )
    return age_on(date_of_birth, relevant_date)


AGE_OF_CRIMINAL_RESPONSIBILITY = 10
DTO_AGES = range(12, 18)


def impossible_disposal(
    *, disposal: Disposal | str, date_of_birth: date, relevant_date: date
) -> str:
    """Why a disposal cannot have been given at that age, or "" when it could."""
    # Children and Young Persons Act 1933 s.50; Sentencing Act 2020 s.233 (DTO: 12 to 17).
    age = _age_on_relevant_date(date_of_birth, relevant_date)
    if age < AGE_OF_CRIMINAL_RESPONSIBILITY:
        return (
            f"On {_fmt(relevant_date)} the person was {age}: younger than the age of criminal "
            f"responsibility ({AGE_OF_CRIMINAL_RESPONSIBILITY}). Check the dates."
        )
    if Disposal.parse(disposal) == Disposal.DTO and age not in DTO_AGES:
        return (
            f"A detention and training order is given to those aged 12 to 17; on "
            f"{_fmt(relevant_date)} the person was {age}. Check the disposal or the dates."
        )
    return ""


def notification_period(
    *,
    disposal: Disposal | str,
    relevant_date: date,
    date_of_birth: date,
    custody_months: Decimal | int | None = None,
    discharge_months: Decimal | int | None = None,
    indeterminate_sentence: bool = False,
    feb29_falls_on_march_1: bool = True,
) -> NotificationPeriod:
    # s.82; domain.md section 1. custody_months is the whole term imposed (for a DTO, the
    # whole order); suspended sentences count as the term imposed.
    kind = Disposal.parse(disposal)
    age = _age_on_relevant_date(date_of_birth, relevant_date)
    _check_extras(kind, custody_months, discharge_months, indeterminate_sentence)
    rule = _period_rule(kind, custody_months, discharge_months, indeterminate_sentence)
    reason = f"{rule.basis}, {_age_text(age, relevant_date, rule)} (s.82)"
    if rule.adult_months is None:
        return NotificationPeriod(relevant_date, None, True, None, f"Indefinite — {reason}")
    halve = age < 18 and rule.halved_under_18
    months = rule.adult_months // 2 if halve else rule.adult_months
    last = period_last_day(relevant_date, months, feb29_falls_on_march_1=feb29_falls_on_march_1)
    return NotificationPeriod(
        relevant_date, last, False, months, f"{_length_text(months)} — {reason}"
    )


def weeks_to_months(weeks: Decimal | int) -> Decimal:
    # Domain.md section 1: weeks × 12 / 52, so 26 weeks is exactly 6 months.
    return _number("The term in weeks", weeks) * 12 / 52


def custodial_term_months(terms: Iterable[tuple[Decimal | int, Decimal | int]]) -> Decimal:
    # s.82; domain.md section 1: consecutive terms add up, overlapping time counts once.
    spans = sorted(_term_span(term) for term in terms)
    if not spans:
        raise ValueError("Give at least one custodial term.")
    total = Decimal(0)
    run_start, run_end = spans[0]
    for start, end in spans[1:]:
        if start > run_end:
            total += run_end - run_start
            run_start, run_end = start, end
        else:
            run_end = max(run_end, end)
    return total + run_end - run_start


def _term_span(term: tuple[Decimal | int, Decimal | int]) -> tuple[Decimal, Decimal]:
    if not isinstance(term, tuple | list) or len(term) != 2:
        raise ValueError(
            "Each custodial term must be a pair: (months after the first term starts, "
            f"length in months) (got {term!r})."
        )
    offset = _number("The start of a custodial term in months", term[0], allow_zero=True)
    return offset, offset + _number("The length of a custodial term in months", term[1])


def overall_requirement(periods: Iterable[NotificationPeriod]) -> NotificationPeriod:
    # s.82; domain.md section 1: each period runs on its own; the longest-running one governs,
    # and an indefinite period outlasts any finite one.
    periods = list(periods)
    if not periods:
        raise ValueError("Give at least one notification period.")
    return max(periods, key=lambda p: (p.indefinite, p.last_day or date.min))


# --- Section 2: notifying ---------------------------------------------------------------------


def _skip_absent_days(day: date, absences: tuple[Span, ...]) -> date:
    # s.83; the day an absence ends counts (2.2: released Mon 3 Mar, due Wed 5 Mar), the days
    # before it do not; chained or overlapping absences are skipped together.
    while ends := [last for first, last in absences if first <= day < last]:
        day = max(ends)
    return day


def initial_notification_due(relevant_date: date, *, absences: Iterable[Span] = ()) -> date:
    # s.83; domain.md section 2 (2.1, 2.2): 3 days beginning with the relevant date, time in
    # custody, in hospital or abroad disregarded.
    day = _date("The relevant date", relevant_date)
    away = _spans("absence", absences)
    for count in range(3):
        if count:
            day += _ONE_DAY
        day = _skip_absent_days(day, away)
    return day


def defer_for_absences(due: date, *, absences: Iterable[Span] = ()) -> date:
    # s.85; domain.md section 2 (2.4): a due date that falls while away moves to 3 days beginning
    # with the day the absence ends, again if that new date falls in a later absence.
    due = _date("The due date", due)
    away = _spans("absence", absences)
    while ends := [last for first, last in away if first <= due <= last]:
        due = three_day_deadline(max(ends))
    return due


def next_periodic_due(
    last_notification: date,
    *,
    no_fixed_abode: bool = False,
    absences: Iterable[tuple[date, date]] = (),
    feb29_falls_on_march_1: bool = True,
    no_fixed_abode_days: int = 7,
) -> date:
    # s.85; domain.md section 2 (2.3-2.5): the anniversary of the last clock-restarting
    # notification, or every 7 days for a person with no sole or main residence.
    last = _date("The last notification date", last_notification)
    if no_fixed_abode:
        due = last + timedelta(days=_whole("The no-fixed-abode interval", no_fixed_abode_days, 1))
    else:
        due = add_years(last, 1, feb29_falls_on_march_1=feb29_falls_on_march_1)
    return defer_for_absences(due, absences=absences)


class NotificationKind(StrEnum):
    INITIAL = "initial"
    PERIODIC = "periodic"
    CHANGE = "change"
    TRAVEL = "travel"

    @classmethod
    def parse(cls, value: NotificationKind | str) -> NotificationKind:
        # A dictionary, not cls(value): the nightly sweep parses every notification on the
        # register, and the enum's own lookup is several times slower.
        kind = _KINDS_BY_VALUE.get(value)
        if kind is None:
            expected = ", ".join(item.value for item in cls)
            raise ValueError(f"Unknown notification kind {value!r}: expected one of {expected}.")
        return kind


_KINDS_BY_VALUE = {kind.value: kind for kind in NotificationKind}


# Plain strings: an enum member hashes in Python, a string in C, and the nightly sweep asks this
# of every notification on the register.
_CLOCK_KINDS = frozenset(
    str(kind)
    for kind in (NotificationKind.INITIAL, NotificationKind.PERIODIC, NotificationKind.CHANGE)
)


def restarts_periodic_clock(kind: NotificationKind | str) -> bool:
    # s.85; domain.md section 2 (2.3, 2.9): initial, change and periodic notifications restart
    # the yearly clock; a travel notification does not.
    return str(NotificationKind.parse(kind)) in _CLOCK_KINDS


def latest_clock_start(
    notifications: Iterable[tuple[date, NotificationKind | str]],
) -> date | None:
    # s.85; domain.md section 2: the latest restarting notification wins, whatever order the
    # history is recorded in, so adding a notification never moves the clock back.
    starts = [
        _date("A notification date", day)
        for day, kind in notifications
        if restarts_periodic_clock(kind)
    ]
    return max(starts, default=None)


def next_periodic_due_from_history(
    notifications: Iterable[tuple[date, NotificationKind | str]],
    *,
    no_fixed_abode: bool = False,
    absences: Iterable[tuple[date, date]] = (),
    feb29_falls_on_march_1: bool = True,
) -> date:
    # s.85; domain.md section 2 (2.3): the next periodic date from a person's notifications.
    start = latest_clock_start(notifications)
    if start is None:
        raise ValueError(
            "No initial, periodic or change notification is recorded, so the periodic "
            "notification clock has not started."
        )
    return next_periodic_due(
        start,
        no_fixed_abode=no_fixed_abode,
        absences=absences,
        feb29_falls_on_march_1=feb29_falls_on_march_1,
    )


@dataclass(frozen=True)
class QualifyingStay:
    reached_on: date  # the day the stays add up to the qualifying period
    notify_by: date  # 3 days beginning with that day


def qualifying_stay(
    stays: Iterable[tuple[date, date]],
    *,
    qualifying_days: int = 7,
    feb29_falls_on_march_1: bool = True,
) -> QualifyingStay | None:
    # s.84; domain.md section 2 (2.6): 7 days at an address not notified, in one stay or
    # several adding up within any 12 months; overlapping stays count each day once.
    needed = _whole("The qualifying period in days", qualifying_days, minimum=1)
    days = _days_of("stay", stays)
    oldest = 0
    for index, day in enumerate(days):
        # The 12-month period beginning with days[oldest] must still include today.
        while add_years(days[oldest], 1, feb29_falls_on_march_1=feb29_falls_on_march_1) <= day:
            oldest += 1
        if index - oldest + 1 >= needed:
            return QualifyingStay(day, three_day_deadline(day))
    return None


def days_stayed(stays: Iterable[tuple[date, date]]) -> int:
    # Domain.md section 2 (2.6): each day of a stay counts once, however many stays cover it.
    return len(_days_of("stay", stays))


def _days_of(label: str, spans: Iterable[Span]) -> list[date]:
    return sorted(
        {
            first + timedelta(days=n)
            for first, last in _spans(label, spans)
            for n in range((last - first).days + 1)
        }
    )


def household_stay_notifiable(hours: Decimal | int) -> bool:
    # s.83 and the 2012 regulations; domain.md section 2 (2.10): 12 hours or more.
    return _number("The hours stayed in the household", hours, allow_zero=True) >= 12


class AdvanceNoticeOutcome(StrEnum):
    COVERED = "covered"  # happened between D−2 and D+2
    EARLY = "early"  # happened before D−2: notify within 3 days of the event
    LATE = "late"  # happened after D+2: say so by D+5, then notify the event itself
    NOT_OCCURRED = "not_occurred"  # nothing yet: if still nothing by D+2, say so by D+5


@dataclass(frozen=True)
class AdvanceNoticeResult:
    outcome: AdvanceNoticeOutcome
    change_due: date | None  # when the event itself must be notified; None when covered
    non_occurrence_due: date | None  # when the person must say it did not happen on time
    explanation: str


def advance_notice_result(*, expected: date, actual: date | None = None) -> AdvanceNoticeResult:
    # s.84; domain.md section 2 (2.7): an advance notification covers D−2 to D+2.
    expected = _date("The expected date", expected)
    earliest, latest = expected - 2 * _ONE_DAY, expected + 2 * _ONE_DAY
    window = f"{_fmt(earliest)} to {_fmt(latest)}"
    non_occurrence = six_day_deadline(expected)
    if actual is None:
        text = f"If nothing happens by {_fmt(latest)}, say so by {_fmt(non_occurrence)}."
        return AdvanceNoticeResult(AdvanceNoticeOutcome.NOT_OCCURRED, None, non_occurrence, text)
    actual = _date("The date of the change", actual)
    if earliest <= actual <= latest:
        text = f"Covered by the advance notification ({window})."
        return AdvanceNoticeResult(AdvanceNoticeOutcome.COVERED, None, None, text)
    due = three_day_deadline(actual)
    if actual < earliest:
        text = f"Happened before the notified window ({window}): notify by {_fmt(due)}."
        return AdvanceNoticeResult(AdvanceNoticeOutcome.EARLY, due, None, text)
    text = (
        f"Did not happen within the notified window ({window}): say so by "
        f"{_fmt(non_occurrence)} and notify the change by {_fmt(due)}."
    )
    return AdvanceNoticeResult(AdvanceNoticeOutcome.LATE, due, non_occurrence, text)


def planned_change_problem(kind: str, dates: list[date | None], today: date) -> str | None:
    """Why these changes cannot be one notification, if they cannot: a change planned for a later
    day is notified in advance (s.84(2)) on its own, with changes planned for the same day only,
    and opens its own non-occurrence deadline; a change that has happened is due within 3 days.
    `dates` holds the day of each change (None when it has none, as for an NI number: it has
    happened)."""
    # s.84(2); domain.md section 2 (2.7).
    planned = {day for day in dates if day and day > today}
    if not planned:
        return None
    if kind != "change":
        return (
            "A change planned for a later day is notified in advance on its own: record this "
            "notification without it, then the planned change as a notification of a change"
        )
    if any(day is None or day <= today for day in dates):
        return (
            "Changes that have happened and changes planned for a later day are separate "
            "notifications: record the planned ones on their own"
        )
    if len(planned) > 1:
        return (
            "Changes planned for different days are separate notifications: record each day's "
            "changes on their own"
        )
    return None


def travel_notice_deadline(departure: date, *, notice_days: int = 7) -> date:
    # s.86 and the 2012 regulations; domain.md section 2 (2.8): at least 7 days before departure.
    departure = _date("The departure date", departure)
    return departure - timedelta(days=_whole("The travel notice in days", notice_days, 1))


def travel_deadline(
    departure: date,
    *,
    short_notice: bool = False,
    changes_departure: date | None = None,
    notice_days: int = 7,
    short_notice_hours: int = 24,
) -> date:
    """The last day a travel notification is in time: 7 days before departure; when 7 days'
    notice was not reasonably practicable (`short_notice`), `short_notice_hours` before it; and
    for a change to a trip notified to leave on `changes_departure`, 24 hours before the earlier
    of the two departures. Departure times are not recorded, so hours count as whole days: 24
    hours' notice means by the day before departure, 36 or 48 hours by two days before."""
    # s.86 and the 2012 regulations; domain.md section 2 (2.8): changes at least 24 hours before
    # departure; short notice at least 24 hours before (configurable).
    departure = _date("The departure date", departure)
    if changes_departure is not None:
        earlier = min(departure, _date("The departure first notified", changes_departure))
        return _days_before(earlier, hours=24)
    if short_notice:
        return _days_before(departure, hours=short_notice_hours)
    return travel_notice_deadline(departure, notice_days=notice_days)


def _days_before(departure: date, *, hours: int) -> date:
    whole_days = -(-_whole("The notice in hours", hours, minimum=1) // 24)
    return departure - timedelta(days=whole_days)


def travel_short_notice_applies(
    notified_on: date, departure: date, *, notice_days: int = 7
) -> bool:
    """Whether a travel notification on `notified_on` gives less than the standard notice, so
    that the reason 7 days' notice was not reasonably practicable matters."""
    return _date("The notification date", notified_on) > travel_notice_deadline(
        departure, notice_days=notice_days
    )


def travel_return_deadline(returned: date) -> date:
    # s.86 and the 2012 regulations; domain.md section 2: return details not given in advance.
    return three_day_deadline(returned)


# --- Section 3: review of indefinite requirements ---------------------------------------------


def indefinite_review_date(
    *,
    first_notification_after_release: date,
    under_18_on_relevant_date: bool,
    adult_years: int = 15,
    youth_years: int = 8,
    feb29_falls_on_march_1: bool = True,
) -> date:
    # s.91B; domain.md section 3 (3.1, 3.2): "the day after the end of the N-year period
    # beginning with" the notification, which is its Nth anniversary.
    first = _date("The first notification after release", first_notification_after_release)
    if under_18_on_relevant_date:
        years = _whole("The youth review interval in years", youth_years, minimum=1)
    else:
        years = _whole("The adult review interval in years", adult_years, minimum=1)
    return add_years(first, years, feb29_falls_on_march_1=feb29_falls_on_march_1)


def application_is_premature(*, application_date: date, qualifying_date: date) -> bool:
    # s.91B; domain.md section 3 (3.1): an application may be made on or after the qualifying date.
    return _date("The application date", application_date) < _date(
        "The qualifying date", qualifying_date
    )


@dataclass(frozen=True)
class ReviewEligibility:
    eligible: bool
    reasons: tuple[str, ...]  # why not, one line each; empty when eligible


def review_eligibility(
    *,
    indefinite: bool,
    subject_to_shpo: bool,
    on: date,
    qualifying_date: date | None = None,
) -> ReviewEligibility:
    # s.91A-91B; domain.md section 3 (3.3, 3.4): indefinite, no SHPO or interim SHPO, and the
    # qualifying date reached. Every failing condition is listed so the officer sees them all.
    on = _date("The date checked", on)
    reasons = []
    if not indefinite:
        reasons.append(
            "The notification period is finite; only indefinite requirements are reviewed."
        )
    if subject_to_shpo:
        reasons.append("The person is subject to an SHPO or interim SHPO.")
    if indefinite and qualifying_date is None:
        raise ValueError("The qualifying date is needed to check an indefinite requirement.")
    if qualifying_date is not None and application_is_premature(
        application_date=on, qualifying_date=qualifying_date
    ):
        reasons.append(f"The qualifying date {_fmt(qualifying_date)} has not been reached.")
    return ReviewEligibility(not reasons, tuple(reasons))


def review_decision_target(received: date, *, weeks: int = 12) -> date:
    # s.91C; domain.md section 3 (3.5): 12 weeks beginning with receipt (configurable).
    return deadline_within_days(received, _whole("The decision target in weeks", weeks, 1) * 7)


def further_review_date(
    *, continued_on: date, years: int = 8, feb29_falls_on_march_1: bool = True
) -> date:
    # s.91B; domain.md section 3 (3.6): the anniversary of the determination to continue,
    # 8 years by default and at most 15.
    continued_on = _date("The date of the determination", continued_on)
    years = _whole("The further review interval in years", years)
    if not 8 <= years <= 15:
        raise ValueError(
            f"The further review interval must be between 8 and 15 years (got {years})."
        )
    return add_years(continued_on, years, feb29_falls_on_march_1=feb29_falls_on_march_1)


def review_appeal_deadline(notice_received: date, *, days: int = 21) -> date:
    # s.91E; domain.md section 3: an appeal to a magistrates' court within 21 days of the notice.
    return deadline_within_days(notice_received, days)


def discharge_effective_date(*, received: date, posted: date | None = None) -> date:
    # s.91C; domain.md section 3 (3.7): the person stops being subject on receiving the notice.
    received = _date("The date the notice was received", received)
    if posted is not None and _date("The date the notice was posted", posted) > received:
        raise ValueError(
            f"The notice cannot be received ({_fmt(received)}) before it was posted "
            f"({_fmt(posted)})."
        )
    return received
