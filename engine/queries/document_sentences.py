"""The case timeline's sentence for an issued document (docs/documents.md), added to case_page.SENTENCES
so the case page and the auditor's dossier read "出具文书…" instead of the event's code."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def _issued(event: Any, d: Mapping[str, Any], title: str, forms: Any) -> str:
    version = d.get("version")
    corrected = f"（更正版，第 {version} 版）" if isinstance(version, int) and version > 1 else ""
    return f"出具文书“{d.get('title') or ''}”{corrected}，核验码 {d.get('code') or ''}"


DOCUMENT_SENTENCES: dict[str, Callable[[Any, Mapping[str, Any], str, Any], str]] = {"document_issued": _issued}
