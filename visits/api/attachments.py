"""Recording visits and their photos and recordings over the API: the same access, checks, 404s
and audit as the pages. Outsiders get 404 for a visit or a file they cannot see."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cases import audit
from cases.access import access_case
from cases.models import CASE_ROLES, AuditAction, Nominal
from visits.models import Visit, VisitAttachment
from visits.serializers_recording import (
    AttachmentInputSerializer,
    AttachmentOutputSerializer,
    VisitRecordInputSerializer,
    VisitRecordNewInputSerializer,
    VisitRecordOutputSerializer,
)
from visits.services import recording
from visits.services.recording import DraftConflict
from visits.views.recording import attachment_response

ERRORS = {
    400: OpenApiResponse(description="The request has errors: {message, errors}"),
    403: OpenApiResponse(description="Your role or access does not allow this"),
    404: OpenApiResponse(description="No such case, visit or file that you can see"),
}
CONFLICT = {
    409: OpenApiResponse(description="The visit was changed elsewhere after this version"),
}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The visit was changed elsewhere."
    default_code = "conflict"


class CaseWorkers(permissions.BasePermission):
    """Deny by default: people who work cases; which cases they reach is decided per case."""

    message = "Your role does not give you access to visits"

    def has_permission(self, request, view):
        return request.user.has_role(*CASE_ROLES)


class AnyAccept(BaseContentNegotiation):
    """Files answer whatever the client accepts (a browser asks for image/*); errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class VisitView(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated, CaseWorkers]
    filter_backends: list = []


def visit_for(request, visit_id: int, *, write: bool = False) -> tuple[Visit, Nominal]:
    """The visit and its case, with the case's access rules (404 to outsiders)."""
    held = Visit.objects.only("pk", "nominal_id", "client_key").filter(pk=visit_id).first()
    if held is None:
        raise Http404("No visit found")
    nominal = access_case(request.user, held.nominal_id, write=write)
    return held, nominal


def _recorded(visit_id: int) -> Visit:
    return (
        Visit.objects.select_related("address", "recorded_by")
        .prefetch_related("attachments")
        .get(pk=visit_id)
    )


def _record(serializer_class, request, run):
    given = serializer_class(data=request.data)
    given.is_valid(raise_exception=True)
    data = dict(given.validated_data)
    version = data.pop("draft_version", None)
    try:
        visit, created = run(data, version)
    except DraftConflict as conflict:
        raise Conflict(str(conflict)) from None
    return visit, created


def _service_data(data: dict, nominal: Nominal) -> dict:
    """Serializer output in the service's terms (the address as one of the person's)."""
    values = {k: v for k, v in data.items() if k != "client_key"}
    if "address" in values:
        pk = values["address"]
        values["address"] = None
        if pk is not None:
            values["address"] = nominal.addresses.filter(pk=pk).first()
            if values["address"] is None:
                raise Http404("No such address for this person")
    if "observations" in values:
        values["observations"] = [dict(o) for o in values["observations"]]
    return values


class VisitRecord(VisitView):
    serializer_class = VisitRecordOutputSerializer
    pagination_class = None

    @extend_schema(
        request=VisitRecordInputSerializer,
        responses={200: VisitRecordOutputSerializer, **ERRORS, **CONFLICT},
        description="Record the visit or failed attempt. Sending it again (a retry) returns the "
        "visit as recorded the first time, unchanged.",
    )
    def post(self, request, visit_id):
        held, nominal = visit_for(request, visit_id, write=True)

        def run(data, version):
            key = data.get("client_key")
            if key is not None and key != held.client_key:
                raise ValidationError({"client_key": ["This client key is for another visit"]})
            return recording.visit_record(
                acting_user=request.user,
                visit=held,
                data=_service_data(data, nominal),
                version=version,
            )

        visit, _ = _record(VisitRecordInputSerializer, request, run)
        return Response(VisitRecordOutputSerializer(_recorded(visit.pk)).data)


class NominalVisitRecord(VisitView):
    serializer_class = VisitRecordOutputSerializer
    pagination_class = None

    @extend_schema(
        request=VisitRecordNewInputSerializer,
        responses={201: VisitRecordOutputSerializer, 200: VisitRecordOutputSerializer, **ERRORS},
        description="Record a visit that was not planned, in one step. The same client_key "
        "again returns the visit already recorded, with 200.",
    )
    def post(self, request, pk):
        nominal = access_case(request.user, pk, write=True)

        def run(data, version):
            return recording.visit_record_new(
                acting_user=request.user,
                nominal=nominal,
                client_key=data["client_key"],
                data=_service_data(data, nominal),
            )

        visit, created = _record(VisitRecordNewInputSerializer, request, run)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(VisitRecordOutputSerializer(_recorded(visit.pk)).data, status=code)


class VisitAttachmentListCreate(VisitView):
    serializer_class = AttachmentOutputSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: AttachmentOutputSerializer(many=True), **ERRORS})
    def get(self, request, visit_id):
        held, nominal = visit_for(request, visit_id)
        rows = VisitAttachment.objects.filter(visit=held).select_related("uploaded_by")
        page = self.paginate_queryset(rows.order_by("uploaded_at", "pk"))
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=held,
            nominal_id=nominal.pk,
            description=f"API: visit photos and recordings ({len(page)})",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentOutputSerializer, 200: AttachmentOutputSerializer, **ERRORS},
        description="Add a photo or recording. The declared type is checked against the file's "
        "first bytes; the same file again returns the one already kept, with 200.",
    )
    def post(self, request, visit_id):
        held, _ = visit_for(request, visit_id, write=True)
        given = AttachmentInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        visit = Visit.objects.get(pk=held.pk)
        attachment, created = recording.attachment_add(
            acting_user=request.user,
            visit=visit,
            upload=given.validated_data["file"],
            caption=given.validated_data.get("caption", ""),
        )
        body = self.get_serializer(attachment).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class VisitAttachmentFile(VisitView):
    serializer_class = AttachmentOutputSerializer
    content_negotiation_class = AnyAccept

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS},
        description="The file itself, with its content type; never cached. Each fetch is "
        "recorded in the audit trail.",
    )
    def get(self, request, visit_id, attachment_id):
        held, nominal = visit_for(request, visit_id)
        attachments = VisitAttachment.objects.filter(visit=held, pk=attachment_id)
        found = attachments.select_related("visit").first()
        if found is None:
            raise Http404("No photo or recording found")
        return attachment_response(request, found, nominal.pk)
