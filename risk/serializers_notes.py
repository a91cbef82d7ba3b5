"""Serializers for the notes and reactive-management API: explicit input and output shapes.
Inputs check shape; the services apply the rules."""

from __future__ import annotations

from rest_framework import serializers

from cases.serializers import PersonSerializer
from risk.forms_notes import TEXT_LIMIT
from risk.models import CaseNote, DenialReason, NoteKind, ReactiveCase, ReactiveStage
from risk.services.reactive import Decision, QueueStage

# --- Notes --------------------------------------------------------------------------------------


class NoteQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=NoteKind.choices, required=False, help_text="Only notes of this kind."
    )


class NoteOutputSerializer(serializers.ModelSerializer):
    created_by = PersonSerializer()

    class Meta:
        model = CaseNote
        fields = [
            "id",
            "kind",
            "occurred_on",
            "text",
            "source",
            "is_concern",
            "created_by",
            "created_at",
        ]


class NoteInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NoteKind.choices)
    occurred_on = serializers.DateField(help_text="The day it happened: today or earlier.")
    text = serializers.CharField(max_length=TEXT_LIMIT)
    source = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Where the intelligence came from (needed for intelligence).",
    )
    is_concern = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The note raises a concern about risk (restarts the reactive qualifying period).",
    )


# --- Reactive management ------------------------------------------------------------------------


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    met = serializers.BooleanField()
    reason = serializers.CharField()


class ReturnTriggerSerializer(serializers.Serializer):
    trigger = serializers.CharField()
    on = serializers.DateField()
    summary = serializers.CharField()


class ReactiveCaseSerializer(serializers.ModelSerializer):
    stage = serializers.ChoiceField(choices=ReactiveStage.choices)
    criteria = CriterionSerializer(many=True, help_text="As recorded when the case last moved.")
    return_triggers = ReturnTriggerSerializer(many=True)
    proposed_by = PersonSerializer(allow_null=True)
    decided_by = PersonSerializer(allow_null=True)
    reason = serializers.ChoiceField(
        choices=DenialReason.choices, allow_blank=True, help_text="Why it was denied."
    )

    class Meta:
        model = ReactiveCase
        fields = [
            "stage",
            "eligible",
            "criteria",
            "checked_on",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "reason",
            "comments",
            "snoozed_until",
            "return_triggers",
        ]


class ReactiveQueueQuerySerializer(serializers.Serializer):
    stage = serializers.MultipleChoiceField(
        choices=QueueStage.choices,
        required=False,
        help_text="Only cases at these stages (repeat the parameter for more than one).",
    )


class ReactiveQueueRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="nominal.pk")
    url = serializers.HyperlinkedRelatedField(
        source="nominal", view_name="api:nominal-detail", read_only=True
    )
    reference = serializers.CharField(source="nominal.reference")
    name = serializers.CharField(source="nominal.full_name")
    offender_manager = PersonSerializer(source="nominal.offender_manager", allow_null=True)
    stage = serializers.ChoiceField(
        choices=QueueStage.choices, help_text="Where the case stands in the queue."
    )
    eligible = serializers.BooleanField(
        source="assessment.eligible", help_text="Eligible today, on the criteria below."
    )
    criteria = CriterionSerializer(
        many=True, source="assessment.criteria", help_text="Each criterion as it stands today."
    )
    case = ReactiveCaseSerializer()


class ReactiveDecideInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reason = serializers.ChoiceField(
        choices=DenialReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed to deny.",
    )
    comments = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed to deny for another reason, and to keep a flagged case reactive.",
    )
    snoozed_until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Needed to snooze: at most 90 days from today.",
    )
