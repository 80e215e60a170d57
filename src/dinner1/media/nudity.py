"""Nudity detection with NudeNet's ONNX detector, which ships inside the `nudenet` wheel.

The model file (`320n.onnx`, 12 MB, a YOLOv8n trained on 18 body-part classes) is read from
the installed package; nothing is downloaded, ever. It is loaded once, on first use, in a
child process (see `nudenet_process`); async code waits for it from a worker thread.

Thresholds (scores are the detector's per-box confidence):
- **explicit** — an exposed genital, anus, female breast or buttocks at 0.60 or more:
  refused for profiles. Confident true detections of this detector sit above 0.6.
- **borderline** — an exposed part between 0.45 and 0.60, or a covered intimate part
  (underwear, swimwear) at 0.50 or more: queued for a human. Benign generated scenes and
  skin-toned shapes drew "exposed buttocks" boxes at 0.35-0.41, so the review floor sits
  above them to keep the queue for real doubts.
- **safe** — anything else. Faces, feet, armpits, bellies and bare male chests are not
  policy violations on a dating profile and are ignored.
These are starting points: tune them on the review queue's decisions.
"""

from __future__ import annotations

import asyncio
import atexit
import io
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from PIL import Image

from dinner1.media.errors import ImageRejected
from dinner1.media.images import DECODER_FAILURES
from dinner1.media.nudenet_process import NudeNetProcess

if TYPE_CHECKING:
    from numpy.typing import NDArray

Verdict = Literal["safe", "borderline", "explicit"]

EXPOSED_LABELS = frozenset(
    {
        "FEMALE_GENITALIA_EXPOSED",
        "MALE_GENITALIA_EXPOSED",
        "ANUS_EXPOSED",
        "FEMALE_BREAST_EXPOSED",
        "BUTTOCKS_EXPOSED",
    }
)
COVERED_LABELS = frozenset(
    {"FEMALE_GENITALIA_COVERED", "ANUS_COVERED", "FEMALE_BREAST_COVERED", "BUTTOCKS_COVERED"}
)
EXPLICIT_MIN_SCORE = 0.60
EXPOSED_REVIEW_MIN_SCORE = 0.45
COVERED_REVIEW_MIN_SCORE = 0.50
# The detector letterboxes to 320×320 with a bilinear shrink, which aliases from 1600
# pixels; a 640-pixel copy made with a proper filter first avoids that.
DETECTION_EDGE = 640
# Callers pass normalized photos (1600 px); anything far larger was not normalized.
MAX_ASSESSED_PIXELS = 4 * 1600 * 1600
ASSESSED_FORMATS = ("WEBP", "JPEG", "PNG", "AVIF")


@dataclass(frozen=True)
class Detection:
    """One box the detector found: its label and confidence."""

    label: str
    score: float


@dataclass(frozen=True)
class NudityAssessment:
    """The verdict, the highest score among watched labels, and the labels that decided it."""

    verdict: Verdict
    score: float
    detected_labels: tuple[str, ...]
    elapsed_ms: float = 0.0


_detector_process: NudeNetProcess | None = None
_detector_lock = threading.Lock()


def detector_process() -> NudeNetProcess:
    """The shared detector child, created on first use (it starts on the first call)."""
    global _detector_process
    with _detector_lock:
        if _detector_process is None:
            _detector_process = NudeNetProcess()
            atexit.register(_detector_process.close)
        return _detector_process


def classify_detections(detections: Iterable[Detection]) -> NudityAssessment:
    """Apply the thresholds to detector output."""
    watched = [d for d in detections if d.label in EXPOSED_LABELS | COVERED_LABELS]
    explicit = [d for d in watched if d.label in EXPOSED_LABELS and d.score >= EXPLICIT_MIN_SCORE]
    doubtful = [
        d
        for d in watched
        if (d.label in EXPOSED_LABELS and d.score >= EXPOSED_REVIEW_MIN_SCORE)
        or (d.label in COVERED_LABELS and d.score >= COVERED_REVIEW_MIN_SCORE)
    ]
    verdict: Verdict = "explicit" if explicit else "borderline" if doubtful else "safe"
    deciding = explicit or doubtful
    return NudityAssessment(
        verdict=verdict,
        score=round(max((d.score for d in watched), default=0.0), 4),
        detected_labels=labels_by_score(deciding),
    )


def labels_by_score(detections: Sequence[Detection]) -> tuple[str, ...]:
    """Distinct labels, most confident first."""
    ordered = sorted(detections, key=lambda d: d.score, reverse=True)
    return tuple(dict.fromkeys(d.label for d in ordered))


def assess_nudity(image_bytes: bytes) -> NudityAssessment:
    """Run the detector on a normalized photo and classify what it finds."""
    started = time.perf_counter()
    pixels = decode_for_detection(image_bytes)
    found = detector_process().detect(pixels)
    assessment = classify_detections(Detection(label, score) for label, score in found)
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    return NudityAssessment(
        assessment.verdict, assessment.score, assessment.detected_labels, elapsed_ms
    )


async def assess_nudity_async(image_bytes: bytes) -> NudityAssessment:
    """`assess_nudity` in a worker thread, so the event loop keeps serving."""
    return await asyncio.to_thread(assess_nudity, image_bytes)


def decode_for_detection(image_bytes: bytes) -> NDArray[np.uint8]:
    """Decode with Pillow (never OpenCV on untrusted bytes) into the BGR array NudeNet expects."""
    try:
        decoded = Image.open(io.BytesIO(image_bytes), formats=ASSESSED_FORMATS)
        if decoded.width * decoded.height > MAX_ASSESSED_PIXELS:
            raise ImageRejected("too_many_pixels", "Assess the normalized photo, not the upload.")
        image = decoded.convert("RGB")
    except Image.DecompressionBombError as error:
        raise ImageRejected("decompression_bomb", "The photo to assess is a bomb.") from error
    except DECODER_FAILURES as error:
        raise ImageRejected("corrupt", "The photo to assess could not be decoded.") from error
    image.thumbnail((DETECTION_EDGE, DETECTION_EDGE), Image.Resampling.LANCZOS)
    # NudeNet's own path decodes bytes with OpenCV, which yields BGR; match it exactly.
    return np.ascontiguousarray(np.asarray(image, dtype=np.uint8)[:, :, ::-1])
