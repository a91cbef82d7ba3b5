"""Who a meeting pack is for: asked at every download of the shared version, because every
download is a disclosure that names its recipient (domain.md section 9)."""

from __future__ import annotations

from django import forms

from mappa.models import Meeting
from mappa.selectors import agencies
from mappa.services.packs import attendees_recipient
from rsom.forms import GovForm

ATTENDEES, AGENCY, PERSON = "attendees", "agency", "person"
PERSON_LIMIT = 150


class PackRecipientForm(GovForm):
    recipient = forms.ChoiceField(
        label="Who is the pack for?",
        choices=[(ATTENDEES, ""), (AGENCY, "An agency"), (PERSON, "A named person")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who the pack is for",
            "invalid_choice": "Select who the pack is for",
        },
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=agencies(),
        required=False,
        empty_label="Select an agency",
        error_messages={"invalid_choice": "Select the agency from the list"},
    )
    person = forms.CharField(
        label="Their name, role and organisation",
        required=False,
        max_length=PERSON_LIMIT,
        error_messages={
            "max_length": f"The name, role and organisation must be {PERSON_LIMIT} characters "
            "or fewer"
        },
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendees = attendees_recipient(meeting)
        self.fields["recipient"].choices = [
            (ATTENDEES, self.attendees),
            (AGENCY, "An agency"),
            (PERSON, "A named person"),
        ]

    def clean(self):
        data = super().clean()
        chosen = data.get("recipient")
        if chosen == AGENCY and not data.get("agency") and "agency" not in self.errors:
            self.add_error("agency", "Select the agency the pack is for")
        person = (data.get("person") or "").strip()
        if chosen == PERSON and not person and "person" not in self.errors:
            self.add_error(
                "person", "Enter the name, role and organisation of the person it is for"
            )
        return data

    def recipient_label(self) -> str:
        """Who the pack is for, as the disclosure records it."""
        data = self.cleaned_data
        if data["recipient"] == AGENCY:
            return str(data["agency"])
        if data["recipient"] == PERSON:
            return " ".join(data["person"].split())
        return self.attendees
