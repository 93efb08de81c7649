"""Scenario (issue 20): a referral to 医保 is answered and the case shows it.

张三's household is approved for 低保 through the real dibao_application process (tests/scenarios/approved.py:
started Mon 2026-11-23, 公示 over 11-30, confirmed). 城关镇's clerk then refers it to 县医疗保障局 for
医疗救助 (专项救助 after the decision) on Tue 2026-12-01 10:00 Beijing; the feedback deadline is 10 working
days later: 12-02 … 12-04 (3), 12-07 … 12-11 (8), 12-14, 12-15 (10) → 2026-12-15 23:59:59 Beijing. yibao1
accepts and answers on 12-03; the case page lists the referral with its answer and its timeline tells it."""

from __future__ import annotations

from datetime import datetime

from freezegun import freeze_time

from engine.context import Context
from engine.queries import case_page
from engine.queries import referrals as referral_queries
from engine.services import referrals
from tests.notifications.test_rules import keys, sweep_at
from tests.scenarios.approved import APPLICANT, approved_application

REFERRED = "2026-12-01 02:00:00"  # Tuesday 10:00 Beijing
ANSWERED = "2026-12-03 07:00:00"  # Thursday 15:00 Beijing
RESULT = "已纳入城乡居民医疗救助，住院自付费用按 70% 救助，首笔 3,150 元已拨付"


def test_a_referral_to_yibao_is_answered_and_the_case_shows_it(ctx: Context) -> None:
    app = approved_application(ctx)
    assert app.view().outcome == "approved"
    with freeze_time(REFERRED):
        row = referrals.refer_case(
            ctx,
            "clerk1",
            app.number,
            department="demo-dept-yibao",
            kind="medical",
            reason="户主张三患慢性肾病需长期透析，已纳入低保，申请医疗救助",
        )
    assert (row.number, row.department_name, row.kind_label) == ("ZJ-2026-000001", "县医疗保障局", "医疗救助")
    assert row.person_name == APPLICANT
    assert row.due_at == datetime(2026, 12, 15, 15, 59, 59)  # 23:59:59 Beijing, 10 working days on

    with freeze_time(ANSWERED):
        (waiting,) = referral_queries.list_referrals(ctx, "yibao1", status="open")
        assert (waiting.number, waiting.status_label, waiting.overdue) == ("ZJ-2026-000001", "待接收", False)
        assert referral_queries.list_referrals(ctx, "jiaoyu1") == []  # another department sees nothing
        referrals.accept(ctx, "yibao1", row.number)
        answered = referrals.answer(ctx, "yibao1", row.number, answer="handled", text=RESULT)
    assert answered.status_label == "已办结"

    page = case_page.case_page(ctx, app.number, "clerk1")
    (shown,) = page.referrals
    assert (shown.department_name, shown.status_label, shown.answer_text) == ("县医疗保障局", "已办结", RESULT)
    assert shown.answered_by == "县医疗保障局经办人（yibao1）"
    timeline = [entry.text for entry in page.timeline]
    assert "转介县医疗保障局办理医疗救助（ZJ-2026-000001）" in timeline
    assert "县医疗保障局接收转介 ZJ-2026-000001" in timeline
    assert f"县医疗保障局反馈转介 ZJ-2026-000001：已办结，办理结果：{RESULT}" in timeline
    # The county sees it too, and an answered referral is never escalated.
    assert [r.answer_text for r in referral_queries.list_referrals(ctx, "approver1")] == [RESULT]
    sweep_at(ctx, "2026-12-18 10:00")
    assert keys(ctx, "referral_escalated") == []
