"""Uploaded asset photos: limited in size and type, re-encoded without metadata (no GPS location)."""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_SIDE = 2400
MAX_PIXELS = 40_000_000


def clean_photo(upload) -> ContentFile:
    """Check an upload and return a re-encoded copy without EXIF (so no location data is kept)."""
    limit = settings.PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(_("รูปภาพมีขนาดเกิน %(size)s MB กรุณาย่อรูปก่อนอัปโหลด") % {"size": f"{limit / (1024 * 1024):.0f}"})
    try:
        upload.seek(0)
        probe = Image.open(upload)
        if probe.format not in ALLOWED_FORMATS:
            raise ValidationError(_("รับเฉพาะรูปภาพ JPEG, PNG หรือ WebP"))
        if probe.width * probe.height > MAX_PIXELS:
            raise ValidationError(_("รูปภาพมีจำนวนพิกเซลมากเกินไป"))
        probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("ไฟล์นี้ไม่ใช่รูปภาพที่อ่านได้ (รับเฉพาะ JPEG, PNG หรือ WebP)")) from None
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P") and probe.format == "PNG":
        image.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        image.convert("RGB").save(out, format="JPEG", quality=85)
        extension = "jpg"
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")
