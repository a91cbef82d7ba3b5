"""The nominal API: the same access, 404s and audit as the pages."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from cases import audit, services
from cases.access import access_case
from cases.models import AuditAction, Nominal, NominalStatus, Role
from cases.serializers import (
    NominalCreateSerializer,
    NominalInputSerializer,
    NominalOutputSerializer,
)
from cases.views.nominal import possible_duplicates


class WorksCases(permissions.BasePermission):
    """Offender managers, supervisors and MAPPA chairs; object access is decided per case."""

    message = "Your role does not give you access to cases"

    def has_permission(self, request, view):
        user = request.user
        if not user.has_role(Role.OFFENDER_MANAGER, Role.SUPERVISOR, Role.MAPPA_CHAIR):
            return False
        if request.method == "POST":
            return user.has_perm("cases.add_nominal")
        return True


class NominalFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Name, other name or reference")
    status = django_filters.MultipleChoiceFilter(choices=NominalStatus.choices)
    offender_manager = django_filters.NumberFilter(field_name="offender_manager_id")
    date_of_birth = django_filters.DateFilter()

    class Meta:
        model = Nominal
        fields = ["q", "status", "offender_manager", "date_of_birth", "mappa_level"]

    def search(self, queryset, name, value):
        return queryset.search(value)


class NominalListCreate(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, WorksCases]
    serializer_class = NominalOutputSerializer
    filterset_class = NominalFilter

    def get_queryset(self):
        return (
            Nominal.objects.visible_to(self.request.user)
            .select_related("offender_manager", "team")
            .order_by("surname", "forenames", "pk")
        )

    @extend_schema(responses=NominalOutputSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            description=f"API: list of {len(page)} cases",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=NominalCreateSerializer, responses={201: NominalOutputSerializer})
    def post(self, request):
        given = NominalCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        confirmed = data.pop("confirm_not_duplicate")
        duplicates = possible_duplicates(request.user, _duplicate_query(data))
        if duplicates and not confirmed:
            refs = ", ".join(n.reference for n in duplicates)
            raise ValidationError(
                {
                    "confirm_not_duplicate": [
                        f"Possible duplicates: {refs}. "
                        "Check them, then send confirm_not_duplicate: true"
                    ]
                }
            )
        nominal = _write(services.nominal_create, acting_user=request.user, data=data)
        body = NominalOutputSerializer(nominal, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class NominalDetail(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, WorksCases]
    serializer_class = NominalOutputSerializer

    @extend_schema(responses=NominalOutputSerializer)
    def get(self, request, pk):
        nominal = access_case(request.user, pk)
        audit.record(
            actor=request.user, action=AuditAction.VIEW, obj=nominal, description="API: case"
        )
        return Response(self.get_serializer(nominal).data)

    @extend_schema(request=NominalInputSerializer, responses=NominalOutputSerializer)
    def put(self, request, pk):
        return self._update(request, pk, partial=False)

    @extend_schema(request=NominalInputSerializer, responses=NominalOutputSerializer)
    def patch(self, request, pk):
        return self._update(request, pk, partial=True)

    def _update(self, request, pk, *, partial):
        nominal = access_case(request.user, pk, write=True)
        given = NominalInputSerializer(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        _write(
            services.nominal_update,
            acting_user=request.user,
            nominal=nominal,
            data=given.validated_data,
        )
        return Response(self.get_serializer(access_case(request.user, pk)).data)


def _write(service, **kwargs):
    """Model validation errors from a service answer 400 in the API's error shape."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        errors = getattr(exc, "message_dict", {"non_field_errors": exc.messages})
        raise ValidationError(errors) from exc


def _duplicate_query(data) -> dict:
    dob = data["date_of_birth"]
    return {
        "forenames": data["forenames"],
        "surname": data["surname"],
        "date_of_birth_0": dob.day,
        "date_of_birth_1": dob.month,
        "date_of_birth_2": dob.year,
    }
