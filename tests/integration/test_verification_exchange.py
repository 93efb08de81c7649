"""The 信息核对 exchange files (docs/verification-exchange.md): export the open 核对 requests with full ID
numbers (audited), import results that complete the tasks through the normal completion, a bad entry
reported in Chinese while the good ones apply, and a second import of the same file changing nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time

from engine import lookups
from engine.context import Context
from engine.errors import PermissionDenied
from engine.records import audit
from engine.services import verification_exchange as exchange
from tests.integration.cli_support import demo_cli, ok
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from web.cli import main

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time


def _waiting_for_verification(ctx: Context, name: str) -> Application:
    app = Application(ctx, household(member(name, "self", ("wage", "600.00")), member("李芳", "spouse"))).start()
    app.accept().investigate_visit_only()
    return app


def _case_id(ctx: Context, number: str) -> int:
    with ctx.db.read() as session:
        return lookups.get_case(session, number).id


def _results(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"format": "dibao-verification-results", "version": 1, "results": list(entries)}


CONSISTENT = {"result": "consistent", "checked_items": ["tax"], "report": "核对平台：未发现差异"}


@freeze_time(START)
def test_export_then_import_completes_the_named_tasks_once(ctx: Context) -> None:
    first = _waiting_for_verification(ctx, "张三")
    second = _waiting_for_verification(ctx, "赵六")
    document = exchange.export_requests(ctx, "verify1")
    assert (document["format"], document["version"]) == ("dibao-verification-requests", 1)
    requests = {r["case_number"]: r for r in document["requests"]}
    assert set(requests) == {first.number, second.number}
    one = requests[first.number]
    assert one["request_id"] == first.task("data_verification").id
    assert one["kind"] == "check"
    assert one["members"][0]["id_number"] == first.household["members"][0]["id_number"]  # in full
    assert len(one["items"]) == 11
    assert one["requested_at"] == "2026-11-23T09:00:00+08:00"
    assert one["due"] == "2026-11-26T23:59:59+08:00"  # 3 working days
    viewed = [e for e in audit.case_history(ctx.db, _case_id(ctx, first.number)) if e.action == "pii_viewed"]
    assert [e.details["reason"] for e in viewed] == ["导出信息核对请求"]

    bad = {"result": "discrepancy", "verification_items": [{"item": "tax", "result": "discrepancy"}], "report": "x"}
    results = _results(
        {"request_id": one["request_id"], "case_number": first.number, "data": CONSISTENT},
        {"request_id": requests[second.number]["request_id"], "data": bad},
        {"request_id": 999999, "data": CONSISTENT},
        {"request_id": one["request_id"], "data": CONSISTENT},
        {"request_id": "1", "data": CONSISTENT},
    )
    report = exchange.import_results(ctx, "verify1", results)
    assert report.applied == [one["request_id"]]
    assert report.skipped == []
    assert [where for where, _ in report.refused] == ["第 2 条", "第 3 条", "第 4 条", "第 5 条"]
    assert "逐项核对结果第 1 项·发现情况：存在差异时必填" in report.refused[0][1]
    assert report.refused[1][1] == "核对请求 999999 不存在"
    assert first.open_task_names() == ["first_review"]
    assert second.open_task_names() == ["data_verification"]

    again = exchange.import_results(ctx, "verify1", _results(results["results"][0]))
    assert (again.applied, again.skipped, again.refused) == (
        [],
        [(one["request_id"], "该核对请求已办结，未重复处理")],
        [],
    )
    assert [r["case_number"] for r in exchange.export_requests(ctx, "verify1")["requests"]] == [second.number]


@freeze_time(START)
def test_only_the_verification_centre_exports_and_only_its_own_county(ctx: Context) -> None:
    _waiting_for_verification(ctx, "张三")
    with pytest.raises(PermissionDenied):
        exchange.export_requests(ctx, "clerk1")
    with pytest.raises(PermissionDenied):
        exchange.export_requests(ctx, "verify1", county="999999")
    wrong = exchange.import_results(ctx, "verify1", {"format": "other", "results": []})
    assert wrong.refused == [("文件", "格式必须是 dibao-verification-results 第 1 版（format、version 字段）")]


def test_the_command_line_round_trip(tmp_path: Path, processes_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli = demo_cli(tmp_path, processes_dir, monkeypatch)
    with freeze_time(START):
        app_ctx = Context.from_settings()
        try:
            app = _waiting_for_verification(app_ctx, "张三")
        finally:
            app_ctx.close()
        out = tmp_path / "requests.json"
        ok(cli.invoke(main, ["verification", "export", "--as", "verify1", str(out)]))
        (request,) = json.loads(out.read_text(encoding="utf-8"))["requests"]
        results = tmp_path / "results.json"
        entry = {"request_id": request["request_id"], "case_number": app.number, "data": CONSISTENT}
        results.write_text(json.dumps(_results(entry, {"request_id": 0, "data": {}}), ensure_ascii=False), "utf-8")
        first = cli.invoke(main, ["verification", "import", str(results), "--as", "verify1"])
        assert first.exit_code == 1
        assert f"已办结：核对请求 {request['request_id']}" in first.output
        assert "未导入：第 2 条：request_id 必须是导出文件中的核对请求编号（正整数）" in first.output
        again = cli.invoke(main, ["verification", "import", str(results), "--as", "verify1"])
        assert f"已跳过：核对请求 {request['request_id']}" in again.output
        refused = cli.invoke(main, ["verification", "export", "--as", "clerk1", str(out)])
        assert refused.exit_code != 0
        assert "只有县核对机构的人员可以导出核对请求" in refused.output
        assert "Traceback" not in refused.output
