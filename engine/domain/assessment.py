"""The 低保 household assessment (domain.md §6, design.md §5 and §8).

countable income I (income kinds not excluded by the region) → deductions D (刚性支出, 就业成本)
→ per-capita income p = max(I − D, 0) / n → category (低保 if p < S, 边缘 if S ≤ p < m·S, both only
when the household's property passes) → benefit (补差) (S − p) × n plus the disabled top-up →
单人户 for the severely disabled or ill members of a 边缘 household.

Pure functions: the household is the JSON the household form cleans (money as two-decimal strings),
parameters come in as a `Parameters` and are read for `as_of`. Amounts stay exact Decimals until the
output, where each is rounded half-up to the cent once.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from typing import Any, NoReturn

from engine.domain.parameters import Parameters
from engine.errors import DibaoError, InvalidData

CATEGORIES = ("dibao", "marginal", "none")
INCOME_KINDS: dict[str, str] = {
    "wage": "工资性收入",
    "business": "经营净收入",
    "property": "财产净收入",
    "transfer": "其他转移净收入",
    "support": "赡养（抚养、扶养）费",
    "basic_pension": "基础养老金",
    "pension": "养老金",
    "scholarship": "奖学金",
    "family_planning": "计划生育奖励与扶助金",
    "veteran_allowance": "优待抚恤金",
    "reward": "见义勇为等奖励",
    "assistance": "政府救助款物",
    "old_age_allowance": "高龄津贴",
    "other": "其他收入",
}
# Why an excluded kind is left out, as the regulations name it (Art. 13 and the 十四五 pension rule).
_EXCLUSION_GROUNDS: dict[str, str] = {
    "basic_pension": "城乡居民基础养老金",
    "scholarship": "奖学金",
    "family_planning": "计划生育奖励与扶助",
    "veteran_allowance": "优待抚恤金",
    "reward": "见义勇为等奖励",
    "assistance": "政府救助款物",
}
EXPENSE_KINDS: dict[str, str] = {
    "medical": "医疗支出",
    "education": "教育支出",
    "disability": "残疾康复支出",
    "care": "护理支出",
}
DISABILITY_TYPES: dict[str, str] = {
    "physical": "肢体残疾",
    "intellectual": "智力残疾",
    "mental": "精神残疾",
    "visual": "视力残疾",
    "hearing": "听力残疾",
    "speech": "言语残疾",
    "multiple": "多重残疾",
}
RELATIONS = ("self", "spouse", "child", "parent", "grandparent", "grandchild", "sibling", "other")
EMPLOYMENT_STATUSES = ("employed", "self_employed", "unemployed", "retired", "student", "none")
REGISTERED_TYPES: dict[str, str] = {"urban": "城镇", "rural": "农村"}
_WORKING = frozenset({"employed", "self_employed"})
# 重残: grade 1–2 of any type, or grade 3 of these types (domain.md §6.5).
_SEVERE_AT_GRADE_3 = frozenset({"intellectual", "mental"})
_GRADES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}

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

_CENT = Decimal("0.01")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Far above what money needs (16 digits before the point, 2 after): per-capita income is a quotient
# kept at full precision, and rounding it early would move households across the standard.
_PRECISION = Context(prec=50)


class ParameterProblem(DibaoError):
    """A parameter the assessment needs is missing, not yet in force, or not a usable value.

    The region's configuration is wrong, not the caller's input, hence not InvalidData.
    """

    code = "parameter_error"


# --- input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Income:
    kind: str
    monthly: Decimal


@dataclass(frozen=True)
class Disability:
    grade: int
    type: str

    @property
    def severe(self) -> bool:
        return self.grade <= 2 or (self.grade == 3 and self.type in _SEVERE_AT_GRADE_3)

    @property
    def label(self) -> str:
        return f"{_GRADES[self.grade]}{DISABILITY_TYPES[self.type]}"


@dataclass(frozen=True)
class Member:
    name: str
    relation: str
    disability: Disability | None
    major_illness: bool
    self_paid_medical_last_year: Decimal
    employment_status: str | None
    employment_started: date | None
    incomes: tuple[Income, ...]


@dataclass(frozen=True)
class Expense:
    kind: str
    monthly: Decimal


@dataclass(frozen=True)
class Household:
    registered_type: str
    existing_recipient: bool
    poverty_alleviation_registered: bool
    assets_pass: bool
    last_year_total_income: Decimal | None
    members: tuple[Member, ...]
    rigid_expenses: tuple[Expense, ...]


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


# --- the assessment ----------------------------------------------------------------------------


def assess(household: Mapping[str, Any], as_of: date, parameters: Parameters, region: str) -> dict[str, Any]:
    """The assessment output of design.md §5 for a validated household JSON on `as_of`.

    InvalidData when the household is not shaped as the household form cleans it (the BPMN helper
    passes task data straight in); ParameterProblem when a parameter is missing or unusable.
    """
    parsed = parse_household(household)
    rules = read_rules(parameters, as_of)
    with localcontext(_PRECISION):
        return _Assessment(parsed, as_of, rules, region).result()


class _Assessment:
    """One run of the rules, collecting an explanation line for each rule as it is applied."""

    def __init__(self, household: Household, as_of: date, rules: Rules, region: str) -> None:
        self.household = household
        self.as_of = as_of
        self.rules = rules
        self.region = region
        self.lines: list[str] = []
        self.standard = rules.standard(household.registered_type)
        self.size = len(household.members)

    def result(self) -> dict[str, Any]:
        h, s, n = self.household, self.standard, self.size
        self.lines.append(
            f"按{REGISTERED_TYPES[h.registered_type]}户籍适用低保标准 {_money(s)} 元/人·月；家庭人口 {n} 人"
        )
        countable, excluded = self._income()
        deductions = self._rigid_expenses() + self._employment_costs()
        net = countable - deductions
        if net < 0:
            self.lines.append(
                f"扣减额 {_money(deductions)} 元超过计入收入 {_money(countable)} 元，扣减后家庭收入按 0 元计"
            )
            net = Decimal(0)
        per_capita = net / n
        shown = _money(per_capita)
        approximately = "=" if Decimal(shown) == per_capita else "≈"
        self.lines.append(
            f"家庭月收入（扣减后）{_money(net)} 元，人均收入 {_money(net)} ÷ {n} {approximately} {shown} 元"
        )
        category = self._category(per_capita)
        benefit = self._benefit(net) if category == "dibao" else Decimal(0)
        single = self._single_person_members(category)
        return {
            "region": self.region,
            "as_of": self.as_of.isoformat(),
            "standard": _money(s),
            "minimum_wage": _money(self.rules.minimum_wage),
            "countable_income": _money(countable),
            "excluded_income": _money(excluded),
            "deductions": _money(deductions),
            "per_capita_income": shown,
            "category": category,
            "eligible": category == "dibao",
            "benefit_amount": _money(benefit),
            "single_person_members": single,
            "explanation": self.lines,
        }

    # --- income and deductions -------------------------------------------------------------------

    def _income(self) -> tuple[Decimal, Decimal]:
        counted: dict[str, Decimal] = {}
        left_out: dict[str, Decimal] = {}
        for member in self.household.members:
            for income in member.incomes:
                into = left_out if income.kind in self.rules.excluded_kinds else counted
                into[income.kind] = into.get(income.kind, Decimal(0)) + income.monthly
        for kind, amount in left_out.items():
            if amount > 0:
                ground = _EXCLUSION_GROUNDS.get(kind, "地区参数 excluded_income_kinds 规定不计入")
                self.lines.append(f"{INCOME_KINDS[kind]} {_money(amount)} 元不计入家庭收入（{ground}）")
        countable = sum(counted.values(), Decimal(0))
        parts = "、".join(f"{INCOME_KINDS[k]} {_money(v)} 元" for k, v in counted.items() if v > 0)
        self.lines.append(f"计入家庭月收入 {_money(countable)} 元" + (f"（{parts}）" if parts else ""))
        return countable, sum(left_out.values(), Decimal(0))

    def _rigid_expenses(self) -> Decimal:
        expenses = self.household.rigid_expenses
        total = sum((e.monthly for e in expenses), Decimal(0))
        if total == 0:
            return Decimal(0)
        rate = self.rules.rigid_expense_rate
        if rate == 0:
            self.lines.append(f"刚性支出 {_money(total)} 元不扣减（本地区未启用刚性支出扣减）")
            return Decimal(0)
        by_kind: dict[str, Decimal] = {}
        for expense in expenses:
            by_kind[expense.kind] = by_kind.get(expense.kind, Decimal(0)) + expense.monthly
        parts = "、".join(f"{EXPENSE_KINDS[k]} {_money(v)} 元" for k, v in by_kind.items() if v > 0)
        deduction = total * rate
        self.lines.append(f"刚性支出 {_money(total)} 元（{parts}）按 {_percent(rate)} 扣减 {_money(deduction)} 元")
        return deduction

    def _employment_costs(self) -> Decimal:
        """蚌埠's 就业成本: existing rural recipients keep part of a new job's pay for a while."""
        rules, h = self.rules, self.household
        working = [m for m in h.members if m.employment_status in _WORKING]
        if rules.employment_cost_rate == 0 or not working:
            return Decimal(0)
        if not (h.existing_recipient and h.registered_type == "rural"):
            self.lines.append("就业成本扣减只适用于已是低保对象的农村家庭，本户不扣减")
            return Decimal(0)
        months = rules.employment_cost_months
        each = rules.minimum_wage * rules.employment_cost_rate
        total = Decimal(0)
        for member in working:
            started = member.employment_started
            if started is None:
                self.lines.append(f"{member.name}未填写就业开始日期，不扣减就业成本")
            elif started > self.as_of:
                self.lines.append(f"{member.name}的就业开始日期 {started.isoformat()} 晚于评估日期，不扣减就业成本")
            elif self.as_of >= add_months(started, months):
                self.lines.append(f"{member.name}自 {started.isoformat()} 就业已满 {months} 个月，不再扣减就业成本")
            else:
                total += each
                self.lines.append(
                    f"{member.name}自 {started.isoformat()} 就业未满 {months} 个月，扣减就业成本 {_money(each)} 元"
                    f"（最低工资 {_money(rules.minimum_wage)} 元 × {_plain(rules.employment_cost_rate)}）"
                )
        return total

    # --- category and benefit ---------------------------------------------------------------------

    def _category(self, per_capita: Decimal) -> str:
        s, m = self.standard, self.rules.marginal_multiplier
        ceiling = s * m
        p = _money(per_capita)
        if not self.household.assets_pass:
            self.lines.append("家庭财产不符合规定：不予认定低保，也不属于低保边缘家庭")
            return "none"
        if per_capita < s:
            self.lines.append(f"人均收入 {p} 元低于低保标准 {_money(s)} 元，家庭财产符合规定：符合低保条件")
            return "dibao"
        if per_capita < ceiling:
            self.lines.append(
                f"人均收入 {p} 元不低于低保标准 {_money(s)} 元、低于标准的 {_plain(m)} 倍 {_money(ceiling)} 元："
                "不符合低保条件，属于低保边缘家庭"
            )
            return "marginal"
        self.lines.append(
            f"人均收入 {p} 元不低于低保标准的 {_plain(m)} 倍 {_money(ceiling)} 元：不符合低保条件，也不属于低保边缘家庭"
        )
        return "none"

    def _benefit(self, net: Decimal) -> Decimal:
        s, n = self.standard, self.size
        # (S − p) × n with p = net / n is S × n − net; computed this way it is exact.
        gap = s * n - net
        per_capita = net / n
        if Decimal(_money(per_capita)) == per_capita:
            self.lines.append(f"补差 =（{_money(s)} − {_money(per_capita)}）× {n} = {_money(gap)} 元")
        else:
            self.lines.append(f"补差 = {_money(s)} × {n} − {_money(net)} = {_money(gap)} 元（按未舍入的人均收入计算）")
        disabled = [m for m in self.household.members if m.disability is not None]
        topup = self._topup() * len(disabled)
        if topup == 0:
            return gap
        self.lines.append(
            f"残疾人加发 {len(disabled)} 人 × 低保标准 {_money(s)} 元 × {_plain(self.rules.disabled_topup_multiplier)}"
            f" = {_money(topup)} 元；月补差合计 {_money(gap + topup)} 元"
        )
        return gap + topup

    def _topup(self) -> Decimal:
        return self.standard * self.rules.disabled_topup_multiplier

    # --- 单人户 ----------------------------------------------------------------------------------

    def _single_person_members(self, category: str) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = []
        for member in self.household.members:
            grounds, refusals = self._grounds(member)
            if category != "marginal":
                if grounds and category == "none":
                    self.lines.append(
                        f"{member.name}（{'；'.join(grounds.values())}）：家庭不属于低保边缘家庭，不能按单人户单独纳入"
                    )
                continue
            if not grounds:
                self.lines.extend(f"{member.name}{why}，不能按单人户单独纳入" for why in refusals)
                continue
            entry = self._single_person(member, grounds)
            if entry is not None:
                listed.append(entry)
        return listed

    def _grounds(self, member: Member) -> tuple[dict[str, str], list[str]]:
        """Why a member counts as 重残 / 重病 (reason → detail), and why not where it might have."""
        grounds: dict[str, str] = {}
        refusals: list[str] = []
        disability = member.disability
        if disability is not None:
            if disability.severe:
                grounds["重残"] = f"重残：{disability.label}"
            else:
                refusals.append(f"为{disability.label}，不属于重残（一、二级残疾或三级智力、精神残疾）")
        if member.major_illness:
            grounds["重病"] = "重病：患重特大疾病"
        elif member.self_paid_medical_last_year > 0:
            paid = _money(member.self_paid_medical_last_year)
            last_year = self.household.last_year_total_income
            if not self.rules.medical_cost_test:
                refusals.append(f"上年自付医疗费用 {paid} 元，但未患重特大疾病（本地区不按医疗费用认定重病）")
            elif last_year is None:
                refusals.append(f"上年自付医疗费用 {paid} 元，但未填写上年家庭总收入，无法按医疗费用认定重病")
            elif member.self_paid_medical_last_year > last_year:
                grounds["重病"] = f"重病：上年自付医疗费用 {paid} 元超过上年家庭总收入 {_money(last_year)} 元"
            else:
                refusals.append(f"上年自付医疗费用 {paid} 元未超过上年家庭总收入 {_money(last_year)} 元，不属于重病")
        return grounds, refusals

    def _single_person(self, member: Member, grounds: Mapping[str, str]) -> dict[str, Any] | None:
        s = self.standard
        # The person is assessed alone (n = 1) on their own income (domain.md §6.5, [U] resolved
        # this way): the same exclusions apply, the household's deductions do not.
        own = sum((i.monthly for i in member.incomes if i.kind not in self.rules.excluded_kinds), Decimal(0))
        detail = "；".join(grounds.values())
        if own >= s:
            self.lines.append(
                f"{member.name}（{detail}）本人月收入 {_money(own)} 元不低于低保标准 {_money(s)} 元，"
                "不能按单人户纳入低保"
            )
            return None
        gap = s - own
        topup = self._topup() if member.disability is not None else Decimal(0)
        line = (
            f"{member.name}（{detail}）可按单人户纳入低保："
            f"补差 {_money(s)} − 本人月收入 {_money(own)} = {_money(gap)} 元"
        )
        if topup > 0:
            line += f"，加发残疾人补贴 {_money(topup)} 元，合计 {_money(gap + topup)} 元"
        self.lines.append(line)
        return {"name": member.name, "reason": "、".join(grounds), "benefit_amount": _money(gap + topup)}


# --- parameters --------------------------------------------------------------------------------


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


# --- reading the household JSON ----------------------------------------------------------------


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
    disability_raw = data.get("disability")
    disability = None
    if disability_raw is not None:
        where = f"{path}.disability"
        disability_data = _mapping(disability_raw, where)
        grade = disability_data.get("grade")
        if isinstance(grade, bool) or grade not in _GRADES:
            _invalid(f"{where}.grade", "残疾等级必须是 1 到 4")
        disability = Disability(grade, _choice(disability_data, "type", where, DISABILITY_TYPES))
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


# --- small helpers -----------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the month's last day where there is none."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _money(amount: Decimal) -> str:
    """Two decimals, rounded half-up; the one rounding every output amount goes through."""
    rounded = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    return f"{rounded.copy_abs() if rounded == 0 else rounded:f}"


def _plain(number: Decimal) -> str:
    """A rate or multiplier as people write it: 0.5, 1.5, 0.2 (no trailing zeros, no exponent)."""
    return f"{number.normalize():f}"


def _percent(rate: Decimal) -> str:
    return f"{_plain(rate * 100)}%"
