"""Small images made with Pillow for the walkthrough tests."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

GPS_LATITUDE = (60.0, 10.0, 5.0)


def image_bytes(
    size: tuple[int, int] = (120, 80),
    fmt: str = "JPEG",
    mode: str = "RGB",
    color: object = (200, 60, 40),
    **save: object,
) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)  # type: ignore[arg-type]
    return buffer.getvalue()


def jpeg_with_gps_and_comment() -> bytes:
    """A JPEG that says where it was taken, with a comment and XMP."""
    image = Image.new("RGB", (160, 120), (30, 120, 200))
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "Kamerapuhelin"
    exif[ExifTags.Base.Model] = "Malli 7"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (24.0, 56.0, 1.0)
    buffer = io.BytesIO()
    image.save(
        buffer,
        "JPEG",
        exif=exif,
        comment=b"Otettu Kallion terveysasemalla",
        xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>Kallio</x:xmpmeta>",
    )
    return buffer.getvalue()


def sideways_jpeg() -> bytes:
    """200×100 stored, red on the left, blue on the right, with EXIF orientation 6:
    shown upright it is 100×200 with red on top."""
    image = Image.new("RGB", (200, 100), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 100, 100))
    exif = image.getexif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def upload(
    content: bytes, name: str = "kuva.jpg", content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
