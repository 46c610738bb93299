"""Walkthrough photos: checked by their content, then re-encoded without metadata.

A phone's photo carries where it was taken (GPS), the device, the time and often a
thumbnail of the original; none of that belongs in a walkthrough. The photo is
decoded and only its pixels are kept: turned upright by its EXIF orientation,
converted to sRGB, shrunk to at most MAX_SIDE on the long side, and saved as JPEG
(PNG where it has transparency).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_SIDE = 2048
JPEG_QUALITY = 85
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
# What Pillow raises on a damaged, cut-short or otherwise undecodable file.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError)


@dataclass
class CleanPhoto:
    content: ContentFile  # named photo.jpg or photo.png
    width: int
    height: int


def _not_a_photo() -> ValidationError:
    return ValidationError(_("Only JPEG, PNG or WebP photos can be added."), code="format")


def _too_many_pixels() -> ValidationError:
    mp = settings.KAIKU_PHOTO_MAX_PIXELS // 1_000_000
    return ValidationError(
        _("The image is too large in pixels (at most %(mp)d megapixels). Take a smaller photo.")
        % {"mp": mp},
        code="pixels",
    )


def _unreadable() -> ValidationError:
    return ValidationError(
        _("The photo could not be read: it may be damaged or cut short. Take or choose it again."),
        code="damaged",
    )


def read_limited(upload: IO[bytes], size: int | None = None) -> bytes:
    """The upload's bytes, refused unread when its size is over the limit, and never
    more than the limit read whatever size it claims."""
    limit = settings.KAIKU_PHOTO_MAX_BYTES
    too_large = ValidationError(
        _("The photo is too large: at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
        code="size",
    )
    if size is not None and size > limit:
        raise too_large
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    if not data:
        raise _not_a_photo()
    return data


def clean_photo(upload: IO[bytes], size: int | None = None) -> CleanPhoto:
    """Check an uploaded photo and re-encode it; a ValidationError says what to do."""
    data = read_limited(upload, size if size is not None else getattr(upload, "size", None))
    with warnings.catch_warnings():
        # Pillow warns (and past twice its limit refuses) on images with too many
        # pixels; a warning is a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # Only these decoders are tried: the content decides, never the name.
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, *_DECODE_ERRORS):
            raise _not_a_photo() from None
        # The header's size, before any pixel is decoded.
        if image.width * image.height > settings.KAIKU_PHOTO_MAX_PIXELS:
            raise _too_many_pixels()
        try:
            if image.format == "JPEG":
                # Decode a large JPEG at a reduced scale straight away (never below MAX_SIDE).
                image.draft(None, (MAX_SIDE, MAX_SIDE))
            image.load()
            clean = _reencodable(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except _DECODE_ERRORS:
            raise _unreadable() from None
    return _encode(clean)


def _reencodable(image: Image.Image) -> Image.Image:
    """Upright, sRGB, RGB or RGBA, at most MAX_SIDE on the long side."""
    upright = ImageOps.exif_transpose(image) or image
    upright = _to_srgb(upright)
    transparent = upright.has_transparency_data
    upright = upright.convert("RGBA" if transparent else "RGB")
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return upright


def _to_srgb(image: Image.Image) -> Image.Image:
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode
        )
    except (ImageCms.PyCMSError, *_DECODE_ERRORS):
        return image  # an unreadable profile: the pixels as they are
    return converted or image


def _encode(image: Image.Image) -> CleanPhoto:
    # A new image from the pixels alone: nothing of the original's info (EXIF, GPS,
    # XMP, comments, ICC profile, text chunks) can be carried into the saved file.
    bare = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if bare.mode == "RGBA":
        bare.save(out, "PNG", optimize=True)
        name = "photo.png"
    else:
        bare.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        name = "photo.jpg"
    return CleanPhoto(
        content=ContentFile(out.getvalue(), name=name), width=bare.width, height=bare.height
    )


def photo_response(photo: FieldFile) -> FileResponse:
    """A stored photo for a signed-in member or an API key: never cached by a shared
    cache, never sniffed as anything but the image it is. 404 without one."""
    name = photo.name if photo else None
    if not name:
        raise Http404
    try:
        file = photo.storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    suffix = name.rsplit(".", 1)[-1].lower()
    response = FileResponse(file, content_type=CONTENT_TYPES.get(suffix, "image/jpeg"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    patch_cache_control(response, private=True, max_age=3600)
    return response
