"""API input and output for the register. Input serializers check the shape of what was sent
(types, known values, fields that go together); the rules and services decide the rest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from rest_framework import serializers

from cases.serializers import PersonSerializer
from notifications import rules
from notifications.models import (
    ChangeType,
    Conviction,
    ConvictionKind,
    DisposalChoice,
    Notification,
    NotificationType,
    Schedule3Offence,
    Station,
)
from notifications.services import short_notice_problem, trips_to_change

# Dates outside this range are typing slips, and the day arithmetic in the rules needs room
# either side of them.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2099, 12, 31)

MAX_TERMS = 50
MAX_TERM_MONTHS = Decimal(1200)
MAX_TERM_WEEKS = Decimal(5200)
DAYS_FORMAT = "%-d %b %Y"


def _choice(choices, what: str, **kwargs) -> serializers.ChoiceField:
    allowed = ", ".join(value for value, _ in choices)
    return serializers.ChoiceField(
        choices=choices,
        error_messages={"invalid_choice": f"“{{input}}” is not a {what}: use one of {allowed}"},
        **kwargs,
    )


def _in_range(value: date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise serializers.ValidationError(
            f"Give a date between {EARLIEST_DATE:{DAYS_FORMAT}} and {LATEST_DATE:{DAYS_FORMAT}}"
        )


def _date(**kwargs) -> serializers.DateField:
    return serializers.DateField(
        validators=[_in_range],
        error_messages={"invalid": "Give a real date in the format YYYY-MM-DD"},
        **kwargs,
    )


def _whole_or_float(value: Decimal) -> int | float:
    # The terms are stored as JSON, which has no decimals; whole months stay whole, so the 6- and
    # 30-month boundaries compare exactly.
    return int(value) if value == value.to_integral_value() else float(value)


# --- Convictions --------------------------------------------------------------------------------


class OffenceSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="offence")

    class Meta:
        model = Schedule3Offence
        fields = ["paragraph", "title", "enactment", "threshold"]


class TermOutputSerializer(serializers.Serializer):
    start = serializers.FloatField(default=0, help_text="Months after the first term starts.")
    length = serializers.FloatField(help_text="Months.")


class ConvictionOutputSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:conviction-detail", lookup_url_kwarg="conviction_id"
    )
    nominal = serializers.IntegerField(source="nominal_id")
    offence = OffenceSerializer()
    terms = TermOutputSerializer(many=True)
    custody_months = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="The custodial term that counts (s.82): the union of the terms, in months.",
    )
    created_by = PersonSerializer()

    class Meta:
        model = Conviction
        fields = [
            "id",
            "url",
            "nominal",
            "kind",
            "relevant_date",
            "court",
            "offence",
            "offence_details",
            "threshold_met",
            "disposal",
            "terms",
            "custody_months",
            "indeterminate_sentence",
            "suspended",
            "discharge_months",
            "age_on_relevant_date",
            "indefinite",
            "period_months",
            "last_day",
            "period_explanation",
            "created_by",
            "created_at",
        ]


class TermInputSerializer(serializers.Serializer):
    start = serializers.DecimalField(
        max_digits=9,
        decimal_places=4,
        min_value=Decimal(0),
        default=Decimal(0),
        help_text="When this term starts, counted from the start of the first term "
        "(0 for the first term and for concurrent terms).",
    )
    length = serializers.DecimalField(
        max_digits=9,
        decimal_places=4,
        help_text="The length of the term imposed.",
    )
    unit = _choice([("months", "Months"), ("weeks", "Weeks")], "unit", default="months")

    def validate(self, attrs):
        unit = attrs["unit"]
        limit = MAX_TERM_WEEKS if unit == "weeks" else MAX_TERM_MONTHS
        if attrs["length"] <= 0:
            raise serializers.ValidationError({"length": "A term must be longer than 0"})
        if attrs["length"] > limit or attrs["start"] > limit:
            raise serializers.ValidationError(
                {"length": f"A term cannot be longer than {limit} {unit}"}
            )
        if unit == "weeks":
            # Domain.md section 1: weeks × 12 / 52, so 26 weeks is exactly 6 months.
            length = rules.weeks_to_months(attrs["length"])
            start = rules.weeks_to_months(attrs["start"]) if attrs["start"] else Decimal(0)
        else:
            length, start = attrs["length"], attrs["start"]
        return {"start": _whole_or_float(start), "length": _whole_or_float(length)}


class ConvictionInputSerializer(serializers.Serializer):
    kind = _choice(ConvictionKind.choices, "kind of conviction")
    relevant_date = _date(
        help_text="The date of the conviction, finding or caution (not the sentence date)."
    )
    court = serializers.CharField(max_length=150, help_text="Court or police station.")
    offence = serializers.CharField(
        max_length=10, help_text="The Schedule 3 paragraph, for example 13 or 24A."
    )
    offence_details = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    threshold_met = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Whether the Schedule 3 threshold for the offence is met: required when the "
        "offence has a threshold (never assumed).",
    )
    disposal = _choice(DisposalChoice.choices, "disposal")
    terms = serializers.ListField(
        child=TermInputSerializer(),
        required=False,
        default=list,
        max_length=MAX_TERMS,
        help_text="Each custodial term imposed, in months or weeks (custody and detention "
        "and training orders).",
    )
    indeterminate_sentence = serializers.BooleanField(
        default=False, help_text="Life or an indeterminate sentence (IPP)."
    )
    suspended = serializers.BooleanField(default=False)
    discharge_months = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=36,
        help_text="The length of a conditional discharge in months.",
    )

    def validate_relevant_date(self, value: date) -> date:
        if value > timezone.localdate():
            raise serializers.ValidationError(
                "The date of the conviction, finding or caution must be today or in the past"
            )
        nominal = self.context["nominal"]
        if value <= nominal.date_of_birth:
            raise serializers.ValidationError(
                "The date of the conviction, finding or caution must be after the date of "
                f"birth ({nominal.date_of_birth:{DAYS_FORMAT}})"
            )
        return value

    def validate_offence(self, value: str) -> Schedule3Offence:
        paragraph = value.strip().upper()
        offence = Schedule3Offence.objects.filter(paragraph=paragraph, in_use=True).first()
        if offence is None:
            raise serializers.ValidationError(
                f"“{value}” is not a paragraph of Schedule 3 in use: give the paragraph "
                "number, for example 13 or 24A"
            )
        return offence

    def validate(self, attrs):
        offence = attrs["offence"]
        if attrs["threshold_met"] is None:
            if offence.threshold:
                raise serializers.ValidationError(
                    {
                        "threshold_met": "This offence makes a person subject only if its "
                        f"threshold is met ({offence.threshold}): send threshold_met"
                    }
                )
            attrs["threshold_met"] = True
        disposal = attrs["disposal"]
        custodial = disposal in (DisposalChoice.CUSTODY, DisposalChoice.DTO)
        if custodial and not attrs["terms"] and not attrs["indeterminate_sentence"]:
            raise serializers.ValidationError(
                {
                    "terms": "Give the custodial term for custody or a detention and training "
                    "order (for life or IPP, send indeterminate_sentence: true)"
                }
            )
        if attrs["terms"] and not custodial:
            raise serializers.ValidationError(
                {
                    "terms": "A custodial term applies only to custody or a detention and "
                    "training order"
                }
            )
        if disposal == DisposalChoice.CONDITIONAL_DISCHARGE and not attrs["discharge_months"]:
            raise serializers.ValidationError(
                {"discharge_months": "Give the length of the conditional discharge in months"}
            )
        return attrs


# --- Notifications ------------------------------------------------------------------------------


class StationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Station
        fields = ["id", "name"]


class DetailItemSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class DetailSectionSerializer(serializers.Serializer):
    section = serializers.CharField()
    slug = serializers.CharField()
    items = DetailItemSerializer(many=True)
    changed = serializers.BooleanField(help_text="Notified as a change at this notification.")


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField(allow_blank=True, allow_null=True)
    new = serializers.CharField(allow_blank=True, allow_null=True)


class NotificationOutputSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:notification-detail", lookup_url_kwarg="notification_id"
    )
    nominal = serializers.IntegerField(source="nominal_id")
    change_types = serializers.ListField(child=serializers.ChoiceField(ChangeType.choices))
    station = StationSerializer()
    taken_by = PersonSerializer()
    details = DetailSectionSerializer(
        many=True, help_text="Every detail as it stood when notified, date of birth first."
    )
    changes = ChangeSerializer(many=True)
    on_time = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Whether it was made by its deadline; null when it had none.",
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "url",
            "nominal",
            "type",
            "change_types",
            "event_date",
            "in_advance",
            "station",
            "taken_by",
            "taken_at",
            "identity_confirmed",
            "fingerprints_taken",
            "photograph_taken",
            "details",
            "changes",
            "departure_date",
            "departure_point",
            "destinations",
            "carriers",
            "first_night_accommodation",
            "return_date",
            "return_point",
            "short_notice_reason",
            "amends",
            "deadline",
            "on_time",
            "verification_code",
        ]


TRAVEL_FIELDS = [
    "departure_date",
    "departure_point",
    "destinations",
    "carriers",
    "first_night_accommodation",
    "return_date",
    "return_point",
    "short_notice_reason",
    "amends",
]
TRAVEL_TYPES = (NotificationType.TRAVEL, NotificationType.TRAVEL_RETURN)


def _text(max_length: int, label: str) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", label=label
    )


class NotificationInputSerializer(serializers.Serializer):
    type = _choice(NotificationType.choices, "type of notification")
    change_types = serializers.ListField(
        child=_choice(ChangeType.choices, "type of change"),
        required=False,
        default=list,
        max_length=len(ChangeType.choices),
        help_text="What changed (a notification of a change only).",
    )
    event_date = _date(
        required=False,
        allow_null=True,
        default=None,
        help_text="The date of the change, or the expected date when notified in advance "
        "(for a non-occurrence, the date the change was expected).",
    )
    in_advance = serializers.BooleanField(
        default=False, help_text="A change notified before it happens (s.84)."
    )
    station = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The police station where the notification was made: one of the force's "
        "stations in use.",
    )
    identity_confirmed = serializers.BooleanField(default=False)
    fingerprints_taken = serializers.BooleanField(default=False)
    photograph_taken = serializers.BooleanField(default=False)
    departure_date = _date(required=False, allow_null=True, default=None)
    departure_point = _text(200, "Point of departure")
    destinations = _text(2000, "Countries and points of arrival")
    carriers = _text(300, "Carriers")
    first_night_accommodation = _text(300, "Accommodation for the first night")
    return_date = _date(required=False, allow_null=True, default=None)
    return_point = _text(200, "Point of arrival on return")
    amends = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**31 - 1,
        help_text="A change to a trip already notified: the id of that travel notification "
        "(its departure today or later). Due 24 hours before departure.",
    )
    short_notice_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        label="Why 7 days' notice was not reasonably practicable",
        help_text="Only for travel notified less than 7 days before departure. With a reason "
        "the notification is due 24 hours before departure; without one it is late.",
    )

    def validate_change_types(self, value: list[str]) -> list[str]:
        # Keep the order given, once each.
        return list(dict.fromkeys(value))

    def validate_station(self, value: int) -> Station:
        station = Station.objects.filter(
            pk=value, force_id=self.context["nominal"].force_id, in_use=True
        ).first()
        if station is None:
            raise serializers.ValidationError(
                f"There is no station {value} in use in this force: give the id of one of "
                "the force's stations"
            )
        return station

    def validate(self, attrs):
        kind = attrs["type"]
        errors = {}
        if kind == NotificationType.CHANGE:
            errors.update(self._change_errors(attrs))
        elif attrs["change_types"]:
            errors["change_types"] = "Types of change apply only to a notification of a change"
        elif attrs["in_advance"]:
            errors["in_advance"] = "Only a change can be notified in advance"
        if kind == NotificationType.NON_OCCURRENCE and attrs["event_date"] is None:
            errors["event_date"] = "Give the date the change was expected"
        if kind in TRAVEL_TYPES:
            errors.update(self._travel_errors(attrs))
        else:
            given = [name for name in TRAVEL_FIELDS if attrs[name]]
            for name in given:
                errors[name] = "Travel details apply only to foreign travel and return"
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    @staticmethod
    def _change_errors(attrs) -> dict[str, str]:
        errors = {}
        if not attrs["change_types"]:
            errors["change_types"] = "Say what changed: give at least one type of change"
        event = attrs["event_date"]
        if event is None:
            errors["event_date"] = (
                "Give the date of the change (or the expected date, if notified in advance)"
            )
        elif event > timezone.localdate() and not attrs["in_advance"]:
            errors["event_date"] = (
                "The date of the change is in the future: send in_advance: true for a change "
                "notified before it happens"
            )
        elif event <= timezone.localdate() and attrs["in_advance"]:
            errors["event_date"] = (
                "A change notified in advance has an expected date after today; for a change "
                "that has happened, send in_advance: false"
            )
        return errors

    def _travel_errors(self, attrs) -> dict[str, str]:
        errors = {}
        departure, back = attrs["departure_date"], attrs["return_date"]
        if attrs["amends"] is not None:
            trip = trips_to_change(self.context["nominal"]).filter(pk=attrs["amends"]).first()
            if attrs["type"] != NotificationType.TRAVEL:
                errors["amends"] = "Only a travel notification changes a trip"
            elif trip is None:
                errors["amends"] = (
                    f"There is no trip {attrs['amends']} of this person still to begin: give "
                    "the id of one of their travel notifications whose departure is today or later"
                )
            attrs["amends"] = trip
        if attrs["type"] == NotificationType.TRAVEL and departure is None:
            errors["departure_date"] = "Give the date of departure"
        if attrs["type"] == NotificationType.TRAVEL_RETURN and back is None:
            errors["return_date"] = "Give the date of return"
        if departure and back and back < departure:
            errors["return_date"] = (
                f"The date of return must be on or after the date of departure "
                f"({departure:{DAYS_FORMAT}})"
            )
        reason = attrs["short_notice_reason"]
        if reason and attrs["type"] != NotificationType.TRAVEL:
            errors["short_notice_reason"] = "A reason for short notice applies only to travel"
        elif problem := short_notice_problem(departure, reason, amends=attrs["amends"]):
            errors["short_notice_reason"] = problem
        return errors


# --- The clock ----------------------------------------------------------------------------------


class DeadlineSerializer(serializers.Serializer):
    label = serializers.CharField()
    due = serializers.DateField(allow_null=True, help_text="Null while the duty waits.")
    why = serializers.CharField()


class ClockOutputSerializer(serializers.Serializer):
    """The clock for case readers. The front desk gets FrontDeskClockSerializer: no reasons
    that reveal the sentence, no review dates."""

    nominal = serializers.IntegerField(source="nominal_id")
    subject = serializers.BooleanField(help_text="Subject to the notification requirements today.")
    indefinite = serializers.BooleanField()
    last_day = serializers.DateField(allow_null=True)
    requirement_why = serializers.CharField()
    next_periodic_due = serializers.DateField(allow_null=True)
    next_due = serializers.DateField(allow_null=True, help_text="The nearest deadline.")
    next_due_label = serializers.CharField()
    status = serializers.ChoiceField(
        choices=[(s.value, s.value) for s in rules.ClockStatus],
        allow_null=True,
        help_text="The nearest deadline today: up to date, due soon (within the force's "
        "warning days) or overdue; null when nothing is due.",
    )
    due_soon_days = serializers.IntegerField()
    checked_on = serializers.DateField()
    deadlines = DeadlineSerializer(many=True)
    review_statutory_date = serializers.DateField(allow_null=True)
    review_policy_date = serializers.DateField(allow_null=True)
    review_why = serializers.CharField()
    computed_on = serializers.DateField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    """The one error shape every endpoint answers with."""

    message = serializers.CharField()
    errors = serializers.DictField(
        help_text="Lists of messages by the name of the field (or header) they are about.",
    )


class FrontDeskClockSerializer(ClockOutputSerializer):
    requirement_why = None
    review_statutory_date = None
    review_policy_date = None
    review_why = None
