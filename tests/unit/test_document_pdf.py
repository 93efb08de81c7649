"""PDF printing (engine/documents/pdf.py): Chinese text survives, nothing outside is fetched."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pypdf
import pytest
from markupsafe import escape

from engine.documents.pdf import DocumentRenderFailed, fill_qr, html_to_pdf, qr_data_uri, qr_stand_in
from engine.domain.document_codes import new_code, normalise_code


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_chinese_text_and_the_qr_code_print() -> None:
    html = f'<html><body><h1>不予确认告知书</h1><p>申请人 张三</p><img src="{qr_data_uri("http://x/public/verify/1")}"></body></html>'
    pdf = html_to_pdf(html, "不予确认告知书")
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "不予确认告知书" in text
    assert "张三" in text


class _Counter(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_url_is_never_fetched_and_fails_the_render() -> None:
    server = HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/seal.png"
        with pytest.raises(DocumentRenderFailed, match="引用了外部资源"):
            html_to_pdf(f'<html><body><img src="{url}"></body></html>', "x")
        with pytest.raises(DocumentRenderFailed):
            html_to_pdf(f"<html><head><style>@import url({url});</style></head><body>x</body></html>", "x")
    finally:
        server.shutdown()
        server.server_close()
    assert _Counter.hits == 0


def test_verification_codes_are_grouped_and_forgiving_when_typed() -> None:
    code = new_code()
    assert len(code) == 14
    assert code.count("-") == 2
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code("o1ll-0000-0000") == "0111-0000-0000"
    assert normalise_code("too short") is None
    assert normalise_code("UUUU-UUUU-UUUU") is None  # U is not in the alphabet


@pytest.mark.parametrize("url", ["http://x/public/verify/7K3M9QXP2D4F", 'https://民政.example/v?code=1&b="2"#x'])
def test_the_qr_stand_in_becomes_exactly_what_the_template_would_have_printed(url: str) -> None:
    # A document is issued with the stand-in (its URL in the HTML) and printed with the drawn code: the
    # printed HTML is byte for byte what rendering the code into the template (autoescaped) gave before.
    issued = f'<p>核验</p><img src="{escape(qr_stand_in(url))}" alt="二维码"><img src="{escape(qr_stand_in(url))}">'
    drawn = f'<p>核验</p><img src="{escape(qr_data_uri(url))}" alt="二维码"><img src="{escape(qr_data_uri(url))}">'
    assert str(escape(qr_stand_in(url))) == qr_stand_in(url)  # autoescaping leaves it alone
    assert fill_qr(issued) == drawn
