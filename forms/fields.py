"""marshmallow fields for form data, strict about types and with Chinese messages.

Each field returns a JSON-safe value (str, int, float, bool, list, dict) so cleaned data can be
stored in workflow state and audit events as it is. Messages here name no field: the validator
puts the field's title in front of them.

What each field accepts, beyond the JSON value of its own type:
- integer: a whole float (3.0, as some JSON encoders write) and a string of digits (HTML forms);
  never 3.7, "3.7" or a boolean.
- number: a numeric string (HTML forms); never a boolean, NaN or infinity.
- boolean: true/false, and the strings "true", "false" and "on" (what an HTML checkbox sends);
  an unchecked checkbox sends nothing, so a required boolean must be filled in by the page.
- strings are stripped of surrounding blanks; the schema treats a blank string as not given.
"""

from __future__ import annotations

import contextvars
import datetime
import math
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, TypeVar

from marshmallow import ValidationError, fields

from engine.clock import china_today
from engine.domain.id_numbers import id_number_problem, normalize_id_number

COMMON_MESSAGES: dict[str, Any] = {
    "required": "必填",
    "null": "不能为空",
    "validator_failed": "不符合要求",
}

_CENT = Decimal("0.01")
# Amounts of a trillion yuan or more are typing mistakes, and staying far below the default
# 28-digit Decimal precision keeps quantize() from failing.
_MONEY_LIMIT = Decimal(10) ** 15
_MONEY_TEXT = re.compile(r"[0-9]{1,16}(\.[0-9]{1,16})?")
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,18}")
_NUMBER_TEXT = re.compile(r"[+-]?([0-9]{1,30}(\.[0-9]{0,30})?|\.[0-9]{1,30})")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ORG_UNIT = re.compile(r"[A-Za-z0-9_-]{1,64}")
_BOOLEAN_TEXT = {"true": True, "false": False, "on": True}
# Whole numbers beyond a 64-bit column are mistakes; an unbounded int would also break
# json.dumps past Python's 4300-digit conversion limit.
_INT_LIMIT = 2**63

T = TypeVar("T")
Data = Mapping[str, Any] | None


class FormField(fields.Field[T]):
    """Base of the form fields: the class's own Chinese messages over the common ones."""

    messages: ClassVar[dict[str, str]] = {}

    def __init__(self, **kwargs: Any) -> None:
        merged: dict[str, Any] = {
            **COMMON_MESSAGES,
            **self.messages,
            **(kwargs.pop("error_messages", None) or {}),
        }
        super().__init__(error_messages=merged, **kwargs)


class Text(FormField[str]):
    messages: ClassVar[dict[str, str]] = {"invalid": "必须是文字"}

    def _deserialize(self, value: Any, attr: str | None, data: Data, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        return value.strip()


class Integer(FormField[int]):
    messages: ClassVar[dict[str, str]] = {"invalid": "必须是整数", "too_large": "数值超出范围"}

    def _deserialize(self, value: Any, attr: str | None, data: Data, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
            value = int(value.strip())
        if not isinstance(value, int):
            raise self.make_error("invalid")
        return _in_range(self, value)


class Number(FormField[int | float]):
    messages: ClassVar[dict[str, str]] = {"invalid": "必须是数字", "too_large": "数值超出范围"}

    def _deserialize(self, value: Any, attr: str | None, data: Data, **kwargs: Any) -> int | float:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, int):
            return _in_range(self, value)
        if isinstance(value, float) and math.isfinite(value):
            return value
        if isinstance(value, str) and _NUMBER_TEXT.fullmatch(text := value.strip()):
            return _in_range(self, int(text)) if text.lstrip("+-").isdigit() else float(text)
        raise self.make_error("invalid")


def _in_range(field: fields.Field[Any], value: int) -> int:
    if not -_INT_LIMIT < value < _INT_LIMIT:
        raise field.make_error("too_large")
    return value


class Boolean(FormField[bool]):
    messages: ClassVar[dict[str, str]] = {"invalid": "必须是“是”或“否”"}

    def _deserialize(self, value: Any, attr: str | None, data: Data, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value in _BOOLEAN_TEXT:
            return _BOOLEAN_TEXT[value]
        raise self.make_error("invalid")


class Money(FormField[str]):
    """A non-negative amount of yuan with at most two decimals, given as a string or a number.

    Returned as a string with exactly two decimals ("12.50"): floats would lose cents on the way
    to the database and back. A float is read by its shortest repr, so 12.5 is 12.50 and 0.1 is 0.10.
    """

    def __init__(self, *, minimum: Decimal | None = None, maximum: Decimal | None = None, **kwargs: Any):
        self.minimum = minimum
        self.maximum = maximum
        floor = "0" if minimum is None else str(minimum)
        messages = {
            "invalid": f"必须是不小于 {floor} 的金额，最多两位小数",
            "too_large": f"不能大于 {maximum}",
        }
        super().__init__(error_messages={**messages, **(kwargs.pop("error_messages", None) or {})}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Data, **kwargs: Any) -> str:
        amount = _decimal(value)
        if amount is None or (self.minimum is not None and amount < self.minimum):
            raise self.make_error("invalid")
        if self.maximum is not None and amount > self.maximum:
            raise self.make_error("too_large")
        return f"{amount.quantize(_CENT, rounding=ROUND_HALF_UP):f}"


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float) and math.isfinite(value):
        amount = Decimal(repr(value))
    elif isinstance(value, str) and _MONEY_TEXT.fullmatch(value.strip()):
        amount = Decimal(value.strip())
    else:
        return None
    if not 0 <= amount < _MONEY_LIMIT or amount != amount.quantize(_CENT, rounding=ROUND_HALF_UP):
        return None
    return amount.copy_abs()  # -0.0 from a float would otherwise print as "-0.00"


class IdNumber(FormField[str]):
    """A GB 11643 identity number; a lowercase check character x is stored as X."""

    messages: ClassVar[dict[str, str]] = {"invalid": "必须是文字"}

    def _deserialize(self, value: Any, attr: str | None, data: Data, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        number = normalize_id_number(value)
        problem = id_number_problem(number)
        if problem is not None:
            raise ValidationError(problem)
        return number


# The day "not in the future" is judged against, set by validate_form(today=...) for one validation
# (the dry run judges against its own simulated day); unset, the Beijing calendar day of the engine's
# clock, which honours the demo clock and a moment pinned by engine.workflow.host_child. Never the
# machine's local date: at 02:30 in Beijing a UTC server is still on yesterday.
VALIDATION_DAY: contextvars.ContextVar[datetime.date | None] = contextvars.ContextVar("validation_day", default=None)


def today() -> datetime.date:
    return VALIDATION_DAY.get() or china_today()


class IsoDate(FormField[str]):
    """A calendar date written YYYY-MM-DD, returned in the same form."""

    messages: ClassVar[dict[str, str]] = {
        "invalid": "必须是有效日期（格式 YYYY-MM-DD）",
        "future": "不能晚于今天",
    }

    def __init__(self, *, not_future: bool = False, **kwargs: Any):
        self.not_future = not_future
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Data, **kwargs: Any) -> str:
        day = _date(value)
        if day is None:
            raise self.make_error("invalid")
        if self.not_future and day > today():
            raise self.make_error("future")
        return day.isoformat()


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return None  # a moment, not a day: refusing it beats guessing the time zone
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and _DATE_TEXT.fullmatch(text := value.strip()):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return None
    return None


class OrgUnit(FormField[str]):
    """An org-unit code; whether the unit exists is for the service layer, which has the database."""

    messages: ClassVar[dict[str, str]] = {"invalid": "必须是单位代码（字母、数字、下划线或连字符，最长 64 个字符）"}

    def _deserialize(self, value: Any, attr: str | None, data: Data, **kwargs: Any) -> str:
        if not isinstance(value, str) or _ORG_UNIT.fullmatch(value.strip()) is None:
            raise self.make_error("invalid")
        return value.strip()


class StrictList(fields.List[Any]):
    """A JSON array only: marshmallow's List would also take a set or a generator."""

    def __init__(self, inner: fields.Field[Any], **kwargs: Any) -> None:
        merged = {**COMMON_MESSAGES, "invalid": "必须是列表", **(kwargs.pop("error_messages", None) or {})}
        super().__init__(inner, error_messages=merged, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Data, **kwargs: Any) -> list[Any]:
        if not isinstance(value, list | tuple):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)
