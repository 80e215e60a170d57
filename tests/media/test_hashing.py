"""The same photo is found again after common edits; different photos are told apart."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from PIL import Image

from dinner1.media import PhotoFingerprint, fingerprint_photo, is_same_photo, process_upload
from dinner1.media.hashing import hamming_distance, photo_distance
from tests.media.generated_images import cropped, encode, mirrored, recompressed, scene

Edit = Callable[[Image.Image], Image.Image]

EDITS: dict[str, Edit] = {
    "resized to a third": lambda image: image.resize((image.width // 3, image.height // 3)),
    "upscaled": lambda image: image.resize((image.width * 3 // 2, image.height * 3 // 2)),
    "JPEG quality 30": lambda image: recompressed(image, 30),
    "cropped 5% each side": lambda image: cropped(image, 0.05, 0.05, 0.05, 0.05),
    "cropped 5% from top left": lambda image: cropped(image, 0.05, 0.05, 0, 0),
    "cropped 7% from bottom right": lambda image: cropped(image, 0, 0, 0.07, 0.07),
    "cropped unevenly": lambda image: cropped(image, 0.06, 0.01, 0.02, 0.04),
    "mirrored": mirrored,
    "mirrored, cropped, shrunk, recompressed": lambda image: recompressed(
        mirrored(cropped(image, 0.04, 0.02, 0.01, 0.03)).resize((500, 370)), 50
    ),
}
SEEDS = range(20, 26)


@pytest.fixture(scope="module")
def originals() -> dict[int, tuple[Image.Image, PhotoFingerprint]]:
    images = {seed: scene(seed) for seed in SEEDS}
    return {seed: (image, fingerprint_photo(image)) for seed, image in images.items()}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_edited_copy_is_the_same_photo(
    edit: str, originals: dict[int, tuple[Image.Image, PhotoFingerprint]]
) -> None:
    for image, fingerprint in originals.values():
        copy = fingerprint_photo(EDITS[edit](image))
        assert is_same_photo(fingerprint, copy), photo_distance(fingerprint, copy)
        assert is_same_photo(copy, fingerprint)


def test_different_photos_are_not_the_same() -> None:
    fingerprints = [fingerprint_photo(scene(seed)) for seed in range(100, 130)]
    closest = min(photo_distance(a, b) for a, b in itertools.combinations(fingerprints, 2))
    assert not any(is_same_photo(a, b) for a, b in itertools.combinations(fingerprints, 2))
    assert closest > 12


def test_reupload_through_the_pipeline_is_found() -> None:
    photo = scene(31, (1800, 1350))
    first = process_upload(encode(photo, "JPEG", quality=92), with_avif=False)
    stolen = recompressed(mirrored(cropped(photo, 0.03, 0.05, 0.02, 0.0)).resize((700, 500)), 60)
    second = process_upload(encode(stolen, "WEBP", quality=70), with_avif=False)
    unrelated = process_upload(encode(scene(32, (1800, 1350)), "JPEG"), with_avif=False)
    assert is_same_photo(first.fingerprint, second.fingerprint)
    assert not is_same_photo(first.fingerprint, unrelated.fingerprint)


def test_hamming_distance_counts_differing_bits() -> None:
    assert hamming_distance("0000000000000000", "0000000000000000") == 0
    assert hamming_distance("ffffffffffffffff", "0000000000000000") == 64
    assert hamming_distance("8000000000000001", "0000000000000000") == 2


def test_fingerprint_keeps_pixel_hashes_of_the_whole_and_its_views() -> None:
    fingerprint = fingerprint_photo(scene(40))
    # The photo's 10 crops, then its mirror image whole and in the same 10 crops.
    assert len(fingerprint.views) == 21
    assert all(len(view.phash) == 16 and len(view.dhash) == 16 for view in fingerprint.views)
