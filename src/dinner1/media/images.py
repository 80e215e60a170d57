"""Check an uploaded photo and produce what may be stored: normalized, blurred, hashed.

The order is the defence: the byte limit before anything is read, the container walk
(format, declared size, hidden files) before any decoder runs, the pixel budget before a
pixel is allocated, and only then Pillow, restricted to the one format the bytes are.
Nothing of the upload survives except its pixels, re-encoded.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import struct
import threading
import zlib
from dataclasses import dataclass

from PIL import Image, features

from dinner1.media.blurring import render_blurred_stand_in
from dinner1.media.containers import ContainerFacts, corrupt, read_container
from dinner1.media.errors import ImageRejected
from dinner1.media.hashing import PhotoFingerprint, fingerprint_photo
from dinner1.media.normalizing import normalize_pixels, scaled_size

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# A 40-megapixel photo decodes to 120-160 MB; phones' 48-200 MP modes must be exported
# smaller. Stays below Pillow's own warning threshold (about 89 MP).
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_EDGE = 1600
DEFAULT_BLURRED_EDGE = 640
WEBP_QUALITY = 82
AVIF_QUALITY = 60
# libaom's fastest preset: four times faster than speed 8 for files about 10 % larger.
AVIF_SPEED = 10
BLURRED_WEBP_QUALITY = 60
# Real photos hold a few pixels per byte and even flat-colour PNGs a few hundred (deflate
# stops near 1000:1). A file over the pixel budget that declares more than this many pixels
# per byte was built to explode, which is worth telling apart for abuse signals.
BOMB_PIXELS_PER_BYTE = 1000
DECODER_FAILURES = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    TypeError,
    IndexError,
    KeyError,
    struct.error,
    zlib.error,
)
# Decoding holds up to ~160 MB per image and releases the GIL, so a burst of uploads could
# otherwise decode dozens at once; at most one per core keeps memory bounded.
DECODE_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


@dataclass(frozen=True)
class EncodedImage:
    """One stored variant: its bytes, media type and dimensions."""

    data: bytes
    media_type: str
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    """Everything kept from an upload; none of it carries the upload's metadata."""

    normalized: EncodedImage
    normalized_avif: EncodedImage | None
    blurred: EncodedImage
    source_format: str
    upload_sha256: str
    content_sha256: str
    fingerprint: PhotoFingerprint


def process_upload(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_edge: int = DEFAULT_MAX_EDGE,
    blurred_edge: int = DEFAULT_BLURRED_EDGE,
    with_avif: bool = True,
) -> ProcessedImage:
    """Validate an upload and return its normalized, blurred and hashed variants."""
    check_byte_size(data, max_bytes)
    facts = read_container(data)
    check_pixel_budget(facts, len(data), max_pixels)
    with DECODE_SLOTS:
        pixels = normalize_pixels(decode(data, facts, max_edge), max_edge)
    normalized = encode_webp(pixels, WEBP_QUALITY)
    blurred = encode_webp(render_blurred_stand_in(pixels, blurred_edge), BLURRED_WEBP_QUALITY)
    return ProcessedImage(
        normalized=normalized,
        normalized_avif=encode_avif(pixels) if with_avif and features.check("avif") else None,
        blurred=blurred,
        source_format=facts.format,
        upload_sha256=hashlib.sha256(data).hexdigest(),
        content_sha256=hashlib.sha256(normalized.data).hexdigest(),
        fingerprint=fingerprint_photo(pixels),
    )


async def process_upload_async(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_edge: int = DEFAULT_MAX_EDGE,
    blurred_edge: int = DEFAULT_BLURRED_EDGE,
    with_avif: bool = True,
) -> ProcessedImage:
    """`process_upload` in a worker thread, so the event loop keeps serving."""
    return await asyncio.to_thread(
        process_upload,
        data,
        max_bytes=max_bytes,
        max_pixels=max_pixels,
        max_edge=max_edge,
        blurred_edge=blurred_edge,
        with_avif=with_avif,
    )


def check_byte_size(data: bytes, max_bytes: int) -> None:
    """Refuse empty files and files over the byte limit before reading them."""
    if not data:
        raise ImageRejected("not_an_image", "The file is empty; upload a JPEG, PNG or WebP.")
    if len(data) > max_bytes:
        limit = f"{max_bytes / (1024 * 1024):.0f} MB"
        raise ImageRejected("too_large", f"The file is larger than {limit}; upload a smaller one.")


def check_pixel_budget(facts: ContainerFacts, byte_count: int, max_pixels: int) -> None:
    """Refuse declared dimensions over the budget, telling bombs from merely huge photos."""
    pixels = facts.width * facts.height
    # Never above Pillow's own guard, so its DecompressionBombWarning cannot fire later.
    pillow_limit = Image.MAX_IMAGE_PIXELS or max_pixels
    if pixels <= min(max_pixels, pillow_limit):
        return
    if pixels > pillow_limit or pixels / byte_count > BOMB_PIXELS_PER_BYTE:
        raise ImageRejected(
            "decompression_bomb", "The file declares far more pixels than it could hold."
        )
    megapixels = f"{max_pixels / 1_000_000:.0f}"
    raise ImageRejected(
        "too_many_pixels",
        f"The image is {facts.width}×{facts.height}; upload one under {megapixels} megapixels.",
    )


def decode(data: bytes, facts: ContainerFacts, max_edge: int) -> Image.Image:
    """Decode with Pillow limited to the sniffed format, checking it agrees with the walk."""
    try:
        image = Image.open(io.BytesIO(data), formats=[facts.format])
        if image.format != facts.format or image.size != (facts.width, facts.height):
            raise corrupt("Its header contradicts its contents.")
        if facts.format == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: faster and far less memory.
            image.draft("RGB", scaled_size(image.size, max_edge))
        image.load()
    except Image.DecompressionBombError as error:
        raise ImageRejected(
            "decompression_bomb", "The file declares far more pixels than it could hold."
        ) from error
    except DECODER_FAILURES as error:
        if "Decompressed data too large" in str(error):
            raise ImageRejected(
                "decompression_bomb", "The file hides an oversized compressed block."
            ) from error
        raise corrupt("It could not be decoded.") from error
    return image


def encode_webp(image: Image.Image, quality: int) -> EncodedImage:
    """Encode as lossy WebP; only the pixels are written."""
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=quality, method=4)
    return EncodedImage(buffer.getvalue(), "image/webp", image.width, image.height)


def encode_avif(image: Image.Image) -> EncodedImage:
    """Encode as AVIF (smaller than WebP at the same look) for clients that accept it."""
    buffer = io.BytesIO()
    image.save(buffer, "AVIF", quality=AVIF_QUALITY, speed=AVIF_SPEED)
    return EncodedImage(buffer.getvalue(), "image/avif", image.width, image.height)
