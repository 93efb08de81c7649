"""POST /api/v1/processes/{process_id}/migrations (docs/process-migration.md): who may, the preview, the
migration, and refusals as JSON errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from freezegun import freeze_time

from engine.context import Context
from tests.api.conftest import assert_error
from tests.scenarios.migration_flow import deploy_v2, park

URL = "/api/v1/processes/dibao_application/migrations"
BODY = {"region": "default", "to_version": 2, "mapping": {"first_review": "township_review"}}


@freeze_time("2026-11-23 01:00:00")
def test_preview_then_migrate(api_as: Any, ctx: Context, processes_dir: Path) -> None:
    app = park(ctx, 1, "review")
    deploy_v2(ctx, processes_dir)
    designer = api_as("designer1")

    preview = designer.post(URL, BODY)
    assert preview.status_code == 200, preview.get_data(as_text=True)
    table = preview.get_json()
    assert (table["executed"], table["movable"], table["title"]) == (False, 1, "最低生活保障审核确认")
    (row,) = table["rows"]
    assert (row["number"], row["from_version"], row["ok"]) == (app.number, 1, True)
    assert [(s["name"], s["title"]) for s in row["kept"]] == [("township_review", "乡镇初审")]
    assert table["changes"]["realigned"] == [
        {
            "old": {"bpmn_id": "first_review", "title": "初审"},
            "new": {"bpmn_id": "township_review", "title": "乡镇初审"},
        }
    ]
    assert app.open_task_names() == ["first_review"]  # a preview changes nothing

    expected = {app.number: row["lock_version"]}
    done = api_as("admin1").post(URL, {**BODY, "dry_run": False, "cases": [app.number], "expected": expected})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert (done.get_json()["executed"], done.get_json()["migrated"]) == (True, 1)
    assert app.open_task_names() == ["township_review"]


@freeze_time("2026-11-23 01:00:00")
def test_refusals(api_as: Any, ctx: Context, processes_dir: Path) -> None:
    park(ctx, 1, "intake")
    deploy_v2(ctx, processes_dir)
    assert_error(api_as("clerk1").post(URL, BODY), 403, "forbidden")
    assert_error(api_as("designer_yantai").post(URL, BODY), 403, "forbidden")
    assert_error(api_as("auditor1").post(URL, BODY), 403, "forbidden")
    assert_error(api_as(None).post(URL, BODY), 401)
    designer = api_as("designer1")
    assert_error(designer.post(URL, {**BODY, "to_version": 7}), 404, "not_found")
    assert_error(designer.post("/api/v1/processes/nothing_here/migrations", BODY), 404, "not_found")
    bad = assert_error(designer.post(URL, {**BODY, "mapping": {"first_review": "nowhere"}}), 422, "invalid")
    assert bad["fields"]["mapping"] == ["新版本中没有步骤“nowhere”（映射 first_review=nowhere）"]
    assert "to_version" in assert_error(designer.post(URL, {"region": "default"}), 422, "invalid")["fields"]


def test_the_route_is_in_the_openapi_document(api_as: Any) -> None:
    document = api_as(None).get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/processes/{process_id}/migrations"]["post"]
    assert operation["summary"] == "把运行中的案件迁移到流程的新版本（预览或执行）"
