"""HTML to PDF with WeasyPrint, fetching nothing (docs/documents.md#pdf).

Fonts come from the machine's fontconfig (``make`` installs a CJK font, .ci/install-document-deps);
images may only be data: URIs (the verification QR code is one). Any other URL a template or its CSS
names is refused by the fetcher, and a render that tried one fails instead of printing a document with
a hole in it. Fonts are subset with HarfBuzz (libharfbuzz-subset0): with fontTools instead, a CJK font
costs about 1.4 s per document rather than 50 ms.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote, unquote

import segno
from markupsafe import escape

from engine.errors import WorkflowFailed

# A serif CJK face first (what official documents use), then the one `make` installs.
FONT_STACK = '"Noto Serif CJK SC", "Source Han Serif SC", "WenQuanYi Micro Hei", "Noto Sans CJK SC", serif'
_BASE_CSS = f"@page {{ size: A4; margin: 2cm 2.2cm; }} html {{ font-family: {FONT_STACK}; font-size: 12pt; }}"

logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


class DocumentRenderFailed(WorkflowFailed):
    """A template rendered to HTML that WeasyPrint could not print (or that asked for a URL)."""


def qr_data_uri(text: str) -> str:
    """The verification link as an SVG QR code, inline (nothing for WeasyPrint to fetch)."""
    return str(segno.make(text, error="m").svg_data_uri(scale=3, border=2))


# The QR code costs ~17 ms to draw, more than the rest of a step: a document is issued with this stand-in,
# which names the very URL the code will hold (so the HTML's sha256 still fixes what the paper says),
# and the printer swaps in the drawn code (fill_qr). Percent-encoded, so autoescaping leaves it alone.
_QR_STAND_IN = "data:image/svg+xml;dibao-qr,"
_QR_FOUND = re.compile(re.escape(_QR_STAND_IN) + r"([A-Za-z0-9%._~-]*)")


def qr_stand_in(text: str) -> str:
    """What `doc.qr` is when a document is issued: replaced by the QR code of `text` at print time."""
    return _QR_STAND_IN + quote(text, safe="")


def fill_qr(html: str) -> str:
    """The HTML as printed: each stand-in replaced by its QR code, escaped as the template would have."""
    return _QR_FOUND.sub(lambda found: str(escape(qr_data_uri(unquote(found.group(1))))), html)


def html_to_pdf(html: str, title: str) -> bytes:
    # Imported here: WeasyPrint loads pango and fontconfig, which only processes that print need.
    import weasyprint
    from weasyprint.urls import URLFetcher

    refused: list[str] = []

    class DataOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                refused.append(url)
                raise ValueError("external resources are not fetched")
            return super().fetch(url, headers)

    fetcher = DataOnly(allowed_protocols={"data"})
    document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url="about:blank")
    pdf = document.write_pdf(stylesheets=[weasyprint.CSS(string=_BASE_CSS, url_fetcher=fetcher)])
    if refused:
        raise DocumentRenderFailed(f"文书“{title}”引用了外部资源 {refused[0][:80]}，未出具")
    if not isinstance(pdf, bytes):
        raise DocumentRenderFailed(f"文书“{title}”未能生成 PDF")
    return pdf
