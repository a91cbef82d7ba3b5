"""API input and output for civil orders and breaches. Input serializers check the shape of
what was sent (types, known values); the order rules, applied by the services, decide the rest."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from cases.serializers import PersonSerializer
from notifications import order_rules
from notifications.models import (
    Breach,
    BreachAction,
    BreachDuty,
    CivilOrder,
    DisposalChoice,
    HowFound,
    OrderChange,
    OrderChangeKind,
    OrderStatus,
    OrderTerm,
    OrderType,
    Severity,
    TermKind,
)
from notifications.serializers import _choice, _date

MAX_TERMS = 40
MAX_TEXT = 5000


# --- Output -------------------------------------------------------------------------------------


class ReviewFlagSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[(f.value, f.name) for f in order_rules.FlagCode],
        help_text="outlives: runs beyond the notification requirement from convictions; "
        "indefinite: until further order; reactive: the case is under reactive management.",
    )
    reason = serializers.CharField()


class OrderTermOutputSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=TermKind.choices)
    ends_on = serializers.DateField(allow_null=True, help_text="Null: as long as the order.")

    class Meta:
        model = OrderTerm
        fields = ["id", "kind", "text", "foreign_travel", "ends_on"]


class OrderChangeOutputSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=OrderChangeKind.choices)
    created_by = PersonSerializer()

    class Meta:
        model = OrderChange
        fields = [
            "id",
            "kind",
            "made_on",
            "court",
            "details",
            "person_consents",
            "chief_officer_consents",
            "created_by",
            "created_at",
        ]


class OrderOutputSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:order-detail", lookup_url_kwarg="order_id"
    )
    nominal = serializers.IntegerField(source="nominal_id")
    type = serializers.ChoiceField(choices=OrderType.choices)
    ends_on = serializers.DateField(allow_null=True, help_text="Null: until further order.")
    foreign_disposal = serializers.ChoiceField(
        choices=[("", "Not a notification order"), *DisposalChoice.choices],
        help_text="A notification order's equivalent disposal in England and Wales.",
    )
    foreign_custody_months = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    replaced_by = serializers.IntegerField(source="replaced_by_id", allow_null=True)
    status = serializers.ChoiceField(choices=OrderStatus.choices, source="status_today")
    in_force = serializers.BooleanField(source="in_force_today")
    review_flags = ReviewFlagSerializer(many=True, source="flags_today")
    terms = OrderTermOutputSerializer(many=True)
    changes = OrderChangeOutputSerializer(many=True)
    created_by = PersonSerializer()

    class Meta:
        model = CivilOrder
        fields = [
            "id",
            "url",
            "nominal",
            "type",
            "court",
            "applied_for_by",
            "made_on",
            "served_on",
            "ends_on",
            "foreign_conviction_on",
            "foreign_disposal",
            "foreign_custody_months",
            "discharged_on",
            "replaced_by",
            "status",
            "in_force",
            "review_flags",
            "terms",
            "changes",
            "notes",
            "created_by",
            "created_at",
        ]


class OrderNominalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    name = serializers.CharField(source="full_name")
    offender_manager = PersonSerializer(allow_null=True)


class OrderReviewRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="order.pk")
    url = serializers.HyperlinkedRelatedField(
        source="order", view_name="api:order-detail", lookup_url_kwarg="order_id", read_only=True
    )
    nominal = OrderNominalSerializer(source="order.nominal")
    type = serializers.ChoiceField(choices=OrderType.choices, source="order.type")
    made_on = serializers.DateField(source="order.made_on")
    ends_on = serializers.DateField(source="order.ends_on", allow_null=True)
    conviction_requirement_ends = serializers.DateField(
        source="order.conviction_last_day",
        allow_null=True,
        help_text="The last day of the longest finite requirement from convictions.",
    )
    review_flags = ReviewFlagSerializer(many=True, source="flags")


class BreachOutputSerializer(serializers.ModelSerializer):
    nominal = serializers.IntegerField(source="nominal_id")
    duty = serializers.ChoiceField(choices=BreachDuty.choices)
    order = serializers.IntegerField(source="order_id", allow_null=True)
    how_found = serializers.ChoiceField(choices=HowFound.choices)
    action = serializers.ChoiceField(choices=BreachAction.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    created_by = PersonSerializer()

    class Meta:
        model = Breach
        fields = [
            "id",
            "nominal",
            "duty",
            "order",
            "deadline",
            "first_failure_on",
            "remedied_on",
            "excuse_claimed",
            "how_found",
            "action",
            "outcome",
            "severity",
            "rationale",
            "created_by",
            "created_at",
        ]


# --- Input --------------------------------------------------------------------------------------


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=MAX_TEXT, **kwargs)


class OrderTermInputSerializer(serializers.Serializer):
    kind = _choice(TermKind.choices, "kind of term")
    text = _text(help_text="What the order prohibits or requires.")
    foreign_travel = serializers.BooleanField(
        default=False, help_text="A foreign travel prohibition: at most 5 years, renewable."
    )
    ends_on = _date(
        required=False, allow_null=True, default=None, help_text="Omit: as long as the order."
    )


class OrderInputSerializer(serializers.Serializer):
    type = _choice(OrderType.choices, "type of order")
    court = serializers.CharField(max_length=150)
    applied_for_by = serializers.CharField(max_length=150, required=False, default="")
    made_on = _date()
    served_on = _date(
        required=False,
        allow_null=True,
        default=None,
        help_text="For a person not otherwise registered the requirements run from service.",
    )
    ends_on = _date(
        required=False,
        allow_null=True,
        default=None,
        help_text="The last day in force. Omit or null: until further order. Ignored for a "
        "notification order, whose period follows the equivalent disposal.",
    )
    foreign_conviction_on = _date(required=False, allow_null=True, default=None)
    foreign_disposal = _choice(
        DisposalChoice.choices, "disposal", required=False, allow_blank=True, default=""
    )
    foreign_custody_months = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        default=None,
        help_text="The custodial term, or the length of a conditional discharge, in months.",
    )
    notes = _text(required=False, default="", allow_blank=True)
    terms = OrderTermInputSerializer(many=True, required=False, default=list)

    def validate_terms(self, terms):
        if len(terms) > MAX_TERMS:
            raise serializers.ValidationError(f"Send at most {MAX_TERMS} terms")
        return terms


class BreachInputSerializer(serializers.Serializer):
    duty = _choice(BreachDuty.choices, "duty")
    order = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The id of the SHPO or SRO breached (this person's).",
    )
    deadline = _date(
        required=False,
        allow_null=True,
        default=None,
        help_text="For a failure to notify: the first day of failure is the day after.",
    )
    first_failure_on = _date(
        required=False,
        allow_null=True,
        default=None,
        help_text="For other breaches; worked out from the deadline for a failure to notify.",
    )
    remedied_on = _date(required=False, allow_null=True, default=None)
    excuse_claimed = _text(required=False, default="", allow_blank=True)
    how_found = _choice(HowFound.choices, "way of finding it")
    action = _choice(BreachAction.choices, "action")
    outcome = _text(required=False, default="", allow_blank=True)
    severity = _choice(Severity.choices, "severity")
    rationale = _text(help_text="Why this severity: required.")

    def validate_order(self, value):
        if value is None:
            return None
        order = self.context["orders"].filter(pk=value).first()
        if order is None:
            raise serializers.ValidationError("Give the id of one of this person's SHPOs or SROs")
        return order
