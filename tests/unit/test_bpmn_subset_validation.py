"""What the BPMN subset refuses, and how: each unsupported construct by name, with its element and line
(docs/bpmn-subset.md). Every case is a small diagram that is otherwise valid, so the one problem the
check must find is the whole answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.settings import PROJECT_ROOT
from engine.workflow.bundle import file_sources
from engine.workflow.catalog import validate_sources

FORMS = PROJECT_ROOT / "forms" / "definitions"
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
    xmlns:acme="https://acme.example/bpmn"
    id="definitions" targetNamespace="https://dibao.local/bpmn/tests">
"""
FORM = '<spiffworkflow:properties><spiffworkflow:property name="formKey" value="reference_review"/>'


def diagram(body: str, top: str = "") -> str:
    process = '<bpmn:process id="p" name="测试" isExecutable="true">'
    return f"{HEAD}{top}{process}\n{body}\n</bpmn:process>\n</bpmn:definitions>\n"


def chain(node: str, node_id: str = "x") -> str:
    """start → the node → end."""
    return (
        '<bpmn:startEvent id="start"/>\n'
        f"{node}\n"
        '<bpmn:endEvent id="end"/>\n'
        f'<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{node_id}"/>\n'
        f'<bpmn:sequenceFlow id="f2" sourceRef="{node_id}" targetRef="end"/>'
    )


def problems_of(tmp_path: Path, text: str, name: str = "case.bpmn") -> list[tuple[str | None, int | None, str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = validate_sources(file_sources([path]), FORMS)
    assert all(p.file == str(path) for p in result.problems)
    return [(p.element, p.line, p.message) for p in result.problems]


def line_of(text: str, marker: str) -> int:
    (number,) = [n for n, line in enumerate(text.splitlines(), start=1) if marker in line]
    return number


# (diagram, element the problem names, marker of its line, the message)
REFUSED = {
    "none task": (
        diagram(chain('<bpmn:task id="x" name="审核"/>')),
        "x",
        '<bpmn:task id="x"',
        "不支持无类型任务 task：请改为用户任务 userTask（有人办理）或脚本任务 scriptTask（自动执行）",
    ),
    "manual task": (
        diagram(chain('<bpmn:manualTask id="x"/>')),
        "x",
        "manualTask",
        "不支持手工任务 manualTask：请改为用户任务 userTask",
    ),
    "service task": (
        diagram(chain('<bpmn:serviceTask id="x"/>')),
        "x",
        "serviceTask",
        "不支持服务任务 serviceTask：请改为脚本任务 scriptTask，调用允许的辅助函数",
    ),
    "receive task": (
        diagram(chain('<bpmn:receiveTask id="x"/>')),
        "x",
        "receiveTask",
        "不支持接收任务 receiveTask：请改为消息中间捕获事件 intermediateCatchEvent + messageEventDefinition",
    ),
    "complex gateway": (
        diagram(chain('<bpmn:complexGateway id="x"/>')),
        "x",
        "complexGateway",
        "不支持复杂网关 complexGateway：请改用排他、包容或并行网关",
    ),
    "transaction": (
        diagram(chain('<bpmn:transaction id="x"/>')),
        "x",
        "transaction",
        "不支持事务子流程 transaction：请改为嵌入子流程 subProcess",
    ),
    "escalation event": (
        diagram(
            chain(
                '<bpmn:intermediateThrowEvent id="x">\n<bpmn:escalationEventDefinition id="d"/>\n'
                "</bpmn:intermediateThrowEvent>"
            )
        ),
        "x",
        "escalationEventDefinition",
        "不支持升级事件 escalationEventDefinition：超期升级请用定时器边界事件",
    ),
    "signal event": (
        diagram(
            chain('<bpmn:intermediateCatchEvent id="x">\n<bpmn:signalEventDefinition/>\n</bpmn:intermediateCatchEvent>')
        ),
        "x",
        "signalEventDefinition",
        "不支持信号事件 signalEventDefinition：外部通知请用消息事件 messageEventDefinition",
    ),
    "error end event": (
        diagram(
            '<bpmn:startEvent id="start"/>\n<bpmn:endEvent id="x">\n<bpmn:errorEventDefinition/>\n</bpmn:endEvent>\n'
            '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="x"/>'
        ),
        "x",
        "errorEventDefinition",
        "不支持错误事件 errorEventDefinition：请用排他网关判断结果并走不同的分支",
    ),
    "cycle timer": (
        diagram(
            chain(
                '<bpmn:intermediateCatchEvent id="x"><bpmn:timerEventDefinition>\n'
                '<bpmn:timeCycle>"R3/PT1H"</bpmn:timeCycle>\n</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
            )
        ),
        "x",
        "timeCycle",
        "不支持循环定时器 timeCycle：请用 timeDate（到期时间）或 timeDuration（时长）",
    ),
    "timer start event": (
        diagram(
            '<bpmn:startEvent id="start">\n<bpmn:timerEventDefinition><bpmn:timeDuration>"P1D"</bpmn:timeDuration>'
            '</bpmn:timerEventDefinition>\n</bpmn:startEvent>\n<bpmn:endEvent id="end"/>\n'
            '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end"/>'
        ),
        "start",
        '<bpmn:startEvent id="start">',
        "不支持定时器开始事件 timerEventDefinition：流程由受理登记或系统启动，开始事件不带事件定义",
    ),
    "message throw event": (
        diagram(
            chain(
                '<bpmn:intermediateThrowEvent id="x">\n<bpmn:messageEventDefinition messageRef="m"/>\n'
                "</bpmn:intermediateThrowEvent>"
            ),
            top='<bpmn:message id="m" name="m"/>\n',
        ),
        "x",
        '<bpmn:intermediateThrowEvent id="x">',
        "不支持消息中间抛出事件 messageEventDefinition：请删除该事件定义",
    ),
    "catch event without definition": (
        diagram(chain('<bpmn:intermediateCatchEvent id="x"/>')),
        "x",
        "intermediateCatchEvent",
        "中间捕获事件必须带一个消息或定时器事件定义",
    ),
    "multiple event": (
        diagram(
            chain(
                '<bpmn:intermediateCatchEvent id="x">\n<bpmn:messageEventDefinition messageRef="m"/>'
                '<bpmn:timerEventDefinition><bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition>'
                "</bpmn:intermediateCatchEvent>"
            ),
            top='<bpmn:message id="m" name="m"/>\n',
        ),
        "x",
        '<bpmn:intermediateCatchEvent id="x">',
        "一个中间捕获事件只能有一个事件定义（不支持多重事件：messageEventDefinition、timerEventDefinition）",
    ),
    "multi-instance": (
        diagram(
            chain(
                '<bpmn:scriptTask id="x"><bpmn:script>a = 1</bpmn:script>\n'
                "<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>m</bpmn:loopDataInputRef>"
                "</bpmn:multiInstanceLoopCharacteristics>\n</bpmn:scriptTask>"
            )
        ),
        "x",
        "multiInstanceLoopCharacteristics",
        "多实例（会签）只能用于用户任务 userTask，不能用于 scriptTask",
    ),
    "data object": (
        diagram(
            chain('<bpmn:scriptTask id="x"><bpmn:script>a = 1</bpmn:script></bpmn:scriptTask>')
            + '\n<bpmn:dataObject id="o"/>'
        ),
        "o",
        '<bpmn:dataObject id="o"/>',
        "不支持数据对象 dataObject：流程数据就是任务数据（表单字段与脚本变量），无需声明数据对象",
    ),
    "event sub-process": (
        diagram(
            chain('<bpmn:scriptTask id="x"><bpmn:script>a = 1</bpmn:script></bpmn:scriptTask>')
            + '\n<bpmn:subProcess id="s" triggeredByEvent="true">'
            '<bpmn:startEvent id="s_start"/><bpmn:endEvent id="s_end"/>'
            '<bpmn:sequenceFlow id="s_f" sourceRef="s_start" targetRef="s_end"/></bpmn:subProcess>'
        ),
        "s",
        '<bpmn:subProcess id="s"',
        "不支持事件子流程（triggeredByEvent）：请用边界事件",
    ),
    "non-executable process": (
        diagram(chain('<bpmn:scriptTask id="x"><bpmn:script>a = 1</bpmn:script></bpmn:scriptTask>')).replace(
            'isExecutable="true"', 'isExecutable="false"'
        ),
        "p",
        '<bpmn:process id="p"',
        "流程标记为不可执行（isExecutable=“false”）：请设为 true，或把它从文件中删除",
    ),
    "javascript": (
        diagram(
            chain(
                '<bpmn:scriptTask id="x" scriptFormat="javascript">\n<bpmn:script>a = 1</bpmn:script></bpmn:scriptTask>'
            )
        ),
        "x",
        'scriptFormat="javascript"',
        "不支持的脚本语言“javascript”：脚本、条件和定时器表达式都是 Python",
    ),
    "camunda form key": (
        diagram(chain('<bpmn:userTask id="x" camunda:formKey="apply"/>')),
        "x",
        "camunda:formKey",
        "使用了 Camunda 方言的扩展 camunda:formKey：本系统使用 SpiffWorkflow 方言"
        "（xmlns:spiffworkflow=“http://spiffworkflow.org/bpmn/schema/1.0/core”）；"
        "表单请写成 <spiffworkflow:properties><spiffworkflow:property name=“formKey” value=“表单标识”/>",
    ),
    "camunda form data": (
        diagram(
            chain(
                '<bpmn:userTask id="x"><bpmn:extensionElements>\n<camunda:formData>'
                '<camunda:formField id="name" type="string"/><camunda:formField id="age" type="long"/>'
                "</camunda:formData></bpmn:extensionElements></bpmn:userTask>"
            )
        ),
        "x",
        "<camunda:formData>",
        "使用了 Camunda 方言的扩展 camunda:formData：本系统使用 SpiffWorkflow 方言"
        "（xmlns:spiffworkflow=“http://spiffworkflow.org/bpmn/schema/1.0/core”）；"
        "表单字段写在 forms/definitions/<表单标识>.json 中，任务用 spiffworkflow:property formKey 指定",
    ),
    "zeebe": (
        diagram(
            chain(
                '<bpmn:userTask id="x"><bpmn:extensionElements>\n<zeebe:assignmentDefinition assignee="a"/>\n'
                "</bpmn:extensionElements></bpmn:userTask>"
            )
        ),
        "x",
        "zeebe:assignmentDefinition",
        "使用了 Camunda 8（Zeebe） 方言的扩展 zeebe:assignmentDefinition：本系统使用 SpiffWorkflow 方言"
        "（xmlns:spiffworkflow=“http://spiffworkflow.org/bpmn/schema/1.0/core”）；本系统不支持它，请删除",
    ),
    "foreign extension": (
        diagram(
            chain(
                '<bpmn:scriptTask id="x"><bpmn:extensionElements>\n<acme:retry count="3"/>\n'
                "</bpmn:extensionElements><bpmn:script>a = 1</bpmn:script></bpmn:scriptTask>"
            )
        ),
        "x",
        "<acme:retry",
        "不认识的扩展元素 {https://acme.example/bpmn}retry：本系统使用 SpiffWorkflow 方言"
        "（xmlns:spiffworkflow=“http://spiffworkflow.org/bpmn/schema/1.0/core”），只识别 spiffworkflow 扩展",
    ),
    "unknown spiff extension": (
        diagram(
            chain(
                '<bpmn:scriptTask id="x"><bpmn:extensionElements>\n'
                "<spiffworkflow:instructionsForEndUser>请核对</spiffworkflow:instructionsForEndUser>\n"
                "</bpmn:extensionElements><bpmn:script>a = 1</bpmn:script></bpmn:scriptTask>"
            )
        ),
        "x",
        "instructionsForEndUser",
        "不支持的 SpiffWorkflow 扩展 spiffworkflow:instructionsForEndUser：本系统不读取它，请删除",
    ),
    "unknown task property": (
        diagram(
            chain(
                f'<bpmn:userTask id="x"><bpmn:extensionElements>{FORM}\n'
                '<spiffworkflow:property name="priority" value="high"/>\n'
                "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>"
            )
        ),
        "x",
        'name="priority"',
        "不支持的任务属性 spiffworkflow:property name=“priority”"
        "（可用：formKey、dueWorkingDays、prefill、contextPanels、returnTargets、documents、copies）",
    ),
    "decision on a user task": (
        diagram(
            chain(
                '<bpmn:userTask id="x"><bpmn:extensionElements>\n'
                "<spiffworkflow:calledDecisionId>level</spiffworkflow:calledDecisionId>\n"
                "</bpmn:extensionElements></bpmn:userTask>"
            )
        ),
        "x",
        "calledDecisionId",
        "spiffworkflow:calledDecisionId 不能用在 userTask 中（只用于 businessRuleTask）",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_unsupported_constructs_are_refused_by_name_with_element_and_line(tmp_path: Path, case: str) -> None:
    text, element, marker, message = REFUSED[case]
    assert problems_of(tmp_path, text) == [(element, line_of(text, marker), message)]
