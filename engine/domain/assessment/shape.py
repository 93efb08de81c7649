"""The household JSON's shape: reading it into a typed `Household`, and the rules on it that the
form's JSON-Schema subset cannot state.

The BPMN helper passes task data straight in, so nothing here trusts that the household form cleaned
it: every field is checked again and a wrong one is refused as InvalidData naming its path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from engine.domain.assessment.codes import EMPLOYMENT_STATUSES, RELATIONS
from engine.domain.assessment.household import Disability, Expense, Household, Income, Member
from engine.domain.vocabulary import DISABILITY_GRADES, DISABILITY_TYPES, EXPENSE_KINDS, INCOME_KINDS, REGISTERED_TYPES
from engine.errors import InvalidData

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_household(raw: Mapping[str, Any]) -> Household:
    """The household JSON as typed values. Optional fields the form may leave out get their
    neutral value (no disability, no illness, nothing paid, no incomes, no expenses)."""
    path = "household"
    data = _mapping(raw, path)
    members = _list(data, "members", path, required=True)
    if not members:
        _invalid(f"{path}.members", "至少要有一名家庭成员")
    return Household(
        registered_type=_choice(data, "registered_type", path, REGISTERED_TYPES),
        existing_recipient=_flag(data, "existing_recipient", path),
        poverty_alleviation_registered=_flag(data, "poverty_alleviation_registered", path),
        assets_pass=_flag(data, "assets_pass", path, required=True),
        last_year_total_income=_amount_or_none(data, "last_year_total_income", path),
        members=tuple(_member(m, f"{path}.members.{i}") for i, m in enumerate(members)),
        rigid_expenses=tuple(
            Expense(_choice(e, "kind", p, EXPENSE_KINDS), _amount(e, "monthly_amount", p))
            for i, e in enumerate(_list(data, "rigid_expenses", path))
            for p in [f"{path}.rigid_expenses.{i}"]
        ),
    )


def household_problems(household: Mapping[str, Any]) -> dict[str, list[str]]:
    """Rules on a cleaned household that the form's JSON-Schema subset cannot state, by field path.

    Exactly one member is the applicant (relation "self"); no person is listed twice, which would
    divide the income by one member too many.
    """
    problems: dict[str, list[str]] = {}
    members = household.get("members")
    if not isinstance(members, list):
        return problems
    applicants = [m for m in members if isinstance(m, Mapping) and m.get("relation") == "self"]
    if len(applicants) != 1:
        found = "没有" if not applicants else f"有 {len(applicants)} 名"
        problems["household.members"] = [f"家庭情况·家庭成员：必须有且只有一名“本人（申请人）”，现在{found}"]
    seen: dict[str, int] = {}
    for index, member in enumerate(members):
        number = member.get("id_number") if isinstance(member, Mapping) else None
        if not isinstance(number, str):
            continue
        if number in seen:
            problems[f"household.members.{index}.id_number"] = [
                f"家庭情况·家庭成员第 {index + 1} 项·身份证号：与第 {seen[number] + 1} 项重复"
            ]
        else:
            seen[number] = index
    return problems


def _member(raw: Any, path: str) -> Member:
    data = _mapping(raw, path)
    disability = _disability(data.get("disability"), f"{path}.disability")
    employment = data.get("employment")
    status: str | None = None
    started: date | None = None
    if employment is not None:
        where = f"{path}.employment"
        employment_data = _mapping(employment, where)
        status = _choice(employment_data, "status", where, EMPLOYMENT_STATUSES)
        started = _date_or_none(employment_data, "started", where)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        _invalid(f"{path}.name", "必须填写姓名")
    return Member(
        name=name.strip(),
        relation=_choice(data, "relation", path, RELATIONS),
        disability=disability,
        major_illness=_flag(data, "major_illness", path),
        self_paid_medical_last_year=_amount_or_none(data, "self_paid_medical_last_year", path) or Decimal(0),
        employment_status=status,
        employment_started=started,
        incomes=tuple(
            Income(_choice(i, "kind", p, INCOME_KINDS), _amount(i, "monthly_amount", p))
            for n, i in enumerate(_list(data, "incomes", path))
            for p in [f"{path}.incomes.{n}"]
        ),
    )


def _disability(raw: Any, path: str) -> Disability | None:
    if raw is None:
        return None
    data = _mapping(raw, path)
    grade = data.get("grade")
    if isinstance(grade, bool) or grade not in DISABILITY_GRADES:
        _invalid(f"{path}.grade", "残疾等级必须是 1 到 4")
    return Disability(grade, _choice(data, "type", path, DISABILITY_TYPES))


def _invalid(path: str, message: str) -> NoReturn:
    raise InvalidData(f"家庭数据有误：{path}：{message}", fields={path: [message]})


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        _invalid(path, "必须是对象")
    return value


def _list(data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> Sequence[Any]:
    value = data.get(key)
    if value is None and not required:
        return ()
    if not isinstance(value, list | tuple):
        _invalid(f"{path}.{key}", "必须是列表")
    return value


def _choice(data: Any, key: str, path: str, choices: Iterable[str]) -> str:
    value = _mapping(data, path).get(key)
    if not isinstance(value, str) or value not in choices:
        _invalid(f"{path}.{key}", f"必须是以下之一：{'、'.join(choices)}")
    return str(value)


def _flag(data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> bool:
    value = data.get(key)
    if value is None and not required:
        return False
    if not isinstance(value, bool):
        _invalid(f"{path}.{key}", "必须是 true 或 false")
    return bool(value)


def _amount(data: Any, key: str, path: str) -> Decimal:
    amount = _amount_or_none(_mapping(data, path), key, path)
    if amount is None:
        _invalid(f"{path}.{key}", "必填")
    return amount


def _amount_or_none(data: Mapping[str, Any], key: str, path: str) -> Decimal | None:
    value = data.get(key)
    if value is None:
        return None
    amount: Decimal | None = None
    if isinstance(value, str | int | Decimal) and not isinstance(value, bool):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        _invalid(f"{path}.{key}", '必须是不小于 0 的金额（如 "1500.00"）')
    return amount


def _date_or_none(data: Mapping[str, Any], key: str, path: str) -> date | None:
    value = data.get(key)
    if value is None:
        return None
    # fromisoformat alone would also take "20260501" and week dates; the form writes YYYY-MM-DD.
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    _invalid(f"{path}.{key}", "必须是有效日期（YYYY-MM-DD）")
