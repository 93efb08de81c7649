"""The ``copies`` property of a user task (抄送, docs/urge-and-copy.md): the roles told when the task is
completed, e.g. ``<spiffworkflow:property name="copies" value="county_approver, county_clerk"/>``. Roles are
written by key or by Chinese label, like lanes; an unknown one is refused at deploy, naming the element."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.domain.roles import split_roles
from engine.errors import Problem
from engine.workflow.parsing import ParsedFiles

PROPERTY = "copies"


def check_copies(parsed: ParsedFiles, task_spec: Any, value: str | None, element: str) -> Iterator[Problem]:
    if value is None:
        return
    task = f"用户任务“{getattr(task_spec, 'bpmn_name', None) or element}”（{element}）"
    known, unknown = split_roles(value)
    if unknown:
        names = "、".join(f"“{name[:40]}”" for name in unknown)
        yield parsed.problem(f"{task}的 copies（抄送）含有未知角色{names}：请写角色标识或中文名称", element)
    elif not known:
        yield parsed.problem(f"{task}的 copies（抄送）为空：请列出抄送的角色，或删去该属性", element)
