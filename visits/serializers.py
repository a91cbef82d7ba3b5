"""Serializers for the visits API: explicit input and output shapes. Inputs check shape; the
services apply the rules (dates against today, current addresses, officers of the force)."""

from __future__ import annotations

from rest_framework import serializers

from cases.serializers import PersonSerializer
from visits.models import Band, Outcome, Visit, VisitStatus
from visits.services.planning import DueStatus

# Ids beyond a bigint column can never match: refuse them as input, not at the database.
MAX_ID = 2**63 - 1


def _choice(choices, what: str, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices,
        error_messages={"invalid_choice": f"“{{input}}” is not a valid {what}"},
        **kwargs,
    )


def _id(what: str, **kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "invalid": f"Give the {what} as a whole number",
            "min_value": f"Give the id of the {what}",
            "max_value": f"No {what} has that id",
        },
        **kwargs,
    )


class AddressSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField(source="__str__")
    postcode = serializers.CharField()


class VisitOutputSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:visit-detail", lookup_url_kwarg="visit_id"
    )
    nominal = serializers.IntegerField(source="nominal_id")
    status = _choice(VisitStatus.choices, "visit status")
    time_band = _choice(Band.choices, "time band", allow_blank=True)
    outcome = _choice(Outcome.choices, "outcome", allow_blank=True)
    failed = serializers.BooleanField(help_text="Recorded, but not completed: a failed attempt.")
    address = AddressSummarySerializer(allow_null=True)
    co_attendee = PersonSerializer(allow_null=True)
    created_by = PersonSerializer()
    recorded_by = PersonSerializer(allow_null=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "url",
            "nominal",
            "status",
            "planned_for",
            "time_band",
            "announced",
            "address",
            "co_attendee",
            "visited_at",
            "outcome",
            "failed",
            "created_by",
            "recorded_by",
            "created_at",
        ]


class VisitDetailSerializer(VisitOutputSerializer):
    class Meta(VisitOutputSerializer.Meta):
        fields = [
            *VisitOutputSerializer.Meta.fields,
            "present",
            "observations",
            "concerns",
            "follow_up",
        ]


class VisitPlanInputSerializer(serializers.Serializer):
    planned_for = serializers.DateField(
        help_text="The day of the visit: today or later, within a year."
    )
    time_band = _choice(Band.choices, "time band")
    announced = serializers.BooleanField(help_text="True when the person is told beforehand.")
    co_attendee = _id(
        "officer",
        required=False,
        allow_null=True,
        default=None,
        help_text="Another officer of the force who works cases, going on the visit.",
    )
    address = _id(
        "address",
        required=False,
        allow_null=True,
        default=None,
        help_text="One of the case's current addresses (default: the current home address).",
    )
    client_key = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Sent again with a retried request, it returns the visit already planned.",
    )


class NominalSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    name = serializers.CharField(source="full_name")


class PlannedVisitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    planned_for = serializers.DateField()
    time_band = _choice(Band.choices, "time band")
    announced = serializers.BooleanField()


class DueRowSerializer(serializers.Serializer):
    nominal = NominalSummarySerializer()
    due = serializers.DateField(allow_null=True)
    why = serializers.CharField()
    status = _choice(DueStatus.choices, "visit due status", allow_null=True)
    postcode = serializers.CharField()
    district = serializers.CharField(help_text="The outward code of the home postcode.")
    planned = PlannedVisitSerializer(many=True)


class VisitsDueQuerySerializer(serializers.Serializer):
    manager = _id(
        "offender manager",
        required=False,
        help_text="A supervisor's team member (default: your own cases, or a supervisor's teams).",
    )
