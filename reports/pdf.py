"""The one PDF renderer: a Django template → HTML → WeasyPrint, with Sarabun and no network.

One FontConfiguration is shared by every render (stylesheets and write_pdf). The URL fetcher
serves data: URIs, our own static files and the Sarabun font package's files, and refuses
everything else (http, other file:// paths), so a template can never reach the network or the disk.
"""

import io
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from pypdf import PdfWriter
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from thai.digits import to_thai_digits

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


_TAG_AND_TEXT = re.compile(r"(<[^>]*>)([^<]*)")
_STYLE = re.compile(r"<style.*?</style>", re.S)
_ENTITY = re.compile(r"(&#?\w+;)")
KEEP_DIGITS = 'data-digits="latin"'  # an element whose own text keeps its digits (a hash, a URL)


def _thai_text(text: str) -> str:
    return "".join(part if _ENTITY.fullmatch(part) else to_thai_digits(part) for part in _ENTITY.split(text))


def thai_digits_html(html: str) -> str:
    """The document's text with Thai digits (๐–๙); tags, attributes, the stylesheet and the text directly inside
    an element marked data-digits="latin" keep theirs; page counters use the Thai counter style."""
    styles = _STYLE.findall(html)
    body = _STYLE.sub("<style></style>", html)
    head, _tag, _rest = body.partition("<")
    body = _thai_text(head) + _TAG_AND_TEXT.sub(
        lambda match: match.group(1) + (match.group(2) if KEEP_DIGITS in match.group(1) else _thai_text(match.group(2))),
        body[len(head):])
    for style in styles:
        style = style.replace("counter(page)", "counter(page, thai)").replace("counter(pages)", "counter(pages, thai)")
        body = body.replace("<style></style>", style, 1)
    return body


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


def _render_one(job: tuple[str, str]) -> bytes:
    html, css = job
    return html_to_pdf(html, css=css)


def html_to_pdf_parallel(documents: list[str], *, css: str = "") -> bytes:
    """Lay out several HTML documents in parallel processes and join their PDFs in order.

    The processes come from a fork server, not a fork of this one: this process may have other threads
    (a threaded server rendering another PDF holds Pango's and fontconfig's locks) and open database
    connections, and a forked child would inherit both. The fork server is a fresh single-threaded
    interpreter that has imported this module (WeasyPrint, the fonts) once; each child forked from it
    only turns HTML into PDF and touches no database.
    """
    if len(documents) == 1:
        return html_to_pdf(documents[0], css=css)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["reports.pdf"])  # no effect once the server runs: it is set the same each time
    with ProcessPoolExecutor(max_workers=len(documents), mp_context=context) as pool:
        parts = list(pool.map(_render_one, [(html, css) for html in documents]))
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
