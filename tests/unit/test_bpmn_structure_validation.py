"""Broken references and shapes in a BPMN file: each reported once, naming element and line, before
Spiff would fail on it in English, with a Python exception, or not at all."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from engine.workflow import catalog
from engine.workflow.bundle import file_sources
from engine.workflow.catalog import INTERNAL_ERROR, validate_sources
from tests.unit.test_bpmn_subset_validation import FORMS, HEAD, chain, diagram, line_of, problems_of

SCRIPT = '<bpmn:scriptTask id="x"><bpmn:script>a = 1</bpmn:script></bpmn:scriptTask>'
GATEWAY = """<bpmn:startEvent id="start"/>
<bpmn:exclusiveGateway id="g" default="{default}"/>
<bpmn:endEvent id="e1"/>
<bpmn:endEvent id="e2"/>
<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="g"/>
<bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="e1"><bpmn:conditionExpression>a &gt; 1</bpmn:conditionExpression>\
</bpmn:sequenceFlow>
<bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="e2"/>"""

# (diagram, element, marker of the line, message); ALSO adds what else the same diagram gets wrong.
BROKEN = {
    "duplicate id": (
        diagram(chain(SCRIPT) + '\n<bpmn:endEvent id="x"/>'),
        "x",
        '<bpmn:endEvent id="x"/>',
        "标识 x 重复（第 11 行已使用）",
    ),
    "id with a quote": (
        diagram(chain(SCRIPT.replace('id="x"', 'id="x\'1"'), "x'1")),
        "x'1",
        "<bpmn:scriptTask",
        "标识“x'1”不合法：须以字母或下划线开头，只含字母、数字、_、-、.",
    ),
    "flow to nowhere": (
        diagram(
            chain(SCRIPT).replace('id="f2" sourceRef="x" targetRef="end"', 'id="f2" sourceRef="x" targetRef="ghost"')
        ),
        "f2",
        'id="f2"',
        "顺序流的 targetRef 指向本流程中不存在的元素 ghost",
    ),
    "two ways out of a task": (
        diagram(chain(SCRIPT) + '\n<bpmn:sequenceFlow id="f3" sourceRef="x" targetRef="end"/>'),
        "x",
        "<bpmn:scriptTask",
        "有 2 条出口顺序流：分支请用网关",
    ),
    "no way in": (
        diagram(chain(SCRIPT) + '\n<bpmn:scriptTask id="y"><bpmn:script>b = 2</bpmn:script></bpmn:scriptTask>'),
        "y",
        'id="y"',
        "没有入口顺序流：流程永远不会到达这里",
    ),
    "condition on a task's flow": (
        diagram(
            chain(SCRIPT).replace(
                'targetRef="end"/>',
                'targetRef="end">\n<bpmn:conditionExpression>a</bpmn:conditionExpression></bpmn:sequenceFlow>',
            )
        ),
        "f2",
        'id="f2"',
        "只有排他网关和包容网关的出口顺序流可以带条件",
    ),
    "gateway flow without condition": (
        diagram(GATEWAY.format(default="f1")),
        "f2",
        'id="f2"',
        "网关的出口顺序流缺少条件（或把它设为网关的默认顺序流）",
    ),
    "default flow of another element": (
        diagram(GATEWAY.format(default="f0")),
        "g",
        '<bpmn:exclusiveGateway id="g"',
        "默认顺序流 f0 不是本网关的出口顺序流",
    ),
    "boundary event on a script task": (
        diagram(
            chain(SCRIPT)
            + '\n<bpmn:boundaryEvent id="b" attachedToRef="x"><bpmn:timerEventDefinition><bpmn:timeDuration>"P1D"'
            "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
            '\n<bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="end"/>'
        ),
        "b",
        '<bpmn:boundaryEvent id="b"',
        "边界事件必须附着在本流程的用户任务、子流程或调用活动上（attachedToRef）",
    ),
    "event gateway before a task": (
        diagram(chain('<bpmn:eventBasedGateway id="x"/>')),
        "f2",
        'id="f2"',
        "事件网关之后必须是定时器或消息中间捕获事件",
    ),
    "two start events": (
        diagram(
            chain(SCRIPT)
            + '\n<bpmn:startEvent id="start2"/>\n<bpmn:sequenceFlow id="f3" sourceRef="start2" targetRef="x"/>'
        ),
        "p",
        '<bpmn:process id="p"',
        "流程必须恰好有一个开始事件（现有 2 个）",
    ),
    "sub-process without an end": (
        diagram(chain('<bpmn:subProcess id="x"><bpmn:startEvent id="s1"/></bpmn:subProcess>')),
        "x",
        '<bpmn:subProcess id="x">',
        "子流程必须至少有一个结束事件",
    ),
    "empty script": (
        diagram(chain('<bpmn:scriptTask id="x"><bpmn:script>  </bpmn:script></bpmn:scriptTask>')),
        "x",
        "<bpmn:scriptTask",
        "脚本任务必须有且只有一段非空的脚本 bpmn:script",
    ),
    "business rule task without a table": (
        diagram(chain('<bpmn:businessRuleTask id="x"/>')),
        "x",
        "businessRuleTask",
        "业务规则任务必须指定一个决策表（spiffworkflow:calledDecisionId）",
    ),
    "call activity without a process": (
        diagram(chain('<bpmn:callActivity id="x" calledElement=""/>')),
        "x",
        "callActivity",
        "调用活动缺少被调用流程的标识 calledElement",
    ),
    "undeclared message": (
        diagram(
            chain(
                '<bpmn:intermediateCatchEvent id="x">\n<bpmn:messageEventDefinition messageRef="nope"/>'
                "</bpmn:intermediateCatchEvent>"
            )
        ),
        "x",
        "messageEventDefinition",
        "消息事件引用的消息 nope 没有在本文件中声明（bpmn:message）",
    ),
    "nameless message": (
        diagram(
            chain(
                '<bpmn:intermediateCatchEvent id="x"><bpmn:messageEventDefinition messageRef="m"/>'
                "</bpmn:intermediateCatchEvent>"
            ),
            top='<bpmn:message id="m"/>\n',
        ),
        "m",
        '<bpmn:message id="m"/>',
        "消息缺少名称 name（系统按名称投递消息）",
    ),
    "timer without a time": (
        diagram(
            chain('<bpmn:intermediateCatchEvent id="x">\n<bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>')
        ),
        "x",
        "timerEventDefinition",
        "定时器必须有且只有一个 timeDate 或 timeDuration",
    ),
    "lane naming a missing element": (
        diagram(
            '<bpmn:laneSet id="ls"><bpmn:lane id="l" name="township_clerk">\n'
            "<bpmn:flowNodeRef>ghost</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>\n" + chain(SCRIPT)
        ),
        "l",
        "<bpmn:flowNodeRef>ghost",
        "泳道引用了本流程中不存在的元素 ghost",
    ),
    "element in two lanes": (
        diagram(
            '<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="township_clerk">'
            "<bpmn:flowNodeRef>x</bpmn:flowNodeRef></bpmn:lane>\n"
            '<bpmn:lane id="l2" name="township_head">'
            "<bpmn:flowNodeRef>x</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>\n" + chain(SCRIPT)
        ),
        "l2",
        '<bpmn:lane id="l2"',
        "元素 x 同时属于两个泳道（l1、l2）",
    ),
    "a name longer than the database keeps": (
        diagram(chain(SCRIPT.replace('id="x"', f'id="x" name="{"审" * 201}"'))),
        "x",
        "<bpmn:scriptTask",
        "名称过长（201 个字符，最多 200）",
    ),
    "a process id longer than the database keeps": (
        diagram(chain(SCRIPT)).replace('process id="p"', f'process id="{"p" * 65}"'),
        "p" * 65,
        "<bpmn:process",
        "流程标识过长（65 个字符，最多 64）",
    ),
    "a pool for a process elsewhere": (
        diagram(
            chain(SCRIPT),
            top='<bpmn:collaboration id="c">\n<bpmn:participant id="pool" processRef="other"/></bpmn:collaboration>\n',
        ),
        "pool",
        "participant",
        "参与者（池）引用的流程 other 不在本文件中",
    ),
    "not BPMN at all": (
        '<?xml version="1.0"?>\n<html><body>not a diagram</body></html>\n',
        None,
        "<html>",
        "不是 BPMN 文件：根元素应为命名空间 http://www.omg.org/spec/BPMN/20100524/MODEL 中的 definitions，而不是 html",
    ),
    "no process": (
        HEAD + "</bpmn:definitions>\n",
        "definitions",
        'id="definitions"',
        "文件中没有流程（bpmn:process）",
    ),
}


ALSO = {
    "flow to nowhere": [("end", '<bpmn:endEvent id="end"/>', "没有入口顺序流：流程永远不会到达这里")],
    "no way in": [("y", 'id="y"', "没有出口顺序流：请连到下一步或结束事件")],
    "default flow of another element": [("f2", 'id="f2"', "网关的出口顺序流缺少条件（或把它设为网关的默认顺序流）")],
    "sub-process without an end": [("s1", 'id="s1"', "没有出口顺序流：请连到下一步或结束事件")],
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_structure_is_reported_once_with_element_and_line(tmp_path: Path, case: str) -> None:
    text, element, marker, message = BROKEN[case]
    expected = [(element, marker, message), *ALSO.get(case, [])]
    found = problems_of(tmp_path, text)
    assert sorted(found, key=str) == sorted([(e, line_of(text, m), msg) for e, m, msg in expected], key=str)


def test_schema_errors_left_to_the_xsd_are_translated(tmp_path: Path) -> None:
    text = diagram(chain(SCRIPT.replace('<bpmn:scriptTask id="x"', '<bpmn:scriptTask id="x" priority="high"')))
    assert problems_of(tmp_path, text) == [
        (
            "x",
            line_of(text, "priority"),
            "不符合 BPMN/DMN 规范（XSD）：元素 scriptTask 的属性 priority：不允许属性 priority",
        )
    ]


def test_a_file_not_in_utf8_is_refused_before_it_is_stored(tmp_path: Path) -> None:
    text = diagram(chain(SCRIPT.replace('id="x"', 'id="x" name="审核"')))
    path = tmp_path / "gbk.bpmn"
    path.write_bytes(text.replace('encoding="UTF-8"', 'encoding="GBK"').encode("gbk"))
    result = validate_sources(file_sources([path]), FORMS)
    assert [(p.line, p.message) for p in result.problems] == [
        (line_of(text, "测试"), "文件必须是 UTF-8 编码（请在建模器中另存为 UTF-8）")  # its first non-ASCII byte
    ]


def test_a_call_into_a_refused_file_is_not_reported_again(tmp_path: Path) -> None:
    (tmp_path / "caller.bpmn").write_text(diagram(chain('<bpmn:callActivity id="x" calledElement="callee"/>')))
    callee = diagram(chain('<bpmn:manualTask id="x"/>')).replace('id="p"', 'id="callee"')
    (tmp_path / "callee.bpmn").write_text(callee)
    result = validate_sources(file_sources([tmp_path / "caller.bpmn", tmp_path / "callee.bpmn"]), FORMS)
    assert [(p.file.rsplit("/", 1)[-1], p.element, p.message) for p in result.problems] == [
        ("callee.bpmn", "x", "不支持手工任务 manualTask：请改为用户任务 userTask")
    ]


def test_an_unnamed_process_is_listed_under_its_id(tmp_path: Path) -> None:
    path = tmp_path / "unnamed.bpmn"
    path.write_text(diagram(chain(SCRIPT)).replace('name="测试" ', 'name="  " '))
    (bundle,) = validate_sources(file_sources([path]), FORMS).bundles
    assert (bundle.process_id, bundle.title) == ("p", "p")


def test_the_last_guard_reports_an_internal_error_and_logs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise KeyError("a bug in a check")

    monkeypatch.setattr(catalog, "_check_processes", broken)
    path = tmp_path / "fine.bpmn"
    path.write_text(diagram(chain(SCRIPT)))
    with caplog.at_level(logging.ERROR, logger="engine.workflow.catalog"):
        result = validate_sources(file_sources([path]), FORMS)
    assert [(p.file, p.message) for p in result.problems] == [(str(path), INTERNAL_ERROR)]
    assert result.bundles == []
    (record,) = caplog.records
    assert record.exc_info is not None
    assert "a bug in a check" in str(record.exc_info[1])
