"""Deploy validation of 会签 (multi-instance user tasks, docs/countersign.md): what a designer must
declare, refused in Chinese naming the task; and a version diff that shows a changed 会签."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.settings import PROJECT_ROOT
from engine.workflow.bundle import file_sources, region_sources
from engine.workflow.bundle_diff import diff_bundles
from engine.workflow.catalog import validate_sources
from tests.unit.test_bpmn_subset_validation import HEAD, line_of

FORMS = PROJECT_ROOT / "forms" / "definitions"
GOOD = {
    "input": "<bpmn:loopDataInputRef>members</bpmn:loopDataInputRef>",
    "output": "<bpmn:loopDataOutputRef>votes</bpmn:loopDataOutputRef>",
    "item": '<bpmn:inputDataItem id="member" />',
    "result": '<bpmn:outputDataItem id="vote" />',
    "condition": '<bpmn:completionCondition>countersign_decided(votes, members, "majority")</bpmn:completionCondition>',
}


def countersign(**parts: str) -> str:
    """A start → 会签 user task (lane township_head) → end diagram; `parts` replace GOOD's children."""
    children = "".join({**GOOD, **parts}.values())
    return (
        f'{HEAD}<bpmn:process id="p" name="测试" isExecutable="true">\n'
        '<bpmn:laneSet id="ls"><bpmn:lane id="l" name="township_head">'
        "<bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>sign</bpmn:flowNodeRef>"
        "<bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>\n"
        '<bpmn:startEvent id="start"/>\n'
        '<bpmn:userTask id="sign" name="会签"><bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="formKey" value="reference_review"/></spiffworkflow:properties>'
        "</bpmn:extensionElements>\n"
        f"<bpmn:multiInstanceLoopCharacteristics>{children}</bpmn:multiInstanceLoopCharacteristics>\n"
        "</bpmn:userTask>\n"
        '<bpmn:endEvent id="end"/>\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sign"/>\n'
        '<bpmn:sequenceFlow id="f2" sourceRef="sign" targetRef="end"/>\n'
        "</bpmn:process>\n</bpmn:definitions>\n"
    )


def problems_of(tmp_path: Path, text: str) -> list[tuple[str | None, int | None, str]]:
    path = tmp_path / "case.bpmn"
    path.write_text(text, encoding="utf-8")
    result = validate_sources(file_sources([path]), FORMS)
    return [(p.element, p.line, p.message) for p in result.problems]


def test_a_complete_countersign_deploys(tmp_path: Path) -> None:
    assert problems_of(tmp_path, countersign()) == []


BAD = {
    "no member list": ({"input": ""}, "会签任务缺少成员列表 loopDataInputRef（流程数据中的列表变量名）"),
    "no member item": ({"item": ""}, "会签任务缺少成员变量 inputDataItem（id 为每个任务中成员的变量名）"),
    "no result list": ({"output": ""}, "会签任务缺少结果列表 loopDataOutputRef（汇总各成员意见的变量名）"),
    "no result item": ({"result": ""}, "会签任务缺少结果变量 outputDataItem（id 为每个成员意见的变量名）"),
    "not a variable": (
        {"input": "<bpmn:loopDataInputRef>委员 名单</bpmn:loopDataInputRef>"},
        "会签任务的 loopDataInputRef“委员 名单”不是合法的变量名",
    ),
    "same names": (
        {"output": "<bpmn:loopDataOutputRef>members</bpmn:loopDataOutputRef>"},
        "会签任务的成员列表、成员变量、结果列表和结果变量必须是四个不同的变量名",
    ),
    "empty condition": (
        {"condition": "<bpmn:completionCondition> </bpmn:completionCondition>"},
        "会签任务的完成条件 completionCondition 为空：不需要时请删除该元素",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_an_incomplete_countersign_is_refused_naming_the_task(tmp_path: Path, case: str) -> None:
    parts, message = BAD[case]
    text = countersign(**parts)
    assert problems_of(tmp_path, text) == [("sign", line_of(text, "<bpmn:multiInstanceLoopCharacteristics>"), message)]


@pytest.mark.parametrize(
    "condition",
    ['__import__("os").system("id")', "open('/etc/passwd') is None", "run_anything(votes)"],
)
def test_a_condition_outside_the_sandbox_is_refused(tmp_path: Path, condition: str) -> None:
    text = countersign(condition=f"<bpmn:completionCondition>{condition}</bpmn:completionCondition>")
    ((element, _, message),) = problems_of(tmp_path, text)
    assert element == "sign"
    assert message.startswith("会签任务的完成条件无法在沙箱中编译：")


def test_a_counted_multi_instance_is_refused(tmp_path: Path) -> None:
    text = countersign(input="<bpmn:loopCardinality>3</bpmn:loopCardinality>")
    messages = [message for _, _, message in problems_of(tmp_path, text)]
    assert (
        "不支持按次数的多实例 loopCardinality：会签请用 loopDataInputRef 指定成员列表（docs/countersign.md）"
        in messages
    )


def test_the_version_diff_shows_a_changed_countersign() -> None:
    result = validate_sources(region_sources(PROJECT_ROOT / "processes", "default"), FORMS)
    (bundle,) = [b for b in result.bundles if b.process_id == "temporary_assistance"]
    old = dict(bundle.files)
    (name,) = [n for n, text in old.items() if "committee_members" in text and n.endswith(".bpmn")]
    new = {**old, name: old[name].replace('param("temporary_committee_rule"))</bpmn', '"all")</bpmn')}
    sentences = diff_bundles(old, new).sentences()
    assert len(sentences) == 1
    assert sentences[0].startswith("任务“协调机制一事一议”的会签设置")
    assert 'countersign_decided(committee_votes, committee_members, "all")' in sentences[0]
