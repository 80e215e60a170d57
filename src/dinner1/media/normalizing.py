"""Turn a decoded upload into plain upright sRGB pixels with nothing else attached."""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageCms, ImageOps

# Transparent areas are shown on white, as the pages around them are.
ALPHA_BACKGROUND = (255, 255, 255)
SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# EXIF and ICC blocks are attacker-written binary; a broken one costs the member its
# orientation or colour accuracy, never the upload.
METADATA_FAILURES = (
    OSError,
    ValueError,
    SyntaxError,
    TypeError,
    KeyError,
    IndexError,
    struct.error,
    ImageCms.PyCMSError,
)


def normalize_pixels(image: Image.Image, max_edge: int) -> Image.Image:
    """Upright, sRGB, RGB, at most `max_edge` on the long side, with no metadata at all."""
    icc_profile = image.info.get("icc_profile")
    image = apply_exif_orientation(image)
    image = flatten_to_colour(image)
    image = convert_to_srgb(image, icc_profile if isinstance(icc_profile, bytes) else None)
    if max(image.size) > max_edge:
        image = image.resize(scaled_size(image.size, max_edge), Image.Resampling.LANCZOS)
    # A fresh image from raw pixels carries no EXIF, GPS, XMP, ICC or comments, whatever
    # the decoder left in `info`.
    return Image.frombytes("RGB", image.size, image.tobytes())


def apply_exif_orientation(image: Image.Image) -> Image.Image:
    """Rotate or flip as the EXIF Orientation tag says; a broken tag leaves it as is."""
    try:
        return ImageOps.exif_transpose(image)
    except METADATA_FAILURES:
        return image


def flatten_to_colour(image: Image.Image) -> Image.Image:
    """Composite any transparency onto white and reduce to RGB, L or CMYK."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # Converting 16-bit grey straight to 8 bits clips; scale it down instead.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*ALPHA_BACKGROUND, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode in ("RGB", "L", "CMYK"):
        return image
    return image.convert("RGB")


def convert_to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Apply the embedded colour profile so the pixels mean the same without it."""
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(image, source, SRGB_PROFILE, outputMode="RGB")
        except METADATA_FAILURES:
            converted = None
        if converted is not None:
            return converted
    return image if image.mode == "RGB" else image.convert("RGB")


def scaled_size(size: tuple[int, int], long_edge: int) -> tuple[int, int]:
    """The size with the same aspect whose long edge is `long_edge` (at least 1×1)."""
    width, height = size
    factor = long_edge / max(width, height)
    return max(1, round(width * factor)), max(1, round(height * factor))
