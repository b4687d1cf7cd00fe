"""Compliance endpoints: a vehicle's checklist and uploads, a document's download and decisions.

Every one follows the write order: 404 (the vehicle or document through the caller's scope) →
403 (role) → 400 (input) → the service (locked write) → the response from what it returned.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.api.serializers import (
    ComplianceBlockSerializer,
    DecisionSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    RejectionSerializer,
)
from compliance.roles import is_compliance, submitter_role
from compliance.selectors.documents import document_get, document_type_get
from compliance.selectors.readiness import readiness_for_vehicle
from compliance.services import documents as services
from core import clock
from core.api.views import ScopedAPIMixin
from core.errors import NotFound, PermissionDenied
from core.scoping import scoped
from core.storage import private_file_response
from importorders.api.vehicles import VIN_PARAMETER
from importorders.models import Shipment
from importorders.selectors.vehicles import vehicle_get

DOCUMENT_PARAMETER = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="The document version's id."
)


class VehicleComplianceView(ScopedAPIMixin, APIView):
    """`GET vehicles/{vin}/compliance/`: the vehicle's readiness checklist."""

    serializer_class = ComplianceBlockSerializer

    @extend_schema(
        summary="The vehicle's compliance checklist: each requirement's state and who acts next",
        parameters=[VIN_PARAMETER],
        responses={200: ComplianceBlockSerializer},
    )
    def get(self, request, vin: str):
        vehicle = vehicle_get(caller=self.caller, vin=vin)
        readiness = readiness_for_vehicle(vehicle=vehicle, today=clock.today_jst())
        return Response(ComplianceBlockSerializer(readiness).data)


class VehicleDocumentsView(ScopedAPIMixin, APIView):
    """`POST vehicles/{vin}/documents/`: upload a new version of one of the vehicle's documents."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = DocumentUploadSerializer

    @extend_schema(
        summary="Upload a document for the vehicle (multipart); a new upload supersedes the current version",
        description="The file is recognised by its content (PDF, JPEG, PNG), never its name. 400 "
        "`file_empty`, `file_too_large`, `file_kind_unknown`, `file_kind_not_accepted`, `file_truncated`, "
        "`file_polyglot`, `file_active_content` (a PDF with JavaScript or launch actions), "
        "`image_too_large`, `image_unreadable`, `document_type_target` (the type belongs to a model year "
        "or a shipment); 403 "
        "`submitter_not_allowed`; 409 `duplicate_file` (the same bytes already uploaded for this document). "
        "A refused upload stores nothing.",
        parameters=[VIN_PARAMETER],
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={
            201: DocumentSerializer,
            409: OpenApiResponse(description="The same file was uploaded already."),
        },
    )
    def post(self, request, vin: str):
        caller = self.caller
        vehicle = vehicle_get(caller=caller, vin=vin)
        role = submitter_role(caller)
        if role is None:
            raise PermissionDenied()
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        document_type = document_type_get(caller=caller, code=data["document_type"])
        upload = data["file"]
        document = services.document_upload(
            document_type=document_type,
            actor=caller.actor,
            submitter=role,
            content=upload,
            original_name=upload.name or "",
            vehicle=vehicle,
            issued_on=data.get("issued_on"),
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


SHIPMENT_REFERENCE_PARAMETER = OpenApiParameter(
    "reference",
    str,
    OpenApiParameter.PATH,
    description="The shipment's reference (as partner/shipments/ lists it).",
)


class PartnerShipmentDocumentsView(ScopedAPIMixin, APIView):
    """`POST partner/shipments/{reference}/documents/`: a partner uploads a document of its own shipment."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = DocumentUploadSerializer

    @extend_schema(
        summary="Upload a document for one of your shipments (partner keys; multipart)",
        description="A bill of lading, export declaration or permit of the shipment; a new upload "
        "supersedes the current version. Any caller but a partner key is 403 (whatever the reference); "
        "another partner's shipment answers 404 like an unknown reference. The same checks as vehicle "
        "uploads: 400 "
        "`file_empty`, `file_too_large`, `file_kind_unknown`, `file_kind_not_accepted`, `file_truncated`, "
        "`file_polyglot`, `file_active_content`, `image_too_large`, `image_unreadable`, "
        "`document_type_unknown`, `document_type_target` (the type belongs to a vehicle or a model year); "
        "403 `submitter_not_allowed`, `sandbox_key_not_allowed` (a sandbox key); 409 `duplicate_file`. "
        "A refused upload stores nothing.",
        parameters=[SHIPMENT_REFERENCE_PARAMETER],
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={
            201: DocumentSerializer,
            409: OpenApiResponse(description="The same file was uploaded already."),
        },
        tags=["partner"],
    )
    def post(self, request, reference: str):
        caller = self.caller
        # Only partners upload here; the answer to anyone else is the same for every reference.
        if not caller.is_partner:
            raise PermissionDenied()
        if caller.sandbox:
            # A sandbox rehearses events only: nothing of it reaches the back office's review queue.
            raise PermissionDenied(
                _("A sandbox key cannot upload documents; use a live key."), code="sandbox_key_not_allowed"
            )
        shipment = scoped(Shipment, caller).filter(reference=reference).first()
        if shipment is None:
            raise NotFound()
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        document_type = document_type_get(caller=caller, code=data["document_type"])
        upload = data["file"]
        document = services.document_upload(
            document_type=document_type,
            actor=caller.actor,
            submitter="partner",
            content=upload,
            original_name=upload.name or "",
            shipment=shipment,
            issued_on=data.get("issued_on"),
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDownloadView(ScopedAPIMixin, APIView):
    """`GET documents/{id}/download/`: the file, as an attachment, to those who may see the document."""

    serializer_class = DocumentSerializer

    @extend_schema(
        summary="Download a document version (attachment; never rendered in the browser)",
        parameters=[DOCUMENT_PARAMETER],
        responses={(200, "application/octet-stream"): OpenApiResponse(description="The file's bytes.")},
    )
    def get(self, request, pk: int):
        document = document_get(caller=self.caller, pk=pk)
        return private_file_response(
            key=document.storage_key, kind=document.file_kind, download_name=document.download_name
        )


class _DecisionView(ScopedAPIMixin, APIView):
    body = DecisionSerializer
    serializer_class = DocumentSerializer

    def decide(self, document, actor, reason):  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, pk: int):
        caller = self.caller
        document = document_get(caller=caller, pk=pk)
        if not is_compliance(caller):
            raise PermissionDenied()
        serializer = self.body(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = self.decide(document, caller.actor, serializer.validated_data.get("reason", ""))
        return Response(DocumentSerializer(decided).data)


class DocumentApproveView(_DecisionView):
    """`POST documents/{id}/approve/` (compliance staff)."""

    @extend_schema(
        summary="Approve the current version of a document (compliance); a repeat returns it",
        description="409 `superseded` (a newer version exists) or `already_decided` (it was rejected). "
        "When it completes the file of a cleared order, the order is released.",
        parameters=[DOCUMENT_PARAMETER],
        request=DecisionSerializer,
        responses={
            200: DocumentSerializer,
            409: OpenApiResponse(description="Superseded or already decided."),
        },
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def decide(self, document, actor, reason):
        return services.document_approve(document=document, actor=actor, reason=reason)


class DocumentRejectView(_DecisionView):
    """`POST documents/{id}/reject/` (compliance staff), with the reason the dealer reads."""

    body = RejectionSerializer

    @extend_schema(
        summary="Reject the current version of a document with a reason (compliance)",
        description="The reason is kept as written and shown to the dealer. 409 `superseded` or "
        "`already_decided`.",
        parameters=[DOCUMENT_PARAMETER],
        request=RejectionSerializer,
        responses={
            200: DocumentSerializer,
            409: OpenApiResponse(description="Superseded or already decided."),
        },
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def decide(self, document, actor, reason):
        return services.document_reject(document=document, actor=actor, reason=reason)
