"""Reading one region's parameters on one day for a pure calculation (the 低保 assessment, the 特困
assessment): each value checked for the kind the calculation needs, and a bad or missing one reported as a
ParameterProblem that names it, its date and what was wanted, in Chinese."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.domain.parameters import Parameters
from engine.errors import DibaoError


class ParameterProblem(DibaoError):
    """A parameter a calculation needs is missing, not yet in force, or not a usable value.

    The region's configuration is wrong, not the caller's input, hence not InvalidData.
    """

    code = "parameter_error"


@dataclass(frozen=True)
class ParameterReader:
    parameters: Parameters
    on: date
    calculation: str  # what reads them, as a missing parameter's message names it: 家庭经济状况评估 …

    def raw(self, name: str) -> Any:
        try:
            return self.parameters.value(name, self.on)
        except KeyError as exc:
            detail = exc.args[0] if exc.args else name
            raise ParameterProblem(f"{self.calculation}缺少参数 {name}：{detail}") from None

    def bad(self, name: str, value: Any, wanted: str) -> ParameterProblem:
        return ParameterProblem(f"参数 {name} 在 {self.on.isoformat()} 的取值 {value!r} 不可用：{wanted}")

    def amount(self, name: str, *, positive: bool = False, at_least: Decimal | None = None) -> Decimal:
        value = self.raw(name)
        number: Decimal | None = None
        if not isinstance(value, bool) and isinstance(value, int | float | str):
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                number = None
        floor = Decimal(0) if at_least is None else at_least
        if number is None or not number.is_finite() or number < floor or (positive and number == 0):
            wanted = "必须是大于 0 的数" if positive else f"必须是不小于 {floor} 的数"
            raise self.bad(name, value, wanted)
        return number

    def whole(self, name: str, lowest: int = 0, highest: int | None = None) -> int:
        value = self.raw(name)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or value < lowest or (highest or value) < value:
            wanted = f"必须是不小于 {lowest} 的整数" if highest is None else f"必须是 {lowest} 到 {highest} 的整数"
            raise self.bad(name, value, wanted)
        return value

    def flag(self, name: str) -> bool:
        value = self.raw(name)
        if not isinstance(value, bool):
            raise self.bad(name, value, "必须是 true 或 false")
        return value

    def choice(self, name: str, known: Mapping[str, str]) -> str:
        value = self.raw(name)
        if value not in known:
            raise self.bad(name, value, f"必须是 {'、'.join(known)} 之一")
        return str(value)

    def codes(self, name: str, known: Mapping[str, str], noun: str = "代码") -> frozenset[str]:
        """A comma-separated list of codes from `known`; a misspelt one would quietly count an income (or a
        supporter) the region meant to leave out, so it is refused."""
        value = self.raw(name)
        if not isinstance(value, str):
            raise self.bad(name, value, f"必须是以逗号分隔的{noun}")
        codes = frozenset(c.strip() for c in value.split(",") if c.strip())
        unknown = sorted(codes - known.keys())
        if unknown:
            raise self.bad(name, value, f"未知的{noun} {'、'.join(unknown)}（可用：{'、'.join(known)}）")
        return codes
