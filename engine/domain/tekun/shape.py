"""The 特困 request JSON `{"as_of", "person", "supporters"}`: reading it into typed values, refusing any
wrong field as InvalidData whose message names the field in Chinese (the API, the CLI and the BPMN
helper all pass raw JSON in, so nothing here trusts a caller).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from engine.domain.assessment import Disability
from engine.domain.vocabulary import DISABILITY_GRADES, DISABILITY_TYPES, REGISTERED_TYPES
from engine.domain.vocabulary_tekun import (
    TEKUN_ADL_INDICATORS,
    TEKUN_INCOME_KINDS,
    TEKUN_SUPPORTER_RELATIONS,
    TEKUN_SUPPORTER_STATUSES,
)
from engine.errors import InvalidData

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ADL_COUNT = len(TEKUN_ADL_INDICATORS)
# Far above any monthly income; keeps every sum within the precision the amounts are rounded at.
_AMOUNT_LIMIT = Decimal(10) ** 10

# Each field path segment's Chinese name, for the messages (a list index adds “第 n 项”).
_NAMES = {
    "as_of": "评估日期",
    "person": "申请人",
    "birth_date": "出生日期",
    "registered_type": "户籍类型",
    "disability": "残疾情况",
    "grade": "残疾等级",
    "type": "残疾类别",
    "incomes": "收入",
    "kind": "收入类别",
    "monthly_amount": "月收入金额",
    "adl": "生活自理能力评估",
    "failed": "不能自理项数",
    "supporters": "法定义务人",
    "relation": "关系",
    "status": "状况",
}


@dataclass(frozen=True)
class TekunIncome:
    kind: str
    monthly: Decimal


@dataclass(frozen=True)
class Supporter:
    relation: str
    status: str


@dataclass(frozen=True)
class TekunRequest:
    as_of: date
    birth_date: date
    registered_type: str
    disability: Disability | None
    incomes: tuple[TekunIncome, ...]
    # Which of the six indicators failed (None when only the count was given) and how many did.
    adl_failed: tuple[bool, ...] | None
    failed_count: int
    supporters: tuple[Supporter, ...]


def parse_tekun_request(raw: Any) -> TekunRequest:
    data = _mapping(raw, "")
    person = _mapping(data.get("person"), "person")
    adl, failed = _adl(person.get("adl"))
    registered_type = person.get("registered_type", "urban")
    if not isinstance(registered_type, str) or registered_type not in REGISTERED_TYPES:
        _invalid("person.registered_type", f"必须是以下之一：{'、'.join(REGISTERED_TYPES)}")
    as_of = _date(data.get("as_of"), "as_of")
    birth_date = _date(person.get("birth_date"), "person.birth_date")
    if birth_date > as_of:
        _invalid("person.birth_date", "不能晚于评估日期")
    return TekunRequest(
        as_of=as_of,
        birth_date=birth_date,
        registered_type=str(registered_type),
        disability=_disability(person.get("disability")),
        incomes=tuple(_income(item, n) for n, item in enumerate(_list(person.get("incomes"), "person.incomes"))),
        adl_failed=adl,
        failed_count=failed,
        supporters=tuple(_supporter(item, n) for n, item in enumerate(_list(data.get("supporters"), "supporters"))),
    )


def _label(path: str) -> str:
    words: list[str] = []
    for part in path.split(".") if path else ():
        if part.isdigit() and words:
            words[-1] += f"第 {int(part) + 1} 项"
        else:
            words.append(_NAMES.get(part, part))
    return "·".join(words) or "请求"


def _invalid(path: str, message: str) -> NoReturn:
    text = f"{_label(path)}：{message}"
    raise InvalidData(f"特困人员认定评估数据有误：{text}", fields={path or "body": [text]})


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if value is None and path:
        _invalid(path, "必填")
    if not isinstance(value, Mapping):
        _invalid(path, "必须是对象")
    return value


def _list(value: Any, path: str) -> Sequence[Any]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        _invalid(path, "必须是列表")
    return value


def _date(value: Any, path: str) -> date:
    if value is None or value == "":
        _invalid(path, "必填")
    # fromisoformat alone would also take "20260501" and week dates.
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    _invalid(path, "必须是有效日期（YYYY-MM-DD）")


def _choice(data: Mapping[str, Any], key: str, path: str, choices: Mapping[str, str]) -> str:
    value = data.get(key)
    if not isinstance(value, str) or value not in choices:
        listed = "、".join(f"{code}（{label}）" for code, label in choices.items())
        _invalid(f"{path}.{key}", f"必须是以下之一：{listed}")
    return value


def _disability(raw: Any) -> Disability | None:
    if raw is None:
        return None
    data = _mapping(raw, "person.disability")
    grade = data.get("grade")
    if isinstance(grade, bool) or not isinstance(grade, int) or grade not in DISABILITY_GRADES:
        _invalid("person.disability.grade", "残疾等级必须是 1 到 4")
    return Disability(grade, _choice(data, "type", "person.disability", DISABILITY_TYPES))


def _income(raw: Any, index: int) -> TekunIncome:
    path = f"person.incomes.{index}"
    data = _mapping(raw, path)
    kind = _choice(data, "kind", path, TEKUN_INCOME_KINDS)
    value = data.get("monthly_amount")
    amount: Decimal | None = None
    if isinstance(value, str | int) and not isinstance(value, bool):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        _invalid(f"{path}.monthly_amount", '必须是不小于 0 的金额（如 "150.00"）')
    if amount >= _AMOUNT_LIMIT:
        _invalid(f"{path}.monthly_amount", "金额过大（须小于 100 亿元）")
    return TekunIncome(kind, amount)


def _adl(raw: Any) -> tuple[tuple[bool, ...] | None, int]:
    """The six indicators (true = that activity failed, the person cannot do it alone), or {"failed": n}."""
    if raw is None:
        wanted = f'{_ADL_COUNT} 项指标的列表（true 表示该项不能自理）或 {{"failed": 不能自理项数}}'
        _invalid("person.adl", f"必填：{wanted}")
    if isinstance(raw, Mapping):
        failed = raw.get("failed")
        if isinstance(failed, bool) or not isinstance(failed, int) or not 0 <= failed <= _ADL_COUNT:
            _invalid("person.adl.failed", f"必须是 0 到 {_ADL_COUNT} 的整数")
        return None, failed
    if not isinstance(raw, list | tuple):
        _invalid("person.adl", f'必须是 {_ADL_COUNT} 项指标的列表或 {{"failed": 不能自理项数}}')
    if len(raw) != _ADL_COUNT:
        names = "、".join(TEKUN_ADL_INDICATORS)
        _invalid("person.adl", f"必须正好有 {_ADL_COUNT} 项指标（{names}），现有 {len(raw)} 项")
    for index, item in enumerate(raw):
        if not isinstance(item, bool):
            _invalid(f"person.adl.{index}", f"“{TEKUN_ADL_INDICATORS[index]}”必须是 true（不能自理）或 false")
    return tuple(raw), sum(1 for item in raw if item)


def _supporter(raw: Any, index: int) -> Supporter:
    path = f"supporters.{index}"
    data = _mapping(raw, path)
    return Supporter(
        _choice(data, "relation", path, TEKUN_SUPPORTER_RELATIONS),
        _choice(data, "status", path, TEKUN_SUPPORTER_STATUSES),
    )
