"""Validation for the review pages. Forms parse and check what was typed; the review services
apply the rules (premature applications, notice dates, further review intervals)."""

from __future__ import annotations

from django import forms

from notifications.models import ReviewOutcome
from notifications.reviews import QueueStage
from rsom.forms import GovDateField, GovForm

FURTHER_YEARS = range(8, 16)


class ReviewQueueFilterForm(forms.Form):
    stage = forms.MultipleChoiceField(
        label="Stage",
        choices=QueueStage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[
            ("policy", "Force policy date, earliest first"),
            ("-policy", "Force policy date, latest first"),
        ],
        required=False,
    )


class ReviewOpenForm(GovForm):
    started_by = forms.ChoiceField(
        label="How did the review start?",
        choices=[
            ("application", "The person applied in writing"),
            ("police", "The police are starting the review"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the review started"},
    )
    application_received_on = GovDateField(
        label="Date the application was received",
        hint="Only for a written application. For example, 1 2 2024",
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("started_by") == "application":
            if not data.get("application_received_on") and not self.has_error(
                "application_received_on"
            ):
                self.add_error(
                    "application_received_on", "Enter the date the application was received"
                )
        else:
            data["application_received_on"] = None
        return data


class ReviewDecideForm(GovForm):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[
            (
                ReviewOutcome.DISCHARGED,
                "Discharge: the requirements end when the person receives the notice",
            ),
            (
                ReviewOutcome.CONTINUED,
                "Continue: the requirements continue, with a further review date",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the requirements are discharged or continued"},
    )
    determined_on = GovDateField(label="Date of the decision")
    reasons = forms.CharField(
        label="Reasons",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="Needed to continue the requirements: the person is told them and may appeal "
        "to a magistrates' court within 21 days.",
    )
    notice_posted_on = GovDateField(
        label="Date the notice was posted",
        hint="Needed to discharge. For example, 1 7 2024",
        required=False,
    )
    notice_received_on = GovDateField(
        label="Date the person received the notice",
        hint="Needed to discharge: the requirements end on this day.",
        required=False,
    )
    further_years = forms.TypedChoiceField(
        label="Further review after",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Only when the requirements continue.",
    )

    def __init__(self, *args, default_years: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["further_years"].choices = [
            ("", f"The force's setting ({default_years} years)"),
            *[(str(y), f"{y} years") for y in FURTHER_YEARS],
        ]

    def clean(self):
        # What each outcome needs, so every gap shows at once; the service checks the dates.
        data = super().clean()
        needed = {
            ReviewOutcome.DISCHARGED: [
                ("notice_posted_on", "Enter the date the notice of discharge was posted"),
                ("notice_received_on", "Enter the date the person received the notice"),
            ],
            ReviewOutcome.CONTINUED: [
                ("reasons", "Give the reasons for continuing the requirements"),
            ],
        }.get(data.get("outcome"), [])
        for field, message in needed:
            if not data.get(field) and not self.has_error(field):
                self.add_error(field, message)
        return data
