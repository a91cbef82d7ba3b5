"""Risk rules (domain.md sections 4 and 5): RM2000/S, OSP/DC, OSP/IIC and reactive management.

Pure functions: plain values in, plain values out, no clock; force settings are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from cases.dates import add_years


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"

    @property
    def rank(self) -> int:
        """0 for low up to 3 for very high, so levels can be compared."""
        return list(RiskLevel).index(self)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @classmethod
    def parse(cls, value: RiskLevel | str) -> RiskLevel:
        try:
            return cls(value)
        except ValueError:
            expected = ", ".join(level.value for level in cls)
            message = f"Unknown risk level {value!r}: expected one of {expected}."
            raise ValueError(message) from None


def raise_level(level: RiskLevel | str, steps: int) -> RiskLevel:
    # Section 4 step 2: the category rises, but never beyond very high.
    levels = list(RiskLevel)
    rank = RiskLevel.parse(level).rank + _whole("Steps", steps)
    return levels[min(rank, len(levels) - 1)]


def _whole(label: str, value: object, minimum: int = 0) -> int:
    # bool is an int subclass; True as a count is a caller bug, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{label} must be a whole number (got {value!r}).")
    if value < 0:
        raise ValueError(f"{label} cannot be negative (got {value}).")
    if value < minimum:
        raise ValueError(f"{label} must be at least {minimum} (got {value}).")
    return value


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --- RM2000/S -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RM2000Result:
    points: int
    step1: RiskLevel
    aggravating: int
    category: RiskLevel
    explanation: tuple[str, ...] = ()


def rm2000_applicability(*, sex: str, age: int, sexual_conviction: bool = True) -> str | None:
    # Section 4 (example 4.5): only males aged 18+ convicted of a sexual offence are scored.
    age = _whole("Age", age)
    if str(sex).strip().lower() not in {"m", "male"}:
        return f"RM2000/S applies only to males (sex recorded: {sex!r})."
    if age < 18:
        return f"RM2000/S applies only to people aged 18 or over (age {age})."
    if not sexual_conviction:
        return "RM2000/S applies only to people convicted of a sexual offence."
    return None


def _rm2000_age(age: int) -> tuple[int, str]:
    # Section 4 step 1: age at commencement of risk.
    points, band = (2, "18–24") if age <= 24 else (1, "25–34") if age <= 34 else (0, "35+")
    return points, f"Age {age} at commencement of risk ({band}): {_plural(points, 'point')}"


def _rm2000_sexual(count: int) -> tuple[int, str]:
    # Section 4 step 1: sexual appearances include the current one.
    points, band = (0, "1") if count == 1 else (1, "2") if count == 2 else (2, "3–4")
    if count >= 5:
        points, band = 3, "5+"
    text = f"{_plural(count, 'sexual appearance')} ({band}): {_plural(points, 'point')}"
    return points, text


def _rm2000_criminal(count: int) -> tuple[int, str]:
    # Section 4 step 1: criminal appearances include the sexual ones.
    points, band = (0, "4 or fewer") if count <= 4 else (1, "5 or more")
    text = f"{_plural(count, 'criminal appearance')} ({band}): {_plural(points, 'point')}"
    return points, text


def _rm2000_step1(points: int) -> RiskLevel:
    # Section 4 step 1 bands: 0 low, 1–2 medium, 3–4 high, 5–6 very high.
    if points == 0:
        return RiskLevel.LOW
    if points <= 2:
        return RiskLevel.MEDIUM
    return RiskLevel.HIGH if points <= 4 else RiskLevel.VERY_HIGH


def _validate_rm2000(age: object, sexual: object, criminal: object) -> None:
    # Sections 4 and 11: reject inputs outside the scale with a message a user can act on.
    age = _whole("Age", age)
    if age < 18:
        raise ValueError(f"RM2000/S applies only to people aged 18 or over (age given: {age}).")
    sexual = _whole("Sexual appearances", sexual)
    if sexual < 1:
        raise ValueError("Sexual appearances must be at least 1: the current offence counts.")
    criminal = _whole("Criminal appearances", criminal)
    if criminal < sexual:
        raise ValueError(
            f"Criminal appearances ({criminal}) cannot be fewer than sexual appearances "
            f"({sexual}): criminal appearances include the sexual ones."
        )


def _uplift_line(factors: int, uplift: int, category: RiskLevel) -> str:
    # Say when the cap bit, or a reader sees two factors' worth of uplift go missing.
    count = _plural(factors, "aggravating factor")
    if uplift == 0:
        return f"{count} (fewer than 2): category stays {category.label}"
    levels = "one level" if uplift == 1 else "two levels"
    return f"{count}: category raised {levels} (capped at very high) to {category.label}"


def rm2000_sexual(
    *,
    age: int,
    sexual_appearances: int,
    criminal_appearances: int,
    male_victim: bool,
    stranger_victim: bool,
    single: bool,
    non_contact: bool,
) -> RM2000Result:
    # Sections 4 and 11: RM2000/S, step 1 points then step 2 aggravating factors.
    _validate_rm2000(age, sexual_appearances, criminal_appearances)
    scored = [
        _rm2000_age(age),
        _rm2000_sexual(sexual_appearances),
        _rm2000_criminal(criminal_appearances),
    ]
    points = sum(p for p, _ in scored)
    step1 = _rm2000_step1(points)
    factors = [
        text
        for flag, text in (
            (male_victim, "a sexual offence against a male"),
            (stranger_victim, "a sexual offence against a stranger"),
            (single, "single (never in a 2-year live-in adult relationship)"),
            (non_contact, "a non-contact sexual offence"),
        )
        if flag
    ]
    uplift = 0 if len(factors) < 2 else 1 if len(factors) < 4 else 2
    category = raise_level(step1, uplift)
    lines = [line for _, line in scored]
    lines.append(f"Step 1 total {_plural(points, 'point')}: {step1.label}")
    lines += [f"Aggravating factor: {text}" for text in factors]
    lines.append(_uplift_line(len(factors), uplift, category))
    return RM2000Result(points, step1, len(factors), category, tuple(lines))


# --- OSP/DC and OSP/IIC ---------------------------------------------------------------------


@dataclass(frozen=True)
class OSPDCResult:
    points: int
    band: RiskLevel
    explanation: tuple[str, ...] = ()


def _osp_count(label: str, count: int, step: int) -> tuple[int, str]:
    # Section 4 OSP/DC: 0/1/2/3+ sanctions score 0/1/2/3 steps.
    points = min(count, 3) * step
    return points, f"{label}: {count}{'' if count < 3 else ' (3+)'}: {points} points"


def _osp_follow_up(age: int) -> tuple[int, str]:
    # Section 4 OSP/DC: 63+ → 0, otherwise 20 − floor(age / 3).
    points = 0 if age >= 63 else 20 - age // 3
    rule = "63+" if age >= 63 else f"20 − floor({age}/3)"
    return points, f"Age {age} at start of follow-up ({rule}): {points} points"


def _osp_last_sanction(age: int) -> tuple[int, str]:
    # Section 4 OSP/DC: 10–15 → 0, 16–17 → 5, 18+ → 10.
    points, band = (0, "10–15") if age <= 15 else (5, "16–17") if age <= 17 else (10, "18+")
    return points, f"Age {age} at last sexual sanction ({band}): {points} points"


def _osp_total(total: int) -> tuple[int, str]:
    # Section 4 OSP/DC: total sanctions 1 → 0, 2+ → 6.
    points, band = (0, "1") if total == 1 else (6, "2+")
    return points, f"Total sanctions: {total} ({band}): {points} points"


def _osp_stranger(stranger: bool | None) -> tuple[int, str]:
    # Section 4 OSP/DC: stranger victim yes/no/unknown → 4/0/2.
    points, text = {True: (4, "yes"), False: (0, "no"), None: (2, "unknown")}[stranger]
    return points, f"Stranger victim: {text}: {points} points"


def _osp_band(points: int) -> RiskLevel:
    # Section 4 bands 1–21/22–29/30–35/36+; 0 lies below the published bands and reads as low.
    if points <= 21:
        return RiskLevel.LOW
    if points <= 29:
        return RiskLevel.MEDIUM
    return RiskLevel.HIGH if points <= 35 else RiskLevel.VERY_HIGH


def _validate_osp_dc(counts: dict[str, int], follow_up: int, last: int, total: int) -> None:
    # Section 4: follow-up is scored from 18; no sanction before 10 (criminal responsibility).
    largest = max(_whole(label, value) for label, value in counts.items())
    if _whole("Age at start of follow-up", follow_up) < 18:
        raise ValueError(f"OSP/DC applies from age 18 at follow-up (age given: {follow_up}).")
    if _whole("Age at last sexual sanction", last) < 10:
        raise ValueError(f"Age at last sexual sanction must be 10 or over (age given: {last}).")
    if last > follow_up:
        raise ValueError("Age at last sexual sanction cannot be after the start of follow-up.")
    if _whole("Total sanctions", total, minimum=1) < largest:
        raise ValueError("Total sanctions cannot be fewer than the sexual sanctions of one kind.")


def osp_dc(
    *,
    adult_contact_sanctions: int,
    child_contact_sanctions: int,
    non_contact_sanctions: int,
    age_at_follow_up: int,
    age_at_last_sexual_sanction: int,
    total_sanctions: int,
    stranger_victim: bool | None,
) -> OSPDCResult:
    # Section 4 (OSP/DC): seven scored items summed, then banded.
    counts = {
        "Adult contact sexual sanctions": adult_contact_sanctions,
        "Child contact sexual sanctions": child_contact_sanctions,
        "Non-contact sexual sanctions (excluding images)": non_contact_sanctions,
    }
    _validate_osp_dc(counts, age_at_follow_up, age_at_last_sexual_sanction, total_sanctions)
    if stranger_victim not in (True, False, None):
        raise ValueError("Stranger victim must be yes (True), no (False) or unknown (None).")
    steps = {"Adult contact sexual sanctions": 5, "Child contact sexual sanctions": 3}
    scored = [_osp_count(label, n, steps.get(label, 2)) for label, n in counts.items()]
    scored += [
        _osp_follow_up(age_at_follow_up),
        _osp_last_sanction(age_at_last_sexual_sanction),
        _osp_total(total_sanctions),
        _osp_stranger(stranger_victim),
    ]
    points = sum(p for p, _ in scored)
    band = _osp_band(points)
    lines = (*(line for _, line in scored), f"Total {points} points: {band.label}")
    return OSPDCResult(points, band, lines)


def osp_iic(*, image_sanctions: int, child_contact_sanctions: int) -> RiskLevel:
    # Section 4 (OSP/IIC): the first matching rule wins.
    images = _whole("Image sanctions", image_sanctions)
    child = _whole("Child contact sexual sanctions", child_contact_sanctions)
    if images >= 2:
        return RiskLevel.VERY_HIGH
    if images == 1:
        return RiskLevel.HIGH
    return RiskLevel.MEDIUM if child >= 2 else RiskLevel.LOW


# --- Reactive management --------------------------------------------------------------------


class ReactiveCriterion(StrEnum):
    LOW_RISK_PERIOD = "low_risk_period"
    MAPPA_LEVEL_1 = "mappa_level_1"
    NOT_ON_LICENCE = "not_on_licence"
    NO_CIVIL_ORDER = "no_civil_order"
    NO_CONCERN = "no_concern"


class Criterion(NamedTuple):
    code: ReactiveCriterion
    met: bool
    reason: str


@dataclass(frozen=True)
class ReactiveEligibility:
    eligible: bool
    criteria: tuple[Criterion, ...]


def _fmt(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _low_risk(on: date, level: RiskLevel, since: date | None, years: int) -> Criterion:
    # Section 5 (5.1, 5.2): low since D qualifies on the Nth anniversary of D, not a day before.
    code = ReactiveCriterion.LOW_RISK_PERIOD
    if level is not RiskLevel.LOW:
        return Criterion(code, False, f"Current risk level is {level.label}, not low.")
    if since is None:
        raise ValueError("The date the risk level became low is required when the level is low.")
    if since > on:
        raise ValueError("The date the risk level became low cannot be after the assessment date.")
    reached = add_years(since, years)
    verb = "reached on" if on >= reached else "not reached until"
    text = f"Low risk since {_fmt(since)}: {years} years {verb} {_fmt(reached)}."
    return Criterion(code, on >= reached, text)


def _mappa(mappa_level: int | None) -> Criterion:
    # Section 5: only MAPPA level 1 (ordinary agency management) qualifies.
    code = ReactiveCriterion.MAPPA_LEVEL_1
    if mappa_level is None:
        return Criterion(code, False, "MAPPA level is not recorded.")
    if isinstance(mappa_level, bool) or mappa_level not in (1, 2, 3):
        raise ValueError(f"Unknown MAPPA level {mappa_level!r}: expected 1, 2 or 3.")
    if mappa_level == 1:
        return Criterion(code, True, "Managed at MAPPA level 1.")
    return Criterion(code, False, f"Managed at MAPPA level {mappa_level}, not level 1.")


def _licence(on_licence: bool) -> Criterion:
    # Section 5: a person on licence is supervised by probation, so cannot be reactive.
    text = "On licence." if on_licence else "Not on licence."
    return Criterion(ReactiveCriterion.NOT_ON_LICENCE, not on_licence, text)


def _civil_order(in_force: bool, excludes: bool) -> Criterion:
    # Section 5 (5.3): a civil order excludes only while the force setting says so.
    code = ReactiveCriterion.NO_CIVIL_ORDER
    if not excludes:
        return Criterion(code, True, "Force policy allows cases with a civil order in force.")
    if in_force:
        return Criterion(code, False, "A civil order (such as an SHPO) is in force.")
    return Criterion(code, True, "No civil order in force.")


def _concern(on: date, last_concern_on: date | None, years: int) -> Criterion:
    # Section 5: the qualifying period is the N years up to the assessment date, both ends counted.
    code = ReactiveCriterion.NO_CONCERN
    if last_concern_on is None:
        return Criterion(code, True, "No breach, arrest or intelligence concern recorded.")
    if last_concern_on > on:
        raise ValueError("The date of the last concern cannot be after the assessment date.")
    # Counting back from 29 Feb, 28 Feb gives the wider (more cautious) window.
    start = add_years(on, -years, feb29_falls_on_march_1=False)
    if last_concern_on >= start:
        text = f"Breach, arrest or intelligence concern on {_fmt(last_concern_on)}"
        return Criterion(code, False, f"{text}, within the last {years} years.")
    return Criterion(code, True, f"No breach, arrest or intelligence concern since {_fmt(start)}.")


def reactive_eligibility(
    *,
    on: date,
    risk_level: RiskLevel | str,
    low_risk_since: date | None,
    mappa_level: int | None,
    on_licence: bool,
    civil_order_in_force: bool,
    last_concern_on: date | None,
    qualifying_years: int = 3,
    civil_orders_exclude: bool = True,
) -> ReactiveEligibility:
    # Section 5 (NPCC 2017): every criterion is reported so the supervisor sees why.
    level = RiskLevel.parse(risk_level)
    years = _whole("Qualifying period in years", qualifying_years, minimum=1)
    criteria = (
        _low_risk(on, level, low_risk_since, years),
        _mappa(mappa_level),
        _licence(bool(on_licence)),
        _civil_order(bool(civil_order_in_force), bool(civil_orders_exclude)),
        _concern(on, last_concern_on, years),
    )
    return ReactiveEligibility(all(c.met for c in criteria), criteria)


class ReturnTrigger(StrEnum):
    NEW_INTELLIGENCE = "new_intelligence"
    BREACH = "breach"
    ARREST = "arrest"
    ADDRESS_WITH_CHILDREN = "address_with_children"
    MISSED_NOTIFICATION = "missed_notification"


def reactive_return_triggers(events: Iterable[str]) -> tuple[ReturnTrigger, ...]:
    # Section 5: any of these flags a reactive case for return; other event codes are not triggers.
    seen = {str(event) for event in events}
    return tuple(trigger for trigger in ReturnTrigger if trigger.value in seen)
