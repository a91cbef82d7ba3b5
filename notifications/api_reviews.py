"""The review API (ss.91A–91F): the supervisors' queue, and a person's reviews, with the same
access, 404s and audit as the pages. Input serializers check shape; the review services apply
the rules."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response

from cases import audit
from cases.access import access_case
from cases.models import CASE_ROLES, AuditAction, Role
from cases.serializers import PersonSerializer
from notifications import reviews
from notifications.models import IndefiniteReview

# --- Serializers --------------------------------------------------------------------------------


class ReviewQueueQuerySerializer(serializers.Serializer):
    stage = serializers.MultipleChoiceField(
        choices=reviews.QueueStage.choices,
        required=False,
        help_text="Only people at these stages (repeat the parameter for more than one).",
    )
    sort = serializers.ChoiceField(
        choices=[("policy", "Policy date, earliest first"), ("-policy", "Latest first")],
        required=False,
        default="policy",
    )


class EligibilityFields(serializers.Serializer):
    statutory_date = serializers.DateField(
        source="clock.review_statutory_date", allow_null=True, default=None
    )
    policy_date = serializers.DateField(
        source="clock.review_policy_date", allow_null=True, default=None
    )
    qualifying_date = serializers.DateField(allow_null=True)
    eligible = serializers.BooleanField(source="eligibility.eligible")
    reasons = serializers.ListField(
        child=serializers.CharField(),
        source="eligibility.reasons",
        help_text="Why the person may not apply now; empty when they may.",
    )
    queue_stage = serializers.ChoiceField(choices=reviews.QueueStage.choices, source="stage")


class ReviewQueueRowSerializer(EligibilityFields):
    id = serializers.IntegerField(source="nominal.pk")
    url = serializers.HyperlinkedRelatedField(
        source="nominal", view_name="api:nominal-detail", read_only=True
    )
    reference = serializers.CharField(source="nominal.reference")
    name = serializers.CharField(source="nominal.full_name")
    statutory_date = serializers.DateField(
        source="nominal.clock.review_statutory_date", allow_null=True
    )
    policy_date = serializers.DateField(source="nominal.clock.review_policy_date", allow_null=True)
    open_review = serializers.IntegerField(source="nominal.open_review_id", allow_null=True)
    decision_target = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    last_outcome = serializers.CharField(help_text="discharged, continued or empty")
    further_qualifying_date = serializers.DateField(allow_null=True)


class ReviewOutputSerializer(serializers.ModelSerializer):
    opened_by = PersonSerializer()
    decided_by = PersonSerializer(allow_null=True)

    class Meta:
        model = IndefiniteReview
        fields = [
            "id",
            "stage",
            "started_by_police",
            "application_received_on",
            "opened_on",
            "decision_target",
            "outcome",
            "determined_on",
            "reasons",
            "notice_posted_on",
            "notice_received_on",
            "requirements_end_on",
            "further_qualifying_date",
            "opened_by",
            "decided_by",
        ]


class NominalReviewsSerializer(EligibilityFields):
    indefinite = serializers.BooleanField()
    decision_target = serializers.DateField(
        source="open_review.decision_target", allow_null=True, default=None
    )
    overdue = serializers.BooleanField()
    reviews = ReviewOutputSerializer(many=True)


class ReviewOpenInputSerializer(serializers.Serializer):
    started_by_police = serializers.BooleanField(
        default=False, help_text="True when the police start the review without an application."
    )
    application_received_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The day the person's written application was received.",
    )

    def validate(self, data):
        received = data.get("application_received_on")
        if data["started_by_police"] and received:
            raise serializers.ValidationError(
                {
                    "application_received_on": "Leave this out when the police start the review: "
                    "there is no application"
                }
            )
        if not data["started_by_police"] and not received:
            raise serializers.ValidationError(
                {
                    "application_received_on": "Give the date the application was received, or "
                    "send started_by_police: true"
                }
            )
        return data


# --- Views --------------------------------------------------------------------------------------


class ReviewRoles(permissions.BasePermission):
    """Deny by default: the view names who may read and who may write; which people they reach
    is decided per case (404 to outsiders)."""

    message = "Your role does not give you access to indefinite reviews"

    def has_permission(self, request, view):
        user = request.user
        if request.method in permissions.SAFE_METHODS:
            return user.has_role(*view.read_roles)
        return user.has_perm(reviews.DECIDE_PERMISSION)


class ReviewQueue(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, ReviewRoles]
    read_roles = frozenset({Role.SUPERVISOR})
    serializer_class = ReviewQueueRowSerializer
    filter_backends: list = []  # the query serializer below filters and sorts

    @extend_schema(
        parameters=[ReviewQueueQuerySerializer],
        responses=ReviewQueueRowSerializer(many=True),
    )
    def get(self, request):
        query = ReviewQueueQuerySerializer(
            data={"stage": request.query_params.getlist("stage"), **_single(request, "sort")}
        )
        query.is_valid(raise_exception=True)
        on = timezone.localdate()
        rows = reviews.review_queue(request.user, on)
        if query.validated_data.get("stage"):
            rows = rows.filter(queue_stage__in=query.validated_data["stage"])
        page = self.paginate_queryset(reviews.queue_sorted(rows, query.validated_data["sort"]))
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            description=f"API: indefinite review queue ({len(page)} people)",
        )
        entries = [reviews.queue_row(n, on=on) for n in page]
        return self.get_paginated_response(self.get_serializer(entries, many=True).data)


class NominalReviews(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, ReviewRoles]
    read_roles = frozenset(CASE_ROLES)
    serializer_class = NominalReviewsSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(responses=NominalReviewsSerializer)
    def get(self, request, pk):
        nominal = access_case(request.user, pk)
        state = reviews.review_state(nominal, on=timezone.localdate())
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=nominal,
            description="API: indefinite reviews",
        )
        return Response(self.get_serializer(state).data)

    @extend_schema(
        request=ReviewOpenInputSerializer,
        responses={201: ReviewOutputSerializer, 200: ReviewOutputSerializer},
        description="Open a review. If one is already open it is returned with 200.",
    )
    def post(self, request, pk):
        nominal = access_case(request.user, pk, write=True)
        given = ReviewOpenInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        review, created = reviews.review_open(
            acting_user=request.user,
            nominal=nominal,
            application_received_on=given.validated_data["application_received_on"],
        )
        review = IndefiniteReview.objects.select_related("opened_by", "decided_by").get(
            pk=review.pk
        )
        return Response(
            ReviewOutputSerializer(review).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _single(request, name: str) -> dict:
    value = request.query_params.get(name)
    return {name: value} if value else {}
