"""A v2 of the national 低保 procedure for the migration scenarios (docs/process-migration.md), and
applications parked at each step of v1.

v2 renames 初审 (first_review) to 乡镇初审 (township_review) and adds 核对结果复核 (verification_review)
after 信息核对, in the verification centre's lane, with 信息核对's form."""

from __future__ import annotations

import re
from pathlib import Path

from engine.context import Context
from engine.services import designer
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

RENAMED = ("first_review", "township_review", "乡镇初审")
ADDED = ("verification_review", "核对结果复核")

_REVIEW = """    <bpmn:userTask id="verification_review" name="核对结果复核">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formKey" value="dibao_data_verification" />
          <spiffworkflow:property name="dueWorkingDays" value="2" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_verification_merge_to_verification_review</bpmn:incoming>
      <bpmn:outgoing>flow_verification_merge_to_investigation_join</bpmn:outgoing>
    </bpmn:userTask>
"""


def v2_text(v1: str) -> str:
    """v1's XML with 初审 renamed (id and name) and 核对结果复核 added after 信息核对 (and its 复查 path)."""
    old, new, title = RENAMED
    text = re.sub(rf'(["> ]){old}(["<])', rf"\g<1>{new}\g<2>", v1)
    text = text.replace(f'id="{new}" name="初审"', f'id="{new}" name="{title}"')
    # The end of 信息核对 (verification_merge) now flows into the new step, which takes over its flow into the join.
    text = text.replace(
        "<bpmn:outgoing>flow_verification_merge_to_investigation_join</bpmn:outgoing>\n    </bpmn:exclusiveGateway>",
        "<bpmn:outgoing>flow_verification_merge_to_verification_review</bpmn:outgoing>\n    </bpmn:exclusiveGateway>\n"
        + _REVIEW,
        1,
    )
    text = text.replace(
        'id="flow_verification_merge_to_investigation_join" sourceRef="verification_merge"',
        'id="flow_verification_merge_to_investigation_join" sourceRef="verification_review"',
    )
    flow = (
        '    <bpmn:sequenceFlow id="flow_verification_merge_to_verification_review" '
        'sourceRef="verification_merge" targetRef="verification_review" />\n'
    )
    text = text.replace("    <bpmn:sequenceFlow ", flow + "    <bpmn:sequenceFlow ", 1)
    lane_ref = "<bpmn:flowNodeRef>verification_merge</bpmn:flowNodeRef>"
    return text.replace(lane_ref, lane_ref + "\n        <bpmn:flowNodeRef>verification_review</bpmn:flowNodeRef>", 1)


def deploy_v2(ctx: Context, processes_dir: Path) -> int:
    """Write v2 over the default region's file and deploy it; returns its version number."""
    path = processes_dir / "default" / "dibao_application.bpmn"
    path.write_text(v2_text(path.read_text(encoding="utf-8")), encoding="utf-8")
    versions = designer.deploy(ctx, "default")
    (deployed,) = [v for v in versions if v.process_id == "dibao_application"]
    assert deployed.new
    return deployed.version


def applicant(index: int) -> dict[str, object]:
    """A one-person household, eligible (wage 500 < S = 800), with its own ID numbers."""
    birth = f"1980{1 + index // 28:02d}{1 + index % 28:02d}"
    return household(member(f"申请人{index}", "self", ("wage", "500.00"), employment="employed", birth=birth))


# Where an application is parked, and how it got there (each stage builds on the one before).
STAGES = ("intake", "investigation", "visit_and_check", "check", "review", "notice")


def park(ctx: Context, index: int, stage: str) -> Application:
    app = Application(ctx, applicant(index)).start()
    if stage == "intake":
        return app
    app.accept()
    if stage == "investigation":
        return app
    app.complete(
        "start_investigation",
        app.users.clerk,
        {"investigators": ["王调查", "李调查"], "planned_visit_date": "2026-11-25", "verification_requested": True},
    )
    if stage == "visit_and_check":
        return app
    app.complete(
        "home_visit",
        app.users.clerk,
        {
            "investigators": ["王调查", "李调查"],
            "visit_date": "2026-11-23",
            "method": "in_person",
            "members_present": "申请人本人",
            "signed_record": "RH-2026-001",
            "findings": "家庭实际居住情况与申报一致",
        },
    )
    if stage == "check":
        return app
    verify(app, "data_verification")
    if stage == "review":
        return app
    app.first_review()
    return app


def verify(app: Application, name: str) -> None:
    app.complete(
        name,
        app.users.verifier,
        {"result": "consistent", "checked_items": ["tax", "real_estate", "vehicle"], "report": "未发现异常"},
    )


def without_home_visit(v1: str) -> str:
    """v1's XML without 入户调查 (home_visit): the investigation goes straight from its split to its join.
    Cases that stand at or have passed 入户调查 cannot migrate to it without a mapping."""
    text = re.sub(r"\s*<bpmn:flowNodeRef>home_visit</bpmn:flowNodeRef>", "", v1)
    text = re.sub(r'\s*<bpmn:userTask id="home_visit".*?</bpmn:userTask>', "", text, count=1, flags=re.S)
    text = re.sub(r'\s*<bpmn:sequenceFlow id="flow_home_visit_to_investigation_join"[^>]*/>', "", text)
    text = re.sub(r'\s*<bpmndi:BPMNShape id="home_visit_di".*?</bpmndi:BPMNShape>', "", text, count=1, flags=re.S)
    text = re.sub(
        r'\s*<bpmndi:BPMNEdge id="flow_home_visit_to_investigation_join_di".*?</bpmndi:BPMNEdge>', "", text, flags=re.S
    )
    text = text.replace(
        'sourceRef="investigation_split" targetRef="home_visit"',
        'sourceRef="investigation_split" targetRef="investigation_join"',
    )
    text = text.replace(
        "<bpmn:incoming>flow_home_visit_to_investigation_join</bpmn:incoming>",
        "<bpmn:incoming>flow_investigation_split_to_home_visit</bpmn:incoming>",
    )
    return text.replace('value="home_visit, data_verification"', 'value="data_verification"')


def deploy_text(ctx: Context, processes_dir: Path, text: str) -> int:
    path = processes_dir / "default" / "dibao_application.bpmn"
    path.write_text(text, encoding="utf-8")
    (deployed,) = [v for v in designer.deploy(ctx, "default") if v.process_id == "dibao_application"]
    return deployed.version
