"""RM2000/S scorings (domain.md section 4): the inputs as typed, the result and every line of its
explanation, stored with the rule version so each scoring can be recomputed and explained."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases import audit
from cases.dates import age_on
from cases.models import AuditAction, Nominal, User
from cases.services import case_event
from risk import rules
from risk.models import RM2000_RULE_VERSION, Rm2000Scoring

FACTORS = ("male_victim", "stranger_victim", "single", "non_contact")
COUNTS = ("sexual_appearances", "criminal_appearances")
INPUTS = ("commencement_date", *COUNTS, *FACTORS)

REQUIRED = {
    "sexual_appearances": "Enter the number of sexual appearances",
    "criminal_appearances": "Enter the number of criminal appearances",
    "male_victim": "Select yes if any sexual offence was against a male",
    "stranger_victim": "Select yes if any sexual offence was against a stranger",
    "single": "Select yes if he has never lived with an adult partner for 2 years or more",
    "non_contact": "Select yes if any sexual offence was a non-contact offence",
}


@dataclass(frozen=True)
class Outcome:
    """What the rule says about a set of inputs: the age, and either a result or the reason
    RM2000/S does not apply."""

    age: int
    not_applicable_reason: str
    result: rules.RM2000Result | None


def rm2000_sex_applies(nominal: Nominal) -> bool:
    """False when the person's sex alone rules RM2000/S out (section 4, example 4.5)."""
    return rules.rm2000_applicability(sex=nominal.sex, age=18) is None


def _field_for(message: str) -> str:
    # The rule names the input it rejects at the start of its message.
    if message.startswith("Sexual appearances"):
        return "sexual_appearances"
    if message.startswith("Criminal appearances"):
        return "criminal_appearances"
    return "commencement_date"


def rm2000_outcome(*, nominal: Nominal, data: dict[str, Any]) -> Outcome:
    """Apply the rule to the inputs. Bad input raises ValidationError keyed by the input's name,
    so a form or the API can show the message beside what was typed."""
    commencement = data.get("commencement_date")
    if commencement is None:
        raise ValidationError({"commencement_date": "Enter the commencement date"})
    try:
        age = age_on(nominal.date_of_birth, commencement)
    except ValueError:
        born = f"{nominal.date_of_birth:%-d %b %Y}"
        message = f"The commencement date must be on or after the date of birth ({born})"
        raise ValidationError({"commencement_date": message}) from None
    counts = {name: data.get(name) for name in COUNTS}
    for name, value in counts.items():
        if value is not None and value < 0:
            label = name.replace("_", " ").capitalize()
            raise ValidationError({name: f"{label} cannot be a negative number"})
    # Section 4 (4.5): only males aged 18+ convicted of a sexual offence are scored; everyone on
    # the register was convicted of a Schedule 3 (sexual) offence.
    reason = rules.rm2000_applicability(sex=nominal.sex, age=age)
    if reason:
        _check_counts_agree(counts)
        return Outcome(age, reason, None)
    errors = {name: REQUIRED[name] for name in (*COUNTS, *FACTORS) if data.get(name) is None}
    result = None
    if not any(name in errors for name in COUNTS):
        # The counts are checked even while a factor is unanswered, so every problem shows at once.
        factors = {name: bool(data.get(name)) for name in FACTORS}
        try:
            result = rules.rm2000_sexual(age=age, **counts, **factors)
        except ValueError as error:
            errors[_field_for(str(error))] = str(error)
    if errors:
        raise ValidationError(errors)
    return Outcome(age, "", result)


def _check_counts_agree(counts: dict[str, int | None]) -> None:
    # Kept even when not applicable: criminal appearances include the sexual ones.
    sexual, criminal = counts["sexual_appearances"], counts["criminal_appearances"]
    if sexual is not None and criminal is not None and criminal < sexual:
        raise ValidationError(
            {
                "criminal_appearances": f"Criminal appearances ({criminal}) cannot be fewer than "
                f"sexual appearances ({sexual}): criminal appearances include the sexual ones."
            }
        )


def _inputs(data: dict[str, Any]) -> dict[str, Any]:
    # Not applicable: what was not asked is stored as 0 and no, so the row stays complete.
    values = {name: data.get(name) for name in INPUTS}
    for name in COUNTS:
        values[name] = values[name] or 0
    for name in FACTORS:
        values[name] = bool(values[name])
    return values


def _same_inputs(scoring: Rm2000Scoring, values: dict[str, Any]) -> bool:
    return all(getattr(scoring, name) == value for name, value in values.items())


def _summary(scoring: Rm2000Scoring) -> str:
    if not scoring.applicable:
        return f"RM2000/S not applicable: {scoring.not_applicable_reason}"
    points = "point" if scoring.points == 1 else "points"
    factors = "factor" if scoring.aggravating == 1 else "factors"
    return (
        f"RM2000/S scored {scoring.get_category_display().lower()} "
        f"({scoring.points} {points}, {scoring.aggravating} aggravating {factors})"
    )


@transaction.atomic
def rm2000_score(
    *, acting_user: User, nominal: Nominal, data: dict[str, Any]
) -> tuple[Rm2000Scoring, bool]:
    """Score RM2000/S and keep the scoring. The same inputs sent again by the same person on the
    same day (a double submission) return the first scoring: (scoring, created)."""
    # One scoring at a time per person, so a double submission finds the first one.
    list(Nominal.objects.select_for_update().filter(pk=nominal.pk).values_list("pk", flat=True))
    outcome = rm2000_outcome(nominal=nominal, data=data)
    values = _inputs(data)
    latest = Rm2000Scoring.objects.filter(nominal=nominal).first()
    if (
        latest is not None
        and latest.scored_by_id == acting_user.pk
        and timezone.localtime(latest.scored_at).date() == timezone.localdate()
        and latest.rule_version == RM2000_RULE_VERSION
        and _same_inputs(latest, values)
    ):
        return latest, False
    scoring = Rm2000Scoring(nominal=nominal, scored_by=acting_user, age=outcome.age, **values)
    _set_result(scoring, outcome)
    scoring.full_clean()
    scoring.save()
    summary = _summary(scoring)
    case_event(nominal=nominal, actor=acting_user, kind="rm2000_scored", summary=summary)
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=scoring,
        nominal_id=nominal.pk,
        description=summary,
        changes=[
            {
                "field": "RM2000/S",
                "old": "",
                "new": scoring.get_category_display() or "Not applicable",
            }
        ],
    )
    return scoring, True


def _set_result(scoring: Rm2000Scoring, outcome: Outcome) -> None:
    scoring.rule_version = RM2000_RULE_VERSION
    result = outcome.result
    if result is None:
        scoring.applicable = False
        scoring.not_applicable_reason = outcome.not_applicable_reason[:300]
        scoring.explanation = [outcome.not_applicable_reason]
        return
    scoring.applicable = True
    scoring.points = result.points
    scoring.step1 = result.step1.value
    scoring.aggravating = result.aggravating
    scoring.category = result.category.value
    scoring.explanation = list(result.explanation)


# --- Reading a stored scoring back --------------------------------------------------------------


@dataclass(frozen=True)
class Recomputed:
    """A stored scoring against the rule as it stands today."""

    matches: bool
    category: str
    points: int | None
    explanation: tuple[str, ...]
    problem: str = ""

    @property
    def category_label(self) -> str:
        return rules.RiskLevel(self.category).label if self.category else "not applicable"


def rm2000_recompute(scoring: Rm2000Scoring, *, sex: str) -> Recomputed:
    """Run the rule again on the stored inputs and say whether it gives the stored result."""
    try:
        reason = rules.rm2000_applicability(sex=sex, age=scoring.age)
        if reason:
            return Recomputed(
                matches=not scoring.applicable and scoring.not_applicable_reason == reason[:300],
                category="",
                points=None,
                explanation=(reason,),
            )
        result = rules.rm2000_sexual(
            age=scoring.age, **{name: getattr(scoring, name) for name in (*COUNTS, *FACTORS)}
        )
    except ValueError as error:
        return Recomputed(False, "", None, (), problem=str(error))
    stored = (scoring.points, scoring.step1, scoring.aggravating, scoring.category)
    fresh = (result.points, result.step1.value, result.aggravating, result.category.value)
    return Recomputed(
        matches=scoring.applicable
        and stored == fresh
        and list(scoring.explanation) == list(result.explanation),
        category=result.category.value,
        points=result.points,
        explanation=result.explanation,
    )


def rm2000_latest(nominal: Nominal) -> Rm2000Scoring | None:
    return Rm2000Scoring.objects.filter(nominal=nominal).select_related("scored_by").first()


def rm2000_history(nominal: Nominal):
    return Rm2000Scoring.objects.filter(nominal=nominal).select_related("scored_by")
