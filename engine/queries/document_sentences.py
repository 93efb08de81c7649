"""The case timeline's sentences for issued documents, their downloads and prints
(docs/documents-verify-and-download.md); engine.queries.case_page adds them to its table."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.persistence import AuditEvent

Describe = Callable[[AuditEvent, Mapping[str, Any], str, Mapping[str, Any]], str]


def _issued(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, Any]) -> str:
    version = d.get("version")
    corrected = f"（更正版，第 {version} 版）" if isinstance(version, int) and version > 1 else ""
    return f"出具文书“{d.get('title') or ''}”{corrected}，核验码 {d.get('code') or ''}"


def _downloaded(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, Any]) -> str:
    verb = "打印" if d.get("purpose") == "print" else "下载"
    return f"{verb}文书“{d.get('title', '')}”（核验码 {d.get('code', '?')}）"


def _damaged(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, Any]) -> str:
    return f"文书“{d.get('title', '')}”（核验码 {d.get('code', '?')}）的文件与生成时的摘要不符，已拒绝下载"


def _rendered(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, Any]) -> str:
    return f"文书“{d.get('title', '')}”（核验码 {d.get('code', '?')}）已生成 PDF"


SENTENCES: dict[str, Describe] = {
    "document_issued": _issued,
    "document_rendered": _rendered,
    "document_downloaded": _downloaded,
    "document_integrity_failed": _damaged,
}
