"""The 特困抽查 page (docs/tekun-sampling.md): the county's waiting cases with masked names, a draw by POST that
moves every waiting case on, the past samples with their seed and a 核验 that says 一致; the sampling step's task
page links here instead of offering a form, and completing it by hand is refused (403)."""

from __future__ import annotations

import re

from freezegun import freeze_time

from engine.context import Context
from engine.services import tokens
from engine.services.bootstrap import DEMO_PASSWORD
from tests.scenarios.flow import Users
from tests.scenarios.tekun_sampling_flow import NOTICE_OVER, waiting_for_sampling
from tests.web.conftest import Browser


def _browser(make_browser: object, who: str | None) -> Browser:
    return make_browser(who)  # type: ignore[operator, no-any-return]


def test_draw_and_verify_from_the_page(ctx: Context, make_browser: object) -> None:
    apps = waiting_for_sampling(ctx, [(Users(), 3)])
    with freeze_time(NOTICE_OVER):
        county = _browser(make_browser, "county1")
        page = county.get("/tekun/sampling").get_data(as_text=True)
        assert "等待抽查的案件（3 件）" in page
        assert all(app.number in page for app in apps)
        assert "王*英" in page
        assert "王秀英" not in page
        assert 'href="/tekun/sampling"' in county.get("/").get_data(as_text=True)  # the header link
        response = county.post("/tekun/sampling")
        assert response.status_code == 302
        assert response.headers["Location"] == "/tekun/sampling#sample-1"
        page = county.get("/tekun/sampling").get_data(as_text=True)
    assert "已完成第 1 次抽查：3 件待抽查案件中抽中 1 件" in page
    assert "目前没有等待抽查的特困案件" in page
    assert "抽取样本</button>" not in page
    seed = re.search(r"<code>([0-9a-f]{16})</code>", page)
    assert seed is not None
    sampled = [app for app in apps if app.open_task_names() == ["county_check"]]
    assert len(sampled) == 1
    assert f'href="/cases/{sampled[0].number}"' in page
    auditor = _browser(make_browser, "auditor1")
    verified = auditor.post("/tekun/sampling/1/verify")
    assert verified.status_code == 302
    assert "核验结果：一致" in auditor.get("/tekun/sampling").get_data(as_text=True)
    assert "抽取样本</button>" not in auditor.get("/tekun/sampling").get_data(as_text=True)


def test_nothing_waiting_says_so(ctx: Context, make_browser: object) -> None:
    county = _browser(make_browser, "approver1")
    assert "目前没有等待抽查的特困案件" in county.get("/tekun/sampling").get_data(as_text=True)
    assert county.post("/tekun/sampling").status_code == 302
    assert "本县目前没有等待随机抽查的特困案件" in county.get("/tekun/sampling").get_data(as_text=True)


def test_who_may_see_and_draw(ctx: Context, make_browser: object) -> None:
    for who in ("clerk1", "head1", "village1", "verify1"):
        browser = _browser(make_browser, who)
        assert browser.get("/tekun/sampling").status_code == 403
        assert browser.post("/tekun/sampling").status_code == 403
        assert 'href="/tekun/sampling"' not in browser.get("/").get_data(as_text=True)
    assert _browser(make_browser, "auditor1").post("/tekun/sampling").status_code == 403
    assert _browser(make_browser, "auditor1").post("/tekun/sampling/7/verify").status_code == 404
    assert _browser(make_browser, None).get("/tekun/sampling").status_code == 302


def test_the_sampling_step_is_not_completed_by_hand(ctx: Context, make_browser: object) -> None:
    (app,) = waiting_for_sampling(ctx, [(Users(), 1)])
    task = app.task("county_sampling")
    with freeze_time(NOTICE_OVER):
        county = _browser(make_browser, "county1")
        page = county.get(f"/tasks/{task.id}").get_data(as_text=True)
        assert 'href="/tekun/sampling">特困抽查</a>页面抽取样本' in page
        assert f'action="/tasks/{task.id}/complete"' not in page
        refused = county.post(f"/tasks/{task.id}/complete", {"sampled": "y", "sample_id": "1", "_op": "submit"})
        assert refused.status_code == 403
        assert "该步骤由县级随机抽查完成" in refused.get_data(as_text=True)
        token = tokens.issue_token(ctx, "county1", DEMO_PASSWORD, "127.0.0.1").token
        api = county.client.post(
            f"/api/v1/tasks/{task.id}/complete",
            json={"data": {"sampled": False, "sample_id": 1}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert api.status_code == 403
    assert api.get_json()["message"] == "该步骤由县级随机抽查完成，请在“特困抽查”页面抽取样本"
    assert app.open_task_names() == ["county_sampling"]
