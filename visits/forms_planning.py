"""Validation for planning a visit and cancelling one. Forms check what was typed; the service
checks it against the case (current addresses, officers of the force) and writes."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django import forms
from django.utils import timezone

from cases.models import Address, Nominal, User
from rsom.forms import GovDateField, GovForm
from visits.models import Band
from visits.services.planning import PLAN_AHEAD_DAYS, co_attendees, visitable_addresses

REASON_LIMIT = 300

ANNOUNCED_CHOICES = [
    ("unannounced", "Unannounced"),
    ("announced", "Announced: the person is told beforehand"),
]


class AddressChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Address) -> str:
        return f"{obj} ({obj.get_kind_display().lower()})"


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.get_username()} ({obj.role_labels.lower()})"


class VisitPlanForm(GovForm):
    planned_for = GovDateField(label="Date of the visit", hint="For example, 27 3 2027")
    time_band = forms.ChoiceField(
        label="Time of day",
        choices=Band.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the time of day"},
    )
    announced = forms.TypedChoiceField(
        label="Will the visit be announced?",
        choices=ANNOUNCED_CHOICES,
        coerce=lambda value: value == "announced",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the visit will be announced"},
    )
    co_attendee = OfficerChoiceField(
        label="Going with (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="No one",
        help_text="Another officer of your force who works cases.",
        error_messages={"invalid_choice": "Select an officer from the list, or no one"},
    )
    address = AddressChoiceField(
        label="Address",
        queryset=Address.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the address to visit",
            "invalid_choice": "Select one of the case's current addresses",
        },
    )
    # Ties a second press of the button to the first (a double submission plans one visit).
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    # The date and time band the pattern warning was shown for: saving them again goes ahead.
    pattern_checked = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, nominal: Nominal, acting_user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_attendee"].queryset = co_attendees(nominal, acting_user)
        addresses = visitable_addresses(nominal)
        self.fields["address"].queryset = addresses
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())
        if not addresses.exists():
            field = self.fields["address"]
            field.required = False
            field.help_text = "The case has no current address: add one to plan a visit to it."

    def clean_planned_for(self):
        day = self.cleaned_data.get("planned_for")
        today = timezone.localdate()
        if day and day < today:
            raise forms.ValidationError("The date of the visit must be today or in the future")
        if day and day > today + timedelta(days=PLAN_AHEAD_DAYS):
            raise forms.ValidationError("The date of the visit must be within a year from today")
        return day

    def clean_token(self):
        return self.cleaned_data.get("token") or uuid.uuid4()

    def signature(self) -> str:
        """What the pattern warning was about: the day and the time band."""
        data = self.cleaned_data
        return f"{data['planned_for'].isoformat()}:{data['time_band']}"


class VisitCancelForm(GovForm):
    reason = forms.CharField(
        label="Why is the visit cancelled?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_LIMIT,
        error_messages={
            "required": "Enter why the visit is cancelled",
            "max_length": f"The reason must be {REASON_LIMIT} characters or fewer",
        },
    )
