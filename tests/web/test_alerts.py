"""The 监测预警 pages (docs/alerts.md): uploading a file shows its per-row report, the register masks 身份证号
and marks the overdue, and only the county's staff import; township staff see their township's alerts."""

from __future__ import annotations

from io import BytesIO

from freezegun import freeze_time

from engine.context import Context
from tests.scenarios.households import id_number
from tests.web.conftest import Browser

HEADER = "身份证号,姓名,预警指标,预警等级,预警来源,预警日期,村/社区\n"


def _browser(make_browser: object, who: str | None) -> Browser:
    return make_browser(who)  # type: ignore[operator, no-any-return]


def _upload(browser: Browser, content: str, batch_id: str = "WEB-1") -> object:
    data = {"batch_id": batch_id, "file": (BytesIO(content.encode("utf-8-sig")), "alerts.csv")}
    return browser.post("/alerts/upload", data, content_type="multipart/form-data")


def test_upload_imports_the_valid_rows_and_shows_the_report(ctx: Context, make_browser: object) -> None:
    good = id_number()
    bad = "110105198001011234,赵六,失业,紫色,人社局,2026-12-02,\n"
    content = HEADER + f"{good},王五,失业,红色,人社局,2026-12-02,demo-village-1-1\n" + bad
    with freeze_time("2026-12-03 02:00:00"):  # signed in inside the frozen time, so the session is current
        browser = _browser(make_browser, "county1")
        response = _upload(browser, content)
        assert response.status_code == 302  # type: ignore[attr-defined]
        assert response.headers["Location"] == "/alerts/batches/WEB-1"  # type: ignore[attr-defined]
        page = browser.get("/alerts/batches/WEB-1").get_data(as_text=True)
    assert "已导入 1 条预警，合并 0 条，退回 1 行" in page
    assert "身份证号：校验码不正确" in page
    assert "预警等级：“紫色”不是预警等级" in page
    with freeze_time("2026-12-20 02:00:00"):  # red: due 8 December, overdue now
        browser = _browser(make_browser, "county1")
        register = browser.get("/alerts").get_data(as_text=True)
        overdue_only = browser.get("/alerts?overdue=1&level=red").get_data(as_text=True)
        dashboard = browser.get("/dashboard").get_data(as_text=True)
    # The dashboard's block: one red alert open, and overdue.
    assert '<tr><td>红色预警</td><td>1</td><td><strong class="overdue">1</strong></td></tr>' in dashboard
    assert good not in register
    assert f"{good[:6]}********{good[-4:]}" in register
    assert "已逾期" in register
    assert "王五" in overdue_only
    assert "城关镇东村" in register


def test_refused_files_import_nothing_and_say_why(ctx: Context, make_browser: object) -> None:
    browser = _browser(make_browser, "county1")
    response = _upload(browser, "身份证号,姓名\n110105198001011234,赵六\n", "WEB-2")
    assert response.headers["Location"] == "/alerts/upload"  # type: ignore[attr-defined]
    page = browser.get("/alerts/upload").get_data(as_text=True)
    assert "缺少列：预警指标、预警等级、预警日期" in page
    assert "没有符合条件的预警" in browser.get("/alerts").get_data(as_text=True)


def test_who_may_import_and_see(ctx: Context, make_browser: object) -> None:
    content = HEADER + f"{id_number()},王五,失业,红色,人社局,2026-12-02,demo-village-2-1\n"
    county = _browser(make_browser, "county1")
    assert _upload(county, content, "WEB-3").status_code == 302  # type: ignore[attr-defined]
    for who in ("clerk1", "auditor1", "village1", None):
        browser = _browser(make_browser, who)
        assert browser.get("/alerts/upload").status_code == (403 if who else 302)
        assert _upload(browser, content, "WEB-4").status_code == (403 if who else 302)  # type: ignore[attr-defined]
    # The alert is in 河西乡: its clerk sees it, 城关镇's does not; a village assistant has no register.
    assert "王五" in _browser(make_browser, "clerk2").get("/alerts").get_data(as_text=True)
    assert "王五" not in _browser(make_browser, "clerk1").get("/alerts").get_data(as_text=True)
    assert _browser(make_browser, "clerk1").get("/alerts/1").status_code == 403
    assert _browser(make_browser, "clerk2").get("/alerts/1").status_code == 200
    assert _browser(make_browser, "village1").get("/alerts").status_code == 403
    assert _browser(make_browser, "auditor1").get("/alerts/monitoring").status_code == 200
    assert _browser(make_browser, None).get("/alerts").status_code == 302
