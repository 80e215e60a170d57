"""The blurred stand-in holds no detail that the 12-pixel copy did not."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from dinner1.media import process_upload
from dinner1.media.hashing import SAME_PHOTO_MAX_DISTANCE, hamming_distance, photo_distance
from tests.media.generated_images import encode, scene

SIZE = (1200, 900)


def grey_pixels(data: bytes, size: tuple[int, int]) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("L").resize(size), dtype=np.float64)


def high_frequency_energy(pixels: np.ndarray) -> float:
    """Mean squared difference between neighbouring pixels: what fine detail is made of."""
    return float(np.mean(np.diff(pixels, axis=0) ** 2) + np.mean(np.diff(pixels, axis=1) ** 2))


def detailed_portrait(seed: int) -> Image.Image:
    """A scene overlaid with fine strokes, standing in for eyes, hair and text."""
    image = scene(seed, SIZE)
    draw = ImageDraw.Draw(image)
    for x in range(0, SIZE[0], 9):
        draw.line((x, 0, x + 300, SIZE[1]), fill=(20, 20, 20), width=2)
    draw.text((400, 400), "Lina, 29, Casablanca", fill=(255, 255, 255))
    return image


@pytest.fixture(scope="module")
def portrait_upload() -> bytes:
    return encode(detailed_portrait(11), "PNG")


def test_blurred_stand_in_has_almost_no_fine_detail(portrait_upload: bytes) -> None:
    processed = process_upload(portrait_upload, with_avif=False)
    size = (processed.blurred.width, processed.blurred.height)
    assert max(size) == 640
    original = high_frequency_energy(grey_pixels(portrait_upload, size))
    blurred = high_frequency_energy(grey_pixels(processed.blurred.data, size))
    assert blurred < original / 200


def test_blurred_stand_in_does_not_hash_like_the_photo(portrait_upload: bytes) -> None:
    processed = process_upload(portrait_upload, with_avif=False)
    blurred_again = process_upload(processed.blurred.data, with_avif=False)
    # Otherwise a hash search could link a blurred profile to the member's public photos.
    assert photo_distance(processed.fingerprint, blurred_again.fingerprint) > (
        SAME_PHOTO_MAX_DISTANCE
    )
    whole_photo, whole_stand_in = processed.fingerprint.whole, blurred_again.fingerprint.whole
    assert hamming_distance(whole_photo.phash, whole_stand_in.phash) > SAME_PHOTO_MAX_DISTANCE


def test_photos_alike_at_12_pixels_give_the_same_stand_in() -> None:
    # Add a checkerboard that averages out over any block: very different detail, same
    # coarse colours. If the stand-ins match, they carry nothing beyond the tiny copy.
    # Colours kept within 60..195 so the ±60 checkerboard never clips and shifts a mean.
    base = 60 + np.asarray(scene(12, SIZE), dtype=np.int32) * 135 // 255
    rows, cols = np.indices(base.shape[:2])
    checker = np.where((rows + cols) % 2 == 0, 60, -60)[..., None]
    detailed = np.clip(base + checker, 0, 255).astype(np.uint8)
    plain_upload = encode(Image.fromarray(base.astype(np.uint8)), "PNG")
    detailed_upload = encode(Image.fromarray(detailed), "PNG")
    originals_differ = np.abs(base - detailed.astype(np.int32)).mean()
    plain = process_upload(plain_upload, with_avif=False).blurred.data
    busy = process_upload(detailed_upload, with_avif=False).blurred.data
    stand_ins_differ = np.abs(grey_pixels(plain, (640, 480)) - grey_pixels(busy, (640, 480)))
    assert originals_differ > 40
    assert stand_ins_differ.mean() < 3
