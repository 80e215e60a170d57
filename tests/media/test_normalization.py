"""What is kept from an accepted upload: upright sRGB pixels, resized, and nothing else."""

from __future__ import annotations

import asyncio
import hashlib
import io
import struct

import numpy as np
import pytest
from PIL import Image

from dinner1.media import EncodedImage, ProcessedImage, process_upload, process_upload_async
from tests.media.generated_images import (
    CAMERA_MAKE,
    encode,
    oriented_marker_jpeg,
    photo_with_metadata,
    scene,
)

# Strings that would betray metadata surviving in an output file.
METADATA_TRACES = (
    b"Exif\x00\x00",
    b"xmpmeta",
    b"home-address",
    CAMERA_MAKE.encode(),
    b"Rue Secret",
)
# RIFF chunks a pixels-only WebP may have; ICCP, EXIF and "XMP " must not appear.
PIXEL_ONLY_WEBP_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}
VP8X_METADATA_FLAGS = 0x20 | 0x08 | 0x04  # ICC, EXIF, XMP


def variants(processed: ProcessedImage) -> list[EncodedImage]:
    kept = [processed.normalized, processed.blurred]
    if processed.normalized_avif is not None:
        kept.append(processed.normalized_avif)
    return kept


def webp_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, position = [], 12
    while position + 8 <= len(data):
        kind = data[position : position + 4]
        (size,) = struct.unpack_from("<I", data, position + 4)
        chunks.append((kind, data[position + 8 : position + 8 + size]))
        position += 8 + size + (size & 1)
    return chunks


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_gps_exif_xmp_icc_and_comments_are_gone_from_every_output(fmt: str) -> None:
    upload = photo_with_metadata(fmt)
    with Image.open(io.BytesIO(upload)) as original:
        assert original.getexif().get_ifd(0x8825), "the fixture must carry GPS to begin with"
    processed = process_upload(upload)
    assert processed.normalized_avif is not None
    for variant in variants(processed):
        assert not any(trace in variant.data for trace in METADATA_TRACES)
        with Image.open(io.BytesIO(variant.data)) as output:
            assert len(output.getexif()) == 0
            assert not {"exif", "xmp", "icc_profile", "comment"} & output.info.keys()
        if variant.media_type == "image/webp":
            assert_pixel_only_webp(variant.data)


def assert_pixel_only_webp(data: bytes) -> None:
    chunks = webp_chunks(data)
    assert {kind for kind, _ in chunks} <= PIXEL_ONLY_WEBP_CHUNKS
    for kind, payload in chunks:
        if kind == b"VP8X":
            assert payload[0] & VP8X_METADATA_FLAGS == 0


@pytest.mark.parametrize(
    ("orientation", "size", "red_corner"),
    [
        (1, (300, 200), (0, 0)),
        (3, (300, 200), (299, 199)),  # rotated 180°
        (6, (200, 300), (199, 0)),  # stored sideways: top-left lands top-right
        (8, (200, 300), (0, 299)),
    ],
)
def test_exif_orientation_is_applied_then_dropped(
    orientation: int, size: tuple[int, int], red_corner: tuple[int, int]
) -> None:
    processed = process_upload(oriented_marker_jpeg(orientation), with_avif=False)
    with Image.open(io.BytesIO(processed.normalized.data)) as output:
        assert output.size == size
        red, _green, blue = output.convert("RGB").getpixel(red_corner)  # type: ignore[misc]
        assert red > 200 and blue < 60
        assert 0x0112 not in output.getexif()


def test_large_photo_is_resized_to_the_maximum_edge() -> None:
    processed = process_upload(encode(scene(4, (4000, 3000)), "JPEG", quality=90))
    assert (processed.normalized.width, processed.normalized.height) == (1600, 1200)
    with Image.open(io.BytesIO(processed.normalized.data)) as output:
        assert output.format == "WEBP"
        assert output.size == (1600, 1200)
    assert processed.normalized_avif is not None
    with Image.open(io.BytesIO(processed.normalized_avif.data)) as output:
        assert output.format == "AVIF"
        assert output.size == (1600, 1200)


def test_small_photo_is_not_enlarged() -> None:
    processed = process_upload(encode(scene(4, (320, 240)), "PNG"), with_avif=False)
    assert (processed.normalized.width, processed.normalized.height) == (320, 240)
    assert (processed.blurred.width, processed.blurred.height) == (320, 240)


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "L", "I;16", "CMYK"])
def test_every_pixel_mode_becomes_rgb(mode: str) -> None:
    source = scene(5, (200, 150))
    image = (
        source.convert("I").point(lambda v: v * 256).convert("I;16")
        if mode == "I;16"
        else source.convert(mode)
    )
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    processed = process_upload(encode(image, fmt), with_avif=False)
    with Image.open(io.BytesIO(processed.normalized.data)) as output:
        assert output.mode == "RGB"
        # 16-bit grey must be scaled, not clipped to white.
        assert 40 < np.asarray(output.convert("L")).mean() < 215


def test_transparency_is_shown_on_white() -> None:
    transparent = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    processed = process_upload(encode(transparent, "PNG"), with_avif=False)
    with Image.open(io.BytesIO(processed.normalized.data)) as output:
        assert output.convert("RGB").getpixel((50, 50)) == (255, 255, 255)


def test_broken_icc_profile_does_not_cost_the_upload() -> None:
    data = encode(scene(6, (200, 150)), "JPEG", icc_profile=b"not a real profile" * 10)
    processed = process_upload(data, with_avif=False)
    with Image.open(io.BytesIO(processed.normalized.data)) as output:
        assert "icc_profile" not in output.info


def test_hashes_identify_the_upload_and_the_stored_bytes() -> None:
    upload = encode(scene(7, (400, 300)), "WEBP")
    processed = process_upload(upload, with_avif=False)
    assert processed.source_format == "WEBP"
    assert processed.upload_sha256 == hashlib.sha256(upload).hexdigest()
    assert processed.content_sha256 == hashlib.sha256(processed.normalized.data).hexdigest()
    assert len(processed.fingerprint.whole.phash) == 16
    assert process_upload(upload, with_avif=False) == processed


async def test_async_facade_leaves_the_event_loop_free() -> None:
    upload = encode(scene(8, (4000, 3000)), "JPEG", quality=90)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    ticker = asyncio.create_task(tick())
    processed = await process_upload_async(upload)
    ticker.cancel()
    assert processed.normalized.width == 1600
    # Processing takes over half a second; a blocked loop would not tick at all meanwhile.
    assert ticks >= 5
