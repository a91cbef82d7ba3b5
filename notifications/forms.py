"""Validation for the register pages: convictions and time away. Forms validate only; the
notification period is computed by the services, never typed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications import rules
from notifications.models import (
    AbsenceKind,
    ConvictionKind,
    DisposalChoice,
    Schedule3Offence,
)
from rsom.forms import GovDateField, GovForm

EXTRA_TERMS = (2, 3)
CUSTODIAL = {DisposalChoice.CUSTODY, DisposalChoice.DTO}


class TermUnit:
    MONTHS = "months"
    WEEKS = "weeks"
    CHOICES = [(MONTHS, "Months"), (WEEKS, "Weeks")]


class TermRelation:
    CONSECUTIVE = "consecutive"
    CONCURRENT = "concurrent"
    OVERLAPPING = "overlapping"
    CHOICES = [
        (CONSECUTIVE, "Consecutive (starts when the term before ends)"),
        (CONCURRENT, "Concurrent (runs at the same time as the first term)"),
        (OVERLAPPING, "Partly concurrent (starts part-way through the first term)"),
    ]


def _not_future(value, label: str):
    if value and value > timezone.localdate():
        raise ValidationError(f"{label} must be today or in the past")
    return value


def _months(length: Decimal, unit: str) -> Decimal:
    return rules.weeks_to_months(length) if unit == TermUnit.WEEKS else length


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


class ConvictionForm(GovForm):
    kind = forms.ChoiceField(
        label="What was the outcome?",
        choices=ConvictionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it was a conviction, caution or finding"},
    )
    relevant_date = GovDateField(
        label="Date of the conviction, finding or caution",
        hint="The relevant date: not the sentence date or the release date. For example, 1 3 2020",
    )
    court = forms.CharField(
        label="Court or police station",
        max_length=150,
        error_messages={"required": "Enter the court or police station"},
    )
    offence = forms.ModelChoiceField(
        label="Schedule 3 offence",
        queryset=Schedule3Offence.objects.filter(in_use=True),
        empty_label="Select the offence",
        error_messages={
            "required": "Select the Schedule 3 offence",
            "invalid_choice": "Select an offence from the list",
        },
    )
    offence_details = forms.CharField(
        label="Offence details (optional)",
        max_length=300,
        required=False,
        help_text="For example, the wording of the charge",
    )
    threshold_met = forms.TypedChoiceField(
        label="Is the Schedule 3 threshold for this offence met?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        required=False,
        help_text="Some offences make a person subject only above a threshold of age or "
        "sentence. Leave this for offences with no threshold.",
    )
    disposal = forms.ChoiceField(
        label="Disposal",
        choices=DisposalChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the disposal"},
    )
    term_1_length = forms.DecimalField(
        label="Length of the custodial term",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
        help_text="For a detention and training order, the whole order (the detention half is "
        "counted). For a suspended sentence, the term imposed.",
    )
    term_1_unit = forms.ChoiceField(
        label="Term measured in", choices=TermUnit.CHOICES, initial=TermUnit.MONTHS
    )
    indeterminate_sentence = forms.BooleanField(
        label="Life imprisonment or an indeterminate sentence (IPP)", required=False
    )
    suspended = forms.BooleanField(label="The sentence was suspended", required=False)
    discharge_months = forms.IntegerField(
        label="Length of the conditional discharge in months",
        required=False,
        min_value=1,
        max_value=36,
        error_messages={
            "min_value": "The conditional discharge must be at least 1 month",
            "max_value": "A conditional discharge can be at most 36 months",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offence"].label_from_instance = lambda o: (
            f"Para {o.paragraph}: {o.offence} ({o.enactment})"
            + (f" — only if {o.threshold}" if o.threshold else "")
        )
        for n in EXTRA_TERMS:
            self.fields[f"term_{n}_length"] = forms.DecimalField(
                label=f"Length of custodial term {n} (optional)",
                required=False,
                min_value=Decimal("0.01"),
                max_digits=6,
                decimal_places=2,
                help_text="Only for several terms imposed for Schedule 3 offences",
            )
            self.fields[f"term_{n}_unit"] = forms.ChoiceField(
                label=f"Term {n} measured in", choices=TermUnit.CHOICES, initial=TermUnit.MONTHS
            )
            self.fields[f"term_{n}_relation"] = forms.ChoiceField(
                label=f"How does term {n} run?",
                choices=TermRelation.CHOICES,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"term_{n}_starts_after"] = forms.DecimalField(
                label=f"If partly concurrent: months after the first term began that term {n} "
                "starts",
                required=False,
                min_value=Decimal("0"),
                max_digits=6,
                decimal_places=2,
            )
        for name, field in self.fields.items():
            if name.endswith("_length") or name.endswith("_starts_after"):
                field.error_messages.setdefault("invalid", "Enter a number, like 18 or 6.5")
                field.error_messages["min_value"] = "Enter a number greater than 0"

    def clean_relevant_date(self):
        return _not_future(self.cleaned_data.get("relevant_date"), "The date of the conviction")

    def clean(self):
        data = super().clean()
        offence = data.get("offence")
        if offence is not None and offence.threshold and data.get("threshold_met") in (None, ""):
            self.add_error("threshold_met", "Select whether the threshold is met")
        if offence is not None and not offence.threshold:
            data["threshold_met"] = True
        disposal = data.get("disposal")
        if disposal in CUSTODIAL:
            self._clean_terms(data)
        else:
            data["terms"] = []
            data["indeterminate_sentence"] = False
            data["suspended"] = False
        if disposal == DisposalChoice.CONDITIONAL_DISCHARGE:
            if not data.get("discharge_months") and "discharge_months" not in self.errors:
                self.add_error("discharge_months", "Enter the length of the conditional discharge")
        else:
            data["discharge_months"] = None
        return data

    def _clean_terms(self, data) -> None:
        if data.get("indeterminate_sentence"):
            data["terms"] = []
            return
        first = data.get("term_1_length")
        if first is None:
            if "term_1_length" not in self.errors:
                self.add_error("term_1_length", "Enter the length of the custodial term")
            return
        spans = [(Decimal(0), _months(first, data.get("term_1_unit")))]
        for n in EXTRA_TERMS:
            length = data.get(f"term_{n}_length")
            if length is None:
                continue
            span = self._extra_term(data, n, spans, _months(length, data.get(f"term_{n}_unit")))
            if span is not None:
                spans.append(span)
        data["terms"] = [{"start": _plain(s), "length": _plain(length)} for s, length in spans]

    def _extra_term(self, data, n, spans, length):
        relation = data.get(f"term_{n}_relation")
        if relation == TermRelation.CONSECUTIVE:
            start, previous = spans[-1]
            return (start + previous, length)
        if relation == TermRelation.CONCURRENT:
            return (Decimal(0), length)
        if relation == TermRelation.OVERLAPPING:
            starts = data.get(f"term_{n}_starts_after")
            if starts is None:
                self.add_error(
                    f"term_{n}_starts_after",
                    f"Enter how many months after the first term began term {n} starts",
                )
                return None
            return (starts, length)
        self.add_error(f"term_{n}_relation", f"Select how term {n} runs")
        return None

    def service_data(self) -> dict:
        keep = [
            "kind",
            "relevant_date",
            "court",
            "offence",
            "offence_details",
            "threshold_met",
            "disposal",
            "terms",
            "indeterminate_sentence",
            "suspended",
            "discharge_months",
        ]
        return {k: self.cleaned_data.get(k) for k in keep}

    @classmethod
    def initial_from(cls, conviction) -> dict:
        initial = {
            "kind": conviction.kind,
            "relevant_date": conviction.relevant_date,
            "court": conviction.court,
            "offence": conviction.offence_id,
            "offence_details": conviction.offence_details,
            "threshold_met": "yes" if conviction.threshold_met else "no",
            "disposal": conviction.disposal,
            "indeterminate_sentence": conviction.indeterminate_sentence,
            "suspended": conviction.suspended,
            "discharge_months": conviction.discharge_months,
        }
        previous_end = None
        for n, term in enumerate(conviction.terms, start=1):
            start, length = Decimal(str(term["start"])), Decimal(str(term["length"]))
            initial[f"term_{n}_length"] = length
            if n > 1:
                if start == 0:
                    initial[f"term_{n}_relation"] = TermRelation.CONCURRENT
                elif start == previous_end:
                    initial[f"term_{n}_relation"] = TermRelation.CONSECUTIVE
                else:
                    initial[f"term_{n}_relation"] = TermRelation.OVERLAPPING
                    initial[f"term_{n}_starts_after"] = start
            previous_end = start + length
        return initial


class AbsenceForm(GovForm):
    kind = forms.ChoiceField(
        label="Where were they?",
        choices=AbsenceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select custody, hospital or abroad"},
    )
    first_day = GovDateField(label="First day away")
    last_day = GovDateField(
        label="Last day away",
        required=False,
        hint="Leave blank while they are still away. For example, 20 10 2025",
    )
    notes = forms.CharField(label="Notes (optional)", max_length=300, required=False)

    def clean_first_day(self):
        return _not_future(self.cleaned_data.get("first_day"), "The first day away")

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", "The last day must be the same as or after the first day")
        return data


class DeadlineCloseForm(GovForm):
    note = forms.CharField(
        label="What happened",
        max_length=300,
        help_text="For example, moved to the notified address on 10 June, seen on a home visit",
        error_messages={"required": "Say what happened"},
    )
