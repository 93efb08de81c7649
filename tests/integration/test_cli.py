"""The `dibao` command line as docs/contracts.md lists it, run in-process against a temp database."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from tests.conftest import BUNDLES
from tests.integration.cli_support import ok as _ok
from web.cli import main


@pytest.fixture
def cli(tmp_path: Path, processes_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DIBAO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("DIBAO_PROCESSES_DIR", str(processes_dir))
    runner = CliRunner()
    result = runner.invoke(main, ["init", "--demo"])
    assert result.exit_code == 0, result.output
    # Every national process, once per region with its own directory (each seed region has one).
    assert re.search(r"新部署 [1-9][0-9]* 个流程版本", result.output), result.output
    # 47 + deputy1 (委派) + two more committee members per county (会签) + the 7 departments' users (转介)
    assert "新建 67 个用户" in result.output
    return runner


def _json_file(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_init_twice_changes_nothing(cli: CliRunner) -> None:
    output = _ok(cli.invoke(main, ["init", "--demo"]))
    assert "新部署 0 个流程版本" in output
    assert "新建 0 个用户" in output


@freeze_time("2026-11-23 01:00:00")
def test_a_case_from_start_to_the_timer_by_command_line(cli: CliRunner, tmp_path: Path) -> None:
    start = _json_file(tmp_path, "start.json", {"village": "demo-village-1-1"})
    number = _ok(cli.invoke(main, ["cases", "start", "reference_review", "--as", "clerk1", "--data", start])).strip()
    assert number == "2026-0000001"
    listed = json.loads(_ok(cli.invoke(main, ["tasks", "list", "--as", "clerk1", "--json"])))
    assert [(t["case_number"], t["task_name"]) for t in listed] == [(number, "register")]
    task_id = str(listed[0]["id"])
    shown = json.loads(_ok(cli.invoke(main, ["tasks", "show", task_id, "--json"])))
    assert shown["form"]["properties"]["household_size"]["title"] == "家庭人口"
    _ok(cli.invoke(main, ["tasks", "claim", task_id, "--as", "clerk1"]))

    bad = _json_file(tmp_path, "bad.json", {"applicant_name": "张三", "household_size": 0, "requested_amount": "1"})
    refused = cli.invoke(main, ["tasks", "complete", task_id, "--as", "clerk1", "--data", bad])
    assert refused.exit_code != 0
    assert "household_size" in refused.output
    assert "Traceback" not in refused.output

    good = _json_file(tmp_path, "reg.json", {"applicant_name": "张三", "household_size": 3, "requested_amount": "1"})
    assert "等待期满" in _ok(cli.invoke(main, ["tasks", "complete", task_id, "--as", "clerk1", "--data", good]))
    assert _ok(cli.invoke(main, ["tick"])).strip() == "0"
    with freeze_time("2026-12-01 01:00:00"):
        assert _ok(cli.invoke(main, ["tick"])).strip() == "1"
    case = json.loads(_ok(cli.invoke(main, ["cases", "show", number, "--json"])))
    assert [t["task_name"] for t in case["tasks"]] == ["register", "township_review"]
    assert "审计链完整" in _ok(cli.invoke(main, ["audit", "verify"]))


def test_processes_validate_and_list(cli: CliRunner) -> None:
    assert "校验通过" in _ok(cli.invoke(main, ["processes", "validate"]))
    refused = cli.invoke(main, ["processes", "validate", str(BUNDLES / "open_call")])
    assert refused.exit_code != 0
    assert "reference_review.bpmn" in refused.output
    assert "[prepare_notice]" in refused.output
    listed = json.loads(_ok(cli.invoke(main, ["processes", "list", "--json"])))
    assert ("reference_review", "default", 1) in [(v["process_id"], v["region"], v["version"]) for v in listed]
    assert {"reference_review", "dibao_application", "public_notice", "democratic_review"} <= {
        v["process_id"] for v in listed
    }
    assert "未变化" in _ok(cli.invoke(main, ["processes", "deploy"]))


def test_errors_are_plain_chinese_with_no_trace(cli: CliRunner, tmp_path: Path) -> None:
    for args in (
        ["cases", "show", "1999-0000001"],
        ["tasks", "claim", "999", "--as", "clerk1"],
        ["tasks", "list", "--as", "nobody"],
    ):
        result = cli.invoke(main, args)
        assert result.exit_code == 1
        assert "不存在" in result.output
        assert "Traceback" not in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = cli.invoke(main, ["cases", "start", "reference_review", "--as", "clerk1", "--data", str(broken)])
    assert result.exit_code == 1
    assert "不是合法的 JSON" in result.output


@freeze_time("2026-11-23 01:00:00")
def test_objection_and_extension_by_command_line(cli: CliRunner, tmp_path: Path) -> None:
    from engine.context import Context
    from tests.scenarios.flow import Application
    from tests.scenarios.households import household, member

    ctx = Context.from_settings()
    try:
        app = Application(ctx, household(member("张三", "self", ("wage", "1500.00")), member("李芳", "spouse")))
        app.start().accept().investigate().first_review()
    finally:
        ctx.close()
    listed = json.loads(_ok(cli.invoke(main, ["notices", "list", "--village", "demo-village-1-1", "--json"])))
    # Public fields only: masked name, persons, proposed amount (n = 2, p = 750 → B = 100), dates.
    assert [(n["masked_name"], n["persons"], n["proposed_amount"]) for n in listed] == [("张*", 2, "100.00")]
    assert "id_number" not in json.dumps(listed)
    notice_id = str(listed[0]["id"])
    with freeze_time("2026-11-27 01:00:00"):
        out = _ok(cli.invoke(main, ["notices", "object", notice_id, "--text", "该户有车辆未申报"]))
        assert f"已受理对公示 {notice_id} 的异议" in out
    with freeze_time("2026-11-30 02:00:00"):
        late = cli.invoke(main, ["notices", "object", notice_id, "--text", "迟到的异议"])
        assert late.exit_code != 0
        assert "不再受理异议" in late.output
        assert "Traceback" not in late.output
        assert _ok(cli.invoke(main, ["tick"])).strip() == "1"
        shown = _ok(cli.invoke(main, ["cases", "show", app.number]))
        assert "法定时限：自 2026-11-23 受理起 30 个工作日" in shown
        extended = _ok(
            cli.invoke(
                main,
                ["cases", "extend", app.number, "--as", "head1", "--ground", "objection", "--reason", "公示期有异议"],
            )
        )
        assert "延长至 45 个工作日" in extended


WALKTHROUGH = Path(__file__).resolve().parents[1] / "data" / "walkthrough"


def _only_task(cli: CliRunner, user: str, name: str) -> str:
    listed = json.loads(_ok(cli.invoke(main, ["tasks", "list", "--as", user, "--json"])))
    (task,) = [t for t in listed if t["task_name"] == name]
    return str(task["id"])


def _complete(cli: CliRunner, user: str, name: str, data_file: str) -> str:
    task_id = _only_task(cli, user, name)
    return _ok(cli.invoke(main, ["tasks", "complete", task_id, "--as", user, "--data", str(WALKTHROUGH / data_file)]))


@freeze_time("2026-11-23 01:00:00")
def test_readme_walkthrough_of_a_dibao_application(cli: CliRunner) -> None:
    """The 低保 walkthrough of docs/walkthrough.md, file for file (keeps the page true)."""
    start = str(WALKTHROUGH / "start.json")
    number = _ok(cli.invoke(main, ["cases", "start", "dibao_application", "--as", "clerk1", "--data", start])).strip()
    _complete(cli, "clerk1", "intake_review", "intake.json")
    _complete(cli, "clerk1", "start_investigation", "investigation.json")
    _complete(cli, "clerk1", "home_visit", "home_visit.json")
    _complete(cli, "verify1", "data_verification", "verification.json")
    assert "评估：人均收入 500.00 元，类别 dibao，补差 900.00 元" in _ok(cli.invoke(main, ["cases", "show", number]))
    _complete(cli, "head1", "first_review", "first_review.json")
    assert "张*\t3 人\t900.00 元" in _ok(cli.invoke(main, ["notices", "list", "--village", "demo-village-1-1"]))
    with freeze_time("2026-11-30 02:00:00"):
        assert _ok(cli.invoke(main, ["tick"])).strip() == "1"
        _complete(cli, "approver1", "county_confirmation", "confirmation.json")
        shown = _ok(cli.invoke(main, ["cases", "show", number]))
    assert "结论：approved；金额：900.00 元" in shown
    assert "保障：active，3 人，每月 900.00 元，自 2026-12-01 起" in shown
    # The spouse is of working age without a steady job: re-checked every 6 months, from June 2027.
    due = ["cases", "start", "periodic_review", "--as", "clerk1", "--due", "--on"]
    assert _ok(cli.invoke(main, [*due, "2027-05-31"])).strip() == "已启动 0 件动态复核（到期 0 户）"
    started = _ok(cli.invoke(main, [*due, "2027-06-01"])).splitlines()
    assert len(started) == 2
    assert "已启动 1 件动态复核" in started[1]
    assert "审计链完整" in _ok(cli.invoke(main, ["audit", "verify"]))
