"""One expression a designer types in the modeler, checked as deploy validation will check it.

A sequence flow's condition and a timer event's expression are Python expressions evaluated in the
sandbox (engine.workflow.sandbox); deploy refuses one that does not compile there or that calls a
function outside the builtins and helpers (checks.py `_code`). The modeler's properties panel asks
while the designer types (web/designer/modeler_api.py): same rules, same Chinese reasons, nothing run.
"""

from __future__ import annotations

from typing import Literal

from engine.workflow.checks import KNOWN_CALLABLES
from engine.workflow.sandbox import check_expression, check_names

ExpressionKind = Literal["condition", "timer"]
KINDS: dict[str, str] = {"condition": "顺序流条件", "timer": "定时器表达式"}
MAX_EXPRESSION_CHARS = 2000  # far longer than any condition of processes/; the sandbox limits the rest


def expression_problem(kind: ExpressionKind, text: str) -> str | None:
    """None when deploy would accept `text` as this kind of expression, else the Chinese reason."""
    what = KINDS[kind]
    source = text.strip()
    if not source:
        return f"{what}不能为空" if kind == "timer" else "条件为空：此顺序流总会被选中（默认流请在网关上设置）"
    if len(source) > MAX_EXPRESSION_CHARS:
        return f"{what}过长（最多 {MAX_EXPRESSION_CHARS} 个字符）"
    reason = check_expression(source) or check_names(source, "eval", KNOWN_CALLABLES)
    return f"{what}无法在沙箱中编译：{reason}" if reason else None
