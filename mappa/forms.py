"""Validation for the MAPPA pages. Forms check what was typed; the services decide what may be
saved (and their messages land on the field they concern)."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.utils import timezone

from cases.models import MappaCategory, MappaLevel, Role, User
from mappa import rules
from mappa.selectors import agencies
from rsom.forms import GovDateField, GovForm

TEXT_LIMIT = 10000


class MappaForm(GovForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.disable_csrf = True  # the page's own <form> carries the token


def long_text(label: str, *, required: bool = False, rows: int = 5, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {TEXT_LIMIT:,} characters or fewer",
        },
        **kwargs,
    )


def short_text(label: str, *, limit: int, required: bool = True, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {limit} characters or fewer",
        },
        **kwargs,
    )


def not_for_sharing(what: str) -> forms.BooleanField:
    return forms.BooleanField(
        label=f"Not for sharing: leave this {what} out of the shared meeting pack",
        required=False,
    )


def agency_field(label: str = "Agency") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=agencies(),
        empty_label="Select an agency",
        error_messages={
            "required": "Select the agency from the list",
            "invalid_choice": "Select the agency from the list",
        },
    )


# --- The case's category and level --------------------------------------------------------------

LEVEL_CHOICES = [
    Choice(MappaLevel.LEVEL_1, "Level 1", hint="Ordinary agency management: no MAPPA meetings"),
    Choice(
        MappaLevel.LEVEL_2,
        "Level 2",
        hint="Multi-agency meetings: reviewed at least every few months",
    ),
    Choice(
        MappaLevel.LEVEL_3,
        "Level 3",
        hint="As level 2, with senior representation: reviewed more often",
    ),
]


class MappaLevelForm(MappaForm):
    category = forms.TypedChoiceField(
        label="MAPPA category",
        choices=MappaCategory.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the MAPPA category",
            "invalid_choice": "Select category 1, 2, 3 or 4",
        },
    )
    level = forms.TypedChoiceField(
        label="MAPPA level",
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the MAPPA level",
            "invalid_choice": "Select level 1, 2 or 3",
        },
    )
    rationale = long_text(
        "Why this category and level?",
        required=True,
        rows=6,
        help_text="Say what informed it: the risk assessment, the plan, what has changed",
    )
    set_on = GovDateField(label="Date the level takes effect", hint="For example, 27 3 2025")

    def __init__(self, *args, nominal, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "category": nominal.mappa_category,
                "level": nominal.mappa_level,
                "set_on": timezone.localdate(),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["rationale"].error_messages["required"] = (
            "Enter the reasons for this category and level"
        )
        self.helper.layout = Layout(
            Field.radios("category", legend_size=Size.MEDIUM),
            Field.radios("level", legend_size=Size.MEDIUM),
            Field.textarea("rationale", rows=6),
            Field("set_on"),
        )


# --- Meetings -----------------------------------------------------------------------------------


class MeetingForm(MappaForm):
    level = forms.TypedChoiceField(
        label="Level",
        choices=[(MappaLevel.LEVEL_2, "Level 2"), (MappaLevel.LEVEL_3, "Level 3")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select level 2 or level 3",
            "invalid_choice": "Select level 2 or level 3",
        },
    )
    chair = forms.ModelChoiceField(
        label="Chair",
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Select the chair from the list"},
    )
    held_on = GovDateField(label="Date of the meeting", hint="For example, 27 3 2026")
    starts_at = forms.TimeField(
        label="Start time (optional)",
        required=False,
        help_text="Use the 24-hour clock, for example, 14:30",
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"invalid": "Enter the start time like 14:30"},
    )
    place = short_text("Place", limit=200, help_text="For example, Reading police station")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = (
            User.objects.filter(
                is_active=True, force_id=user.force_id, groups__name=Role.MAPPA_CHAIR
            )
            .distinct()
            .order_by("last_name", "first_name", "pk")
        )
        self.fields["place"].error_messages["required"] = "Enter where the meeting is held"
        self.fields["held_on"].error_messages["required"] = "Enter the date of the meeting"
        self.helper.layout = Layout(
            Field.radios("level", legend_size=Size.SMALL, inline=True),
            Field.select("chair"),
            Field("held_on"),
            Field.text("starts_at", field_width=5),
            Field.text("place", field_width=Fluid.TWO_THIRDS),
        )


class AgendaSearchForm(MappaForm):
    q = forms.CharField(
        label="Name or reference",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search for 100 characters or fewer"},
    )


PRESENT_CHOICES = [("present", "Present"), ("apologies", "Sent apologies")]


class AttendeeForm(MappaForm):
    name = short_text("Name", limit=150)
    role = short_text(
        "Role (optional)", limit=150, required=False, help_text="For example, Probation officer"
    )
    agency = agency_field()
    present = forms.TypedChoiceField(
        label="Attendance",
        choices=PRESENT_CHOICES,
        coerce=lambda value: value == "present",
        widget=forms.RadioSelect,
        error_messages={"required": "Select present or sent apologies"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter the attendee's name"
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("role", field_width=Fluid.TWO_THIRDS),
            Field.select("agency"),
            Field.radios("present", legend_size=Size.SMALL, inline=True),
        )


# --- Minutes ------------------------------------------------------------------------------------


class MinutesForm(MappaForm):
    discussion = long_text("Discussion", rows=8)
    discussion_not_for_sharing = not_for_sharing("discussion")
    supervision = long_text("Supervision")
    monitoring = long_text("Monitoring and control")
    interventions = long_text("Interventions and treatment")
    victim_safety = long_text("Victim safety planning")
    contingency = long_text(
        "Contingency plan", help_text="What will be done if risk increases or the plan breaks down"
    )
    next_review_on = GovDateField(
        label="Next review date", hint="For example, 27 3 2026", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = [Field.textarea(key, rows=4) for key, _ in rules.PLAN_HEADINGS]
        self.helper.layout = Layout(
            Field.textarea("discussion", rows=8),
            Field.checkbox("discussion_not_for_sharing", small=True),
            Fieldset(
                *plan,
                Field.textarea("contingency", rows=4),
                legend="The plan",
                legend_size=Size.MEDIUM,
            ),
            Field("next_review_on"),
        )


class DecisionForm(MappaForm):
    prefix = "decision"

    decision = long_text("Decision", required=True, rows=3)
    rationale = long_text(
        "Rationale", required=True, rows=3, help_text="Why the meeting decided this"
    )
    dissent = long_text("Dissent (optional)", rows=2, help_text="Who disagreed, and why")
    not_for_sharing = not_for_sharing("decision")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rationale"].error_messages["required"] = "Enter the rationale for the decision"
        self.helper.layout = Layout(
            Field.textarea("decision", rows=3),
            Field.textarea("rationale", rows=3),
            Field.textarea("dissent", rows=2),
            Field.checkbox("not_for_sharing", small=True),
        )


class ActionForm(MappaForm):
    prefix = "action"

    action = long_text("Action", required=True, rows=2)
    owner = short_text("Owner", limit=150, help_text="The person who will do it")
    agency = agency_field("Owner's agency")
    due = GovDateField(label="Due date", hint="For example, 27 3 2026")
    not_for_sharing = not_for_sharing("action")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].error_messages["required"] = "Enter who owns the action"
        self.fields["agency"].error_messages["required"] = "Select the owner's agency from the list"
        self.fields["due"].error_messages["required"] = "Enter the date the action is due"
        self.helper.layout = Layout(
            Field.textarea("action", rows=2),
            Field.text("owner", field_width=Fluid.TWO_THIRDS),
            Field.select("agency"),
            Field("due"),
            Field.checkbox("not_for_sharing", small=True),
        )


class ActionDoneForm(MappaForm):
    completed_on = GovDateField(label="Date it was done", hint="For example, 27 3 2026")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"completed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
