"""The five seed regions as data (issue 4): every region's bundle deploys, the variants behave as their
READMEs say (陕西 confirms in the township and copies the county), and a region's change reaches new cases
while running cases keep their version."""

from __future__ import annotations

from pathlib import Path

from freezegun import freeze_time

from engine.context import Context
from engine.queries import copies
from engine.queries import notices as notice_board
from engine.queries.deployed import list_definitions
from engine.services import designer
from engine.workflow.bundle import list_regions
from tests.conftest import MakeContext
from tests.scenarios.flow import Application, Users
from tests.scenarios.households import household, member

SEED_REGIONS = {"yantai", "bengbu", "shaanxi", "huining", "taian"}
PROCEDURES = {"dibao_application", "public_notice", "democratic_review", "periodic_review", "gradual_exit"}
PROJECT = Path(__file__).resolve().parents[2]


def _household() -> dict[str, object]:
    return household(member("张三", "self", ("wage", "1500.00")), member("李芳", "spouse"), member("张小", "child"))


def test_every_region_bundle_deploys_with_every_procedure(ctx: Context) -> None:
    assert set(list_regions(PROJECT / "processes")) >= SEED_REGIONS
    deployed = {(v.region, v.process_id) for v in list_definitions(ctx)}
    for region in {"default", *SEED_REGIONS}:
        assert {(region, p) for p in PROCEDURES} <= deployed, region
    for region in SEED_REGIONS:
        readme = (PROJECT / "processes" / "regions" / region / "README.md").read_text(encoding="utf-8")
        assert "Seed policy" in readme


@freeze_time("2026-11-23 01:00:00")
def test_shaanxi_confirms_in_the_township_within_20_working_days(ctx: Context) -> None:
    users = Users.of_region("shaanxi")
    app = Application(ctx, _household(), users).start().accept().investigate()
    # 简化民主评议: the township decides whether to hold one.
    app.complete("decide_review", users.head, {"hold_review": False, "opinion": "无争议，不组织民主评议"})
    app.first_review()
    view = app.view()
    assert view.legal_clock is not None
    assert view.legal_clock.limit_days == 20
    with freeze_time("2026-11-30 02:00:00"):
        app.end_notice()
        confirmation = app.task("county_confirmation")
        assert (confirmation.role, confirmation.org_unit) == ("township_head", "shaanxi-town")
        app.complete("county_confirmation", users.head, {"decision": "approve", "opinion": "乡镇审核确认"})
    assert app.view().outcome == "approved"
    # The county delegated the decision, so it is copied on it (抄送, declared in 陕西's BPMN).
    (copy,) = copies.copied_to_me(ctx, users.approver).rows
    assert (copy.case_number, copy.task_title) == (app.number, "审核确认（乡镇）")


def test_a_region_change_reaches_new_cases_and_running_cases_keep_their_version(
    make_context: MakeContext, processes_dir: Path
) -> None:
    ctx = make_context()
    users = Users.of_region("yantai")
    with freeze_time("2026-11-23 01:00:00"):
        running = Application(ctx, _household(), users).start().accept().investigate()
    # The region shortens its 公示 to 5 days and relabels 初审 in its own copy of the BPMN.
    region = processes_dir / "regions" / "yantai"
    params = region / "parameters.toml"
    params.write_text(params.read_text(encoding="utf-8") + "\n[notice_days]\n2021-07-01 = 5\n", encoding="utf-8")
    bpmn = (processes_dir / "default" / "dibao_application.bpmn").read_text(encoding="utf-8")
    (region / "dibao_application.bpmn").write_text(bpmn.replace('name="初审"', 'name="乡镇初审"'), encoding="utf-8")
    changed = {(v.region, v.process_id): v for v in designer.deploy(ctx) if v.new}
    assert ("yantai", "dibao_application") in changed
    assert ("default", "dibao_application") not in changed
    with freeze_time("2026-11-23 01:00:00"):
        fresh = Application(ctx, _household(), users).start().accept().investigate()
        assert fresh.view().process_version == running.view().process_version + 1
        assert fresh.task("first_review").title == "乡镇初审"
        assert running.task("first_review").title == "初审"
        running.first_review()
        fresh.first_review()
        # Under the frozen clock: by the real date both notices may have ended.
        ends = {n.ends_at.day for n in notice_board.open_notices(ctx, "yantai-village")}
    assert ends == {30, 28}  # the running case keeps 7 days, the new one has 5
