"""Validation and deployment of process bundles: bad input refused with file and element, nothing
changed; versions only on change; regions override by file name; running cases keep their version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.context import Context
from engine.errors import BundleInvalid, InvalidData
from engine.persistence import AuditEvent, ProcessDefinition
from engine.queries import case_view, deployed
from engine.services import cases, designer
from engine.settings import PROJECT_ROOT
from engine.workflow.bundle import directory_sources
from engine.workflow.catalog import validate_sources
from tests.conftest import BUNDLES, MakeContext, add_fixture_process

FORMS = PROJECT_ROOT / "forms" / "definitions"

# fixture directory -> (element the problem must name, words the message must contain)
BAD_BUNDLES = {
    "xxe": (None, "DOCTYPE"),
    "billion_laughs": (None, "DOCTYPE"),
    "malformed": (None, "XML 格式错误"),
    "schema_invalid": ("register", "不支持的 BPMN 元素 dueDate"),
    "import_script": ("prepare_notice", "沙箱"),
    "open_call": ("prepare_notice", "open"),
    "dunder": ("flow_level_gateway_to_county_review", "沙箱"),
    "unknown_lane": ("lane_county_approver", "janitor"),
    "missing_form": ("register", "no_such_form"),
    "missing_called_process": ("record_outcome", "no_such_process"),
    "missing_decision": ("decide_level", "no_such_decision"),
    "bad_timer": ("notice_period", "定时器"),
}


def _count(ctx: Context, model: type) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("name", sorted(BAD_BUNDLES))
def test_bad_bundle_is_refused_naming_file_and_element(name: str) -> None:
    result = validate_sources(directory_sources(BUNDLES / name), FORMS)
    element, words = BAD_BUNDLES[name]
    assert not result.ok
    assert result.bundles == []
    messages = [str(p) for p in result.problems]
    matching = [p for p in result.problems if words in p.message and p.file.endswith("reference_review.bpmn")]
    assert matching, messages
    if element is not None:
        assert any(p.element == element for p in matching), messages
    # The local file the XXE pointed at never shows up in any message.
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\0"
    assert all(hostname not in m for m in messages)


def test_problems_carry_line_numbers() -> None:
    result = validate_sources(directory_sources(BUNDLES / "missing_form"), FORMS)
    (problem,) = [p for p in result.problems if p.element == "register"]
    assert problem.line is not None
    assert problem.line > 1
    assert str(problem).startswith(f"{problem.file}:{problem.line} [register]")


@pytest.mark.parametrize("name", ["good_call", "infinite_loop"])
def test_valid_fixture_bundles_pass(name: str) -> None:
    result = validate_sources(directory_sources(BUNDLES / name), FORMS)
    assert result.problems == []
    assert {b.process_id for b in result.bundles} >= (
        {"reference_parent", "reference_child"} if name == "good_call" else {"spin_on_start"}
    )


def test_call_activity_bundle_contains_the_called_file() -> None:
    result = validate_sources(directory_sources(BUNDLES / "good_call"), FORMS)
    parent = next(b for b in result.bundles if b.process_id == "reference_parent")
    assert {
        "bpmn/reference_parent.bpmn",
        "bpmn/reference_child.bpmn",
        "forms/reference_register.json",
        "forms/reference_review.json",
    } <= set(parent.files)
    child = next(b for b in result.bundles if b.process_id == "reference_child")
    assert "bpmn/reference_parent.bpmn" not in child.files


def test_deploy_creates_a_version_only_when_the_bundle_changed(ctx: Context, processes_dir: Path) -> None:
    before = {(v.region, v.process_id): v for v in deployed.list_definitions(ctx)}
    assert before[("default", "reference_review")].version == 1
    assert {v.version for v in before.values()} == {1}
    again = designer.deploy(ctx)
    assert not any(v.new for v in again)
    assert _count(ctx, ProcessDefinition) == len(before)

    params = processes_dir / "default" / "parameters.toml"
    params.write_text(params.read_text().replace("[notice_days]\n2021-07-01 = 7", "[notice_days]\n2021-07-01 = 10"))
    changed = {(v.region, v.process_id): v for v in designer.deploy(ctx)}
    # The default parameters are part of every bundle, regions' included (they are layered).
    assert all(v.new and v.version == 2 for v in changed.values())
    key = ("default", "reference_review")
    assert changed[key].bundle_hash != before[key].bundle_hash


def test_bad_file_refuses_the_whole_deployment_and_changes_nothing(ctx: Context, processes_dir: Path) -> None:
    definitions, events = _count(ctx, ProcessDefinition), _count(ctx, AuditEvent)
    add_fixture_process(processes_dir, "good_call")  # valid and new: must not be deployed either
    add_fixture_process(processes_dir, "import_script/reference_review.bpmn", region="yantai")
    with pytest.raises(BundleInvalid) as refused:
        designer.deploy(ctx)
    assert any(p.element == "prepare_notice" and "regions/yantai/" in p.file for p in refused.value.problems)
    assert _count(ctx, ProcessDefinition) == definitions
    assert _count(ctx, AuditEvent) == events


def test_region_override_replaces_the_default_file(ctx: Context, processes_dir: Path) -> None:
    params = processes_dir / "regions" / "yantai" / "parameters.toml"
    params.write_text(params.read_text(encoding="utf-8") + "\n[notice_days]\n2021-07-01 = 5\n", encoding="utf-8")
    versions = {(v.region, v.process_id): v for v in designer.deploy(ctx)}
    assert versions[("yantai", "reference_review")].new
    assert versions[("default", "reference_review")].new is False
    yantai_case = cases.start_case(ctx, "reference_review", "clerk_yantai", {"village": "yantai-village"})
    default_case = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
    assert yantai_case.bundle_hash == versions[("yantai", "reference_review")].bundle_hash
    assert default_case.bundle_hash == versions[("default", "reference_review")].bundle_hash
    # Layered, not replaced: the region keeps the default parameters it does not override.
    with ctx.db.read() as session:
        definition = session.scalars(
            select(ProcessDefinition)
            .where(ProcessDefinition.region == "yantai", ProcessDefinition.process_id == "reference_review")
            .order_by(ProcessDefinition.version.desc())
        ).first()
        assert definition is not None
        process = ctx.process(definition)
    assert process.parameters.value("notice_days", yantai_case.created_at.date()) == 5
    assert process.parameters.value("township_approval_limit", yantai_case.created_at.date()) == "3200.00"


def test_running_case_keeps_its_version_new_case_gets_the_new_one(
    make_context: MakeContext, processes_dir: Path
) -> None:
    ctx = make_context()
    old = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
    bpmn = processes_dir / "default" / "reference_review.bpmn"
    bpmn.write_text(
        bpmn.read_text(encoding="utf-8").replace('name="受理登记"', 'name="受理登记（新）"', 1), encoding="utf-8"
    )
    designer.deploy(ctx)
    new = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
    assert (old.process_version, new.process_version) == (1, 2)
    assert case_view.show_case(ctx, old.number).tasks[0].title == "受理登记"
    assert case_view.show_case(ctx, new.number).tasks[0].title == "受理登记（新）"
    assert case_view.show_case(ctx, old.number).process_version == 1


def test_a_start_form_is_packed_and_validates_the_start_data(make_context: MakeContext, tmp_path: Path) -> None:
    forms_dir = tmp_path / "forms"
    shutil.copytree(FORMS, forms_dir)
    (forms_dir / "reference_review_start.json").write_text(
        json.dumps(
            {
                "title": "参考流程启动",
                "type": "object",
                "required": ["village", "channel"],
                "properties": {
                    "village": {"type": "string", "format": "org_unit", "title": "村/社区"},
                    "channel": {"type": "string", "enum": ["window", "proxy"], "title": "申请渠道"},
                },
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    ctx = make_context(forms_dir=forms_dir)
    (version,) = [
        v for v in deployed.list_definitions(ctx) if (v.region, v.process_id) == ("default", "reference_review")
    ]
    with pytest.raises(InvalidData) as refused:
        cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1", "channel": "fax"})
    assert "channel" in refused.value.fields
    started = cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1", "channel": "window"})
    assert started.data == {"village": "demo-village-1-1", "channel": "window"}
    assert started.bundle_hash == version.bundle_hash
