"""Read an upload's container structure before any decoder touches it.

Walking the chunks and markers ourselves gives three facts no decoder is trusted with: which
of the accepted formats the bytes really are, the dimensions they declare (so a
decompression bomb is refused before a single pixel is allocated), and where the image ends
(so a second file riding behind or inside it — a polyglot — is caught).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import Literal

from dinner1.media.errors import ImageRejected

AcceptedFormat = Literal["JPEG", "PNG", "WEBP"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"

# Formats that are images but not accepted: named so the member is told "use JPEG, PNG or
# WebP" rather than "this is not an image".
FOREIGN_IMAGE_SIGNATURES: tuple[tuple[int, bytes], ...] = (
    (0, b"GIF87a"),
    (0, b"GIF89a"),
    (0, b"BM"),
    (0, b"II*\x00"),
    (0, b"MM\x00*"),
    (0, b"\x00\x00\x01\x00"),  # ICO
    (0, b"8BPS"),  # Photoshop
    (0, b"\xff\x0a"),  # JPEG XL codestream
    (0, b"\x00\x00\x00\x0cJXL "),
    (4, b"ftyp"),  # HEIC, AVIF and other ISO-BMFF images
)
SVG_PATTERN = re.compile(rb"<svg[\s>]", re.IGNORECASE)

# Markup or code that a browser or interpreter would run if the bytes were ever served or
# opened as something else, searched for in the lower-cased file. Each is long enough that
# compressed pixel data matches one by chance about once in 10^6 uploads of 10 MB.
ACTIVE_CONTENT_MARKERS = (
    b"<script",
    b"<iframe",
    b"<html>",
    b"<html ",
    b"<?php ",
    b"<?php\n",
    b"javascript:",
    b"<!doctype html",
)
# A second file appended after the image starts with one of these.
APPENDED_FILE_SIGNATURES = (b"PK\x03\x04", b"%PDF", b"MZ", b"\x7fELF", b"Rar!", b"7z\xbc\xaf")
ZIP_END_OF_DIRECTORY = b"PK\x05\x06"
ZIP_END_RECORD_SIZE = 22
ZIP_MAX_COMMENT = 0xFFFF
# PDF readers accept a header anywhere in the first kilobyte, so a PDF can wear an image.
PDF_HEADER_WINDOW = 1024

# JPEG frame headers that carry the dimensions: SOF0-SOF15 except DHT, JPG and DAC.
JPEG_FRAME_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
JPEG_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})
JPEG_START_OF_SCAN = 0xDA
JPEG_END_OF_IMAGE = 0xD9
# In entropy-coded data 0xFF is followed by 0x00 (stuffing) or a restart marker; anything
# else ends the scan.
JPEG_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7]")


@dataclass(frozen=True)
class ContainerFacts:
    """What the container declares: format, dimensions, and the offset just past its end."""

    format: AcceptedFormat
    width: int
    height: int
    end: int


def read_container(data: bytes) -> ContainerFacts:
    """Identify an accepted format from its structure, or refuse the bytes with a reason."""
    if data.startswith(PNG_SIGNATURE):
        facts = read_png(data)
    elif data.startswith(JPEG_SIGNATURE):
        facts = read_jpeg(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        facts = read_webp(data)
    else:
        raise refusal_for_unknown_bytes(data)
    if facts.width <= 0 or facts.height <= 0:
        raise corrupt("The image declares no pixels.")
    check_for_hidden_files(data, facts.end)
    return facts


def refusal_for_unknown_bytes(data: bytes) -> ImageRejected:
    """Tell an image in a format we refuse apart from something that is no image at all."""
    if any(data[offset : offset + len(sig)] == sig for offset, sig in FOREIGN_IMAGE_SIGNATURES):
        return ImageRejected(
            "unsupported_format", "This image format is not accepted; upload a JPEG, PNG or WebP."
        )
    if SVG_PATTERN.search(data[:4096]):
        return ImageRejected(
            "unsupported_format", "SVG drawings are not accepted; upload a JPEG, PNG or WebP."
        )
    return ImageRejected("not_an_image", "This file is not an image; upload a JPEG, PNG or WebP.")


def corrupt(message: str) -> ImageRejected:
    """A file that starts like an accepted image but is damaged or cut short."""
    return ImageRejected("corrupt", f"The image is damaged or incomplete. {message}")


def read_png(data: bytes) -> ContainerFacts:
    """Walk PNG chunks to IEND; the first must be IHDR, which holds the dimensions."""
    position = len(PNG_SIGNATURE)
    width = height = 0
    while True:
        if position + 12 > len(data):
            raise corrupt("The PNG ends before its last chunk.")
        (length,) = struct.unpack_from(">I", data, position)
        kind = data[position + 4 : position + 8]
        chunk_end = position + 12 + length
        if chunk_end > len(data):
            raise corrupt("A PNG chunk runs past the end of the file.")
        if position == len(PNG_SIGNATURE):
            if kind != b"IHDR" or length != 13:
                raise corrupt("The PNG header chunk is missing.")
            width, height = struct.unpack_from(">II", data, position + 8)
        if kind == b"IEND":
            return ContainerFacts("PNG", width, height, chunk_end)
        position = chunk_end


def read_webp(data: bytes) -> ContainerFacts:
    """Read the RIFF size and the first chunk's canvas dimensions (VP8, VP8L or VP8X)."""
    (riff_size,) = struct.unpack_from("<I", data, 4)
    end = 8 + riff_size + (riff_size & 1)
    if end > len(data) or len(data) < 30:
        raise corrupt("The WebP ends before its declared size.")
    kind = data[12:16]
    if kind == b"VP8 ":
        if data[23:26] != b"\x9d\x01\x2a":
            raise corrupt("The WebP frame header is invalid.")
        width, height = (value & 0x3FFF for value in struct.unpack_from("<HH", data, 26))
    elif kind == b"VP8L":
        (bits,) = struct.unpack_from("<I", data, 21)
        width, height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    elif kind == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
    else:
        raise corrupt("The WebP has no image chunk.")
    return ContainerFacts("WEBP", width, height, end)


def read_jpeg(data: bytes) -> ContainerFacts:
    """Walk JPEG segments and scans to the end-of-image marker, noting the frame size."""
    position = 2
    width = height = 0
    while True:
        marker, position = next_jpeg_marker(data, position)
        if marker == JPEG_END_OF_IMAGE:
            if not width:
                raise corrupt("The JPEG has no frame header.")
            return ContainerFacts("JPEG", width, height, position)
        if marker in JPEG_STANDALONE_MARKERS:
            continue
        if position + 2 > len(data):
            raise corrupt("The JPEG ends inside a segment.")
        (length,) = struct.unpack_from(">H", data, position)
        if length < 2 or position + length > len(data):
            raise corrupt("A JPEG segment runs past the end of the file.")
        if marker in JPEG_FRAME_MARKERS and length >= 7:
            height, width = struct.unpack_from(">HH", data, position + 3)
        position += length
        if marker == JPEG_START_OF_SCAN:
            scan_end = JPEG_SCAN_END.search(data, position)
            if scan_end is None:
                raise corrupt("The JPEG ends inside its image data.")
            position = scan_end.start()


def next_jpeg_marker(data: bytes, position: int) -> tuple[int, int]:
    """Return the marker at `position` (after any 0xFF fill bytes) and the offset past it."""
    if position >= len(data) or data[position] != 0xFF:
        raise corrupt("The JPEG structure is broken or cut short.")
    while position < len(data) and data[position] == 0xFF:
        position += 1
    if position >= len(data):
        raise corrupt("The JPEG ends inside a marker.")
    return data[position], position + 1


def check_for_hidden_files(data: bytes, image_end: int) -> None:
    """Refuse bytes that are also a web page, script, PDF, archive or executable."""
    trailer = data[image_end:]
    lowered = data.lower()
    hidden = (
        any(marker in lowered for marker in ACTIVE_CONTENT_MARKERS)
        or b"%PDF-" in data[:PDF_HEADER_WINDOW]
        or trailer.lstrip(b"\x00\r\n").startswith(APPENDED_FILE_SIGNATURES)
        or has_zip_directory_at_end(data)
    )
    if hidden:
        raise ImageRejected(
            "polyglot", "The file hides other content inside the image; upload a plain photo."
        )


def has_zip_directory_at_end(data: bytes) -> bool:
    """Whether a ZIP end-of-directory record closes the file, as archive readers look for."""
    window_start = max(0, len(data) - ZIP_END_RECORD_SIZE - ZIP_MAX_COMMENT)
    index = data.rfind(ZIP_END_OF_DIRECTORY, window_start)
    while index >= 0:
        if index + ZIP_END_RECORD_SIZE <= len(data):
            (comment_length,) = struct.unpack_from("<H", data, index + 20)
            # Only a record whose comment reaches exactly to the end is real; a chance
            # match inside pixel data almost never also satisfies this.
            if index + ZIP_END_RECORD_SIZE + comment_length == len(data):
                return True
        index = data.rfind(ZIP_END_OF_DIRECTORY, window_start, index)
    return False
