"""The rule parameters' checks (engine.domain.reminder_rules): one value at deploy, the pairs when read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from engine.domain.parameters import Value, layered_parameters, parameter_problems
from engine.domain.reminder_rules import read_rules, value_problem
from engine.errors import InvalidData
from engine.settings import PROJECT_ROOT

DEFAULT = (PROJECT_ROOT / "processes" / "default" / "parameters.toml").read_text(encoding="utf-8")
DAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("name", "value", "wanted"),
    [
        ("reminder_days_before_due", 6, "必须是 0 到 5 的整数"),
        ("reminder_days_before_due", True, "必须是 0 到 5 的整数"),
        ("escalation_overdue_days", 0, "必须是 1 到 20 的整数"),
        ("escalation_roles", "township_head", "应写作“层级:角色”"),
        ("escalation_roles", "village:a, village:township_head", "未知的角色：a"),
        ("escalation_roles", "village:township_head, village:county_approver", "层级 village 写了两次"),
        ("legal_clock_warning_share", "1.2", "必须是大于 0、不大于 1 的小数"),
        ("legal_clock_reached_share", "abc", "必须是大于 0、不大于 1 的小数"),
        ("legal_clock_notify_roles", "", "至少写一个角色"),
        ("legal_clock_notify_roles", "county_clerk,mayor", "未知的角色：mayor"),
        ("emergency_warning_hours", 0, "必须是 1 到 168 的整数"),
    ],
)
def test_a_bad_value_is_named(name: str, value: Value, wanted: str) -> None:
    problem = value_problem(name, value)
    assert problem is not None
    assert wanted in problem


def test_the_file_check_names_the_parameter_and_its_line() -> None:
    text = '[notice_days]\n2021-07-01 = 7\n\n[legal_clock_warning_share]\n2021-07-01 = "0"\n'
    (problem,) = parameter_problems(text, "regions/x/parameters.toml")
    assert (problem.element, problem.line) == ("legal_clock_warning_share", 4)
    assert "参数 legal_clock_warning_share 在 2021-07-01 的取值 '0' 不可用" in problem.message


def test_the_defaults_read() -> None:
    rules = read_rules(layered_parameters([("default", DEFAULT)]), DAY)
    assert (rules.remind_days, rules.escalate_days) == (1, 2)
    assert rules.escalate_roles["village"] == "township_head"
    assert rules.clock_threshold(30, rules.clock_warning) == 24
    assert rules.clock_threshold(45, rules.clock_warning) == 36
    assert rules.clock_threshold(30, rules.clock_reached) == 30
    assert (rules.emergency_warning, rules.emergency_overdue) == (timedelta(hours=12), timedelta(hours=24))


def test_a_warning_share_not_below_the_reached_share_is_refused_when_read() -> None:
    region = '[legal_clock_warning_share]\n2021-07-01 = "1.0"\n'
    with pytest.raises(InvalidData, match=r"legal_clock_warning_share（1\.0）必须小于 legal_clock_reached_share"):
        read_rules(layered_parameters([("default", DEFAULT), ("region", region)]), DAY)


def test_warning_hours_not_before_the_overdue_hours_are_refused_when_read() -> None:
    region = "[emergency_warning_hours]\n2021-07-01 = 24\n"
    with pytest.raises(InvalidData, match="emergency_warning_hours（24）必须小于 emergency_overdue_hours"):
        read_rules(layered_parameters([("default", DEFAULT), ("region", region)]), DAY)
