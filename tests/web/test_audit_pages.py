"""The auditor workspace (/audit) through the real app, over a real 低保 application taken through 公示, an
objection and the notice timer: the dossier with every event in order and the process version in force,
its exports (JSON, print, CSV), the PII report, tampering seen by the page and by `dibao audit verify`,
and the workspace's read-only, role- and region-scoped nature."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from click.testing import CliRunner
from freezegun import freeze_time
from sqlalchemy import select, text

from engine.context import Context
from engine.lookups import get_org_unit
from engine.persistence import AuditEvent, Case
from engine.queries import case_view, dossier
from engine.queries import notices as notice_board
from engine.services import notices, pii, tasks
from engine.services.bootstrap import DEMO_PASSWORD
from engine.services.users import add_user
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from tests.web.conftest import Browser
from web.cli import main

START = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing
NOTICE_OVER = "2026-11-30 02:00:00"
INJECTION = "=cmd|' /C calc'!A0"


def _html(response: Any) -> str:
    return response.get_data(as_text=True)  # type: ignore[no-any-return]


def _in_notice(ctx: Context) -> Application:
    family = household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
    )
    return Application(ctx, family).start().accept().investigate().first_review()


@pytest.fixture
def case_number(ctx: Context) -> str:
    """A 低保 application through 公示 with one objection, past the notice period (the timer fired)."""
    with freeze_time(START):
        app = _in_notice(ctx)
        (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
        notices.object_to_notice(ctx, notice.id, "该户有车辆未申报")
    with freeze_time(NOTICE_OVER):
        assert app.end_notice() == 1
    return app.number


def _case_id(ctx: Context, number: str) -> int:
    with ctx.db.read() as session:
        return session.scalars(select(Case.id).where(Case.number == number)).one()


def _events(ctx: Context, number: str) -> list[AuditEvent]:
    case_id = _case_id(ctx, number)
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)))


def _add_user(ctx: Context, username: str, unit: str, roles: list[str], display_name: str | None = None) -> None:
    with ctx.db.write() as session:
        add_user(session, username, display_name or username, DEMO_PASSWORD, get_org_unit(session, unit), roles)


def _table_rows(ctx: Context) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a case lives in, to compare before and after."""
    with ctx.db.engine.connect() as conn:
        return {
            table: [tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
            for table in ("case_file", "process_instance", "human_task", "notice", "objection", "enrollment")
        }


# --- the dossier ------------------------------------------------------------------------------------


def test_the_auditor_sees_every_event_in_order_with_version_and_a_sound_chain(
    ctx: Context, case_number: str, make_browser: Any
) -> None:
    events = _events(ctx, case_number)
    browser = make_browser("auditor1")
    assert f'href="/audit/cases/{case_number}"' in _html(browser.get("/audit"))
    response = browser.get(f"/audit/cases/{case_number}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = _html(response)
    shown = [int(seq) for seq in re.findall(r'id="event-(\d+)"', html)]
    assert shown == [e.seq for e in events]  # every event of the case, oldest first
    assert f"✓ 本案 {len(events)} 条记录完整未被篡改" in html
    # The version in force and its bundle hash, as the case_created event recorded them.
    created = events[0]
    assert created.action == "case_created"
    assert f"v{created.details['version']}（全国默认）" in html
    assert created.details["bundle_hash"] in html
    # Who, with which role, in which unit, when (Beijing time), and what changed.
    for text_shown in ("城关镇经办人", "clerk1", "乡镇经办人", "城关镇"):
        assert text_shown in html
    assert "2026-11-23 09:00:00" in html
    assert "办结任务“受理审查”，结论：予以受理，意见：材料齐全，予以受理" in html
    assert re.search(
        r"受理意见</span>：<span class=\"before\">—</span> → <span class=\"after\">材料齐全，予以受理", html
    )
    # Timers, objections and the diagram with the path.
    assert "定时器触发（1）" in html
    assert "该户有车辆未申报" in html
    assert "公示异议（1）" in html
    assert "<svg" in html
    assert "已走过的路径" in html
    # ID numbers never appear in clear.
    with ctx.db.read() as session:
        data = session.scalars(select(Case.data).where(Case.number == case_number)).one()
    for m in data["household"]["members"]:
        assert m["id_number"] not in html
    # The view itself is on record, by the auditor, as part of the case's history.
    last = _events(ctx, case_number)[-1]
    assert (last.action, last.actor_name, last.actor_role) == ("audit.dossier_viewed", "auditor1", "auditor")
    again = _html(browser.get(f"/audit/cases/{case_number}"))
    assert "查阅本案审计档案（身份证号遮蔽显示）" in again
    assert f"✓ 本案 {len(events) + 1} 条记录完整未被篡改" in again


def test_the_service_gives_the_changes_and_processes_in_force(ctx: Context, case_number: str) -> None:
    found = dossier.dossier(ctx, "auditor1", case_number)
    assert [e.seq for e in found.events] == sorted(e.seq for e in found.events)
    (process,) = found.processes
    assert process.process_id == "dibao_application"
    assert len(process.bundle_hash) == 64
    completed = [e for e in found.events if e.action == "task_completed"]
    assert completed
    assert all(e.process == "dibao_application v1" for e in completed)
    intake = next(e for e in completed if "受理审查" in e.description)
    decision = next(c for c in intake.changes if c.field == "decision")
    assert (decision.before, decision.after) == (None, "approve")
    assert (decision.label, decision.after_text) == ("受理结论", "予以受理（approve）")
    (timer,) = found.timers
    assert timer.due_at.startswith("2026-11-30")
    assert [o.text for o in found.objections] == ["该户有车辆未申报"]
    # The objector's keyed address hash stays out, as on the case history.
    assert all("client" not in e.details for e in found.events)
    assert found.verification.ok


# --- exports ----------------------------------------------------------------------------------------


def test_json_export_is_a_download_with_the_events(ctx: Context, case_number: str, make_browser: Any) -> None:
    before = _events(ctx, case_number)
    response = make_browser("auditor1").get(f"/audit/cases/{case_number}.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename=dossier-{case_number}.json"
    data = json.loads(response.get_data(as_text=True))
    assert data["facts"]["number"] == case_number
    assert [e["seq"] for e in data["events"]] == [e.seq for e in before]
    assert data["events"][0]["action"] == "case_created"
    assert data["processes"][0]["bundle_hash"] == before[0].details["bundle_hash"]
    assert data["verification"]["ok"] is True
    assert data["verification"]["text"] == f"✓ 本案 {len(before)} 条记录完整未被篡改"
    last = _events(ctx, case_number)[-1]
    assert (last.action, last.details["format"]) == ("audit.exported", "json")


def test_dibao_audit_dossier_prints_the_events_and_exports_json(
    ctx: Context, case_number: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIBAO_DATABASE_URL", ctx.db.url)
    shown = CliRunner().invoke(main, ["audit", "dossier", case_number, "--as", "auditor1"])
    assert shown.exit_code == 0, shown.output
    assert "办结任务“受理审查”，结论：予以受理" in shown.output
    assert "✓ 本案" in shown.output
    exported = CliRunner().invoke(main, ["audit", "dossier", case_number, "--as", "auditor1", "--json"])
    assert json.loads(exported.output)["facts"]["number"] == case_number
    refused = CliRunner().invoke(main, ["audit", "dossier", case_number, "--as", "clerk1"])
    assert refused.exit_code != 0
    assert "需要审计或系统管理角色" in refused.output


def test_print_page_has_no_navigation(ctx: Context, case_number: str, make_browser: Any) -> None:
    html = _html(make_browser("auditor1").get(f"/audit/cases/{case_number}/print"))
    assert "审计档案 · 案件" in html
    assert 'class="print-page"' in html
    assert "主导航" not in html
    assert "工作台" not in html
    assert "✓ 本案" in html
    assert _events(ctx, case_number)[-1].details["format"] == "print"


def test_events_csv_has_a_bom_and_defuses_formulas(ctx: Context, case_number: str, make_browser: Any) -> None:
    # A display name crafted as a spreadsheet formula, acting on the case (a claim).
    task = next(t for t in case_view.show_case(ctx, case_number).tasks if t.state == "open")
    _add_user(ctx, "clerk_evil", task.org_unit, [task.role], display_name=INJECTION)
    tasks.claim(ctx, task.id, "clerk_evil")
    response = make_browser("auditor1").get(f"/audit/cases/{case_number}/events.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f"attachment; filename=events-{case_number}.csv"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "时间（北京时间）", "操作人"]
    cells = [cell for row in rows for cell in row]
    assert "'" + INJECTION in cells
    assert INJECTION not in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    claimed = next(row for row in rows if row[6] == "task_claimed")
    assert claimed[3] == "clerk_evil"
    # Every event of the case up to the export, one row each.
    assert [int(row[0]) for row in rows[1:]] == [e.seq for e in _events(ctx, case_number)][:-1]
    assert _events(ctx, case_number)[-1].details["format"] == "csv"


# --- who viewed personal data ----------------------------------------------------------------------


def test_pii_report_lists_reveals_with_reason_and_filters_by_date(
    ctx: Context, case_number: str, make_browser: Any
) -> None:
    with freeze_time("2026-12-01 03:00:00"):
        pii.reveal_household(ctx, case_number, "clerk1", "核对申请人身份证件")
    browser = make_browser("auditor1")
    html = _html(browser.get("/audit/pii-views"))
    assert "核对申请人身份证件" in html
    assert "城关镇经办人（clerk1）" in html
    assert case_number in html
    assert "2026-12-01 11:00:00" in html  # Beijing time
    assert "完整的家庭成员身份证号" in html
    assert "核对申请人身份证件" in _html(browser.get("/audit/pii-views?since=2026-12-01&until=2026-12-01"))
    assert "核对申请人身份证件" not in _html(browser.get("/audit/pii-views?until=2026-11-30"))
    assert "核对申请人身份证件" not in _html(browser.get("/audit/pii-views?since=2026-12-02"))
    # Auditors' own reads only when asked for.
    browser.get(f"/audit/cases/{case_number}")
    assert "审计档案（身份证号遮蔽）" not in _html(browser.get("/audit/pii-views"))
    assert "审计档案（身份证号遮蔽）" in _html(browser.get("/audit/pii-views?audit_reads=1"))
    exported = browser.get("/audit/pii-views.csv?since=2026-12-01")
    assert exported.status_code == 200
    assert exported.get_data().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.get_data().decode("utf-8-sig"))))
    assert [row[-1] for row in rows[1:]] == ["核对申请人身份证件"]
    with ctx.db.read() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last is not None
        assert (last.action, last.details["format"]) == ("audit.exported", "pii_csv")


def test_pii_report_refuses_bad_dates_naming_the_field(ctx: Context, make_browser: Any) -> None:
    browser = make_browser("auditor1")
    bad = browser.get("/audit/pii-views?since=2026-13-01")
    assert bad.status_code == 422
    assert "起始日期：应为 YYYY-MM-DD 格式的日期" in _html(bad)
    reversed_range = browser.get("/audit/pii-views?since=2026-12-02&until=2026-12-01")
    assert reversed_range.status_code == 422
    assert "截止日期：不能早于起始日期" in _html(reversed_range)
    assert browser.get("/audit/pii-views.csv?until=x").status_code == 422


# --- tampering --------------------------------------------------------------------------------------


def test_a_tampered_audit_row_shows_on_the_dossier_and_in_dibao_audit_verify(
    ctx: Context, case_number: str, make_browser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = next(e for e in _events(ctx, case_number) if e.action == "task_completed")
    with ctx.db.engine.begin() as conn:  # straight to the database, as a tamperer would
        conn.execute(
            text("UPDATE audit_event SET details = :details WHERE seq = :seq"),
            {"details": '{"changes":{},"form":"x","task":"intake_review"}', "seq": target.seq},
        )
    browser = make_browser("auditor1")
    html = _html(browser.get(f"/audit/cases/{case_number}"))
    assert f"✗ 第 {target.seq} 条记录被篡改：事件内容与其哈希不符（事件被修改）" in html
    assert f'id="event-{target.seq}" class="audit-event broken"' in html
    assert dossier.verify_case(ctx, "auditor1", case_number).first_broken == target.seq
    whole = _html(browser.post("/audit/verify"))
    assert f"✗ 审计链断裂：第 {target.seq} 条记录不符" in whole
    monkeypatch.setenv("DIBAO_DATABASE_URL", ctx.db.url)
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code != 0
    assert f"第 {target.seq} 号事件" in result.output
    shown = CliRunner().invoke(main, ["audit", "dossier", case_number, "--as", "auditor1"])
    assert shown.exit_code == 1
    assert f"✗ 第 {target.seq} 条记录被篡改" in shown.output


def test_verify_all_on_an_intact_chain(ctx: Context, case_number: str, make_browser: Any) -> None:
    html = _html(make_browser("auditor1").post("/audit/verify"))
    assert "✓ 审计链完整" in html


# --- read-only, roles and scope ------------------------------------------------------------------------


def _routes(number: str) -> list[str]:
    return [
        "/audit",
        f"/audit/cases/{number}",
        f"/audit/cases/{number}.json",
        f"/audit/cases/{number}/print",
        f"/audit/cases/{number}/events.csv",
        "/audit/pii-views",
        "/audit/pii-views.csv",
    ]


@pytest.mark.parametrize("who", ["clerk1", "designer1", "approver1", "village1"])
def test_staff_without_the_auditor_role_get_403_everywhere(
    ctx: Context, case_number: str, make_browser: Any, who: str
) -> None:
    browser = make_browser(who)
    for url in _routes(case_number):
        assert browser.get(url).status_code == 403, url
    assert browser.post("/audit/verify").status_code == 403
    assert ">审计</a>" not in _html(browser.get("/"))
    assert not [e for e in _events(ctx, case_number) if e.action.startswith("audit.")]


def test_anonymous_visitors_are_sent_to_login(case_number: str, make_browser: Any) -> None:
    browser = make_browser(None)
    for url in _routes(case_number):
        response = browser.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), url


def test_an_auditor_of_another_region_sees_nothing_of_this_county(
    ctx: Context, case_number: str, make_browser: Any
) -> None:
    _add_user(ctx, "auditor_yantai", "yantai-county", ["auditor"])
    pii.reveal_household(ctx, case_number, "clerk1", "核对")
    browser = make_browser("auditor_yantai")
    assert browser.get("/audit").status_code == 200
    assert f"/audit/cases/{case_number}" not in _html(browser.get("/audit"))
    assert "共 0 件" in _html(browser.get("/audit"))
    for url in _routes(case_number)[1:5]:
        assert browser.get(url).status_code == 403, url
    assert case_number not in _html(browser.get("/audit/pii-views?audit_reads=1"))
    assert browser.get("/audit/cases/2026-9999999").status_code == 404


def test_admin_may_audit_and_sees_the_nav_link(case_number: str, make_browser: Any) -> None:
    admin = make_browser("admin1")
    assert admin.get(f"/audit/cases/{case_number}").status_code == 200
    home = _html(admin.get("/"))
    assert 'href="/audit"' in home
    assert ">审计</a>" in home


def test_nothing_an_auditor_does_changes_a_case(ctx: Context, case_number: str, make_browser: Any) -> None:
    pii.reveal_household(ctx, case_number, "clerk1", "核对")
    before = _table_rows(ctx)
    events_before = len(_events(ctx, case_number))
    browser = make_browser("auditor1")
    for url in _routes(case_number):
        assert browser.get(url).status_code == 200, url
    assert browser.post("/audit/verify").status_code == 200
    # Casework the auditor might try through the ordinary pages and services is refused.
    assert browser.post(f"/cases/{case_number}/reveal", {"reason": "审计"}).status_code == 403
    task = next(t for t in case_view.show_case(ctx, case_number).tasks if t.state == "open")
    assert browser.post(f"/tasks/{task.id}/claim").status_code == 403
    assert _table_rows(ctx) == before
    added = _events(ctx, case_number)[events_before:]
    assert [e.action for e in added] == ["audit.dossier_viewed", "audit.exported", "audit.exported", "audit.exported"]
    assert {e.actor_name for e in added} == {"auditor1"}


def test_posts_without_a_csrf_token_are_refused(case_number: str, make_browser: Any) -> None:
    for who in ("auditor1", None):
        assert make_browser(who).post("/audit/verify", csrf=False).status_code == 400


def test_the_verify_route_takes_only_post(make_browser: Any) -> None:
    browser: Browser = make_browser("auditor1")
    assert browser.get("/audit/verify").status_code == 405


def test_the_case_timeline_says_in_words_that_an_auditor_read_and_exported_the_file(
    case_number: str, make_browser: Any
) -> None:
    auditor = make_browser("auditor1")
    assert auditor.get(f"/audit/cases/{case_number}").status_code == 200
    assert auditor.get(f"/audit/cases/{case_number}.json").status_code == 200
    page = make_browser("clerk1").get(f"/cases/{case_number}").get_data(as_text=True)
    assert "审计人员查阅案件档案" in page
    assert "审计人员导出案件档案（JSON 文件）" in page
    assert "其他事件" not in page
