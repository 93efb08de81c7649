"""The region's parameters as the assessment uses them: every one read and checked for one day up
front, so a misconfigured region fails with the parameter's name before any rule runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.domain.parameters import Parameters
from engine.domain.vocabulary import INCOME_KINDS
from engine.errors import DibaoError

PARAMETER_NAMES = (
    "dibao_standard_urban",
    "dibao_standard_rural",
    "minimum_wage",
    "marginal_multiplier",
    "excluded_income_kinds",
    "rigid_expense_deduction_rate",
    "employment_cost_deduction_rate",
    "employment_cost_deduction_months",
    "disabled_topup_multiplier",
    "single_person_medical_cost_test",
)


class ParameterProblem(DibaoError):
    """A parameter the assessment needs is missing, not yet in force, or not a usable value.

    The region's configuration is wrong, not the caller's input, hence not InvalidData.
    """

    code = "parameter_error"


@dataclass(frozen=True)
class Rules:
    """The parameters of one region in force on one day, as the assessment uses them."""

    standard_urban: Decimal
    standard_rural: Decimal
    minimum_wage: Decimal
    marginal_multiplier: Decimal
    excluded_kinds: frozenset[str]
    rigid_expense_rate: Decimal
    employment_cost_rate: Decimal
    employment_cost_months: int
    disabled_topup_multiplier: Decimal
    medical_cost_test: bool

    def standard(self, registered_type: str) -> Decimal:
        return self.standard_urban if registered_type == "urban" else self.standard_rural


def read_rules(parameters: Parameters, on: date) -> Rules:
    """Every parameter the assessment uses, read for `on`; ParameterProblem names the first bad one."""
    reader = _ParameterReader(parameters, on)
    return Rules(
        standard_urban=reader.amount("dibao_standard_urban", positive=True),
        standard_rural=reader.amount("dibao_standard_rural", positive=True),
        minimum_wage=reader.amount("minimum_wage"),
        marginal_multiplier=reader.amount("marginal_multiplier", at_least=Decimal(1)),
        excluded_kinds=reader.kinds("excluded_income_kinds"),
        rigid_expense_rate=reader.amount("rigid_expense_deduction_rate"),
        employment_cost_rate=reader.amount("employment_cost_deduction_rate"),
        employment_cost_months=reader.whole("employment_cost_deduction_months"),
        disabled_topup_multiplier=reader.amount("disabled_topup_multiplier"),
        medical_cost_test=reader.flag("single_person_medical_cost_test"),
    )


@dataclass(frozen=True)
class _ParameterReader:
    parameters: Parameters
    on: date

    def raw(self, name: str) -> Any:
        try:
            return self.parameters.value(name, self.on)
        except KeyError as exc:
            detail = exc.args[0] if exc.args else name
            raise ParameterProblem(f"家庭经济状况评估缺少参数 {name}：{detail}") from None

    def _bad(self, name: str, value: Any, wanted: str) -> ParameterProblem:
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
            raise self._bad(name, value, wanted)
        return number

    def whole(self, name: str) -> int:
        value = self.raw(name)
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self._bad(name, value, "必须是不小于 0 的整数")
        return value

    def flag(self, name: str) -> bool:
        value = self.raw(name)
        if not isinstance(value, bool):
            raise self._bad(name, value, "必须是 true 或 false")
        return value

    def kinds(self, name: str) -> frozenset[str]:
        value = self.raw(name)
        if not isinstance(value, str):
            raise self._bad(name, value, "必须是以逗号分隔的收入类别")
        kinds = frozenset(k.strip() for k in value.split(",") if k.strip())
        # A misspelt kind would quietly count an income the region meant to leave out.
        unknown = sorted(kinds - INCOME_KINDS.keys())
        if unknown:
            raise self._bad(name, value, f"未知的收入类别 {'、'.join(unknown)}（可用：{'、'.join(INCOME_KINDS)}）")
        return kinds
