"""迁移运行中的案件, the designer's page (docs/process-migration.md): the dry-run table, the migration of
the ticked cases with POST-redirect-GET, a case changed since the preview left alone, and who may."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from freezegun import freeze_time

from engine.context import Context
from tests.scenarios.migration_flow import deploy_v2, park
from tests.web.conftest import Browser

PAGE = "/designer/migration/default/dibao_application"


@freeze_time("2026-11-23 01:00:00")
def test_preview_then_migrate_the_ticked_cases(ctx: Context, processes_dir: Path, make_browser: Any) -> None:
    intake, review = park(ctx, 1, "intake"), park(ctx, 2, "review")
    deploy_v2(ctx, processes_dir)
    designer: Browser = make_browser("designer1")
    history = designer.get("/designer/default/dibao_application/history").get_data(as_text=True)
    assert f'href="{PAGE}"' in history

    page = designer.get(f"{PAGE}?to=2&map_first_review=township_review")
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert "预览：迁移到第 2 版" in html
    assert "对应：初审（first_review）→ 乡镇初审（township_review）" in html
    assert "新版本新增：核对结果复核（verification_review）" in html
    assert "共 2 件，可迁移 2 件，不能迁移 0 件。" in html
    locks = dict(re.findall(r'name="lock_([^"]+)" value="(\d+)"', html))
    assert set(locks) == {intake.number, review.number}

    intake.accept()  # a clerk moves one case on after the preview
    form = {"to": "2", "map_first_review": "township_review", "case": [intake.number, review.number]}
    form |= {f"lock_{n}": v for n, v in locks.items()}
    done = designer.post(PAGE, form)
    assert done.status_code == 302
    assert done.headers["Location"].startswith(PAGE)
    after = designer.get(done.headers["Location"]).get_data(as_text=True)
    assert "已迁移 1 件到第 2 版，1 件未迁移" in after
    assert f"{intake.number} 未迁移：案件在预览后已有变化" in after
    assert review.open_task_names() == ["township_review"]
    assert intake.open_task_names() == ["start_investigation"]  # still on v1, as the clerk left it


@freeze_time("2026-11-23 01:00:00")
def test_refusals_on_the_page(ctx: Context, processes_dir: Path, make_browser: Any) -> None:
    park(ctx, 1, "review")
    deploy_v2(ctx, processes_dir)
    assert make_browser("clerk1").get(f"{PAGE}?to=2").status_code == 403
    assert make_browser("designer_yantai").get(f"{PAGE}?to=2").status_code == 403
    designer: Browser = make_browser("designer1")
    bad = designer.get(f"{PAGE}?to=2&map_first_review=nowhere")
    assert bad.status_code == 422
    assert "新版本中没有步骤“nowhere”（映射 first_review=nowhere）" in bad.get_data(as_text=True)
    assert designer.get(f"{PAGE}?to=9").status_code == 404
    assert designer.post(PAGE, {"to": "2", "case": ["x"]}, csrf=False).status_code == 400
