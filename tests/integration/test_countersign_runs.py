"""会签 on the engine itself (LoadedProcess/WorkflowRun, the sandbox): parallel and sequential
multi-instance user tasks, the member each instance carries, the output list and the completion
condition's early end (docs/countersign.md)."""

from __future__ import annotations

from pathlib import Path

from freezegun import freeze_time

from engine.workflow.bundle import file_sources
from engine.workflow.catalog import validate_sources
from engine.workflow.runtime import LoadedProcess
from tests.conftest import CALENDAR_DIR
from tests.unit.test_countersign_validation import FORMS, countersign

MEMBERS = [{"username": "a", "name": "甲"}, {"username": "b", "name": "乙"}, {"username": "c", "name": "丙"}]


def load(tmp_path: Path, text: str) -> LoadedProcess:
    path = tmp_path / "p.bpmn"
    path.write_text(text, encoding="utf-8")
    result = validate_sources(file_sources([path]), FORMS)
    assert result.problems == []
    (bundle,) = result.bundles
    return LoadedProcess("p", bundle.files, calendar_dir=CALENDAR_DIR)


@freeze_time("2026-03-02 01:00:00")
def test_parallel_countersign_ends_when_its_condition_holds(tmp_path: Path) -> None:
    condition = '<bpmn:completionCondition>countersign_decided(votes, members, "any")</bpmn:completionCondition>'
    run = load(tmp_path, countersign(condition=condition)).start({"members": MEMBERS})
    ready = run.ready_user_tasks()
    assert [(t.name, t.title, (t.member or {}).get("username")) for t in ready] == [
        ("sign", "会签：甲", "a"),
        ("sign", "会签：乙", "b"),
        ("sign", "会签：丙", "c"),
    ]
    assert len({(t.member or {})["group"] for t in ready}) == 1  # one round
    run.complete(ready[1].spiff_task_id, {"decision": "reject", "opinion": "不同意"})
    assert len(run.ready_user_tasks()) == 2
    run.complete(ready[2].spiff_task_id, {"decision": "approve", "opinion": "同意"})
    # One approval is enough under "any": 甲's task is withdrawn and the process goes on.
    assert run.completed
    assert run.data()["votes"] == [
        {"member": MEMBERS[1], "decision": "reject", "opinion": "不同意"},
        {"member": MEMBERS[2], "decision": "approve", "opinion": "同意"},
    ]


@freeze_time("2026-03-02 01:00:00")
def test_sequential_countersign_offers_one_member_at_a_time(tmp_path: Path) -> None:
    text = countersign(condition="").replace(
        "<bpmn:multiInstanceLoopCharacteristics>", '<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
    )
    run = load(tmp_path, text).start({"members": MEMBERS})
    for member in MEMBERS:
        (task,) = run.ready_user_tasks()
        assert task.member is not None
        assert task.member["item"] == member
        run.complete(task.spiff_task_id, {"decision": "approve", "opinion": f"{member['name']}同意"})
    assert run.completed
    assert [v["member"]["name"] for v in run.data()["votes"]] == ["甲", "乙", "丙"]
