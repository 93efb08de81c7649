"""The reminder and escalation rules as data (docs/notification-rules.md): the parameters that say when a
task is reminded, when and to whom it is escalated, when the legal clock warns, and when a 先行救助 is
late. Pure: the parameters come in, the decisions go out; engine.services.reminders applies them.

Each value is checked at deploy (engine.domain.parameters calls `value_problem`), so a region's bad value
is refused with the parameter's name; the pairs that must agree (warning before reached) are checked when
the rules are read, as one file may state one of them and the default the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from engine.domain.roles import ROLE_LEVELS, Level
from engine.errors import InvalidData

if TYPE_CHECKING:
    from engine.domain.parameters import Parameters, Value

REMIND_DAYS = "reminder_days_before_due"
ESCALATE_DAYS = "escalation_overdue_days"
ESCALATE_ROLES = "escalation_roles"
CLOCK_WARNING = "legal_clock_warning_share"
CLOCK_REACHED = "legal_clock_reached_share"
CLOCK_ROLES = "legal_clock_notify_roles"
EMERGENCY_WARNING = "emergency_warning_hours"
EMERGENCY_OVERDUE = "emergency_overdue_hours"

# The step whose clock is 先行救助's (temporary_assistance.bpmn): its boundary timer ends it
# `advance_payment_hours` after registration, which also gives the task its hour deadline. Its hours are
# watched by the emergency rules, not by the working-day reminders, which would fire at once.
EMERGENCY_STEPS = frozenset({"advance_payment"})


@dataclass(frozen=True)
class ReminderRules:
    """One process's rules in force on one day."""

    remind_days: int
    escalate_days: int
    escalate_roles: dict[str, str]  # the task unit's level → the role told
    clock_warning: Decimal
    clock_reached: Decimal
    clock_roles: tuple[str, ...]
    emergency_warning: timedelta
    emergency_overdue: timedelta

    def clock_threshold(self, limit_days: int, share: Decimal) -> int:
        """Working days used at which a share of the limit is reached: 0.8 of 30 → 24, of 45 → 36."""
        return int((share * limit_days).to_integral_value(rounding=ROUND_CEILING))

    def emergency_stage(self, started: datetime, now: datetime) -> str | None:
        """ "overdue", "warning" or None for a 先行救助 registered at `started`."""
        if now >= started + self.emergency_overdue:
            return "overdue"
        if now >= started + self.emergency_warning:
            return "warning"
        return None


# --- checking one value ---------------------------------------------------------------------------


def _whole(low: int, high: int) -> Callable[[Value], str | None]:
    def check(value: Value) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"必须是 {low} 到 {high} 的整数"
        return None

    return check


def _share(value: Value) -> str | None:
    share = _decimal(value)
    if share is None or not 0 < share <= 1:
        return '必须是大于 0、不大于 1 的小数（如 "0.8"）'
    return None


def _roles(value: Value) -> str | None:
    try:
        roles_of(value)
    except ValueError as exc:
        return str(exc)
    return None


def _level_roles(value: Value) -> str | None:
    try:
        level_roles_of(value)
    except ValueError as exc:
        return str(exc)
    return None


CHECKS: dict[str, Callable[[Value], str | None]] = {
    REMIND_DAYS: _whole(0, 5),
    ESCALATE_DAYS: _whole(1, 20),
    ESCALATE_ROLES: _level_roles,
    CLOCK_WARNING: _share,
    CLOCK_REACHED: _share,
    CLOCK_ROLES: _roles,
    EMERGENCY_WARNING: _whole(1, 168),
    EMERGENCY_OVERDUE: _whole(1, 168),
}


def value_problem(name: str, value: Value) -> str | None:
    """What is wrong with one value of one of these parameters ("必须是…"), or None."""
    check = CHECKS.get(name)
    return check(value) if check else None


def _decimal(value: Value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _share_of(value: Value) -> Decimal:
    return _decimal(value) or Decimal(0)  # `value` has passed its check, so it is a number


def roles_of(value: Value) -> tuple[str, ...]:
    """Comma-separated casework roles; ValueError in Chinese for an unknown or missing one."""
    roles = tuple(dict.fromkeys(part.strip() for part in str(value).split(",") if part.strip()))
    unknown = [role for role in roles if role not in ROLE_LEVELS]
    if unknown:
        raise ValueError(f"含有未知的角色：{'、'.join(unknown)}")
    if not roles:
        raise ValueError("至少写一个角色")
    return roles


def level_roles_of(value: Value) -> dict[str, str]:
    """ "village:township_head, county:county_approver" → {level: role}."""
    result: dict[str, str] = {}
    levels = [level.value for level in Level]
    for part in (p.strip() for p in str(value).split(",")):
        if not part:
            continue
        level, _, role = (piece.strip() for piece in part.partition(":"))
        if level not in levels or not role:
            raise ValueError(f"“{part[:40]}”应写作“层级:角色”，层级为 {'、'.join(levels)} 之一")
        if role not in ROLE_LEVELS:
            raise ValueError(f"含有未知的角色：{role[:40]}")
        if level in result:
            raise ValueError(f"层级 {level} 写了两次")
        result[level] = role
    if not result:
        raise ValueError("至少写一个“层级:角色”")
    return result


# --- reading the rules ----------------------------------------------------------------------------


def read_rules(parameters: Parameters, on: date) -> ReminderRules:
    """The rules in force on `on`; KeyError if one is missing (an old definition: its rules are off),
    InvalidData naming the parameter if the values do not agree."""

    def value(name: str) -> Value:
        raw = parameters.value(name, on)
        if problem := value_problem(name, raw):
            raise InvalidData(f"参数 {name} 的取值 {raw!r} 不可用：{problem}")
        return raw

    warning, reached = _share_of(value(CLOCK_WARNING)), _share_of(value(CLOCK_REACHED))
    if warning >= reached:
        raise InvalidData(f"参数 {CLOCK_WARNING}（{warning}）必须小于 {CLOCK_REACHED}（{reached}）")
    early, late = int(value(EMERGENCY_WARNING)), int(value(EMERGENCY_OVERDUE))
    if early >= late:
        raise InvalidData(f"参数 {EMERGENCY_WARNING}（{early}）必须小于 {EMERGENCY_OVERDUE}（{late}）")
    return ReminderRules(
        remind_days=int(value(REMIND_DAYS)),
        escalate_days=int(value(ESCALATE_DAYS)),
        escalate_roles=level_roles_of(value(ESCALATE_ROLES)),
        clock_warning=warning,
        clock_reached=reached,
        clock_roles=roles_of(value(CLOCK_ROLES)),
        emergency_warning=timedelta(hours=early),
        emergency_overdue=timedelta(hours=late),
    )
