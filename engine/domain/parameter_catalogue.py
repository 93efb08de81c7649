"""What each region parameter means, for a designer: its topic, Chinese name, help and type
(engine/domain/parameter_catalogue_data.py holds the national data), and the typed reading and showing of
one value. Pure.

Types and how a value is kept in parameters.toml:
- money: a string with two decimals ("800.00"), in 元;
- integer: a TOML integer, with a unit (天, 工作日, 小时, 个月, 人);
- decimal: a string holding a non-negative decimal ("1.5", "0.8"), a multiplier or a share;
- choice: a string, one of the fixed choices;
- choices: a comma-separated string of fixed choices, in the catalogue's order ("" when empty is allowed);
- boolean: a TOML boolean (是/否);
- level_roles: "层级:角色" pairs by the task's level, "village:township_head, county:county_approver";
- text: a string (empty where the entry allows it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import cast

from engine.domain.parameter_catalogue_data import ENTRIES, GROUPS, Raw
from engine.domain.parameters import Value

KINDS = ("money", "integer", "decimal", "choice", "choices", "level_roles", "boolean", "text")
LEVELS = (("village", "村级任务"), ("township", "乡镇级任务"), ("county", "县级任务"))  # the task unit's level
KIND_LABELS = {
    "money": "金额（元）",
    "integer": "整数",
    "decimal": "小数",
    "choice": "单选",
    "choices": "多选",
    "level_roles": "按层级选角色",
    "boolean": "是/否",
    "text": "文字",
}
OTHER_GROUP = "其他参数"
_MAX_TEXT = 200


@dataclass(frozen=True)
class Entry:
    name: str
    group: str
    label: str
    kind: str
    help: str
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    empty_ok: bool = False

    @property
    def choice_labels(self) -> dict[str, str]:
        return dict(self.choices)


def _entry(name: str, raw: Raw) -> Entry:
    return Entry(
        name,
        str(raw["group"]),
        str(raw["label"]),
        str(raw["kind"]),
        str(raw["help"]),
        str(raw.get("unit", "")),
        cast(tuple[tuple[str, str], ...], raw.get("choices", ())),
        bool(raw.get("empty_ok", False)),
    )


CATALOGUE: dict[str, Entry] = {name: _entry(name, raw) for name, raw in ENTRIES.items()}


def groups() -> tuple[str, ...]:
    return GROUPS


def entry(name: str, like: Value | None = None) -> Entry:
    """The catalogue entry; a parameter not in it (only an uploaded file can bring one) is typed by its value."""
    known = CATALOGUE.get(name)
    if known is not None:
        return known
    kind = "boolean" if isinstance(like, bool) else "integer" if isinstance(like, int) else "text"
    return Entry(name, OTHER_GROUP, f"未登记的参数 {name}", kind, "目录中没有这个参数的说明，请联系维护人员补充。")


def parse_value(item: Entry, raw: str) -> Value:
    """The value as parameters.toml keeps it; ValueError with a Chinese message when it does not fit."""
    text = raw.strip()
    if item.kind == "boolean":
        if text not in ("true", "false"):
            raise ValueError("请选择“是”或“否”")
        return text == "true"
    if item.kind == "choices":
        return _choices(item, text)
    if item.kind == "level_roles":
        return _level_roles(item, text)
    if not text:
        if item.empty_ok and item.kind == "text":
            return ""
        raise ValueError("取值不能为空")
    if item.kind == "integer":
        if not text.isdigit() or len(text) > 9:
            raise ValueError(f"须是不小于 0 的整数{f'（{item.unit}）' if item.unit else ''}")
        return int(text)
    if item.kind in ("money", "decimal"):
        return _number(item, text)
    if item.kind == "choice":
        if text not in item.choice_labels:
            raise ValueError(f"“{text[:40]}”不是可选的取值，可选：{'、'.join(item.choice_labels.values())}")
        return text
    if len(text) > _MAX_TEXT:
        raise ValueError(f"不能超过 {_MAX_TEXT} 个字")
    return text


# Far above any standard, wage or multiplier, far below what would overflow the assessment's arithmetic.
NUMBER_LIMIT = 10**9


def _number(item: Entry, text: str) -> str:
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0 or len(text) > 20:
        raise ValueError(
            "须是不小于 0 的金额，单位元，如 850 或 850.00" if item.kind == "money" else "须是不小于 0 的数，如 1.5"
        )
    if number >= NUMBER_LIMIT:  # also keeps the cent rounding below from overflowing the decimal context (1e30)
        raise ValueError(f"取值过大：须小于 {NUMBER_LIMIT:,}")
    if item.kind == "money":
        if number != number.quantize(Decimal("0.01")):
            raise ValueError("金额最多两位小数（到分）")
        return f"{number:.2f}"
    return text


def _choices(item: Entry, text: str) -> str:
    picked = [part.strip() for part in text.split(",") if part.strip()]
    known = item.choice_labels
    unknown = [part for part in picked if part not in known]
    if unknown:
        raise ValueError(f"“{'、'.join(p[:40] for p in unknown)}”不是可选的取值，可选：{'、'.join(known.values())}")
    if not picked and not item.empty_ok:
        raise ValueError("至少选择一项")
    return ",".join(key for key, _ in item.choices if key in picked)


def _level_roles(item: Entry, text: str) -> str:
    pairs: dict[str, str] = {}
    levels = dict(LEVELS)
    for part in (p.strip() for p in text.split(",") if p.strip()):
        level, _, role = (piece.strip() for piece in part.partition(":"))
        if level not in levels or role not in item.choice_labels:
            raise ValueError(f"“{part[:40]}”不是可选的层级和角色")
        if level in pairs:
            raise ValueError(f"{levels[level]}选了两次")
        pairs[level] = role
    if not pairs:
        raise ValueError("至少为一个层级选择督办接收的角色")
    return ", ".join(f"{level}:{pairs[level]}" for level, _ in LEVELS if level in pairs)


def level_roles(value: Value) -> dict[str, str]:
    """ "village:township_head, county:county_approver" → {level: role} (for the form's selects)."""
    parts = (part.strip().partition(":") for part in str(value).split(",") if part.strip())
    return {level.strip(): role.strip() for level, _, role in parts}


def form_value(value: Value) -> str:
    """A value as a form input carries it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def display(item: Entry, value: Value) -> str:
    """A value as a designer reads it: 800.00 元, 7 天, 是, 就业创业、其他条件改善, （不设）."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if item.kind in ("choice", "choices"):
        keys = [part.strip() for part in str(value).split(",") if part.strip()]
        if not keys:
            return "（不设）"
        return "、".join(item.choice_labels.get(key, key) for key in keys)
    if item.kind == "level_roles":
        pairs = level_roles(value)
        return "；".join(
            f"{text}→{item.choice_labels.get(pairs[key], pairs[key])}" for key, text in LEVELS if key in pairs
        )
    if value == "":
        return "（留空）"
    if item.kind == "money":
        return f"{value} 元"
    unit = "" if item.unit in ("", "比例") else item.unit
    return f"{value} {unit}".strip() if unit and unit != "倍" else f"{value}{unit}"
