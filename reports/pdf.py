"""The one PDF renderer: a Django template → HTML → WeasyPrint, with Sarabun and no network.

One FontConfiguration is shared by every render (stylesheets and write_pdf). The URL fetcher
serves data: URIs, our own static files and the Sarabun font package's files, and refuses
everything else (http, other file:// paths), so a template can never reach the network or the disk.
"""

from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

FONT_CONFIG = FontConfiguration()
_ALLOWED_ROOTS = [Path(settings.SARABUN_DIR).resolve(), *(Path(p).resolve() for p in settings.STATICFILES_DIRS
                                                             if isinstance(p, (str, Path)))]


class FetchRefused(ValueError):
    pass


class LocalOnlyFetcher(URLFetcher):
    """data: URIs and files under our static and font folders; nothing else."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "file"})

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if any(path.is_relative_to(root) for root in _ALLOWED_ROOTS):
                return super().fetch(url, headers)
        raise FetchRefused(f"refused to fetch {url!r} while rendering a PDF")


url_fetcher = LocalOnlyFetcher()


def font_face_css() -> str:
    """@font-face rules for Sarabun regular and bold, from the installed font package."""
    fonts = Path(settings.SARABUN_DIR)
    return "\n".join(
        f'@font-face {{ font-family: "Sarabun"; font-weight: {weight}; src: url("{(fonts / name).as_uri()}"); }}'
        for weight, name in ((400, "Sarabun-Regular.ttf"), (700, "Sarabun-Bold.ttf"))
    )


def html_to_pdf(html: str, *, css: str = "") -> bytes:
    document = render_document(html, css=css)
    return document.write_pdf()


def render_document(html: str, *, css: str = ""):
    """Lay out HTML (for callers that need the pages, e.g. to count them) with the shared fonts."""
    stylesheets = [weasyprint.CSS(string=font_face_css() + "\n" + css, font_config=FONT_CONFIG,
                                  url_fetcher=url_fetcher)]
    static_root = Path(settings.BASE_DIR, "static").resolve().as_uri() + "/"
    return weasyprint.HTML(string=html, base_url=static_root, url_fetcher=url_fetcher).render(
        stylesheets=stylesheets, font_config=FONT_CONFIG)


def render_pdf(template_name: str, context: dict, *, css: str = "") -> bytes:
    """Render a Django template to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context), css=css)
