"""Every way an upload is refused, each with its stable reason code."""

from __future__ import annotations

import io
import resource
import zipfile

import pytest
from PIL import Image

from dinner1.core.errors import AppError
from dinner1.media import ImageRejected, process_upload
from dinner1.media import images as images_module
from tests.media.generated_images import (
    encode,
    png_chunk,
    png_declaring,
    png_with_text_bomb,
    scene,
)


def rejection_code(data: bytes, **limits: int) -> str:
    with pytest.raises(ImageRejected) as caught:
        process_upload(data, with_avif=False, **limits)
    return caught.value.code


@pytest.fixture(scope="module")
def jpeg() -> bytes:
    return encode(scene(3, (640, 480)), "JPEG", quality=85)


def test_text_renamed_to_jpg_is_not_an_image() -> None:
    # Only the bytes are looked at; a ".jpg" name or an image/jpeg type changes nothing.
    assert rejection_code(b"Dear diary, today I renamed this file to selfie.jpg\n" * 20) == (
        "not_an_image"
    )


def test_empty_file_is_not_an_image() -> None:
    assert rejection_code(b"") == "not_an_image"


def test_pdf_is_not_an_image() -> None:
    assert rejection_code(encode(scene(3, (64, 64)), "PDF")) == "not_an_image"


@pytest.mark.parametrize(
    "svg",
    [
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
    ],
)
def test_svg_is_an_unsupported_format(svg: bytes) -> None:
    assert rejection_code(svg) == "unsupported_format"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO"])
def test_other_image_formats_are_unsupported(fmt: str) -> None:
    assert rejection_code(encode(scene(3, (64, 64)), fmt)) == "unsupported_format"


def test_file_over_the_byte_limit_is_refused_before_decoding(
    jpeg: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(images_module, "read_container", refuse_to_be_called)
    assert rejection_code(jpeg, max_bytes=len(jpeg) - 1) == "too_large"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_images_are_corrupt(fmt: str) -> None:
    data = encode(scene(3, (640, 480)), fmt)
    assert rejection_code(data[: len(data) * 2 // 3]) == "corrupt"


def test_jpeg_cut_inside_its_header_is_corrupt(jpeg: bytes) -> None:
    assert rejection_code(jpeg[:40]) == "corrupt"


def test_jpeg_with_damaged_image_data_is_corrupt(jpeg: bytes) -> None:
    damaged = bytearray(jpeg)
    header_end = jpeg.index(b"\xff\xda")
    damaged[header_end + 200 : header_end + 600] = b"\xff\xc0" * 200
    assert rejection_code(bytes(damaged)) == "corrupt"


def test_png_declaring_huge_dimensions_is_a_bomb_refused_before_any_decoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bomb = png_declaring(100_000, 100_000)
    assert len(bomb) < 50_000
    monkeypatch.setattr(images_module.Image, "open", refuse_to_be_called)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert rejection_code(bomb) == "decompression_bomb"
    # ru_maxrss is in KiB: decoding would have needed 10 GB.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 50_000


def test_bomb_within_pillows_limit_but_over_the_budget_is_still_a_bomb() -> None:
    assert rejection_code(png_declaring(8_000, 8_000), max_pixels=40_000_000) == (
        "decompression_bomb"
    )


def test_compressed_text_chunk_bomb_is_refused() -> None:
    assert rejection_code(png_with_text_bomb()) == "decompression_bomb"


def test_real_photo_over_the_pixel_budget_is_too_many_pixels(jpeg: bytes) -> None:
    with pytest.raises(ImageRejected) as caught:
        process_upload(jpeg, max_pixels=100_000, with_avif=False)
    assert caught.value.code == "too_many_pixels"
    assert "640×480" in str(caught.value)


def test_jpeg_with_a_zip_appended_is_a_polyglot(jpeg: bytes) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.class", b"\xca\xfe\xba\xbe")
    assert rejection_code(jpeg + archive.getvalue()) == "polyglot"


def test_jpeg_with_script_in_its_comment_is_a_polyglot() -> None:
    data = encode(scene(3, (64, 64)), "JPEG", comment=b"*/=1;<script>alert(document.cookie)")
    assert rejection_code(data) == "polyglot"


def test_png_wearing_a_pdf_header_is_a_polyglot() -> None:
    plain = encode(scene(3, (64, 64)), "PNG")
    disguised = plain[:33] + png_chunk(b"tEXt", b"x\x00%PDF-1.7 1 0 obj") + plain[33:]
    assert rejection_code(disguised) == "polyglot"


def test_html_after_the_end_of_a_webp_is_a_polyglot() -> None:
    data = encode(scene(3, (64, 64)), "WEBP")
    assert rejection_code(data + b"<html><body>hi</body></html>") == "polyglot"


def test_motion_photo_video_trailer_is_accepted_and_dropped(jpeg: bytes) -> None:
    # Phones append an MP4 after the JPEG (motion photos); it is discarded, not refused.
    trailer = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
    processed = process_upload(jpeg + trailer, with_avif=False)
    assert b"ftypmp42" not in processed.normalized.data


def test_rejection_is_one_app_error_rendered_as_a_problem() -> None:
    with pytest.raises(ImageRejected) as caught:
        process_upload(b"not an image", with_avif=False)
    assert isinstance(caught.value, AppError)
    problem = caught.value.to_problem()
    assert problem["status"] == 422
    assert problem["type"].endswith("/image-rejected")
    assert problem["reason"] == "not_an_image"
    assert "JPEG, PNG or WebP" in problem["detail"]


def test_format_is_decided_by_content_not_by_pillows_guess(jpeg: bytes) -> None:
    # A PNG signature in front of JPEG bytes must not be decoded as whichever fits.
    assert rejection_code(b"\x89PNG\r\n\x1a\n" + jpeg) == "corrupt"


def refuse_to_be_called(*_args: object, **_kwargs: object) -> Image.Image:
    raise AssertionError("reached a step that must not run for this upload")
