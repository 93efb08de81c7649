"""What may stay in task data: values the serializer stores and restores exactly, in bounded sizes.

Designer code (scripts, DMN outputs) can leave anything in task data: a ``range``, a generator, a
``complex``, a set, an int of a million digits, a string of a gigabyte. Any of these either fails
later in ``dump_state`` (outside the step that made it, so no step could be named) or bloats every
later save. Scripts are therefore checked as they finish (``SandboxedEnvironment.execute``), and the
whole state once more when it is serialized (``engine.workflow.serializer``), which catches what
conditions and DMN cells change in place.

Storable: None, bool, int, float (finite), str, Decimal (finite), datetime, date, timedelta, UUID, and
lists, tuples (stored as lists) and dicts with string keys of these. Bounds: see the constants.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

MAX_DEPTH = 48  # a household is 5 levels deep; far below the recursion limits of json and pickle
MAX_NODES = 200_000  # every value counted once per appearance; a household is a few hundred
MAX_TEXT = 1_000_000  # characters in one string
MAX_INT_BITS = 14_000  # about 4,200 decimal digits: below Python's int/str conversion limit (4,300)

_SCALARS = (type(None), bool, str, int, float, Decimal, datetime, date, timedelta, UUID)

_TYPE_NAMES = {
    "range": "range 区间",
    "set": "集合（set）",
    "frozenset": "集合（frozenset）",
    "complex": "复数",
    "bytes": "字节串",
    "bytearray": "字节数组",
    "generator": "生成器",
    "function": "函数",
    "slice": "切片",
}


class Unstorable(Exception):
    """A value that cannot be stored in task data. ``message`` is Chinese and names the variable path."""

    def __init__(self, path: str, reason: str) -> None:
        path = path if len(path) <= 120 else path[:117] + "…"
        self.path = path
        self.reason = reason
        self.message = f"流程数据中的“{path}”无法保存：{reason}"
        super().__init__(self.message)


def _type_name(value: Any) -> str:
    name = type(value).__name__
    if isinstance(value, BaseException):
        return "异常对象"
    return _TYPE_NAMES.get(name, f"{name} 类型的值")


def _scalar_problem(value: Any) -> str | None:
    if isinstance(value, str):
        return f"文字过长（{len(value)} 个字符，上限 {MAX_TEXT}）" if len(value) > MAX_TEXT else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return "整数位数过多" if value.bit_length() > MAX_INT_BITS else None
    if isinstance(value, float):
        return None if math.isfinite(value) else "不是有限的数（NaN 或无穷大）"
    if isinstance(value, Decimal):
        return None if value.is_finite() and abs(value.adjusted()) <= 4000 else "不是可保存的十进制数"
    return None


def check_storable(data: Mapping[str, Any], root: str = "") -> None:
    """Raise Unstorable naming the first value in ``data`` that cannot be stored (depth first)."""
    nodes = 0
    for key in data:
        if not isinstance(key, str):
            raise Unstorable(root or "（顶层）", f"{type(key).__name__} 类型的键不能保存，键必须是文字")
    pending = [(f"{root}{key}", value, 1) for key, value in reversed(list(data.items()))]
    while pending:
        path, value, depth = pending.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise Unstorable(path, f"数据项过多（上限 {MAX_NODES} 个）")
        if isinstance(value, _SCALARS):
            problem = _scalar_problem(value)
            if problem:
                raise Unstorable(path, problem)
            continue
        if depth >= MAX_DEPTH:
            raise Unstorable(path, f"嵌套过深（上限 {MAX_DEPTH} 层）")
        if isinstance(value, dict):
            pending.extend(reversed(_dict_children(path, value, depth)))
        elif isinstance(value, list | tuple):
            pending.extend((f"{path}[{i}]", child, depth + 1) for i, child in reversed(list(enumerate(value))))
        else:
            raise Unstorable(path, f"{_type_name(value)}不能保存，请只留下文字、数字、日期、列表或字典")


def _dict_children(path: str, value: dict[Any, Any], depth: int) -> list[tuple[str, Any, int]]:
    children = []
    for key, child in value.items():
        if not isinstance(key, str):
            raise Unstorable(path, f"{type(key).__name__} 类型的键不能保存，键必须是文字")
        children.append((f"{path}.{key}", child, depth + 1))
    return children
