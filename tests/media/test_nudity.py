"""Nudity verdicts: thresholds on stubbed detector output, and the real model, offline."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from dinner1.media import (
    ImageRejected,
    assess_nudity,
    assess_nudity_async,
    nudity,
    process_upload,
)
from dinner1.media.errors import NudityCheckUnavailable
from dinner1.media.nudenet_process import NudeNetProcess
from dinner1.media.nudenet_worker import forbid_network, nudenet_model_path
from dinner1.media.nudity import Detection, classify_detections, decode_for_detection
from tests.media.generated_images import encode, scene


@pytest.mark.parametrize(
    ("detections", "verdict"),
    [
        ([], "safe"),
        ([Detection("FACE_FEMALE", 0.95), Detection("FEET_EXPOSED", 0.9)], "safe"),
        ([Detection("MALE_BREAST_EXPOSED", 0.9), Detection("BELLY_EXPOSED", 0.8)], "safe"),
        ([Detection("BUTTOCKS_EXPOSED", 0.41)], "safe"),
        ([Detection("FEMALE_BREAST_COVERED", 0.49)], "safe"),
        ([Detection("BUTTOCKS_EXPOSED", 0.45)], "borderline"),
        ([Detection("FEMALE_GENITALIA_EXPOSED", 0.59)], "borderline"),
        ([Detection("FEMALE_BREAST_COVERED", 0.5)], "borderline"),
        ([Detection("BUTTOCKS_COVERED", 0.88)], "borderline"),
        ([Detection("FEMALE_BREAST_EXPOSED", 0.6)], "explicit"),
        ([Detection("MALE_GENITALIA_EXPOSED", 0.91)], "explicit"),
        ([Detection("ANUS_EXPOSED", 0.7), Detection("FEMALE_BREAST_COVERED", 0.9)], "explicit"),
    ],
)
def test_thresholds(detections: list[Detection], verdict: str) -> None:
    assert classify_detections(detections).verdict == verdict


def test_assessment_names_the_deciding_labels_most_confident_first() -> None:
    assessment = classify_detections(
        [
            Detection("FACE_MALE", 0.97),
            Detection("BUTTOCKS_EXPOSED", 0.62),
            Detection("FEMALE_BREAST_EXPOSED", 0.83),
            Detection("FEMALE_BREAST_EXPOSED", 0.7),
            Detection("BELLY_COVERED", 0.4),
        ]
    )
    assert assessment.verdict == "explicit"
    assert assessment.score == 0.83
    assert assessment.detected_labels == ("FEMALE_BREAST_EXPOSED", "BUTTOCKS_EXPOSED")


def test_safe_assessment_still_reports_the_closest_call() -> None:
    assessment = classify_detections([Detection("BUTTOCKS_EXPOSED", 0.3)])
    assert (assessment.verdict, assessment.score, assessment.detected_labels) == ("safe", 0.3, ())


class StubDetector:
    """Stands in for the detector child, returning fixed (label, score) boxes."""

    def __init__(self, boxes: list[tuple[str, float]]) -> None:
        self.boxes = boxes
        self.seen: list[np.ndarray] = []

    def detect(self, pixels: np.ndarray) -> list[tuple[str, float]]:
        self.seen.append(pixels)
        return self.boxes


def test_detector_output_is_read_and_classified(monkeypatch: pytest.MonkeyPatch) -> None:
    stub = StubDetector([("FEMALE_GENITALIA_EXPOSED", 0.77), ("FACE_FEMALE", 0.9)])
    monkeypatch.setattr(nudity, "_detector_process", stub)
    photo = process_upload(encode(scene(50, (1600, 1200)), "JPEG"), with_avif=False)
    assessment = assess_nudity(photo.normalized.data)
    assert (assessment.verdict, assessment.detected_labels) == (
        "explicit",
        ("FEMALE_GENITALIA_EXPOSED",),
    )
    # Handed over as NudeNet's own OpenCV path would: BGR, uint8, shrunk to 640 pixels.
    (pixels,) = stub.seen
    assert pixels.shape == (480, 640, 3)
    assert pixels.dtype == np.uint8


def test_bytes_that_are_not_an_image_are_refused_before_the_detector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stub = StubDetector([])
    monkeypatch.setattr(nudity, "_detector_process", stub)
    with pytest.raises(ImageRejected) as caught:
        assess_nudity(b"<svg onload=alert(1)>")
    assert caught.value.code == "corrupt"
    assert stub.seen == []


def test_model_file_ships_inside_the_package() -> None:
    model = nudenet_model_path()
    assert (model.parent.name, model.name) == ("nudenet", "320n.onnx")
    assert model.is_file()
    assert model.stat().st_size > 1_000_000


def test_detector_child_cannot_open_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("create_connection", "getaddrinfo"):
        monkeypatch.setattr(socket, name, getattr(socket, name))
    monkeypatch.setattr(socket.socket, "connect", socket.socket.connect)
    forbid_network()
    with pytest.raises(OSError, match="no network"):
        socket.create_connection(("127.0.0.1", 9))
    with socket.socket() as sock, pytest.raises(OSError, match="no network"):
        sock.connect(("127.0.0.1", 9))


@pytest.fixture(scope="module")
def benign_photo() -> bytes:
    return process_upload(encode(scene(51, (1200, 900)), "JPEG"), with_avif=False).normalized.data


async def test_real_model_runs_offline_and_finds_a_generated_scene_safe(
    benign_photo: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nudity, "_detector_process", None)
    assessment = await assess_nudity_async(benign_photo)
    assert assessment.verdict == "safe"
    assert assessment.detected_labels == ()
    assert assessment.elapsed_ms > 0
    # The model is loaded once: later calls reuse the same child.
    shared = nudity.detector_process()
    child = shared._child
    assert assess_nudity(benign_photo).verdict == "safe"
    assert nudity.detector_process() is shared
    assert shared._child is child
    shared.close()


def test_detector_child_is_restarted_after_it_dies(benign_photo: bytes) -> None:
    process = NudeNetProcess()
    pixels = decode_for_detection(benign_photo)
    try:
        first = process.detect(pixels)
        assert process._child is not None
        process._child.kill()
        process._child.wait()
        assert process.detect(pixels) == first
    finally:
        process.close()


def test_detector_error_is_reported_not_hidden() -> None:
    process = NudeNetProcess()
    try:
        with pytest.raises(NudityCheckUnavailable, match="detector failed"):
            # Two channels: NudeNet's colour conversion refuses it.
            process.detect(np.zeros((8, 8, 2), dtype=np.uint8))
    finally:
        process.close()
