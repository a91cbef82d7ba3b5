"""Validation for the notes and reactive-management pages. Forms check what was typed; the
services apply the rules (dates against today, what each decision needs, the 90-day snooze)."""

from __future__ import annotations

from django import forms

from risk.models import DenialReason, NoteKind
from risk.services.reactive import PROPOSAL_DECISIONS, RETURN_DECISIONS, QueueStage
from rsom.forms import GovDateField, GovForm

TEXT_LIMIT = 10_000


class NoteFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "All kinds"), *NoteKind.choices], required=False
    )


class CaseNoteForm(GovForm):
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=NoteKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you are recording"},
    )
    occurred_on = GovDateField(label="Date it happened")
    text = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_LIMIT,
        error_messages={
            "required": "Enter what happened",
            "max_length": f"What happened must be {TEXT_LIMIT:,} characters or fewer",
        },
    )
    source = forms.CharField(
        label="Source",
        required=False,
        max_length=200,
        help_text="Needed for intelligence: where it came from, for example a named agency or "
        "an intelligence report reference.",
        error_messages={"max_length": "Source must be 200 characters or fewer"},
    )
    is_concern = forms.BooleanField(
        label="This raises a concern about risk",
        required=False,
        help_text="A concern (and any arrest) restarts the qualifying period for reactive "
        "management.",
    )

    def clean(self):
        data = super().clean()
        intelligence = data.get("kind") == NoteKind.INTELLIGENCE
        if intelligence and not (data.get("source") or "").strip() and not self.has_error("source"):
            self.add_error("source", "Enter where the intelligence came from")
        return data


class ReactiveQueueFilterForm(forms.Form):
    stage = forms.MultipleChoiceField(
        label="Stage",
        choices=QueueStage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ReactiveDecideForm(GovForm):
    """The supervisor's decision on a proposal."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[(d.value, d.label) for d in PROPOSAL_DECISIONS],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    reason = forms.ChoiceField(
        label="Reason for denying",
        choices=DenialReason.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Only when denying.",
    )
    comments = forms.CharField(
        label="Comments",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Needed when the reason is \u201cother\u201d.",
        error_messages={"max_length": "Comments must be 5,000 characters or fewer"},
    )
    snoozed_until = GovDateField(
        label="Decide by",
        hint="Only when snoozing: at most 90 days from today. For example, 1 9 2025",
        required=False,
    )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == "deny" and not data.get("reason") and not self.has_error("reason"):
            self.add_error("reason", "Select the reason for denying reactive management")
        snooze = decision == "snooze" and not data.get("snoozed_until")
        if snooze and not self.has_error("snoozed_until"):
            self.add_error("snoozed_until", "Enter the date to decide by")
        return data


class ReactiveReturnForm(GovForm):
    """The supervisor's decision on a case flagged for return to active management."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[(d.value, d.label) for d in RETURN_DECISIONS],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    comments = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Needed to keep the case under reactive management.",
        error_messages={"max_length": "The reason must be 5,000 characters or fewer"},
    )
