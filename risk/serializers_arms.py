"""API input and output for ARMS assessments and the risk management plan. Input serializers
check shape and say what to fix; the services decide what may be saved, submitted or signed off."""

from __future__ import annotations

from rest_framework import serializers

from cases.serializers import PersonSerializer
from risk.models import (
    ActionStatus,
    ArmsAssessment,
    ArmsFactor,
    Evidence,
    FactorKind,
    PlanAction,
    PlanHeading,
    RiskManagementPlan,
)
from risk.services.plans import INTERVAL_MONTHS


def _choice(choices, what: str, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices,
        error_messages={"invalid_choice": f"“{{input}}” is not a valid {what}"},
        **kwargs,
    )


# --- ARMS ---------------------------------------------------------------------------------------


class ArmsRatingOutputSerializer(serializers.Serializer):
    factor = serializers.CharField(source="factor.code", help_text="The factor's code")
    name = serializers.CharField(source="factor.name")
    kind = serializers.ChoiceField(choices=FactorKind.choices, source="factor.kind")
    evidence = serializers.ChoiceField(choices=Evidence.choices)
    note = serializers.CharField()


class ArmsOutputSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:arms-detail", lookup_url_kwarg="arms_id"
    )
    nominal = serializers.IntegerField(source="nominal_id")
    ratings = ArmsRatingOutputSerializer(many=True)
    created_by = PersonSerializer()
    submitted_by = PersonSerializer(allow_null=True)
    decided_by = PersonSerializer(allow_null=True)

    class Meta:
        model = ArmsAssessment
        fields = [
            "id",
            "url",
            "nominal",
            "status",
            "reason",
            "formulation",
            "priorities",
            "ratings",
            "created_by",
            "created_at",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "return_comments",
            "signed_off_on",
        ]


class ArmsRatingInputSerializer(serializers.Serializer):
    factor = serializers.CharField(max_length=60, help_text="The code of an ARMS factor in use")
    evidence = _choice(
        Evidence.choices, "evidence level", allow_blank=True, help_text="Empty clears the rating"
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ArmsInputSerializer(serializers.Serializer):
    """Fields left out are unchanged."""

    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    formulation = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    priorities = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    ratings = ArmsRatingInputSerializer(many=True, required=False, max_length=100)

    def validate_ratings(self, value):
        in_use = set(ArmsFactor.objects.filter(in_use=True).values_list("code", flat=True))
        codes = [r["factor"] for r in value]
        unknown = sorted({c for c in codes if c not in in_use})
        if unknown:
            raise serializers.ValidationError(
                [f"“{code}” is not an ARMS factor in use" for code in unknown]
            )
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise serializers.ValidationError(
                [f"“{code}” is rated more than once" for code in twice]
            )
        return value

    def ratings_map(self) -> dict[str, tuple[str, str]]:
        return {
            r["factor"]: (r["evidence"], r["note"]) for r in self.validated_data.get("ratings", [])
        }


class ArmsReturnInputSerializer(serializers.Serializer):
    comments = serializers.CharField(
        max_length=5000,
        error_messages={
            "required": "Enter your comments for the offender manager",
            "blank": "Enter your comments for the offender manager",
        },
    )


# --- The risk management plan -------------------------------------------------------------------


class PlanActionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanAction
        fields = ["id", "heading", "action", "owner", "due", "status"]


class PlanOutputSerializer(serializers.ModelSerializer):
    nominal = serializers.IntegerField(source="nominal_id")
    arms = serializers.IntegerField(
        source="arms_id",
        allow_null=True,
        help_text="The signed-off ARMS assessment the plan was reviewed with",
    )
    created_by = PersonSerializer()
    actions = PlanActionOutputSerializer(many=True)

    class Meta:
        model = RiskManagementPlan
        fields = [
            "id",
            "nominal",
            "version",
            "current",
            "contingency",
            "protective_factors",
            "visit_interval_months",
            "visit_interval_reason",
            "arms",
            "created_by",
            "created_at",
            "actions",
        ]


class PlanActionInputSerializer(serializers.Serializer):
    heading = _choice(PlanHeading.choices, "plan heading")
    action = serializers.CharField(
        max_length=2000,
        error_messages={"blank": "Enter the action", "required": "Enter the action"},
    )
    owner = serializers.CharField(
        max_length=100,
        error_messages={
            "blank": "Enter who owns the action",
            "required": "Enter who owns the action",
        },
    )
    due = serializers.DateField(required=False, allow_null=True, default=None)
    status = _choice(ActionStatus.choices, "action status", required=False, default="open")


class PlanInputSerializer(serializers.Serializer):
    based_on_version = serializers.IntegerField(
        allow_null=True,
        min_value=1,
        help_text="The current version you reviewed, or null when there is no plan yet. If "
        "another version has been saved since, nothing is written and the answer is 400.",
    )
    contingency = serializers.CharField(
        max_length=10000,
        error_messages={
            "blank": "Enter the contingency plan",
            "required": "Enter the contingency plan",
        },
    )
    protective_factors = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, default=""
    )
    visit_interval_months = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=INTERVAL_MONTHS.start,
        max_value=INTERVAL_MONTHS.stop - 1,
        help_text="An individual visit frequency; null uses the force's interval for the level.",
    )
    visit_interval_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    actions = PlanActionInputSerializer(many=True, required=False, default=list, max_length=120)

    def validate(self, data):
        months, reason = data["visit_interval_months"], data["visit_interval_reason"].strip()
        if months is not None and not reason:
            raise serializers.ValidationError(
                {"visit_interval_reason": "Give the reason for the individual visit frequency"}
            )
        if months is None and reason:
            raise serializers.ValidationError(
                {
                    "visit_interval_months": "Give the individual visit frequency in months, or "
                    "leave out the reason"
                }
            )
        return data
