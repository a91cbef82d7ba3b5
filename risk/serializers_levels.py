"""API input and output for RM2000/S scorings and the overall risk level. Input serializers check
the shape of what was sent; the rule and the services decide the rest."""

from __future__ import annotations

from datetime import date

from rest_framework import serializers

from cases.models import RiskLevel
from cases.serializers import PersonSerializer
from risk.forms_scoring import MAX_APPEARANCES
from risk.models import RiskLevelChange, Rm2000Scoring

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


def _count(label: str, help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_APPEARANCES,
        help_text=help_text,
        error_messages={
            "invalid": f"{label} must be a whole number, like 2",
            "min_value": f"{label} cannot be a negative number",
            "max_value": f"{label} must be {MAX_APPEARANCES} or fewer",
        },
    )


def _factor(help_text: str) -> serializers.BooleanField:
    return serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text=help_text,
        error_messages={"invalid": "Give true or false"},
    )


class Rm2000InputSerializer(serializers.Serializer):
    commencement_date = _date(
        required=False,
        help_text="The release date, or today if in the community (the default). The age scored "
        "is worked out from the date of birth and this date.",
    )
    sexual_appearances = _count(
        "Sexual appearances",
        "Court appearances or cautions for sexual offences, including the current one. Required "
        "unless RM2000/S does not apply (women, and anyone under 18 on the commencement date).",
    )
    criminal_appearances = _count(
        "Criminal appearances",
        "All court appearances or cautions, including the sexual ones. Required unless "
        "RM2000/S does not apply.",
    )
    male_victim = _factor("Any sexual offence against a male. Required unless not applicable.")
    stranger_victim = _factor(
        "Any sexual offence against a stranger. Required unless not applicable."
    )
    single = _factor(
        "Never in a live-in adult relationship of 2 years or more. Required unless not applicable."
    )
    non_contact = _factor("Any non-contact sexual offence. Required unless not applicable.")


class Rm2000OutputSerializer(serializers.ModelSerializer):
    nominal_id = serializers.IntegerField(read_only=True)
    scored_by = PersonSerializer()
    step1 = serializers.CharField(
        allow_blank=True, help_text="Step 1 level; blank if not applicable."
    )
    category = serializers.CharField(
        allow_blank=True, help_text="Final category after step 2; blank if not applicable."
    )
    explanation = serializers.ListField(
        child=serializers.CharField(), help_text="Each point and factor, in order."
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api:rm2000-detail", lookup_url_kwarg="scoring_id"
    )

    class Meta:
        model = Rm2000Scoring
        fields = [
            "id",
            "url",
            "nominal_id",
            "commencement_date",
            "age",
            "sexual_appearances",
            "criminal_appearances",
            "male_victim",
            "stranger_victim",
            "single",
            "non_contact",
            "applicable",
            "not_applicable_reason",
            "points",
            "step1",
            "aggravating",
            "category",
            "explanation",
            "rule_version",
            "scored_by",
            "scored_at",
        ]
        read_only_fields = fields


class RecomputeSerializer(serializers.Serializer):
    matches = serializers.BooleanField(
        help_text="Whether the rule applied today to the stored inputs gives the stored result."
    )
    category = serializers.CharField(allow_blank=True)
    points = serializers.IntegerField(allow_null=True)
    explanation = serializers.ListField(child=serializers.CharField())
    problem = serializers.CharField(allow_blank=True)


class Rm2000DetailSerializer(Rm2000OutputSerializer):
    recompute = RecomputeSerializer(read_only=True)

    class Meta(Rm2000OutputSerializer.Meta):
        fields = [*Rm2000OutputSerializer.Meta.fields, "recompute"]
        read_only_fields = fields


class RiskLevelInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=RiskLevel.choices,
        error_messages={
            "invalid_choice": "“{input}” is not a risk level: use one of "
            + ", ".join(RiskLevel.values)
        },
    )
    rationale = serializers.CharField(
        max_length=4000,
        error_messages={
            "blank": "Give the reasons for this risk level",
            "required": "Give the reasons for this risk level",
            "max_length": "The reasons must be 4,000 characters or fewer",
        },
    )
    set_on = _date(
        required=False,
        help_text="The date the level takes effect: today (the default) or in the past.",
    )


class RiskLevelOutputSerializer(serializers.ModelSerializer):
    nominal_id = serializers.IntegerField(read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    set_by = PersonSerializer()

    class Meta:
        model = RiskLevelChange
        fields = [
            "id",
            "nominal_id",
            "level",
            "level_label",
            "rationale",
            "set_on",
            "set_by",
            "created_at",
        ]
        read_only_fields = fields
