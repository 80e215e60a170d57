"""Errors of the image pipeline: refusals with a stable reason code, an unavailable detector."""

from __future__ import annotations

from typing import Literal

from dinner1.core.errors import AppError, ServiceUnavailable
from dinner1.core.text import N_

RejectionCode = Literal[
    "not_an_image",
    "unsupported_format",
    "too_large",
    "too_many_pixels",
    "decompression_bomb",
    "corrupt",
    "polyglot",
    "explicit",
]


class ImageRejected(AppError):
    """An upload that is not an acceptable photo; `code` is stable for clients and metrics."""

    status = 422
    slug = "image-rejected"
    title = N_("The image was rejected")

    def __init__(self, code: RejectionCode, message: str) -> None:
        super().__init__(message, reason=code)
        self.code: RejectionCode = code


class NudityCheckUnavailable(ServiceUnavailable):
    """The nudity detector could not give a verdict; hold the photo for human review."""

    slug = "nudity-check-unavailable"
    title = N_("The photo could not be checked right now")
