"""Editing a parameters.toml's text while keeping its comments (the designer's parameter form writes
through it; designer.parameters).

The files are simple (docs/contracts.md#layout): comment lines, then one `[name]` table per parameter holding
`YYYY-MM-DD = value` lines. We cut a file into blocks, one per table with the comment lines right above
its header, rewrite only the tables that changed and keep everything else byte for byte. A value keeps
the TOML type the parameter already has (a money amount stays a string "800.00", a day count an integer).
The result is checked with the engine's own loader (engine.domain.parameters.parse_parameters).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from engine.domain.parameters import Parameter, Value, parse_parameters

_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_-]+)\s*\]\s*(#.*)?$")
Period = tuple[str, str]  # (effective date "YYYY-MM-DD", value as typed)


@dataclass
class Block:
    name: str | None  # None: the preamble before the first table
    comments: list[str]  # the comment/blank lines above the header
    lines: list[str]  # the header and body lines as in the file


def split_blocks(text: str) -> list[Block]:
    blocks = [Block(None, [], [])]
    pending: list[str] = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            blocks.append(Block(match.group(1), pending, [line]))
            pending = []
        elif line.strip() == "" or line.lstrip().startswith("#"):
            pending.append(line)
        else:
            blocks[-1].lines.extend([*pending, line])
            pending = []
    blocks[-1].lines.extend(pending)
    return blocks


def comment_of(block: Block) -> str:
    """The comment text right above a table (for the form's help text)."""
    lines = [line.strip().lstrip("#").strip() for line in block.comments if line.strip().startswith("#")]
    return " ".join(lines)


def format_value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def shown_value(value: Value) -> str:
    """A value as the form shows it (no quotes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _typed(raw: str, like: Value | None) -> Value | str:
    """The value typed like the parameter's current one, or a _Bad message when it does not fit."""
    text = raw.strip()
    try:
        if isinstance(like, bool):
            if text.lower() not in ("true", "false"):
                raise ValueError
            return text.lower() == "true"
        if isinstance(like, int):
            return int(text)
        if isinstance(like, float):
            return float(text)
    except ValueError:
        return _Bad("取值必须是 true 或 false" if isinstance(like, bool) else "取值必须是数字")
    if not text and like == "":
        return text  # a string parameter that is empty on purpose: a blank on paper (the documents' bodies)
    return text if text else _Bad("取值不能为空")


class _Bad(str):
    """A message instead of a value."""


def table_lines(name: str, periods: Sequence[tuple[date, Value]]) -> list[str]:
    return [f"[{name}]", *(f"{start.isoformat()} = {format_value(value)}" for start, value in periods)]


def typed_periods(
    name: str, rows: Sequence[Period], like: Value | None, errors: dict[str, list[str]]
) -> list[tuple[date, Value]]:
    """The submitted rows as (date, typed value), blank rows dropped; problems go to `errors` by field."""
    periods: list[tuple[date, Value]] = []
    seen: set[date] = set()
    for index, (raw_date, raw_value) in enumerate(rows):
        if not raw_date.strip() and not raw_value.strip():
            continue
        field = f"{name}[{index + 1}]"
        try:
            start = date.fromisoformat(raw_date.strip())
        except ValueError:
            errors.setdefault(field, []).append(f"参数 {name} 第 {index + 1} 行：生效日期必须是 YYYY-MM-DD")
            continue
        if start in seen:
            errors.setdefault(field, []).append(f"参数 {name} 第 {index + 1} 行：生效日期 {start} 重复")
            continue
        seen.add(start)
        value = _typed(raw_value, like)
        if isinstance(value, _Bad):
            errors.setdefault(field, []).append(f"参数 {name} 第 {index + 1} 行：{value}")
        else:
            periods.append((start, value))
    if not periods and not any(k.startswith(f"{name}[") for k in errors):
        errors.setdefault(name, []).append(f"参数 {name}：至少需要一个生效日期和取值")
    periods.sort(key=lambda period: period[0])
    return periods


def rewrite(
    text: str,
    changes: Mapping[str, Sequence[tuple[date, Value]] | None],
    source: str,
) -> str:
    """`text` with the changed tables rewritten (None removes the table), new tables appended at the
    end; checked with the engine's loader (InvalidData names the file)."""
    blocks = split_blocks(text)
    present = {b.name for b in blocks if b.name}
    out: list[str] = []
    for block in blocks:
        if block.name is not None and block.name in changes:
            periods = changes[block.name]
            if periods is None:
                continue
            out.extend([*block.comments, *table_lines(block.name, periods)])
        else:
            out.extend([*block.comments, *block.lines])
    for name, periods in changes.items():
        if name not in present and periods is not None:
            out.extend(["", *table_lines(name, periods)])
    result = "\n".join(out).strip("\n") + "\n"
    parse_parameters(result, source)
    return result


def same_periods(parameter: Parameter | None, periods: Sequence[tuple[date, Value]]) -> bool:
    return parameter is not None and list(parameter.periods) == list(periods)
