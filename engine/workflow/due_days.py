"""A user task's time limit (property dueWorkingDays): a number of working days, or the name of a region
parameter that holds one, so a limit the regulations let regions set (公示天数, 调查时限…) is set once
in parameters.toml and a procedure names it instead of repeating the number.

Deploy validation (catalog) checks a named limit against the region's parameters: it must exist and
every dated value of it must be a whole number of days within MAX_DAYS. At run time the value in force
on the day the task opens is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from engine.domain.parameters import Parameters
from engine.errors import Problem
from engine.workflow.namespaces import BPMN_NS, SPIFF_NS
from engine.workflow.parsing import ParsedFiles

PROPERTY = "dueWorkingDays"
LABEL = "办理时限（dueWorkingDays）"
MAX_DAYS = 365
_PARAMETER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


def syntax_problem(value: str) -> str | None:
    """Why the property's text is neither a day count nor a parameter name; None when it is one."""
    if value.isdigit():
        return None if int(value) <= MAX_DAYS else f"{LABEL}不能超过 {MAX_DAYS} 个工作日，而不是“{value}”"
    if _PARAMETER_NAME.match(value):
        return None
    return f"{LABEL}必须是 0–{MAX_DAYS} 的整数或参数名，而不是“{value}”"


def _whole_days(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DAYS


def due_days(value: str | None, parameters: Parameters, on: date) -> int | None:
    """The task's time limit in working days on `on`; None when it has none (or, for a definition deployed
    before this check, when the named parameter is missing or not a day count then)."""
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        days = parameters.value(value, on)
    except KeyError:
        return None
    return days if isinstance(days, int) and _whole_days(days) else None


def check_due_parameters(parsed: ParsedFiles, parameters: Parameters) -> Iterator[Problem]:
    """Each user task whose time limit names a parameter: the parameter exists and holds day counts."""
    for origin, tree in parsed.trees.items():
        for task in tree.iter(f"{{{BPMN_NS}}}userTask"):
            for prop in task.iter(f"{{{SPIFF_NS}}}property"):
                value = (prop.get("value") or "").strip()
                if prop.get("name") != PROPERTY or value.isdigit() or syntax_problem(value):
                    continue
                parameter = parameters.by_name.get(value)
                element, line = task.get("id"), prop.sourceline
                if parameter is None:
                    yield Problem(origin, f"{LABEL}引用的参数“{value}”在本地区参数中不存在", element, line)
                elif not all(_whole_days(days) for _, days in parameter.periods):
                    yield Problem(origin, f"{LABEL}引用的参数“{value}”不是 0–{MAX_DAYS} 的整数天数", element, line)
