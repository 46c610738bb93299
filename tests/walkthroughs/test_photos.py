"""Walkthrough photos: judged by their content, refused when too large in bytes or in
pixels (image bombs included), and re-encoded upright without any metadata."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image

from kaiku.walkthroughs.photos import MAX_SIDE, clean_photo
from tests.walkthroughs.images import (
    image_bytes,
    jpeg_with_gps_and_comment,
    sideways_jpeg,
    upload,
)


def _refusal(content: bytes, name: str = "kuva.jpg") -> str:
    with pytest.raises(ValidationError) as caught:
        clean_photo(upload(content, name))
    return " ".join(caught.value.messages)


def _reopened(content: bytes, name: str = "kuva.jpg") -> Image.Image:
    cleaned = clean_photo(upload(content, name))
    image = Image.open(io.BytesIO(cleaned.content.read()))
    assert (image.width, image.height) == (cleaned.width, cleaned.height)
    return image


def test_a_text_file_named_jpg_is_refused() -> None:
    message = _refusal(b"Ei kuva vaan teksti\n" * 20, name="kuva.jpg")
    assert "Only JPEG, PNG or WebP photos can be added." in message


def test_a_gif_is_refused_whatever_its_name() -> None:
    gif = image_bytes(fmt="GIF", mode="P", color=1)
    assert "Only JPEG, PNG or WebP" in _refusal(gif, name="kuva.png")


def test_a_photo_over_the_byte_limit_is_refused(settings: Any) -> None:
    settings.KAIKU_PHOTO_MAX_BYTES = 1024 * 1024
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert buffer.tell() > settings.KAIKU_PHOTO_MAX_BYTES
    assert "The photo is too large: at most 1 MB." in _refusal(buffer.getvalue(), "kuva.png")


def test_the_byte_limit_holds_when_the_size_is_not_told(settings: Any) -> None:
    settings.KAIKU_PHOTO_MAX_BYTES = 1000
    stream = io.BytesIO(image_bytes(size=(400, 400), fmt="PNG", color=(1, 2, 3)) + b"\0" * 2000)
    with pytest.raises(ValidationError, match="too large"):
        clean_photo(stream, size=None)


def test_an_image_bomb_is_refused_with_the_pixel_message() -> None:
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
    assert buffer.tell() < 200_000  # a few kilobytes that would decode to 400 megapixels
    message = _refusal(buffer.getvalue(), "pommi.png")
    assert "The image is too large in pixels (at most 40 megapixels)" in message


def test_the_pixel_limit_is_read_from_the_header_before_decoding(settings: Any) -> None:
    settings.KAIKU_PHOTO_MAX_PIXELS = 1_000_000
    wide = image_bytes(size=(2000, 1000), fmt="PNG", mode="L", color=0)
    assert "too large in pixels (at most 1 megapixels)" in _refusal(wide, "leveä.png")


def test_a_truncated_photo_is_refused_as_damaged() -> None:
    whole = image_bytes(size=(600, 400), color=(10, 200, 30), quality=95)
    message = _refusal(whole[: len(whole) // 2])
    assert "could not be read" in message


def test_gps_camera_comment_and_xmp_are_gone_after_saving() -> None:
    original = jpeg_with_gps_and_comment()
    before = Image.open(io.BytesIO(original))
    assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test has something to strip
    assert "comment" in before.info
    cleaned = _reopened(original)
    assert cleaned.format == "JPEG"
    assert not cleaned.getexif()
    assert not {"exif", "comment", "xmp", "icc_profile"} & set(cleaned.info)
    raw = clean_photo(upload(original)).content.read()
    assert b"Kallio" not in raw and b"Kamerapuhelin" not in raw


def test_exif_orientation_is_applied() -> None:
    upright = _reopened(sideways_jpeg()).convert("RGB")
    assert upright.size == (100, 200)
    red, _green, blue = upright.getpixel((50, 30))  # type: ignore[misc]
    assert red > 200 and blue < 60
    red, _green, blue = upright.getpixel((50, 170))  # type: ignore[misc]
    assert blue > 200 and red < 60


def test_a_large_photo_is_shrunk_to_the_long_side_limit() -> None:
    cleaned = _reopened(image_bytes(size=(4000, 1000), color=(90, 90, 90)))
    assert cleaned.size == (MAX_SIDE, MAX_SIDE // 4)


def test_webp_is_accepted_and_saved_as_jpeg() -> None:
    assert _reopened(image_bytes(fmt="WEBP"), "kuva.webp").format == "JPEG"


def test_transparency_is_kept_as_png() -> None:
    logo = image_bytes(fmt="PNG", mode="RGBA", color=(0, 0, 0, 0))
    cleaned = clean_photo(upload(logo, "logo.png"))
    assert cleaned.content.name == "photo.png"
    assert Image.open(io.BytesIO(cleaned.content.read())).mode == "RGBA"
