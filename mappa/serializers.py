"""API input and output for MAPPA levels, meetings and actions. Input serializers check the shape
of what was sent; the services decide the rest."""

from __future__ import annotations

from datetime import date

from rest_framework import serializers

from cases.models import MappaCategory, MappaLevel
from cases.serializers import PersonSerializer
from mappa import rules
from mappa.models import (
    ActionStatus,
    Agency,
    AgendaItem,
    Attendee,
    Decision,
    MappaLevelChange,
    Meeting,
    MeetingAction,
)

MEETING_LEVELS = [(2, "Level 2"), (3, "Level 3")]

# Dates outside this range are typing slips.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2099, 12, 31)


def _in_range(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise serializers.ValidationError(
            f"Give a date between {EARLIEST_DATE:%-d %b %Y} and {LATEST_DATE:%-d %b %Y}"
        )


def _date(**kwargs) -> serializers.DateField:
    return serializers.DateField(
        validators=[_in_range],
        error_messages={"invalid": "Give a real date in the format YYYY-MM-DD"},
        **kwargs,
    )


def _choice(choices, what: str, **kwargs) -> serializers.ChoiceField:
    values = ", ".join(str(value) for value, _ in choices)
    return serializers.ChoiceField(
        choices=choices,
        error_messages={"invalid_choice": f"“{{input}}” is not a {what}: use one of {values}"},
        **kwargs,
    )


# --- Levels -------------------------------------------------------------------------------------


class MappaLevelInputSerializer(serializers.Serializer):
    category = _choice(MappaCategory.choices, "MAPPA category")
    level = _choice(MappaLevel.choices, "MAPPA level")
    rationale = serializers.CharField(
        max_length=10000,
        error_messages={
            "blank": "Give the reasons for this category and level",
            "required": "Give the reasons for this category and level",
            "max_length": "The reasons must be 10,000 characters or fewer",
        },
    )
    set_on = _date(
        required=False,
        help_text="The date the level takes effect: today (the default) or in the past.",
    )


class MappaLevelOutputSerializer(serializers.ModelSerializer):
    nominal_id = serializers.IntegerField(read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    set_by = PersonSerializer()

    class Meta:
        model = MappaLevelChange
        fields = [
            "id",
            "nominal_id",
            "category",
            "category_label",
            "level",
            "level_label",
            "rationale",
            "set_on",
            "set_by",
            "created_at",
        ]
        read_only_fields = fields


# --- Meetings -----------------------------------------------------------------------------------


class MeetingInputSerializer(serializers.Serializer):
    level = _choice(MEETING_LEVELS, "meeting level")
    held_on = _date(help_text="The date of the meeting: from 2001 to a year from today.")
    starts_at = serializers.TimeField(
        required=False,
        allow_null=True,
        error_messages={"invalid": "Give the start time as HH:MM, like 14:30"},
    )
    place = serializers.CharField(
        max_length=200,
        error_messages={
            "blank": "Give where the meeting is held",
            "required": "Give where the meeting is held",
            "max_length": "The place must be 200 characters or fewer",
        },
    )
    chair_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="A MAPPA chair of your force; you by default.",
        error_messages={"invalid": "Give the chair as a user id, a whole number"},
    )


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class AttendeeSerializer(serializers.ModelSerializer):
    agency = AgencySerializer()

    class Meta:
        model = Attendee
        fields = ["id", "name", "role", "agency", "present"]
        read_only_fields = fields


class CaseBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    name = serializers.CharField(source="display_name")
    mappa_category = serializers.IntegerField()
    mappa_level = serializers.IntegerField()


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "decision", "rationale", "dissent", "not_for_sharing"]
        read_only_fields = fields


class ActionSerializer(serializers.ModelSerializer):
    agency = AgencySerializer()
    status = _choice(ActionStatus.choices, "action status")
    overdue = serializers.BooleanField(help_text="Still open after its due date.")

    class Meta:
        model = MeetingAction
        fields = [
            "id",
            "action",
            "owner",
            "agency",
            "due",
            "status",
            "completed_on",
            "not_for_sharing",
            "overdue",
        ]
        read_only_fields = fields


class PlanSerializer(serializers.Serializer):
    supervision = serializers.CharField(allow_blank=True, default="")
    monitoring = serializers.CharField(allow_blank=True, default="")
    interventions = serializers.CharField(allow_blank=True, default="")
    victim_safety = serializers.CharField(allow_blank=True, default="")
    contingency = serializers.CharField(allow_blank=True, default="")

    def to_representation(self, instance):
        plan = instance or {}
        return {key: plan.get(key, "") for key in rules.PLAN_KEYS}


class AgendaItemSerializer(serializers.ModelSerializer):
    nominal = CaseBriefSerializer()
    plan = PlanSerializer()
    decisions = DecisionSerializer(many=True)
    actions = ActionSerializer(many=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "position",
            "nominal",
            "discussion",
            "discussion_not_for_sharing",
            "plan",
            "next_review_on",
            "minutes_complete",
            "decisions",
            "actions",
        ]
        read_only_fields = fields


class MeetingSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:meeting-detail", lookup_url_kwarg="meeting_id"
    )
    chair = PersonSerializer()
    level = _choice(MEETING_LEVELS, "meeting level")
    case_count = serializers.IntegerField(help_text="Cases on the agenda.")
    complete_count = serializers.IntegerField(help_text="Cases whose minutes are complete.")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "url",
            "level",
            "held_on",
            "starts_at",
            "place",
            "status",
            "chair",
            "case_count",
            "complete_count",
        ]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSummarySerializer):
    attendees = AttendeeSerializer(many=True)
    agenda = AgendaItemSerializer(many=True)

    class Meta(MeetingSummarySerializer.Meta):
        fields = [*MeetingSummarySerializer.Meta.fields, "attendees", "agenda"]
        read_only_fields = fields


class MeetingBriefSerializer(serializers.ModelSerializer):
    level = _choice(MEETING_LEVELS, "meeting level")

    class Meta:
        model = Meeting
        fields = ["id", "level", "held_on", "status"]
        read_only_fields = fields


class TrackedActionSerializer(ActionSerializer):
    meeting = MeetingBriefSerializer(source="item.meeting")
    nominal = CaseBriefSerializer(source="item.nominal")

    class Meta(ActionSerializer.Meta):
        fields = [*ActionSerializer.Meta.fields, "meeting", "nominal"]
        read_only_fields = fields
