"""The case timeline's sentence for a 更正 (engine.services.document_corrections), merged into
case_page.SENTENCES so the case page and the auditor's dossier both read it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def _corrected(event: Any, d: Mapping[str, Any], title: str, forms: Any) -> str:
    return (
        f"更正文书：出具第 {d.get('version', '?')} 版（核验码 {d.get('code', '')}），"
        f"替代核验码为 {d.get('replaces_code', '')} 的文书，更正原因：{d.get('reason', '')}"
    )


SENTENCES: dict[str, Callable[[Any, Mapping[str, Any], str, Any], str]] = {"document_corrected": _corrected}
