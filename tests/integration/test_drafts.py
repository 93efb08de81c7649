"""Designer drafts (issue 6): upload → validate → deploy writes processes/ and makes a new version;
broken or hostile files are refused or reported and never deployed; scope; parameters; dry run."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import BundleInvalid, InvalidData, PermissionDenied
from engine.persistence import AuditEvent, DraftFile
from engine.queries import deployed
from engine.services import designer
from engine.services.assessment import region_parameters

PROJECT = Path(__file__).resolve().parents[2]
START = "2026-11-23 01:00:00"
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><x>&e;</x></bpmn:definitions>
"""


def _yantai_params(processes_dir: Path) -> bytes:
    text = (processes_dir / "regions" / "yantai" / "parameters.toml").read_text(encoding="utf-8")
    return (text + "\n# 公示 5 天\n[notice_days]\n2021-07-01 = 5\n").encode()


def _versions(ctx: Context, region: str, process_id: str) -> list[int]:
    return [v.version for v in deployed.list_definitions(ctx) if (v.region, v.process_id) == (region, process_id)]


def _actions(ctx: Context) -> list[str]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_upload_validate_deploy_writes_the_region_and_makes_a_new_version(ctx: Context, processes_dir: Path) -> None:
    before = _versions(ctx, "yantai", "dibao_application")
    view = designer.save_file(ctx, "designer_yantai", "yantai", "parameters.toml", _yantai_params(processes_dir))
    assert (view.kind, view.replaces, view.updated_by) == (
        "parameters",
        "regions/yantai/parameters.toml",
        "designer_yantai",
    )
    # Nothing on disk changed yet: the CLI still deploys the old files.
    assert "2021-07-01 = 5" not in (processes_dir / "regions/yantai/parameters.toml").read_text(encoding="utf-8")
    report = designer.validate_draft(ctx, "designer_yantai", "yantai")
    assert report.ok
    assert report.drafts == ["parameters.toml"]
    assert "dibao_application" in {p.process_id for p in report.processes}
    deployed = designer.deploy(ctx, "yantai", "designer_yantai", drafts=True)
    assert any(v.process_id == "dibao_application" and v.new for v in deployed)
    assert _versions(ctx, "yantai", "dibao_application") == [*before, before[-1] + 1]
    assert region_parameters(ctx, "yantai").by_name["notice_days"].periods == ((date(2021, 7, 1), 5),)
    assert designer.draft_files(ctx, "designer_yantai", "yantai") == []
    # The CLI's deploy now finds nothing new: disk and database agree.
    assert not [v for v in designer.deploy(ctx, "yantai") if v.new]
    assert {"designer.draft_saved", "designer.draft_validated", "designer.deployed", "process_deployed"} <= set(
        _actions(ctx)
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<bpmn:definitions xmlns:bpmn='x'><unclosed></bpmn:definitions>", "XML 格式错误"),
        (XXE, "DOCTYPE"),
        (b"\xff\xfe not utf-8", "UTF-8"),
    ],
)
def test_bad_or_hostile_xml_is_refused_at_upload(ctx: Context, content: bytes, message: str) -> None:
    with pytest.raises(InvalidData) as error:
        designer.save_file(ctx, "designer_yantai", "yantai", "dibao_application.bpmn", content)
    text = "；".join(m for ms in error.value.fields.values() for m in ms)
    assert "dibao_application.bpmn" in text
    assert message in text
    with ctx.db.read() as session:
        assert session.scalars(select(DraftFile)).first() is None


def test_xxe_reports_its_line(ctx: Context) -> None:
    with pytest.raises(InvalidData) as error:
        designer.save_file(ctx, "designer_yantai", "yantai", "x.bpmn", XXE)
    assert "第 2 行" in error.value.fields["file"][0]


def test_a_script_that_does_not_compile_is_reported_and_nothing_is_deployed(ctx: Context, processes_dir: Path) -> None:
    bpmn = (processes_dir / "default" / "dibao_application.bpmn").read_text(encoding="utf-8")
    broken = bpmn.replace("registered_at = now_iso()", "registered_at = now_iso(", 1)
    assert broken != bpmn
    designer.save_file(ctx, "designer_yantai", "yantai", "dibao_application.bpmn", broken.encode())
    report = designer.validate_draft(ctx, "designer_yantai", "yantai")
    assert not report.ok
    problem = next(p for p in report.problems if p.element == "register")
    assert "dibao_application.bpmn" in problem.file
    assert problem.file.startswith(designer.DRAFT_ORIGIN)
    assert problem.line is not None
    versions = deployed.list_definitions(ctx)
    with pytest.raises(BundleInvalid):
        designer.deploy(ctx, "yantai", "designer_yantai", drafts=True)
    assert deployed.list_definitions(ctx) == versions
    assert not (processes_dir / "regions" / "yantai" / "dibao_application.bpmn").exists()
    assert [d.filename for d in designer.draft_files(ctx, "designer_yantai", "yantai")] == ["dibao_application.bpmn"]


def test_names_and_sizes_are_checked(ctx: Context) -> None:
    for name in ("../evil.bpmn", "notes.txt", "Parameters.toml", "a/b.dmn"):
        with pytest.raises(InvalidData):
            designer.save_file(ctx, "designer_yantai", "yantai", name, b"<x/>")
    with pytest.raises(InvalidData, match="文件过大"):
        designer.save_file(
            ctx, "designer_yantai", "yantai", "big.bpmn", b"<x>" + b" " * designer.MAX_DRAFT_BYTES + b"</x>"
        )
    with pytest.raises(InvalidData, match="表单"):
        designer.save_file(ctx, "designer_yantai", "yantai", "dibao_first_review.json", b"{}")


@pytest.mark.parametrize(
    ("who", "region"), [("designer_yantai", "default"), ("designer1", "yantai"), ("clerk1", "default")]
)
def test_a_designer_touches_only_their_region(ctx: Context, who: str, region: str) -> None:
    with pytest.raises(PermissionDenied):
        designer.save_file(ctx, who, region, "parameters.toml", b"[notice_days]\n2021-07-01 = 5\n")
    with pytest.raises(PermissionDenied):
        designer.draft_files(ctx, who, region)
    with pytest.raises(PermissionDenied):
        designer.deploy(ctx, region, who, drafts=True)
    with pytest.raises(PermissionDenied):
        designer.deploy(ctx, region, who)


def test_one_deploy_entry_point_a_designer_deploys_their_own_region_under_their_name(
    ctx: Context, processes_dir: Path
) -> None:
    """The files of the region changed on disk (the JSON API's region deploy): no region means the
    designer's own; the new version names them; the system's deploy then finds nothing new."""
    (processes_dir / "regions/yantai/parameters.toml").write_bytes(_yantai_params(processes_dir))
    deployed = designer.deploy(ctx, None, "designer_yantai")
    assert {v.region for v in deployed} == {"yantai"}
    (changed,) = [v for v in deployed if v.process_id == "dibao_application"]
    assert (changed.new, changed.deployed_by) == (True, "designer_yantai")
    assert not [v for v in designer.deploy(ctx) if v.new]
    with pytest.raises(ValueError, match="designer"):
        designer.deploy(ctx, "yantai", drafts=True)


def test_effective_file_is_the_draft_else_the_region_file(ctx: Context, processes_dir: Path) -> None:
    default_bpmn = (processes_dir / "default" / "dibao_application.bpmn").read_bytes()
    assert designer.effective_file(ctx, "designer_yantai", "yantai", "dibao_application.bpmn") == default_bpmn
    changed = default_bpmn.replace('name="初审"'.encode(), 'name="乡镇初审"'.encode())
    designer.save_file(ctx, "designer_yantai", "yantai", "dibao_application.bpmn", changed)
    assert designer.effective_file(ctx, "designer_yantai", "yantai", "dibao_application.bpmn") == changed
    assert designer.discard_draft(ctx, "designer_yantai", "yantai") == ["dibao_application.bpmn"]
    assert designer.effective_file(ctx, "designer_yantai", "yantai", "dibao_application.bpmn") == default_bpmn
    assert "designer.draft_discarded" in _actions(ctx)


def test_parameter_form_edits_keep_comments_and_types(ctx: Context, processes_dir: Path) -> None:
    form = designer.parameters_form(ctx, "designer_yantai", "yantai")
    rows = {r.name: r for r in form.rows}
    assert rows["notice_days"].origin == "default"
    assert [(p.start, p.value, p.shown) for p in rows["notice_days"].periods] == [("2021-07-01", "7", "7 天")]
    assert rows["advance_payment_hours"].origin == "region"
    designer.save_parameters(
        ctx, "designer_yantai", "yantai", {"notice_days": [("2021-07-01", "7"), ("2026-01-01", "5")]}
    )
    text = designer.effective_file(ctx, "designer_yantai", "yantai", "parameters.toml").decode()
    assert "# 临时救助：急难型 24 小时内先行救助" in text  # comments kept
    assert "[notice_days]\n2021-07-01 = 7\n2026-01-01 = 5" in text  # an integer stays an integer
    rows = {r.name: r for r in designer.parameters_form(ctx, "designer_yantai", "yantai").rows}
    assert rows["notice_days"].origin == "region"
    with pytest.raises(InvalidData) as error:
        designer.save_parameters(ctx, "designer_yantai", "yantai", {"notice_days": [("2021-13-01", "x")]})
    assert "notice_days[1]" in error.value.fields
    with pytest.raises(InvalidData):
        designer.save_parameters(ctx, "designer_yantai", "yantai", {"no_such": [("2021-07-01", "1")]})
    # Dropping the override: the default table applies again.
    designer.save_parameters(ctx, "designer_yantai", "yantai", {"notice_days": None})
    text = designer.effective_file(ctx, "designer_yantai", "yantai", "parameters.toml").decode()
    assert "[notice_days]" not in text
    assert "[advance_payment_hours]" in text


def test_preview_returns_the_draft_bpmn(ctx: Context) -> None:
    source = designer.preview(ctx, "designer_yantai", "yantai", "dibao_application.bpmn")
    assert "dibao_application" in source.process_ids
    assert "<bpmn:definitions" in source.text


@freeze_time(START)
def test_dry_run_shows_the_path_the_assessment_and_where_it_stops(ctx: Context, processes_dir: Path) -> None:
    designer.save_file(ctx, "designer_yantai", "yantai", "parameters.toml", _yantai_params(processes_dir))
    start = (PROJECT / "tests" / "data" / "walkthrough" / "start.json").read_text(encoding="utf-8")
    household = json.dumps(json.loads(start)["household"], ensure_ascii=False)
    report = designer.dry_run(ctx, "designer_yantai", "yantai", "dibao_application", household)
    assert not report.problems
    assert report.run is not None
    run = report.run
    assert run.assessment is not None
    assert run.assessment["eligible"] is True
    assert run.assessment["benefit_amount"] == "900.00"  # (800 − 1500 / 3) × 3 under yantai's parameters
    reached = [e.element_id for e in run.path]
    assert reached[:2] == ["start", "register"]
    assert reached.index("intake_review") < reached.index("first_review") < reached.index("public_notice_call")
    states = {e.element_id: e.state for e in run.path}
    assert states["intake_review"] == "done"
    assert states["notice_wait"] == "active"
    filled = {t.element_id: t.data for t in run.tasks}
    assert filled["intake_review"]["decision"] == "approve"
    assert filled["first_review"]["decision"] == "approve"
    # It stops at the 公示 timer, which the draft's notice_days = 5 puts on 11-28 (7 days would be 11-30).
    assert "计时器" in run.stopped
    assert "2026-11-28" in run.stopped
    assert not run.completed
    assert "designer.dry_run" in _actions(ctx)
    # The draft is still a draft: nothing deployed by a dry run.
    assert designer.draft_files(ctx, "designer_yantai", "yantai")


def test_dry_run_of_an_invalid_draft_reports_the_problems(ctx: Context, processes_dir: Path) -> None:
    bpmn = (processes_dir / "default" / "dibao_application.bpmn").read_text(encoding="utf-8")
    broken = bpmn.replace("registered_at = now_iso()", "registered_at = now_iso(", 1)
    designer.save_file(ctx, "designer_yantai", "yantai", "dibao_application.bpmn", broken.encode())
    report = designer.dry_run(ctx, "designer_yantai", "yantai", "dibao_application", "{}")
    assert report.problems
    assert report.run is None


def test_a_form_draft_is_validated_in_a_copy_of_the_forms_directory(ctx: Context) -> None:
    """designer1 (national) may draft a form definition; validation reads it from a temporary copy of
    forms/definitions/, which itself never changes before a deploy."""
    real = PROJECT / "forms" / "definitions" / "dibao_first_review.json"
    original = real.read_bytes()
    form = json.loads(original)
    form["properties"]["decision"]["type"] = "no-such-type"
    designer.save_file(ctx, "designer1", "default", "dibao_first_review.json", json.dumps(form).encode())
    report = designer.validate_draft(ctx, "designer1", "default")
    assert not report.ok
    assert any("dibao_first_review" in f"{p.file} {p.message}" for p in report.problems), report.problems
    assert real.read_bytes() == original
    form["properties"]["decision"]["type"] = "string"
    form["title"] = "初审（草稿）"
    designer.save_file(ctx, "designer1", "default", "dibao_first_review.json", json.dumps(form).encode())
    assert designer.validate_draft(ctx, "designer1", "default").ok
    assert real.read_bytes() == original


def test_a_failed_deploy_puts_the_previous_files_back(
    ctx: Context, processes_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = processes_dir / "regions" / "yantai" / "parameters.toml"
    original = target.read_bytes()
    designer.save_file(ctx, "designer_yantai", "yantai", "parameters.toml", _yantai_params(processes_dir))
    designer.save_file(
        ctx,
        "designer_yantai",
        "yantai",
        "extra.dmn",
        (processes_dir / "default/reference_approval_level.dmn").read_bytes().replace(b'id="', b'id="x_'),
    )

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    # Fails after the drafts were written, where the versions would be stored.
    monkeypatch.setattr(designer.deployment, "_deploy_files", fail)
    with pytest.raises(RuntimeError):
        designer.deploy(ctx, "yantai", "designer_yantai", drafts=True)
    assert target.read_bytes() == original
    assert not (processes_dir / "regions" / "yantai" / "extra.dmn").exists()
    assert len(designer.draft_files(ctx, "designer_yantai", "yantai")) == 2
