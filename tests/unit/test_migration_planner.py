"""The migration of one stored workflow state (engine.workflow.migration), without a database: the steps
before and after, open tasks kept or created, a removed step refusing the case, the mapping checks, and
a running timer keeping its deadline (docs/process-migration.md)."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

import pytest
from freezegun import freeze_time

from engine.errors import InvalidData
from engine.workflow.migration import migrate_state
from engine.workflow.migration_specs import check_mapping, spec_changes
from engine.workflow.runtime import LoadedProcess
from tests.conftest import CALENDAR_DIR

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="https://dibao.local/bpmn/tests">
  <bpmn:process id="p" name="迁移测试" isExecutable="true">
    <bpmn:startEvent id="start" />
"""
_TAIL = '    <bpmn:endEvent id="end" />\n  </bpmn:process>\n</bpmn:definitions>\n'
_WAIT = """    <bpmn:intermediateCatchEvent id="wait" name="等待三天">
      <bpmn:timerEventDefinition id="wait_timer">
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P3D"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
"""


def _process(*steps: tuple[str, str], wait_first: bool = False) -> LoadedProcess:
    """start → (a 3-day timer) → the user tasks `steps` (id, name) in a row → end."""
    ids = (["wait"] if wait_first else []) + [s for s, _ in steps]
    body = _WAIT if wait_first else ""
    body += "".join(f'    <bpmn:userTask id="{i}" name="{n}" />\n' for i, n in steps)
    chain = ["start", *ids, "end"]
    body += "".join(
        f'    <bpmn:sequenceFlow id="f_{a}_{b}" sourceRef="{a}" targetRef="{b}" />\n' for a, b in pairwise(chain)
    )
    return LoadedProcess("p", {"bpmn/p.bpmn": _HEAD + body + _TAIL}, calendar_dir=CALENDAR_DIR)


V1 = (("apply", "申请"), ("review", "初审"), ("decide", "审批"))


def _state_at(process: LoadedProcess, done: int) -> bytes:
    run = process.start({})
    for _ in range(done):
        (task,) = run.ready_user_tasks()
        run.complete(task.spiff_task_id, {})
    return run.serialize()


def test_a_renamed_step_is_kept_under_its_new_name_and_an_added_one_lies_ahead() -> None:
    v1 = _process(*V1)
    v2 = _process(("apply", "申请"), ("check", "核对"), ("review2", "乡镇初审"), ("decide", "审批"))
    plan, run = migrate_state(v1, v2, _state_at(v1, 1), {"review": "review2"})
    assert run is not None
    assert plan.reason is None
    assert [(s.name, s.title) for s in plan.before] == [("review", "初审")]
    assert [(s.name, s.title) for s in plan.kept] == [("review2", "乡镇初审")]
    assert plan.kept[0].spiff_task_id == plan.before[0].spiff_task_id  # the same task, so the same HumanTask row
    assert (plan.created, plan.cancelled) == ((), ())
    # A case still at 申请 goes through the new 核对 after it.
    _, run = migrate_state(v1, v2, _state_at(v1, 0), {"review": "review2"})
    assert run is not None
    (task,) = run.ready_user_tasks()
    run.complete(task.spiff_task_id, {})
    assert [v.name for v in run.ready_user_tasks()] == ["check"]


def test_a_case_that_met_a_removed_step_cannot_migrate_and_says_which() -> None:
    v1 = _process(*V1)
    v2 = _process(("apply", "申请"), ("decide", "审批"))
    at, _ = migrate_state(v1, v2, _state_at(v1, 1), {})
    assert at.reason == "新版本中没有步骤“初审”（review），案件正停在该步骤；请为它指定映射"
    past, _ = migrate_state(v1, v2, _state_at(v1, 2), {})
    assert past.reason == "新版本中没有步骤“初审”（review），案件已经过该步骤；请为它指定映射"
    before, run = migrate_state(v1, v2, _state_at(v1, 0), {})  # 初审 only lay ahead of it
    assert before.reason is None
    assert run is not None
    changes = spec_changes(v1, v2, {})
    assert [(e.bpmn_id, e.title) for e in changes.removed] == [("review", "初审")]


def test_the_mapping_is_checked_against_both_versions() -> None:
    v1 = _process(*V1, wait_first=True)
    v2 = _process(("apply", "申请"), ("decide", "审批"), wait_first=True)
    check_mapping(v1, v2, {"review": "decide"})
    with pytest.raises(InvalidData) as refused:
        check_mapping(v1, v2, {"nowhere": "decide", "review": "gone", "apply": "wait"})
    assert refused.value.fields["mapping"] == [
        "原版本中没有步骤“nowhere”",
        "新版本中没有步骤“gone”（映射 review=gone）",
        "“申请”与“等待三天”类型不同，不能映射（apply=wait）",
    ]


def test_a_running_timer_keeps_its_deadline() -> None:
    v1 = _process(*V1, wait_first=True)
    v2 = _process(("check", "核对"), *V1, wait_first=True)
    with freeze_time("2026-11-23 01:00:00"):
        state = v1.start({}).serialize()
    with freeze_time("2026-11-25 01:00:00"):  # two days later: a reset timer would end on the 28th
        plan, run = migrate_state(v1, v2, state, {})
    assert run is not None
    assert [(s.name, s.kind) for s in plan.after] == [("wait", "waiting")]
    assert run.next_timer_at() == datetime(2026, 11, 26, 1, 0)
