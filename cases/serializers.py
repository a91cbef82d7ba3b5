"""API input and output for nominals. Input serializers validate; services write."""

from __future__ import annotations

from rest_framework import serializers

from cases.models import Nominal, NominalStatus, Sex
from cases.validators import (
    normalise_ni_number,
    validate_date_of_birth,
    validate_ni_number,
)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class NominalOutputSerializer(serializers.ModelSerializer):
    offender_manager = PersonSerializer(allow_null=True)
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    url = serializers.HyperlinkedIdentityField(view_name="api:nominal-detail")

    class Meta:
        model = Nominal
        fields = [
            "id",
            "url",
            "reference",
            "forenames",
            "surname",
            "date_of_birth",
            "sex",
            "ni_number",
            "status",
            "mappa_category",
            "mappa_level",
            "offender_manager",
            "team",
            "created_at",
            "updated_at",
        ]


def _choice(choices, what, **kwargs):
    return serializers.ChoiceField(
        choices=choices,
        error_messages={"invalid_choice": f"“{{input}}” is not a valid {what}"},
        **kwargs,
    )


class NominalInputSerializer(serializers.Serializer):
    forenames = serializers.CharField(max_length=100)
    surname = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField(validators=[validate_date_of_birth])
    sex = _choice(Sex.choices, "sex")
    ni_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    status = _choice(NominalStatus.choices, "status", required=False)
    # MAPPA category and level are set through /api/v1/nominals/{id}/mappa-levels/ (with history).

    def validate_ni_number(self, value: str) -> str:
        value = normalise_ni_number(value)
        validate_ni_number(value)
        return value


class NominalCreateSerializer(NominalInputSerializer):
    confirm_not_duplicate = serializers.BooleanField(
        default=False,
        help_text="Set after checking the possible duplicates a first attempt listed.",
    )
