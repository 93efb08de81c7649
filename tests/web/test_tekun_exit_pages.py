"""The pages of a 特困 re-check and termination (docs/tekun-exit.md), on a person enrolled through the real
tekun_application (scenario 10: 1,040 basic + 600 care): the enrolled case links to both, prefilled; the
termination's task and case pages render; the public board shows a 终止公示 with the basic standard only."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from engine.services import timers
from tests.scenarios.tekun_exit_flow import TekunCase
from tests.scenarios.tekun_flow import TekunApplication
from tests.scenarios.tekun_sampling_flow import complete_sampling_step
from tests.web.conftest import Browser

MONDAY = "2027-01-11 02:00:00"


def _browser(make_browser: Any, who: str | None) -> Browser:
    return make_browser(who)  # type: ignore[no-any-return]


def _enrolled(ctx: Context) -> str:
    with freeze_time("2026-11-23 01:00:00"):
        app = TekunApplication(ctx).start().accept().investigate().first_review()
    with freeze_time("2026-11-30 02:00:00"):
        timers.tick(ctx)
        complete_sampling_step(app, sampled=False)
    with freeze_time("2026-12-03 02:00:00"):
        app.decide()
    return app.number


def test_termination_from_the_enrolled_case_to_the_public_board(ctx: Context, make_browser: Any) -> None:
    related = _enrolled(ctx)
    with freeze_time(MONDAY):
        clerk = _browser(make_browser, "clerk1")
        enrolled = clerk.get(f"/cases/{related}").get_data(as_text=True)
        for process in ("tekun_review", "tekun_termination"):
            link = f"/cases/new?process={process}&amp;related_case={related}&amp;village=demo-village-1-1"
            assert link in enrolled
            start = clerk.get(link.replace("&amp;", "&"))
            assert start.status_code == 200
            assert f'value="{related}"' in start.get_data(as_text=True)
        case = TekunCase(ctx, related).terminate("ineligible", reason_condition="no_income", note="已有稳定收入")
        assert clerk.get(f"/tasks/{case.task('township_check').id}").status_code == 200
        case.complete("township_check", "clerk1", {"checked_on": "2027-01-11", "findings": "已有稳定收入"})
        case.complete("township_opinion", "head1", {"decision": "propose_stop", "opinion": "拟终止"})
        shown = clerk.get(f"/cases/{case.number}").get_data(as_text=True)
        assert "终止公示：王*英" in shown
        board = _browser(make_browser, None).get("/public/notices/demo-village-1-1").get_data(as_text=True)
    assert "终止公示" in board
    assert "拟终止救助供养：王*英" in board
    assert "1040.00 元/月" in board
    # Neither the total nor the care part: the care tier is health information (also not on the 公布 list).
    assert "1640.00" not in board
    assert "600.00" not in board
