"""The compliance API's shapes: documents, the readiness checklist (also the `compliance` block of
`GET vehicles/{vin}/`), uploads and decisions."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.serializers import CodeNameSerializer
from compliance.models import GATEABLE_STATUSES, Document, DocumentStatus, DocumentTarget
from compliance.selectors.readiness import STATE_LABELS, readiness_of
from core.storage import FILE_KINDS

NEXT_ACTORS = ["dealer", "operations", "compliance", "partner", "system"]


class ActorSerializer(serializers.Serializer):
    kind = serializers.CharField(source="actor_kind")
    name = serializers.CharField(source="actor_label")


class DocumentSerializer(serializers.ModelSerializer):
    """One version of a document: what it is, its file's facts, who uploaded it, its review state."""

    document_type = CodeNameSerializer()
    belongs_to = serializers.SerializerMethodField()
    uploaded_at = serializers.DateTimeField(source="created_at")
    uploaded_by = ActorSerializer(source="*")
    download = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "document_type",
            "belongs_to",
            "version",
            "is_current",
            "status",
            "file_kind",
            "size",
            "sha256",
            "original_name",
            "issued_on",
            "valid_until",
            "uploaded_at",
            "uploaded_by",
            "decided_at",
            "download",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(
            choices=[DocumentTarget.VEHICLE, DocumentTarget.MODEL_YEAR, DocumentTarget.SHIPMENT]
        )
    )
    def get_belongs_to(self, document) -> str:
        if document.vehicle_id:
            return DocumentTarget.VEHICLE
        if document.shipment_id:
            return DocumentTarget.SHIPMENT
        return DocumentTarget.MODEL_YEAR

    def get_download(self, document) -> str:
        """The API path that streams the file (as an attachment, to those who may see it)."""
        return reverse("api:document-download", kwargs={"pk": document.pk})


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    gate = serializers.CharField()
    message = serializers.CharField()
    next_actor = serializers.ChoiceField(choices=NEXT_ACTORS)


class ChecklistItemSerializer(serializers.Serializer):
    """One requirement of the file: its document type, the status it gates, its state, who acts next."""

    document_type = CodeNameSerializer()
    belongs_to = serializers.ChoiceField(source="document_type.target", choices=DocumentTarget.choices)
    needed_before = serializers.ChoiceField(source="requirement.gates_status", choices=GATEABLE_STATUSES)
    state = serializers.ChoiceField(choices=list(STATE_LABELS))
    state_label = serializers.CharField(help_text="The state in the caller's language.")
    next_actor = serializers.ChoiceField(choices=NEXT_ACTORS, allow_null=True)
    blocks_release = serializers.BooleanField()
    accepted_kinds = serializers.ListField(
        source="document_type.accepted_kinds", child=serializers.ChoiceField(choices=FILE_KINDS)
    )
    dealer_may_submit = serializers.BooleanField(source="document_type.submit_dealer")
    document = DocumentSerializer(allow_null=True, help_text="The current version, if any.")
    rejection_reason = serializers.SerializerMethodField(
        help_text="The reviewer's reason, as written, when the current version was rejected."
    )

    def get_rejection_reason(self, item) -> str | None:
        return item.rejection.reason if item.rejection else None


class ComplianceBlockSerializer(serializers.Serializer):
    """The vehicle's compliance file: complete or not, why not, and every requirement."""

    complete = serializers.BooleanField(help_text="Nothing in the file holds the vehicle back from release.")
    model_recognised = serializers.BooleanField(help_text="The model is approved on its certification route.")
    route = CodeNameSerializer(source="vehicle.model_year.vehicle_model.certification_route")
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Requirements by state.")
    problems = ProblemSerializer(
        many=True, help_text="Why the vehicle is not ready, in the caller's language."
    )
    items = ChecklistItemSerializer(many=True)


def compliance_block(*, vehicle, caller, today):
    """The loader of the vehicle detail's `compliance` block (importorders.vehicle_blocks)."""
    return readiness_of(vehicle=vehicle, today=today)


class DocumentUploadSerializer(serializers.Serializer):
    """A multipart upload: the document type's code, the file, and the day it was issued."""

    document_type = serializers.CharField(
        max_length=40, help_text="A document type code that belongs to a vehicle."
    )
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="PDF, JPEG or PNG as the type accepts, recognised by its content; at most 10 MB.",
    )
    issued_on = serializers.DateField(
        required=False, help_text="The day the document was issued (validity runs from it); default today."
    )


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class RejectionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Shown to the dealer as written.")


__all__ = [
    "ComplianceBlockSerializer",
    "DecisionSerializer",
    "DocumentSerializer",
    "DocumentStatus",
    "DocumentUploadSerializer",
    "RejectionSerializer",
    "compliance_block",
]
