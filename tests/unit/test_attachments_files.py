"""What an uploaded file is (by its own bytes), what it is called once stored, how its size reads,
and how its name is sent back (no database)."""

from __future__ import annotations

import io
import zipfile

import pytest

from engine.results import format_size
from engine.services.attachments import JPEG, OFD, PDF, PNG, TIFF, FileType, sanitise_filename, sniff
from web.clerk.attachments import content_disposition, offer_numbers
from web.kit.forms_render import Field

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", PDF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
        (PNG_BYTES, PNG),
        (b"II*\x00\x08\x00\x00\x00", TIFF),
        (b"MM\x00*\x00\x00\x00\x08", TIFF),
        (_zip("OFD.xml", "Doc_0/Document.xml"), OFD),
        (_zip("word/document.xml"), None),  # a .docx is a ZIP too, but not an OFD
        (b"PK\x03\x04 broken zip", None),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),  # a Windows .exe
        (b"<html><script>alert(1)</script>", None),
        (b"GIF89a", None),
        (b" %PDF-1.4", None),  # the signature must open the file
        (b"", None),
    ],
)
def test_the_type_comes_from_the_first_bytes(head: bytes, expected: FileType | None) -> None:
    assert sniff(head) == expected


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("入户调查表.pdf", PDF, "入户调查表.pdf"),
        ("扫描件.JPEG", JPEG, "扫描件.JPEG"),
        ("C:\\Users\\村委\\评议记录.pdf", PDF, "评议记录.pdf"),
        ("../../etc/passwd.pdf", PDF, "passwd.pdf"),
        ("a<b>:c|d?.png", PNG, "a_b__c_d_.png"),
        ("照片.pdf", PNG, "照片.pdf.png"),  # the name follows the content, so the file opens correctly
        ("无扩展名", PDF, "无扩展名.pdf"),
        ("bad\x00name\r\n.pdf", PDF, "badname.pdf"),
        ("照片\u202egnp.pdf", PDF, "照片gnp.pdf"),  # shown as "照片fdp.png" with the override
        ("", PDF, "附件.pdf"),
        ("..", PDF, "附件.pdf"),
        ("...pdf", PDF, "pdf.pdf"),  # leading dots (hidden files) go
        ("  .hidden.tif  ", TIFF, "hidden.tif"),
    ],
)
def test_names_lose_paths_and_reserved_characters_and_keep_a_fitting_extension(
    raw: str, kind: FileType, expected: str
) -> None:
    assert sanitise_filename(raw, kind) == expected


def test_long_names_are_cut_but_keep_their_extension() -> None:
    name = sanitise_filename("调" * 500 + ".pdf", PDF)
    assert len(name) == 120
    assert name.endswith("调.pdf")


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 字节"),
        (1023, "1023 字节"),
        (1024, "1 KB"),
        (35_000, "34 KB"),
        (10 * 1024 * 1024, "10 MB"),
        (1_300_000, "1.2 MB"),
    ],
)
def test_sizes_read_as_people_say_them(size: int, text: str) -> None:
    assert format_size(size) == text


def test_a_chinese_name_is_sent_in_rfc_5987_form_with_an_ascii_fallback() -> None:
    header = content_disposition("入户调查表 (1).pdf", "FJ-2026-000001.pdf")
    assert header == (
        'attachment; filename="FJ-2026-000001.pdf"; '
        "filename*=UTF-8''%E5%85%A5%E6%88%B7%E8%B0%83%E6%9F%A5%E8%A1%A8%20%281%29.pdf"
    )


def test_fields_named_for_an_attachment_number_point_at_the_datalist() -> None:
    record = Field("signed_record", "text", "入户调查表附件编号")
    opinion = Field("opinion", "textarea", "审批意见")
    nested = Field("items.0.receipt", "text", "支出凭据附件编号")
    group = Field("items", "array", "支出", items=[Field("items.0", "object", "第 1 项", children=[nested])])
    offer_numbers([record, opinion, group])
    assert record.attrs == {"list": "attachment-numbers"}
    assert nested.attrs == {"list": "attachment-numbers"}
    assert opinion.attrs == {}
