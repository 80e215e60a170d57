"""Image pipeline: validate uploads, strip metadata, blur, fingerprint, detect nudity."""

from dinner1.media.errors import ImageRejected, NudityCheckUnavailable, RejectionCode
from dinner1.media.hashing import PhotoFingerprint, fingerprint_photo, is_same_photo
from dinner1.media.images import (
    EncodedImage,
    ProcessedImage,
    process_upload,
    process_upload_async,
)
from dinner1.media.nudity import NudityAssessment, assess_nudity, assess_nudity_async

__all__ = [
    "EncodedImage",
    "ImageRejected",
    "NudityAssessment",
    "NudityCheckUnavailable",
    "PhotoFingerprint",
    "ProcessedImage",
    "RejectionCode",
    "assess_nudity",
    "assess_nudity_async",
    "fingerprint_photo",
    "is_same_photo",
    "process_upload",
    "process_upload_async",
]
