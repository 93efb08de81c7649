"""Editing a parameters.toml's text while keeping its comments (the designer's parameter form writes
through it; designer.parameters).

The files are simple (docs/contracts.md#layout): comment lines, then one `[name]` table per parameter holding
`YYYY-MM-DD = value` lines. We cut a file into blocks, one per table with the comment lines right above
its header, rewrite only the tables that changed and keep everything else byte for byte. A value is typed
by the parameter catalogue (engine.domain.parameter_catalogue): a money amount stays a string "800.00", a
day count an integer, an empty list "" where the catalogue allows it.
The result is checked with the engine's own loader (engine.domain.parameters.parse_parameters).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from engine.domain import parameter_catalogue as catalogue
from engine.domain.parameters import Parameter, Value, parse_parameters
from engine.domain.reminder_rules import value_problem

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


def format_value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def table_lines(name: str, periods: Sequence[tuple[date, Value]]) -> list[str]:
    return [f"[{name}]", *(f"{start.isoformat()} = {format_value(value)}" for start, value in periods)]


def typed_periods(
    name: str, rows: Sequence[Period], like: Value | None, errors: dict[str, list[str]]
) -> list[tuple[date, Value]]:
    """The submitted rows as (date, value typed by the catalogue), blank rows dropped; problems go to
    `errors` by field ("notice_days[2]"), naming the parameter by its Chinese name and the row."""
    item = catalogue.entry(name, like)
    periods: list[tuple[date, Value]] = []
    seen: set[date] = set()
    for index, (raw_date, raw_value) in enumerate(rows):
        if not raw_date.strip():
            if raw_value.strip() and item.kind not in ("boolean", "choice", "choices", "level_roles"):
                errors.setdefault(f"{name}[{index + 1}]", []).append(
                    f"参数「{item.label}」第 {index + 1} 行：请填写生效日期"
                )
            continue
        problem = _row_problem(name, raw_date, raw_value, item, seen, periods)
        if problem:
            errors.setdefault(f"{name}[{index + 1}]", []).append(f"参数「{item.label}」第 {index + 1} 行{problem}")
    if not periods and not any(k.startswith(f"{name}[") for k in errors):
        errors.setdefault(name, []).append(f"参数「{item.label}」：至少需要一个生效日期和取值")
    periods.sort(key=lambda period: period[0])
    return periods


def _row_problem(
    name: str,
    raw_date: str,
    raw_value: str,
    item: catalogue.Entry,
    seen: set[date],
    periods: list[tuple[date, Value]],
) -> str | None:
    """None when the row is good (then it is added to `periods`), else the message's tail."""
    try:
        start = date.fromisoformat(raw_date.strip())
    except ValueError:
        return f"：生效日期“{raw_date.strip()[:20]}”不是有效日期（YYYY-MM-DD）"
    if start in seen:
        return f"：生效日期 {start} 重复，一个日期只能有一个取值"
    seen.add(start)
    try:
        value = catalogue.parse_value(item, raw_value)
    except ValueError as exc:
        return f"（{start} 起）：{exc}"
    if problem := value_problem(name, value):
        return f"（{start} 起）：{problem}"
    periods.append((start, value))
    return None


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
