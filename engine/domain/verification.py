"""信息核对 findings (审确 Art. 17-18, docs/verification-exchange.md): the per-item results the county
核对机构 records, the rules a result must follow, and what the findings change in the household the
assessment reads.

A finding is one entry of `verification_items`:
`{"item", "result", "finding", "member", "income_kind", "monthly_amount", "assets_exceed"}`.
`result` is consistent / discrepancy / not_checked; a discrepancy says what was found (`finding`) and,
where it is an amount, whose income of which kind the data source shows per month, or that the property
it found exceeds the limit (`assets_exceed`). Pure functions on JSON-like data: no DB, no clock.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.domain.assessment.explanation import money
from engine.domain.vocabulary import INCOME_KINDS

CHECK_ITEMS: dict[str, str] = {
    "household_registration": "户籍",
    "tax": "纳税",
    "social_insurance": "社会保险",
    "real_estate": "不动产",
    "business": "市场主体登记",
    "housing_fund": "住房公积金",
    "vehicle": "车辆",
    "deposit": "存款",
    "commercial_insurance": "商业保险",
    "securities": "有价证券",
    "internet_finance": "互联网金融资产",
}
ITEM_RESULTS: dict[str, str] = {"consistent": "一致", "discrepancy": "存在差异", "not_checked": "未核对"}
_DETAIL_KEYS = ("member", "income_kind", "monthly_amount", "assets_exceed")


def findings_problems(data: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, list[str]]:
    """The rules across a verification form's fields, by field path (Chinese messages)."""
    items = data.get("verification_items") or []
    problems: dict[str, list[str]] = {}
    if not isinstance(items, list):
        return problems
    names = _member_names(context)
    seen: dict[str, int] = {}
    for index, entry in enumerate(items):
        if not isinstance(entry, Mapping):
            continue
        for path, message in _entry_problems(entry, index, seen, names):
            problems.setdefault(f"verification_items.{index}.{path}", []).append(message)
    discrepancies = [e for e in items if isinstance(e, Mapping) and e.get("result") == "discrepancy"]
    overall = data.get("result")
    if overall == "consistent" and discrepancies:
        problems.setdefault("result", []).append("核对结果：有项目存在差异时不能选“与申报一致”")
    if overall in ("discrepancy", "ineligible") and not discrepancies:
        problems.setdefault("verification_items", []).append(
            "逐项核对结果：核对结果不是“与申报一致”时，至少要有一项“存在差异”并写明发现的情况"
        )
    return problems


def _entry_problems(
    entry: Mapping[str, Any], index: int, seen: dict[str, int], names: frozenset[str] | None
) -> list[tuple[str, str]]:
    where = f"逐项核对结果第 {index + 1} 项"
    found: list[tuple[str, str]] = []
    item = entry.get("item")
    if isinstance(item, str):
        if item in seen:
            found.append(("item", f"{where}·核对项目：与第 {seen[item] + 1} 项重复"))
        else:
            seen[item] = index
    if entry.get("result") != "discrepancy":
        if any(entry.get(key) not in (None, "", False) for key in _DETAIL_KEYS):
            found.append(("result", f"{where}·结果：只有“存在差异”的项目才能填写成员、收入类别、金额或财产情况"))
        return found
    if not str(entry.get("finding") or "").strip():
        found.append(("finding", f"{where}·发现情况：存在差异时必填"))
    has_amount = entry.get("monthly_amount") not in (None, "")
    if has_amount and not entry.get("member"):
        found.append(("member", f"{where}·家庭成员：填写了月均金额时必填"))
    if has_amount and not entry.get("income_kind"):
        found.append(("income_kind", f"{where}·收入类别：填写了月均金额时必填"))
    if entry.get("income_kind") and not has_amount:
        found.append(("monthly_amount", f"{where}·月均金额：填写了收入类别时必填"))
    member = entry.get("member")
    if member and names is not None and member not in names:
        found.append(("member", f"{where}·家庭成员：{member} 不是本户成员（填写姓名或身份证号）"))
    return found


def _member_names(context: Mapping[str, Any]) -> frozenset[str] | None:
    """The names and 身份证号 of the household the task's workflow knows, or None when it knows none."""
    for key in ("verified_household", "household"):
        household = context.get(key)
        if isinstance(household, Mapping) and isinstance(household.get("members"), list):
            return frozenset(
                str(m.get(field))
                for m in household["members"]
                if isinstance(m, Mapping)
                for field in ("name", "id_number")
                if m.get(field)
            )
    return None


def apply_findings(household: Mapping[str, Any], items: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """The household with the 核对 findings applied, and one Chinese line per finding saying what it
    changed: an income amount the data source shows replaces what was declared for that member and kind
    (0 removes it); property found above the limit makes the property test fail. A finding without an
    amount or property is listed as a note and changes nothing.

    Returns {"household": ..., "explanation": [...], "changed": bool}; the input is not modified.
    """
    result = copy.deepcopy(dict(household))
    lines: list[str] = []
    changed = False
    for entry in items or ():
        if not isinstance(entry, Mapping) or entry.get("result") != "discrepancy":
            continue
        label = CHECK_ITEMS.get(str(entry.get("item")), str(entry.get("item")))
        amount = _amount(entry.get("monthly_amount"))
        if amount is not None and entry.get("member") and entry.get("income_kind") in INCOME_KINDS:
            lines.append(_replace_income(result, entry, amount, label))
            changed = True
        elif entry.get("assets_exceed") is True:
            result["assets_pass"] = False
            lines.append(f"信息核对（{label}）：{_finding(entry)}，家庭财产超过规定，财产状况按不符合条件认定")
            changed = True
        else:
            lines.append(f"信息核对（{label}）：{_finding(entry)}（未改变评估所用数据）")
    return {"household": result, "explanation": lines, "changed": changed}


def _replace_income(household: dict[str, Any], entry: Mapping[str, Any], amount: Decimal, label: str) -> str:
    kind = str(entry["income_kind"])
    who = str(entry["member"])
    members = household.get("members") or []
    member = next((m for m in members if isinstance(m, dict) and who in (m.get("name"), m.get("id_number"))), None)
    kind_label = INCOME_KINDS[kind]
    if member is None:
        return f"信息核对（{label}）：{_finding(entry)}；本户没有成员 {who}，未改变评估所用数据"
    incomes = [i for i in member.get("incomes") or [] if isinstance(i, Mapping)]
    declared = sum(
        (_amount(i.get("monthly_amount")) or Decimal(0) for i in incomes if i.get("kind") == kind), Decimal(0)
    )
    kept = [dict(i) for i in incomes if i.get("kind") != kind]
    if amount > 0:
        kept.append({"kind": kind, "monthly_amount": money(amount)})
    member["incomes"] = kept
    name = member.get("name") or who
    return (
        f"信息核对（{label}）：{_finding(entry)}；{name}的{kind_label}按核对结果每月 {money(amount)} 元计算"
        f"（原申报每月 {money(declared)} 元）"
    )


def finding_lines(items: Sequence[Any]) -> list[tuple[str, str]]:
    """Each item's result as (label, text) for a reader,
    e.g. ("核对·纳税", "存在差异：…；李芳 工资性收入 每月 2000.00 元")."""
    lines: list[tuple[str, str]] = []
    for entry in items:
        if not isinstance(entry, Mapping):
            continue
        label = f"核对·{CHECK_ITEMS.get(str(entry.get('item')), '其他')}"
        text = ITEM_RESULTS.get(str(entry.get("result")), "—")
        if entry.get("result") == "discrepancy":
            text += f"：{_finding(entry)}"
            amount = _amount(entry.get("monthly_amount"))
            if amount is not None and entry.get("income_kind") in INCOME_KINDS:
                kind = INCOME_KINDS[str(entry["income_kind"])]
                text += f"；{entry.get('member') or '—'} {kind} 每月 {money(amount)} 元"
            if entry.get("assets_exceed") is True:
                text += "；财产超过规定标准"
        lines.append((label, text))
    return lines


def _finding(entry: Mapping[str, Any]) -> str:
    return str(entry.get("finding") or "存在差异").strip()


def _amount(value: Any) -> Decimal | None:
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount >= 0 else None
