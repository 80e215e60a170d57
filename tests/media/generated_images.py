"""Images made on the fly for the media tests: scenes, metadata-laden photos, hostile files."""

from __future__ import annotations

import io
import random
import struct
import zlib
from typing import Any

from PIL import Image, ImageCms, ImageDraw, ImageFilter, ImageOps
from PIL.PngImagePlugin import PngInfo

GPS_LATITUDE = (33.0, 35.0, 20.12)
GPS_LONGITUDE = (7.0, 36.0, 15.3)
CAMERA_MAKE = "SpyCam-Model-X"
XMP_PACKET = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b"<rdf:Description>home-address-in-xmp</rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)


def scene(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A photo-like picture: a tinted gradient with overlapping soft shapes, unique per seed."""
    rng = random.Random(seed)
    tints = [rng.random() for _ in range(3)]
    gradient = Image.linear_gradient("L").resize(size)
    channels = [gradient.point(lambda v, k=tint: int(v * k)) for tint in tints]
    image = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(25):
        left, top = rng.randrange(width), rng.randrange(height)
        right = left + rng.randrange(max(2, width // 16), max(3, width // 2))
        bottom = top + rng.randrange(max(2, height // 12), max(3, height // 2))
        box = (left, top, right, bottom)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.ellipse(box, fill=colour)
        else:
            draw.rectangle(box, fill=colour)
    return image.filter(ImageFilter.GaussianBlur(2))


def encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    """Encode with Pillow in `fmt`."""
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    """EXIF naming a camera, an orientation and a precise GPS position."""
    exif = Image.Exif()
    exif[0x010F] = CAMERA_MAKE  # Make
    exif[0x0112] = orientation  # Orientation
    exif[0x8825] = {1: "N", 2: GPS_LATITUDE, 3: "W", 4: GPS_LONGITUDE}  # GPSInfo
    return exif


def photo_with_metadata(fmt: str, orientation: int = 1) -> bytes:
    """A scene carrying EXIF with GPS, XMP, an ICC profile and a comment where supported."""
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    params: dict[str, Any] = {
        "exif": exif_with_gps(orientation),
        "icc_profile": icc,
        "xmp": XMP_PACKET,
    }
    if fmt == "JPEG":
        params["comment"] = b"taken at home, 12 Rue Secret"
    if fmt == "PNG":
        params["pnginfo"] = png_text_chunks()
    return encode(scene(1), fmt, **params)


def png_text_chunks() -> PngInfo:
    """PNG text chunks holding a location, as some editors write."""
    info = PngInfo()
    info.add_text("Location", "33.5890N 7.6042W")
    return info


def oriented_marker_jpeg(orientation: int) -> bytes:
    """A 300×200 JPEG, red in its stored top-left quadrant, with an EXIF orientation."""
    image = Image.new("RGB", (300, 200), (0, 0, 255))
    ImageDraw.Draw(image).rectangle((0, 0, 149, 99), fill=(255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(image, "JPEG", quality=95, exif=exif)


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header declares `width`×`height` grey pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    # The first rows of zeros compress to almost nothing: the classic bomb.
    pixels = zlib.compress(b"\x00" * min(width + 1, 1 << 20) * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )


def png_with_text_bomb() -> bytes:
    """A small PNG whose compressed text chunk inflates to 8 MB."""
    plain = encode(Image.new("RGB", (50, 50)), "PNG")
    bomb = png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"\x00" * (8 << 20), 9))
    header_end = 8 + 25  # signature + IHDR chunk
    return plain[:header_end] + bomb + plain[header_end:]


def mirrored(image: Image.Image) -> Image.Image:
    """The image flipped left to right."""
    return ImageOps.mirror(image)


def cropped(
    image: Image.Image, left: float, top: float, right: float, bottom: float
) -> Image.Image:
    """The image with the given fractions trimmed from each side."""
    width, height = image.size
    box = (
        round(width * left),
        round(height * top),
        round(width * (1 - right)),
        round(height * (1 - bottom)),
    )
    return image.crop(box)


def recompressed(image: Image.Image, quality: int) -> Image.Image:
    """The image after a lossy JPEG round trip."""
    return Image.open(io.BytesIO(encode(image, "JPEG", quality=quality))).convert("RGB")
