"""The readable diff between two bundles (engine/workflow/bundle_diff/): each kind of edit a designer
makes to the reference process comes out as the sentence a reader expects, and nothing else does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine.workflow.bundle import region_sources
from engine.workflow.bundle_diff import ADDED, CHANGED, REMOVED, diff_bundles, parameter_labels
from engine.workflow.catalog import validate_sources

PROJECT = Path(__file__).resolve().parents[2]
BPMN = "bpmn/reference_review.bpmn"
DMN = "dmn/reference_approval_level.dmn"
FORM = "forms/reference_review.json"
PARAMS = "parameters/0.toml"


@pytest.fixture(scope="module")
def reference() -> dict[str, str]:
    """The files of the deployed reference_review bundle, exactly as a ProcessDefinition stores them."""
    result = validate_sources(region_sources(PROJECT / "processes", "default"), PROJECT / "forms" / "definitions")
    (bundle,) = [b for b in result.bundles if b.process_id == "reference_review"]
    return dict(bundle.files)


def _edit(files: dict[str, str], name: str, old: str, new: str) -> dict[str, str]:
    assert files[name].count(old) == 1, f"{old!r} is not once in {name}"
    return {**files, name: files[name].replace(old, new)}


def _sentences(old: dict[str, str], new: dict[str, str]) -> list[str]:
    return diff_bundles(old, new).sentences()


def test_the_same_files_have_no_differences(reference: dict[str, str]) -> None:
    diff = diff_bundles(reference, dict(reference))
    assert diff.empty
    assert diff.groups() == []


def test_a_renamed_task(reference: dict[str, str]) -> None:
    changed = _edit(reference, BPMN, 'name="受理登记"', 'name="登记受理"')
    diff = diff_bundles(reference, changed)
    assert diff.sentences() == ["任务“受理登记”改名为“登记受理”"]
    (change,) = diff.changes
    assert (change.kind, change.action, change.element, change.scope) == (
        "task",
        CHANGED,
        "register",
        "流程 reference_review",
    )


def test_a_task_moved_to_another_lane_and_form(reference: dict[str, str]) -> None:
    moved = _edit(reference, BPMN, "<bpmn:flowNodeRef>township_review</bpmn:flowNodeRef>\n", "")
    moved = _edit(
        moved,
        BPMN,
        "<bpmn:flowNodeRef>county_review</bpmn:flowNodeRef>",
        ("<bpmn:flowNodeRef>county_review</bpmn:flowNodeRef><bpmn:flowNodeRef>township_review</bpmn:flowNodeRef>"),
    )
    moved = _edit(
        moved,
        BPMN,
        'value="reference_review" />\n          <spiffworkflow:property name="dueWorkingDays" value="5"',
        'value="reference_register" />\n          <spiffworkflow:property name="dueWorkingDays" value="5"',
    )
    assert _sentences(reference, moved) == [
        "任务“乡镇审批”的泳道：乡镇经办人 → 县民政审批人",
        "任务“乡镇审批”的表单：reference_review → reference_register",
    ]


def test_declared_decision_context_panels(reference: dict[str, str]) -> None:
    declared = _edit(
        reference,
        BPMN,
        'value="reference_review" />\n          <spiffworkflow:property name="dueWorkingDays" value="5"',
        'value="reference_review" />\n          <spiffworkflow:property name="contextPanels" value="applicant"'
        ' />\n          <spiffworkflow:property name="dueWorkingDays" value="5"',
    )
    assert _sentences(reference, declared) == ["任务“乡镇审批”的决策依据面板：（无） → applicant"]


def test_a_changed_timer(reference: dict[str, str]) -> None:
    changed = _edit(reference, BPMN, 'f"P{notice_days}D"', '"P5D"')
    diff = diff_bundles(reference, changed)
    assert diff.sentences() == ['定时器“公示期满”：时长 f"P{notice_days}D" → 时长 "P5D"']
    assert diff.changes[0].element == "notice_period"


def test_a_changed_parameter_from_a_date(reference: dict[str, str]) -> None:
    changed = _edit(
        reference, PARAMS, "[notice_days]\n2021-07-01 = 7\n", "[notice_days]\n2021-07-01 = 7\n2026-12-01 = 5\n"
    )
    assert _sentences(reference, changed) == ["参数「公示天数」自 2026-12-01 起由 7 天 改为 5 天"]


def test_parameters_added_and_removed_and_a_region_layer(reference: dict[str, str]) -> None:
    without = _edit(reference, PARAMS, "[notice_days]\n2021-07-01 = 7\n", "")
    assert _sentences(reference, without) == ["删除参数「公示天数」（原为 2021-07-01 起 7 天）"]
    assert _sentences(without, reference) == ["新增参数「公示天数」：2021-07-01 起 7 天"]
    # A region's layer replaces the parameter's whole table: only the stretches whose value changed show.
    layered = {**reference, "parameters/1.toml": "# 烟台：公示缩短\n[notice_days]\n2022-01-01 = 7\n2026-12-01 = 5\n"}
    assert _sentences(reference, layered) == [
        "参数「公示天数」在 2021-07-01 至 2021-12-31 期间不再有取值（原为 7 天）",
        "参数「公示天数」自 2026-12-01 起由 7 天 改为 5 天",
    ]


def test_a_changed_dmn_rule(reference: dict[str, str]) -> None:
    changed = _edit(reference, DMN, "<text>&lt; 3200</text>", "<text>&lt; 5000</text>")
    changed = _edit(changed, DMN, "<text>&gt;= 3200</text>", "<text>&gt;= 5000</text>")
    diff = diff_bundles(reference, changed)
    assert diff.sentences() == [
        "决策表“确定审批层级”规则 rule_township（乡镇审批） 的条件“申请金额（元）”：< 3200 → < 5000",
        "决策表“确定审批层级”规则 rule_county（县级审批） 的条件“申请金额（元）”：>= 3200 → >= 5000",
    ]
    assert {(c.kind, c.element) for c in diff.changes} == {("rule", "rule_township"), ("rule", "rule_county")}


def test_a_dmn_rule_added_and_an_output_changed(reference: dict[str, str]) -> None:
    rule = (
        '<rule id="rule_committee"><description>协调机制</description>'
        '<inputEntry id="e1"><text>&gt;= 50000</text></inputEntry>'
        '<outputEntry id="e2"><text>"committee"</text></outputEntry></rule>\n    </decisionTable>'
    )
    added = _edit(reference, DMN, "</decisionTable>", rule)
    added = _edit(added, DMN, '<text>"county"</text>', '<text>"county_approver"</text>')
    assert _sentences(reference, added) == [
        '决策表“确定审批层级”规则 rule_county（县级审批） 的结果“审批层级”："county" → "county_approver"',
        '决策表“确定审批层级”新增规则 rule_committee（协调机制）：申请金额（元） >= 50000 → 审批层级 = "committee"',
    ]
    assert [c.action for c in diff_bundles(added, reference).changes] == [CHANGED, REMOVED]


def test_a_changed_form_field(reference: dict[str, str]) -> None:
    schema = json.loads(reference[FORM])
    schema["properties"]["opinion"]["title"] = "审批意见说明"
    schema["properties"]["decision"]["enum"] = ["approve", "reject"]
    schema["required"] = ["decision"]
    schema["properties"]["note"] = {"type": "string", "title": "备注"}
    changed = {**reference, FORM: json.dumps(schema, ensure_ascii=False)}
    diff = diff_bundles(reference, changed)
    assert diff.sentences() == [
        "表单“审批（参考流程）”字段“审批结论” decision的选项：删除 return",
        "表单“审批（参考流程）”字段“审批意见说明” opinion的标题：“审批意见” → “审批意见说明”",
        "表单“审批（参考流程）”字段“审批意见说明” opinion改为选填",
        "表单“审批（参考流程）”新增字段“备注” note（文本，选填）",
    ]
    assert {c.kind for c in diff.changes} == {"field"}


def test_a_task_a_lane_and_flows_added(reference: dict[str, str]) -> None:
    lane = (
        '<bpmn:lane id="lane_township_head" name="乡镇负责人">'
        "<bpmn:flowNodeRef>first_check</bpmn:flowNodeRef></bpmn:lane>\n    </bpmn:laneSet>"
    )
    task = (
        '<bpmn:userTask id="first_check" name="乡镇初审"><bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="formKey" value="reference_review" />'
        "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>\n"
        '    <bpmn:sequenceFlow id="flow_register_to_first_check" sourceRef="register" targetRef="first_check">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">requested_amount &gt; 0</bpmn:conditionExpression>'
        "</bpmn:sequenceFlow>\n  </bpmn:process>"
    )
    added = _edit(_edit(reference, BPMN, "</bpmn:laneSet>", lane), BPMN, "</bpmn:process>", task)
    diff = diff_bundles(reference, added)
    assert diff.sentences() == [
        "新增任务“乡镇初审”（泳道 乡镇负责人，表单 reference_review）",
        "新增顺序流 “受理登记” → “乡镇初审”（条件 requested_amount > 0）",
        "新增泳道“乡镇负责人”",
    ]
    assert all(c.action == ADDED for c in diff.changes)
    assert [g.label for g in diff.groups()] == ["任务", "顺序流", "泳道"]


def test_a_task_and_its_flows_removed(reference: dict[str, str]) -> None:
    text = reference[BPMN]
    block = re.search(r'\s*<bpmn:userTask id="county_review".*?</bpmn:userTask>', text, re.S)
    assert block is not None
    removed = {**reference, BPMN: text.replace(block.group(0), "")}
    removed = _edit(
        removed,
        BPMN,
        '<bpmn:sequenceFlow id="flow_county_review_to_review_join" sourceRef="county_review" '
        'targetRef="review_join" />',
        "",
    )
    assert _sentences(reference, removed) == [
        "删除任务“县级审批”（泳道 县民政审批人，表单 reference_review，时限 10 个工作日）",
        "删除顺序流 “县级审批” → “审批完成”",
    ]


def test_a_changed_condition_and_a_rerouted_flow(reference: dict[str, str]) -> None:
    changed = _edit(reference, BPMN, 'approval_level == "county"', 'approval_level in ("county", "committee")')
    assert _sentences(reference, changed) == [
        '顺序流 “审批层级” → “县级审批” 的条件：approval_level == "county" → approval_level in ("county", "committee")'
    ]
    rerouted = _edit(
        reference,
        BPMN,
        'sourceRef="county_review" targetRef="review_join"',
        'sourceRef="county_review" targetRef="record_outcome"',
    )
    assert _sentences(reference, rerouted) == [
        "顺序流 flow_county_review_to_review_join 的两端：“县级审批” → “审批完成” 改为 “县级审批” → “记录审批结果”"
    ]


def test_processes_and_call_activities(reference: dict[str, str]) -> None:
    call = '<bpmn:callActivity id="notice" name="公示" calledElement="public_notice" />\n  </bpmn:process>'
    called = _edit(reference, BPMN, "</bpmn:process>", call)
    assert _sentences(reference, called) == ["新增调用活动“公示”（调用 public_notice）"]
    other = _edit(called, BPMN, 'calledElement="public_notice"', 'calledElement="democratic_review"')
    assert _sentences(called, other) == ["调用活动“公示”调用的流程：public_notice → democratic_review"]
    assert _sentences({}, {BPMN: reference[BPMN]}) == ["新增流程“参考审批流程”（reference_review）"]


def test_an_unparsable_file_is_one_change_not_a_failure(reference: dict[str, str]) -> None:
    broken = {**reference, BPMN: "<bpmn:definitions"}
    (change,) = [c for c in diff_bundles(reference, broken).changes if c.kind == "file"]
    assert change.sentence.startswith(f"文件 {BPMN} 无法解析")


def test_parameter_labels_come_from_the_comment_above_the_table() -> None:
    text = (
        "# 参考流程与全国默认参数。\n\n# 公示天数（参考流程的公示期）\n[notice_days]\n2021-07-01 = 7\n\n"
        "[no_comment]\n2021-07-01 = 1\n\n# 这是一段很长很长很长很长很长很长的说明文字没有标点\n[long]\n2021-07-01 = 1\n"
    )
    assert parameter_labels(text) == {"notice_days": "公示天数"}


def test_declared_copies(reference: dict[str, str]) -> None:
    """抄送 (docs/urge-and-copy.md): the roles a step copies when it completes."""
    declared = _edit(
        reference,
        BPMN,
        'value="reference_review" />\n          <spiffworkflow:property name="dueWorkingDays" value="5"',
        'value="reference_review" />\n          <spiffworkflow:property name="copies" value="county_approver"'
        ' />\n          <spiffworkflow:property name="dueWorkingDays" value="5"',
    )
    assert _sentences(reference, declared) == ["任务“乡镇审批”的抄送角色：（无） → county_approver"]
