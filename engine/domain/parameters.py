"""Region parameters with effective dates (docs/contracts.md#layout, docs/rules.md#regions).

A parameters.toml holds one table per parameter whose keys are effective-from dates:

    [notice_days]
    2021-07-01 = 7

Levels are layered: a region's table for a parameter replaces the default table for that parameter
as a whole, so a region states its full history for whatever it overrides.
"""

from __future__ import annotations

import math
import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.domain.reminder_rules import value_problem
from engine.errors import InvalidData, Problem

Value = int | float | str | bool
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Parameter:
    name: str
    periods: tuple[tuple[date, Value], ...]  # sorted by effective date

    def value_on(self, day: date) -> Value:
        starts = [start for start, _ in self.periods]
        index = bisect_right(starts, day) - 1
        if index < 0:
            raise KeyError(f"参数 {self.name} 在 {day.isoformat()} 尚未生效（最早生效日 {starts[0].isoformat()}）")
        return self.periods[index][1]


@dataclass(frozen=True)
class Parameters:
    by_name: Mapping[str, Parameter] = field(default_factory=dict)

    def value(self, name: str, on: date) -> Value:
        parameter = self.by_name.get(name)
        if parameter is None:
            raise KeyError(f"未定义的参数：{name}")
        return parameter.value_on(on)

    def names(self) -> list[str]:
        return sorted(self.by_name)

    def snapshot(self, on: date) -> dict[str, Value]:
        """Every parameter's value in force on `on` (parameters not yet in force are left out)."""
        result: dict[str, Value] = {}
        for name, parameter in self.by_name.items():
            try:
                result[name] = parameter.value_on(on)
            except KeyError:
                continue
        return result


def _load(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidData(f"参数文件 {source} 格式错误：{_toml_message(str(exc))}") from None
    except RecursionError:
        # tomllib reads nested arrays and inline tables recursively; no parameter nests at all.
        raise InvalidData(f"参数文件 {source} 格式错误：数组或内联表嵌套过深") from None


def parse_parameters(text: str, source: str) -> dict[str, Parameter]:
    result: dict[str, Parameter] = {}
    for name, table in _load(text, source).items():
        result[name] = _parse_one(name, table, source)
    return result


def parameter_problems(text: str, source: str) -> list[Problem]:
    """Every problem of a parameter file, naming the parameter and its line; [] when it is fine."""
    try:
        raw = _load(text, source)
    except InvalidData as exc:
        line = _TOML_LINE.search(exc.message)
        return [Problem(source, exc.message, None, int(line.group(1)) if line else None)]
    problems: list[Problem] = []
    for name, table in raw.items():
        try:
            _parse_one(name, table, source)
        except InvalidData as exc:
            problems.append(Problem(source, exc.message, name, _line_of(text, name)))
    return problems


def _parse_one(name: str, table: Any, source: str) -> Parameter:
    if not _NAME.match(name):
        raise InvalidData(f"参数文件 {source}：参数名“{name[:40]}”须以字母开头，只含字母、数字和下划线（最长 64）")
    if not isinstance(table, dict) or not table:
        raise InvalidData(f"参数文件 {source}：参数 {name} 必须是“生效日期 = 取值”的表")
    periods: list[tuple[date, Value]] = []
    for key, value in table.items():
        try:
            start = date.fromisoformat(str(key))
        except ValueError:
            raise InvalidData(f"参数文件 {source}：参数 {name} 的生效日期 {key[:40]} 不是 YYYY-MM-DD") from None
        if not isinstance(value, int | float | str | bool):
            raise InvalidData(f"参数文件 {source}：参数 {name} 在 {key} 的取值必须是数字、字符串或布尔值")
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidData(f"参数文件 {source}：参数 {name} 在 {key} 的取值必须是有限的数（不能是 inf 或 nan）")
        # The notification rules' values (engine.domain.reminder_rules) are refused here, at deploy.
        if problem := value_problem(name, value):
            raise InvalidData(f"参数文件 {source}：参数 {name} 在 {key} 的取值 {value!r} 不可用：{problem}")
        periods.append((start, value))
    periods.sort(key=lambda period: period[0])
    return Parameter(name, tuple(periods))


# tomllib's messages, which end in "(at line N, column M)".
_TOML_LINE = re.compile(r"第 (\d+) 行")
_TOML_WORDS = (
    ("Expected '=' after a key in a key/value pair", "键后面缺少 ="),
    ("Invalid statement", "无效的语句"),
    ("Invalid value", "无效的取值"),
    ("Invalid initial character for a key part", "键的首字符无效"),
    ("Cannot overwrite a value", "重复定义了同一个键"),
    ("Cannot declare", "重复声明了同一个表"),
    ("Unclosed array", "数组没有闭合"),
    ("Unclosed inline table", "内联表没有闭合"),
    ("Unterminated string", "字符串没有结束引号"),
    ("Illegal character", "非法字符"),
    ("Expected newline or end of document after a statement", "语句之后应换行"),
    ("Expected ']' at the end of a table declaration", "表头缺少 ]"),
    ("Invalid date or datetime", "无效的日期"),
)


def _toml_message(message: str) -> str:
    where = re.search(r"\(at line (\d+), column (\d+)\)", message)
    text = message[: where.start()].strip() if where else message
    chinese = next((zh for en, zh in _TOML_WORDS if text.startswith(en)), text)
    if where:
        chinese += f"（第 {where.group(1)} 行第 {where.group(2)} 列）"
    elif "end of document" in message:
        chinese += "（文件末尾）"
    return chinese


def _line_of(text: str, name: str) -> int | None:
    """The line that starts the parameter's table: `[name]`, or `name.<date> = …`, or `name = {…}`."""
    header = re.compile(rf"^\s*\[\s*\"?{re.escape(name)}\"?\s*\]|^\s*\"?{re.escape(name)}\"?\s*[.=]")
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            return number
    return None


def layered_parameters(sources: Iterable[tuple[str, str]]) -> Parameters:
    """Merge parameter files from the most general (default) to the most specific (region)."""
    merged: dict[str, Parameter] = {}
    for source, text in sources:
        merged.update(parse_parameters(text, source))
    return Parameters(merged)
