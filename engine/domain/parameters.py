"""Region parameters with effective dates (design.md §2, domain.md §8a).

A parameters.toml holds one table per parameter whose keys are effective-from dates:

    [notice_days]
    2021-07-01 = 7

Levels are layered: a region's table for a parameter replaces the default table for that parameter
as a whole, so a region states its full history for whatever it overrides.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.errors import InvalidData

Value = int | float | str | bool


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


def parse_parameters(text: str, source: str) -> dict[str, Parameter]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidData(f"参数文件 {source} 格式错误：{exc}") from None
    result: dict[str, Parameter] = {}
    for name, table in raw.items():
        result[name] = _parse_one(name, table, source)
    return result


def _parse_one(name: str, table: Any, source: str) -> Parameter:
    if not isinstance(table, dict) or not table:
        raise InvalidData(f"参数文件 {source}：参数 {name} 必须是“生效日期 = 取值”的表")
    periods: list[tuple[date, Value]] = []
    for key, value in table.items():
        try:
            start = date.fromisoformat(str(key))
        except ValueError:
            raise InvalidData(f"参数文件 {source}：参数 {name} 的生效日期 {key} 不是 YYYY-MM-DD") from None
        if not isinstance(value, int | float | str | bool):
            raise InvalidData(f"参数文件 {source}：参数 {name} 在 {key} 的取值必须是数字、字符串或布尔值")
        periods.append((start, value))
    periods.sort(key=lambda period: period[0])
    return Parameter(name, tuple(periods))


def layered_parameters(sources: Iterable[tuple[str, str]]) -> Parameters:
    """Merge parameter files from the most general (default) to the most specific (region)."""
    merged: dict[str, Parameter] = {}
    for source, text in sources:
        merged.update(parse_parameters(text, source))
    return Parameters(merged)
