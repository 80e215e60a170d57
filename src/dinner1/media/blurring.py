"""The blurred stand-in shown until both people consent to reveal their photos.

Blurring the full-resolution photo is not enough: a Gaussian blur attenuates fine detail
without erasing it, so deconvolution or a trained "deblurring" model brings much of a face
back, and the unblurred photo is still one careless cache away. Instead the stand-in is
rebuilt from a tiny copy — 12 pixels on the long edge, at most 12×9×3 = 324 numbers. No
algorithm can recover what those numbers do not hold. Studies of pixelated faces (Harmon's
block portraits, Bachmann's quantised faces) put recognition of even familiar faces at
about 16 pixels across the face and near chance below about 8; here a face spans at most
9 source pixels even when it fills the frame, and a two-pixel blur on the tiny copy halves
that again. Upscaling adds no information: it only makes the colours fill the space.

Why 12 and not 16: at 16 pixels with a light blur, the stand-in's pHash stayed within 0–8
bits of the photo's, so a perceptual-hash search could link a blurred profile to the
member's public photos elsewhere. At 12 pixels with a 2-pixel blur every photo tried was
at least 16 bits away, beyond the same-photo threshold.
"""

from __future__ import annotations

from PIL import Image, ImageFilter

from dinner1.media.normalizing import scaled_size

BLUR_SOURCE_EDGE = 12
# Two source pixels: neighbouring cells bleed into each other, so the grid cannot be read
# back as a mosaic, and the layout that perceptual hashes key on is washed out.
TINY_BLUR_RADIUS = 2.0
# The second blur only hides the upscale's interpolation seams; it adds no secrecy.
DISPLAY_BLUR_FRACTION = 1 / 40


def render_blurred_stand_in(image: Image.Image, display_edge: int) -> Image.Image:
    """Rebuild `image` from a 12-pixel copy, blurred and scaled to `display_edge`."""
    tiny = image.resize(scaled_size(image.size, BLUR_SOURCE_EDGE), Image.Resampling.BOX)
    tiny = tiny.filter(ImageFilter.GaussianBlur(TINY_BLUR_RADIUS))
    display_size = scaled_size(image.size, min(display_edge, max(image.size)))
    shown = tiny.resize(display_size, Image.Resampling.BICUBIC)
    return shown.filter(ImageFilter.GaussianBlur(max(display_size) * DISPLAY_BLUR_FRACTION))
