"""Field validators with messages a person can act on."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import timezone

# HMRC: two prefix letters (not D, F, I, Q, U or V; second not O; some pairs never issued),
# six digits, suffix A-D.
_NI = re.compile(r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def normalise_ni_number(value: str) -> str:
    return "".join(value.split()).upper()


def validate_ni_number(value: str) -> None:
    if value and not _NI.match(normalise_ni_number(value)):
        raise ValidationError(
            "Enter a National Insurance number in the correct format, like QQ 12 34 56 C",
            code="invalid_ni_number",
        )


def normalise_postcode(value: str) -> str:
    compact = "".join(value.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 4 else compact


def validate_postcode(value: str) -> None:
    if value and not _POSTCODE.match(normalise_postcode(value)):
        raise ValidationError("Enter a real postcode, like SW1A 2AA", code="invalid_postcode")


def validate_not_future(value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError("The date must be today or in the past", code="future_date")


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def validate_sort_code(value: str) -> None:
    if len(_digits(value)) != 6 or re.search(r"[^0-9\- ]", value):
        raise ValidationError("Enter a sort code of 6 digits, like 30-99-50", code="invalid")


def validate_account_number(value: str) -> None:
    if not re.fullmatch(r"[0-9]{6,8}", value):
        raise ValidationError("Enter an account number of 6 to 8 digits", code="invalid")


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def validate_card_number(value: str) -> None:
    digits = _digits(value)
    if re.search(r"[^0-9 ]", value) or not 12 <= len(digits) <= 19 or not luhn_ok(digits):
        raise ValidationError(
            "Enter the long number on the front of the card (12 to 19 digits)", code="invalid"
        )


def validate_card_month(value: str) -> None:
    if value and not re.fullmatch(r"(0[1-9]|1[0-2])/[0-9]{2}", value):
        raise ValidationError("Enter the month and year as MM/YY, like 04/27", code="invalid")


EARLIEST_BIRTH_YEAR = 1900
MINIMUM_AGE_YEARS = 10  # the age of criminal responsibility in England and Wales


def validate_date_of_birth(value) -> None:
    today = timezone.localdate()
    if value >= today:
        raise ValidationError("Date of birth must be in the past", code="future_date")
    if value.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(
            f"Date of birth must be after {EARLIEST_BIRTH_YEAR}", code="too_early"
        )
    if (today.year - value.year) - (
        (today.month, today.day) < (value.month, value.day)
    ) < MINIMUM_AGE_YEARS:
        raise ValidationError(
            "Date of birth must make the person at least 10 years old "
            "(the age of criminal responsibility)",
            code="too_young",
        )
