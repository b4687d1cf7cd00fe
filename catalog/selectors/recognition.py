"""Where a model stands under the US-vehicle recognition rule: THE rule every page, endpoint and quote uses.

- recognised (`VehicleModel.is_recognised`): ordered and delivered;
- not submitted or under review: **subject to approval** (認定取得前・条件付き): orders are taken,
  delivery waits for the recognition;
- withdrawn: cannot be ordered (the build-validity engine refuses it with `model_withdrawn`).
"""

from __future__ import annotations

from catalog.models import RecognitionStatus

SUBJECT_TO_APPROVAL = frozenset({RecognitionStatus.NOT_SUBMITTED, RecognitionStatus.UNDER_REVIEW})


def is_subject_to_approval(recognition_status: str) -> bool:
    """Whether a model with this recognition status is ordered subject to approval."""
    return recognition_status in SUBJECT_TO_APPROVAL


def is_withdrawn(recognition_status: str) -> bool:
    """Whether the model's recognition was withdrawn: it cannot be ordered."""
    return recognition_status == RecognitionStatus.WITHDRAWN
