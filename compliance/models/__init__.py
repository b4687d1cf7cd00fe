"""Compliance models: the rule as data (reference), documents and their reviews."""

from compliance.models.documents import (
    DeadlineNotice,
    Document,
    DocumentReview,
    DocumentStatus,
    ReviewDecision,
)
from compliance.models.reference import (
    GATEABLE_STATUSES,
    DocumentTarget,
    DocumentType,
    ReminderOffset,
    Requirement,
    ValidityUnit,
)

__all__ = [
    "GATEABLE_STATUSES",
    "DeadlineNotice",
    "Document",
    "DocumentReview",
    "DocumentStatus",
    "DocumentTarget",
    "DocumentType",
    "ReminderOffset",
    "Requirement",
    "ReviewDecision",
    "ValidityUnit",
]
