"""Validation for recording a visit at the door. The same form checks a draft (nothing required,
whatever is valid is kept) and the final record (what happened, when and where are needed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size
from django import forms
from django.utils import timezone
from django.utils.html import format_html

from cases.models import Address, Nominal
from rsom.forms import GovDateField, GovForm
from visits.models import AttachmentKind, Outcome, Visit
from visits.services.recording import (
    ACCEPT,
    ACCEPT_ANY,
    NOTE_LIMIT,
    TEXT_LIMIT,
    ObservationItem,
    local_parts,
)

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%I:%M%p", "%I.%M%p", "%I%p", "%I:%M %p", "%I %p"]


class TimeInput(forms.TimeInput):
    input_type = "time"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files; each is checked (type, contents, size) by the service."""

    def __init__(self, *, accept: str, capture: str | None = None, **kwargs):
        attrs = {"accept": accept, "class": "govuk-file-upload"}
        if capture:
            attrs["capture"] = capture
        super().__init__(required=False, widget=MultipleFileInput(attrs=attrs), **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def text(label: str, *, hint: str = "", rows: int = 3, limit: int = TEXT_LIMIT) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"{label} must be {limit:,} characters or fewer"},
    )


def address_label(address: Address) -> str:
    return f"{address} ({address.get_kind_display().lower()})"


SECTION_BREAK = (
    '<hr class="govuk-section-break govuk-section-break--s govuk-section-break--visible">'
)


def observation_legend(item: ObservationItem) -> str:
    if not item.marked:
        return format_html("{}", item.item)
    colour = "purple" if item.source == "order" else "yellow"
    return format_html(
        '{} <strong class="govuk-tag govuk-tag--{} rsom-tag-wrap">{}</strong>',
        item.item,
        colour,
        item.marked,
    )


class VisitRecordForm(GovForm):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select what happened at the visit"},
    )
    visited_on = GovDateField(label="Date of the visit")
    visited_time = forms.TimeField(
        label="Time of the visit",
        help_text="For example, 14:30",
        required=False,
        input_formats=TIME_FORMATS,
        widget=TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={"invalid": "Enter the time of the visit, for example 14:30"},
    )
    address = forms.TypedChoiceField(
        label="Address visited",
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select one of this person's addresses"},
    )
    present = text(
        "Who was present",
        hint="Names, and how each is connected to the person. For example, Jane Smith (partner)",
    )
    concerns = text("Concerns", hint="Anything that raises a concern about risk.", rows=4)
    follow_up = text("Follow-up actions", hint="What needs to happen next, and who will do it.")
    photos = MultipleFileField(
        label="Take a photo", accept=ACCEPT[AttachmentKind.PHOTO], capture="environment"
    )
    audio = MultipleFileField(
        label="Record audio", accept=ACCEPT[AttachmentKind.AUDIO], capture="user"
    )
    video = MultipleFileField(
        label="Record a video", accept=ACCEPT[AttachmentKind.VIDEO], capture="environment"
    )
    files = MultipleFileField(
        label="Choose photos or recordings already on the phone", accept=ACCEPT_ANY
    )
    draft_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    client_key = forms.UUIDField(widget=forms.HiddenInput)

    FILE_FIELDS = ("photos", "audio", "video", "files")

    def __init__(
        self,
        *args,
        nominal: Nominal,
        visit: Visit,
        items: list[ObservationItem],
        addresses: list[Address],
        default_address: Address | None,
        drafting: bool = False,
        **kwargs,
    ):
        kwargs.setdefault("initial", self.initial_for(visit, items, default_address))
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.items = items
        self.drafting = drafting
        self.fields["address"].choices = [(a.pk, address_label(a)) for a in addresses]
        if not addresses:
            del self.fields["address"]
        for item in items:
            hidden = format_html('<span class="govuk-visually-hidden"> ({})</span>', item.item)
            self.fields[f"obs-{item.key}-seen"] = forms.BooleanField(
                label=format_html("Seen or discussed{}", hidden), required=False
            )
            self.fields[f"obs-{item.key}-note"] = forms.CharField(
                label=format_html("Note{}", hidden),
                required=False,
                max_length=NOTE_LIMIT,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={
                    "max_length": f"The note on {item.item.lower()} must be {NOTE_LIMIT:,} "
                    "characters or fewer"
                },
            )
        self.helper.layout = self._layout()
        self.helper.disable_csrf = True  # the page's own <form> carries the token
        if drafting:
            self.fields["visited_on"].required = False
            for sub in self.fields["visited_on"].fields:
                sub.required = False
        else:
            self.fields["outcome"].required = True
            self.fields["outcome"].error_messages["required"] = "Select what happened at the visit"
            self.fields["visited_time"].required = True
            self.fields["visited_time"].error_messages["required"] = (
                "Enter the time of the visit, for example 14:30"
            )
            if "address" in self.fields:
                self.fields["address"].required = True
                self.fields["address"].error_messages["required"] = "Select the address visited"

    def _layout(self) -> Layout:
        medium = {"legend_size": Size.for_legend(Size.MEDIUM)}
        parts: list[Any] = [
            HTML('{% include "visits/record_save_bar.html" %}'),
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field("visited_on", context=medium),
            Field("visited_time", context={"label_size": Size.for_label(Size.MEDIUM)}),
        ]
        if "address" in self.fields:
            parts.append(Field.radios("address", legend_size=Size.MEDIUM))
        else:
            parts.append(HTML('{% include "visits/record_no_address.html" %}'))
        parts.append(Field.textarea("present", label_size=Size.MEDIUM, rows=3))
        parts.append(HTML('{% include "visits/record_checklist_intro.html" %}'))
        for item in self.items:
            parts.append(HTML(SECTION_BREAK))
            parts.append(
                Fieldset(
                    Field.checkbox(f"obs-{item.key}-seen"),
                    Field.textarea(f"obs-{item.key}-note", rows=2),
                    legend=observation_legend(item),
                    legend_size=Size.SMALL,
                    css_class="rsom-observation",
                    data_testid="observation",
                )
            )
        parts += [
            Field.textarea("concerns", label_size=Size.MEDIUM, rows=4),
            Field.textarea("follow_up", label_size=Size.MEDIUM, rows=3),
            HTML('{% include "visits/record_uploaded.html" %}'),
            *(Field(name) for name in self.FILE_FIELDS),
        ]
        return Layout(*parts)

    @staticmethod
    def initial_for(
        visit: Visit, items: list[ObservationItem], default_address: Address | None
    ) -> dict[str, Any]:
        day, time = local_parts(visit.visited_at or timezone.now())
        address = visit.address_id or (default_address.pk if default_address else None)
        initial: dict[str, Any] = {
            "outcome": visit.outcome,
            "visited_on": day,
            "visited_time": time,
            "address": address,
            "present": visit.present,
            "concerns": visit.concerns,
            "follow_up": visit.follow_up,
            "draft_version": visit.draft_version,
            "client_key": visit.client_key,
        }
        saved = {o.get("item"): o for o in visit.observations or []}
        for item in items:
            entry = saved.get(item.item, {})
            initial[f"obs-{item.key}-seen"] = bool(entry.get("seen"))
            initial[f"obs-{item.key}-note"] = entry.get("note", "")
        return initial

    def clean_client_key(self):
        key = self.cleaned_data["client_key"]
        if key != self.visit.client_key:
            raise forms.ValidationError("This form is for a different visit: open the visit again")
        return key

    def observation_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "item": item,
                "seen": self[f"obs-{item.key}-seen"],
                "note": self[f"obs-{item.key}-note"],
            }
            for item in self.items
        ]

    def file_fields(self) -> list:
        return [self[name] for name in self.FILE_FIELDS]

    def uploads(self) -> list[tuple[str, Any]]:
        """Every file sent, with the field it came in, whether or not the rest is valid."""
        return [
            (name, upload)
            for name in self.FILE_FIELDS
            for upload in self.files.getlist(name)
            if upload
        ]

    def record_values(self) -> dict[str, Any]:
        """The record fields that are valid, for the service (a draft keeps whatever is)."""
        data = getattr(self, "cleaned_data", {})
        errors = self.errors
        values: dict[str, Any] = {}
        for name in ("outcome", "present", "concerns", "follow_up"):
            if name not in errors and name in data:
                values[name] = data[name]
        if "address" in self.fields and "address" not in errors and "address" in data:
            values["address"] = self._address(data["address"])
        day, time = data.get("visited_on"), data.get("visited_time")
        if day and time and "visited_on" not in errors and "visited_time" not in errors:
            values["visited_at"] = timezone.make_aware(datetime.combine(day, time))
        if not any(k.startswith("obs-") for k in errors):
            values["observations"] = [
                {
                    "item": item.item,
                    "seen": bool(data.get(f"obs-{item.key}-seen")),
                    "note": data.get(f"obs-{item.key}-note", ""),
                }
                for item in self.items
            ]
        return values

    def _address(self, pk) -> Address | None:
        if pk in (None, ""):
            return None
        return Address.objects.filter(pk=pk, nominal_id=self.visit.nominal_id).first()

    def not_saved(self) -> dict[str, list[str]]:
        return {name: [str(e) for e in errs] for name, errs in self.errors.items()}


class AttachmentForm(GovForm):
    """Adding photos or recordings after the visit (the visit's page)."""

    files = MultipleFileField(label="Photos or recordings", accept=ACCEPT_ANY)
    caption = forms.CharField(
        label="Caption (optional)",
        required=False,
        max_length=300,
        error_messages={"max_length": "Caption must be 300 characters or fewer"},
    )
