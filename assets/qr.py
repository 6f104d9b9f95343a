"""QR codes on labels: a short URL per asset, drawn at one pixel per module, cached on disk.

The payload is {SITE_URL}/a/<asset number> (URL-encoded), error correction M, with the standard
four-module quiet zone inside the image so a sheet always keeps it. A fixed mask pattern skips
qrcode's search over all eight (about 1 ms a code instead of 7). Images are cached by payload
under VAR_DIR/cache/qr, so a second sheet of the same assets does not draw them again.
"""

import hashlib
import io
from pathlib import Path
from urllib.parse import quote

import qrcode
from django.conf import settings
from qrcode.constants import ERROR_CORRECT_M

MASK_PATTERN = 2
QUIET_ZONE = 4


def payload_url(number: str) -> str:
    return f"{settings.SITE_URL}/a/{quote(number, safe='')}"


def _cache_path(payload: str) -> Path:
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return Path(settings.VAR_DIR) / "cache" / "qr" / digest[:2] / f"{digest}.png"


def draw_png(payload: str) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=QUIET_ZONE, mask_pattern=MASK_PATTERN)
    code.add_data(payload)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_png(payload: str) -> bytes:
    """The PNG for a payload, from the disk cache or drawn (and cached)."""
    path = _cache_path(payload)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    png = draw_png(payload)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{hashlib.sha256(png).hexdigest()[:8]}.tmp")
    temporary.write_bytes(png)
    temporary.replace(path)  # atomic: parallel renders never read half a file
    return png


def clear_cache() -> None:
    root = Path(settings.VAR_DIR) / "cache" / "qr"
    for path in root.glob("*/*.png"):
        path.unlink(missing_ok=True)
