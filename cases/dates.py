"""Calendar arithmetic shared by the rule modules (domain.md section 0).

Pure functions: plain dates in, plain dates out, no clock.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """Add calendar months; a day past the end of the target month clamps to its last day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def add_years(start: date, years: int, *, feb29_falls_on_march_1: bool = True) -> date:
    """Add calendar years. A 29 February anniversary in a common year falls on 1 March by default
    (domain.md section 0, configurable); with the setting off it falls on 28 February."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February into a common year
        if feb29_falls_on_march_1:
            return date(start.year + years, 3, 1)
        return date(start.year + years, 2, 28)


def age_on(date_of_birth: date, on: date) -> int:
    """Completed years of age on a day (a person born on 29 February turns a year older on 1 March
    in common years)."""
    if on < date_of_birth:
        raise ValueError("the date is before the date of birth")
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
