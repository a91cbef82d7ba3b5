"""Forms of the team dashboard and capacity pages: validation only."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from dashboards.capacity import Management
from dashboards.selectors import DUE_LABELS, RISK_KEYS
from rsom.forms import GovDateField, GovForm

# A week has 168 hours; no contract comes near 60.
MAX_HOURS = Decimal("60")


def _hours_field(label: str, *, minimum: Decimal, hint: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=hint,
        min_value=minimum,
        max_value=MAX_HOURS,
        max_digits=5,
        decimal_places=2,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"{label} must be a number, like 37 or 22.5",
            "min_value": f"{label} must be {minimum} or more",
            "max_value": f"{label} must be {MAX_HOURS} or fewer",
            "max_decimal_places": f"{label} can have at most 2 decimal places",
            "max_digits": f"{label} must be {MAX_HOURS} or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
    )


class WorkingHoursForm(GovForm):
    hours = _hours_field(
        "Contracted hours a week", minimum=Decimal("0"), hint="For example, 37 or 22.5"
    )
    effective_from = GovDateField(label="Date these hours start")


class ReductionForm(GovForm):
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        help_text="For example, training course, phased return or other duties",
        error_messages={
            "required": "Enter the reason for the reduction",
            "max_length": "Reason must be 200 characters or fewer",
        },
    )
    hours = _hours_field(
        "Hours a week taken off casework", minimum=Decimal("0.25"), hint="For example, 7.5"
    )
    starts_on = GovDateField(label="Start date")
    ends_on = GovDateField(
        label="End date", required=False, hint="Leave blank if it has no end date yet"
    )

    def __init__(self, *args, contracted=None, **kwargs):
        """`contracted(day)` gives the manager's contracted hours on a day, to check against."""
        super().__init__(*args, **kwargs)
        self.contracted = contracted

    def clean(self):
        data = super().clean()
        starts, ends, hours = data.get("starts_on"), data.get("ends_on"), data.get("hours")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "End date must be the same as or after the start date")
        if starts and hours is not None and self.contracted is not None:
            contracted = self.contracted(starts)
            if hours > contracted:
                most = f"{contracted.normalize():f}"
                self.add_error(
                    "hours",
                    f"Hours taken off cannot be more than the {most} contracted hours a week",
                )
        return data


class ReductionEndForm(GovForm):
    ends_on = GovDateField(label="Last day of the reduction")

    def __init__(self, *args, reduction, **kwargs):
        super().__init__(*args, **kwargs)
        self.reduction = reduction

    def clean_ends_on(self):
        ends = self.cleaned_data["ends_on"]
        if ends and ends < self.reduction.starts_on:
            start = self.reduction.starts_on.strftime("%-d %B %Y")
            raise forms.ValidationError(
                f"Last day must be the same as or after the start date, {start}"
            )
        return ends


class TeamListForm(forms.Form):
    """The query parameters of the list behind a dashboard figure."""

    manager = forms.RegexField(
        regex=r"^(none|[1-9][0-9]{0,9})$",
        required=False,
        error_messages={"invalid": "Choose an offender manager from the dashboard"},
    )
    risk = forms.ChoiceField(
        choices=[(k, k) for k in RISK_KEYS],
        required=False,
        error_messages={"invalid_choice": "Choose a risk level from the dashboard"},
    )
    management = forms.ChoiceField(
        choices=[(k, k) for k in Management.ALL],
        required=False,
        error_messages={"invalid_choice": "Choose a type of management from the dashboard"},
    )
    due = forms.ChoiceField(
        choices=[(k, k) for k in DUE_LABELS],
        required=False,
        error_messages={"invalid_choice": "Choose a kind of work from the dashboard"},
    )
