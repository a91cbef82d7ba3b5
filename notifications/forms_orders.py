"""Validation for the civil order and breach pages. Forms check what was typed; the rules in
notifications.order_rules (applied by the services) decide the rest."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from notifications.models import (
    BreachAction,
    BreachDuty,
    DisposalChoice,
    HowFound,
    OrderChangeKind,
    OrderTerm,
    OrderType,
    Severity,
    TermKind,
)
from notifications.orders import UNCHANGED
from rsom.forms import GovDateField, GovForm

EXTRA_TERMS = 3  # blank term rows on a new order: enough for most, more without JavaScript
MAX_TERMS = 40
FIXED, UNTIL_FURTHER_ORDER, KEEP = "fixed", "until_further_order", "unchanged"


def _text(label: str, *, required: bool = True, rows: int = 3, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=5000,
        **kwargs,
    )


# --- Orders -------------------------------------------------------------------------------------


class OrderForm(GovForm):
    type = forms.ChoiceField(
        label="Type of order",
        choices=OrderType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of order"},
    )
    court = forms.CharField(
        label="Court", max_length=150, error_messages={"required": "Enter the court"}
    )
    applied_for_by = forms.CharField(
        label="Applicant (on a police application)",
        max_length=150,
        required=False,
        help_text="The force that applied, if the order was made on application.",
    )
    made_on = GovDateField(label="Date the order was made")
    served_on = GovDateField(
        label="Date the order was served",
        hint="For a person not otherwise registered, the notification requirements run from "
        "service: leave empty until it is served. For example, 5 3 2024",
        required=False,
    )
    duration = forms.ChoiceField(
        label="How long does the order last?",
        choices=[(FIXED, "Until a fixed date"), (UNTIL_FURTHER_ORDER, "Until further order")],
        widget=forms.RadioSelect,
        required=False,
        help_text="Not needed for a notification order: its period follows the equivalent "
        "disposal.",
    )
    ends_on = GovDateField(
        label="Date the order ends",
        hint="The last day it is in force. For example, 9 1 2029",
        required=False,
    )
    foreign_conviction_on = GovDateField(
        label="Date of the conviction abroad",
        hint="Notification orders only.",
        required=False,
    )
    foreign_disposal = forms.ChoiceField(
        label="Equivalent disposal in England and Wales",
        choices=[("", "Notification orders only"), *DisposalChoice.choices],
        required=False,
    )
    foreign_custody_months = forms.DecimalField(
        label="Length of the sentence or conditional discharge, in months",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=7,
        decimal_places=2,
        help_text="Notification orders with custody, detention or a conditional discharge.",
        error_messages={"min_value": "The length must be more than 0 months"},
    )
    notes = _text("Notes", required=False)

    def clean(self):
        data = super().clean()
        if data.get("type") == OrderType.NOTIFICATION_ORDER:
            data["ends_on"] = None
            return data
        if data.get("type") == OrderType.INTERIM_NOTIFICATION_ORDER:
            data["duration"] = FIXED
        if data.get("duration") == FIXED:
            if not data.get("ends_on") and not self.has_error("ends_on"):
                self.add_error("ends_on", "Enter the date the order ends")
        elif data.get("duration") == UNTIL_FURTHER_ORDER:
            data["ends_on"] = None
        elif data.get("type"):
            self.add_error("duration", "Select how long the order lasts")
        return data

    def service_data(self) -> dict:
        data = {
            name: self.cleaned_data.get(name)
            for name in (
                "type",
                "court",
                "applied_for_by",
                "made_on",
                "served_on",
                "ends_on",
                "notes",
            )
        }
        if self.cleaned_data.get("type") == OrderType.NOTIFICATION_ORDER:
            data |= {
                "foreign_conviction_on": self.cleaned_data.get("foreign_conviction_on"),
                "foreign_disposal": self.cleaned_data.get("foreign_disposal") or "",
                "foreign_custody_months": self.cleaned_data.get("foreign_custody_months"),
            }
        return data


class TermForm(GovForm):
    """One prohibition or positive requirement; a row left blank is ignored."""

    @property
    def helper(self):
        helper = super().helper
        helper.disable_csrf = True  # a row inside the order's form, which carries the token
        return helper

    kind = forms.ChoiceField(
        label="Prohibition or requirement",
        choices=TermKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this is a prohibition or a requirement"},
    )
    text = _text(
        "What the order prohibits or requires",
        rows=2,
        error_messages={"required": "Enter what the order prohibits or requires"},
    )
    foreign_travel = forms.BooleanField(
        label="This is a foreign travel prohibition (at most 5 years)", required=False
    )
    ends_on = GovDateField(
        label="Date this term ends",
        hint="Leave empty if it lasts as long as the order.",
        required=False,
    )


TermFormSet = forms.formset_factory(
    TermForm, extra=EXTRA_TERMS, max_num=MAX_TERMS, absolute_max=MAX_TERMS
)


def filled_terms(formset) -> list[tuple[int, dict]]:
    """(form index, term) for each row typed in, in order."""
    return [
        (index, form.cleaned_data)
        for index, form in enumerate(formset.forms)
        if form.has_changed() and form.cleaned_data
    ]


def with_another_row(data, prefix: str):
    """The submitted data with one more blank term row (the "add another" button)."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, EXTRA_TERMS))
    except ValueError:
        total = EXTRA_TERMS
    data[key] = str(min(total + 1, MAX_TERMS))
    return data


def _term_end_field(term: OrderTerm) -> GovDateField:
    what = "foreign travel prohibition" if term.foreign_travel else term.get_kind_display().lower()
    now = f"until {term.ends_on:%-d %b %Y}" if term.ends_on else "as long as the order"
    return GovDateField(
        label=f"New end for the {what}: {term.text[:80]}",
        hint=f"Now {now}. Leave empty to keep it.",
        required=False,
    )


class OrderChangeForm(GovForm):
    """Vary, renew or discharge an order: the fields shown depend on the kind of change."""

    made_on = GovDateField(label="Date of the court's decision")
    court = forms.CharField(
        label="Court", max_length=150, error_messages={"required": "Enter the court"}
    )
    details = _text(
        "What the court decided",
        error_messages={"required": "Describe what the court decided"},
    )
    duration = forms.ChoiceField(
        label="The order's end",
        choices=[
            (KEEP, "Unchanged"),
            (FIXED, "A new end date"),
            (UNTIL_FURTHER_ORDER, "Until further order"),
        ],
        widget=forms.RadioSelect,
        initial=KEEP,
        required=False,
    )
    ends_on = GovDateField(
        label="New end date", hint="The last day it is in force.", required=False
    )
    person_consents = forms.BooleanField(label="The person consents", required=False)
    chief_officer_consents = forms.BooleanField(
        label="The chief officer of police consents", required=False
    )

    def __init__(self, *args, kind: str, terms: list[OrderTerm], **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.terms = terms
        if kind == OrderChangeKind.DISCHARGE:
            for name in ("duration", "ends_on"):
                del self.fields[name]
        else:
            for name in ("person_consents", "chief_officer_consents"):
                del self.fields[name]
            for term in terms:
                self.fields[f"term_{term.pk}_ends_on"] = _term_end_field(term)

    def clean(self):
        data = super().clean()
        if (
            data.get("duration") == FIXED
            and not data.get("ends_on")
            and not self.has_error("ends_on")
        ):
            self.add_error("ends_on", "Enter the new end date")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "kind": self.kind,
            "made_on": data["made_on"],
            "court": data["court"],
            "details": data["details"],
        }
        if self.kind == OrderChangeKind.DISCHARGE:
            kwargs["person_consents"] = data.get("person_consents", False)
            kwargs["chief_officer_consents"] = data.get("chief_officer_consents", False)
            return kwargs
        duration = data.get("duration") or KEEP
        kwargs["ends_on"] = {KEEP: UNCHANGED, FIXED: data.get("ends_on")}.get(duration)
        kwargs["term_ends"] = {
            term.pk: data[f"term_{term.pk}_ends_on"]
            for term in self.terms
            if data.get(f"term_{term.pk}_ends_on")
        }
        return kwargs


# --- Breaches -----------------------------------------------------------------------------------


class BreachForm(GovForm):
    duty = forms.ChoiceField(
        label="Duty breached",
        choices=BreachDuty.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the duty that was breached"},
    )
    order = forms.ModelChoiceField(
        label="Order breached",
        queryset=None,
        required=False,
        empty_label="Not an order breach",
        help_text="For a breach of an SHPO or SRO.",
        error_messages={"invalid_choice": "Select one of this person's orders"},
    )
    deadline = GovDateField(
        label="Date the notification was due by",
        hint="For a failure to notify: the failure begins the day after. For example, 10 3 2025",
        required=False,
    )
    first_failure_on = GovDateField(
        label="Date of the first failure",
        hint="For other breaches. For a failure to notify it is worked out from the deadline.",
        required=False,
    )
    remedied_on = GovDateField(
        label="Date remedied", hint="Leave empty if not remedied yet.", required=False
    )
    excuse_claimed = _text("Excuse claimed", required=False)
    how_found = forms.ChoiceField(
        label="How it was found",
        choices=HowFound.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the breach was found"},
    )
    action = forms.ChoiceField(
        label="Action taken",
        choices=BreachAction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the action taken"},
    )
    outcome = _text("Outcome", required=False)
    severity = forms.ChoiceField(
        label="Severity",
        choices=Severity.choices,
        widget=forms.RadioSelect,
        help_text="Risk-relevant breaches make the ARMS review due now and flag a case under "
        "reactive management for return.",
        error_messages={"required": "Select whether the breach is technical or risk-relevant"},
    )
    rationale = _text(
        "Why this severity",
        error_messages={
            "required": "Give the reason for the severity: why it is technical or risk-relevant"
        },
    )

    def __init__(self, *args, orders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = orders
