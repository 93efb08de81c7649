"""政策模拟测算 pages (/dashboard/simulations) as a browser posts them: the report for invalid values (nothing
run), a run's progress page, its result with charts and tables, the CSV, and who may see what.

The households and their figures are tests/integration/test_simulation.py's (worked out by hand in
tests/unit/test_simulation.py): S 800 → 850 adds 300 a month, 3,600 a year.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.context import Context
from engine.persistence import SimulationJob
from engine.services import designer, simulation
from tests.integration.test_simulation import _seed
from tests.web.conftest import Browser

RAISE = {"source": "typed", "p-dibao_standard_urban": "850", "p-dibao_standard_rural": "850", "effective": "2027-01-01"}


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Runs are left queued (as if the thread had not started yet); the test runs them when it wants."""
    queued: list[int] = []
    monkeypatch.setattr(simulation, "launch", lambda ctx, job_id: queued.append(job_id))
    return queued


def _jobs(ctx: Context) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(SimulationJob)) or 0)


def test_a_run_from_the_form_to_the_result_and_csv(ctx: Context, browser: Browser, later: list[int]) -> None:
    _seed(ctx)
    browser.login("county1")
    page = browser.get("/dashboard/simulations").get_data(as_text=True)
    assert "政策模拟测算" in page
    assert "现行：800.00" in page
    assert 'value="draft"' not in page  # a county user has no drafts to choose
    reply = browser.post("/dashboard/simulations", RAISE)
    assert reply.status_code == 302
    [job_id] = later
    assert reply.headers["Location"].endswith(f"/dashboard/simulations/{job_id}")
    waiting = browser.get(f"/dashboard/simulations/{job_id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert '<progress id="progress" max="100" value="0">' in waiting
    assert "已测算 0 / 5 户" in waiting
    simulation.run_job(ctx, job_id)
    done = browser.get(f"/dashboard/simulations/{job_id}").get_data(as_text=True)
    assert "http-equiv" not in done
    assert "每月变化 <strong>300.00</strong> 元，全年变化 <strong>3600.00</strong> 元" in done
    assert "新纳入 <strong>1</strong> 户" in done
    assert 'id="chart-simulation-townships-title">每月保障金支出变化：按乡镇' in done
    assert "城关镇：增加 250.00 元，减少 0.00 元" in done  # the chart's description, for screen readers
    assert (
        "<td>张*</td><td>城关镇</td><td>在保家庭</td><td>900.00</td><td>900.00</td><td>1050.00</td><td>+150.00</td>"
        in done
    )
    reply = browser.get(f"/dashboard/simulations/{job_id}.csv")
    assert reply.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(reply.get_data(as_text=True).lstrip("\ufeff"))))
    assert [line[2] for line in lines[1:4]] == ["张*", "李*", "赵*"]
    assert lines[-1][-2:] == ["300.00", "全年 3600.00"]
    listed = browser.get("/dashboard/simulations").get_data(as_text=True)
    assert f'href="/dashboard/simulations/{job_id}">第 {job_id} 次</a>' in listed


def test_invalid_values_give_the_report_and_nothing_runs(ctx: Context, browser: Browser, later: list[int]) -> None:
    browser.login("designer1")
    bad: dict[str, Any] = {**RAISE, "p-dibao_standard_urban": "八百五", "p-marginal_multiplier": "0.9"}
    reply = browser.post("/dashboard/simulations", bad)
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "拟议参数未通过校验，未进行测算" in page
    assert "参数“城市低保标准（元/人·月）”（dibao_standard_urban）：须是不小于 0 的金额" in page
    assert 'value="八百五"' in page  # what was typed stays in the form
    reply = browser.post("/dashboard/simulations", {**RAISE, "effective": ""})
    assert "生效日期：填写了拟议参数时必填" in reply.get_data(as_text=True)
    reply = browser.post("/dashboard/simulations", {"source": "draft"})
    assert "本地区没有参数草稿" in reply.get_data(as_text=True)
    assert _jobs(ctx) == 0
    assert later == []


def test_who_may_open_the_pages(ctx: Context, make_browser: Any, later: list[int]) -> None:
    designer = make_browser("designer1")
    assert "政策测算</a>" in designer.get("/dashboard/simulations").get_data(as_text=True)
    designer.post("/dashboard/simulations", RAISE)
    [job_id] = later
    for user in ("clerk1", "head1", "auditor1"):
        other = make_browser(user)
        assert other.get("/dashboard/simulations").status_code == 403, user
        assert other.get(f"/dashboard/simulations/{job_id}").status_code == 403, user
        assert "政策测算</a>" not in other.get("/").get_data(as_text=True)
    # A designer's run covers the whole region, beyond any one county: county users do not read it.
    assert make_browser("approver1").get(f"/dashboard/simulations/{job_id}").status_code == 403
    assert make_browser("designer1").get(f"/dashboard/simulations/{job_id}").status_code == 200
    assert make_browser("designer_yantai").get(f"/dashboard/simulations/{job_id}.csv").status_code == 403
    assert make_browser("designer1").get("/dashboard/simulations/99999").status_code == 404
    # Posting without the CSRF token is refused.
    assert designer.post("/dashboard/simulations", RAISE, csrf=False).status_code == 400


def test_a_designer_simulates_the_regions_draft(ctx: Context, browser: Browser, later: list[int]) -> None:
    _seed(ctx)
    browser.login("designer1")
    page = browser.get("/dashboard/simulations").get_data(as_text=True)
    assert '<input type="radio" name="source" value="draft" disabled>' in page  # no draft yet
    text = (ctx.settings.processes_dir / "default" / "parameters.toml").read_text(encoding="utf-8")
    old = '[dibao_standard_urban]\n2021-07-01 = "800.00"'
    designer.save_file(
        ctx, "designer1", "default", "parameters.toml", text.replace(old, f'{old}\n2027-01-01 = "850.00"').encode()
    )
    page = browser.get("/dashboard/simulations").get_data(as_text=True)
    assert '<input type="radio" name="source" value="draft" checked>' in page
    # The draft raises the urban standard; the typed value raises the rural one on top of it.
    reply = browser.post(
        "/dashboard/simulations", {"source": "draft", "p-dibao_standard_rural": "850", "effective": "2027-01-01"}
    )
    assert reply.status_code == 302
    [job_id] = later
    simulation.run_job(ctx, job_id)
    done = browser.get(f"/dashboard/simulations/{job_id}").get_data(as_text=True)
    assert "拟议参数：本地区参数草稿" in done
    assert "城市低保标准（元/人·月）：800.00 元 → <strong>850.00 元</strong>" in done
    assert "农村低保标准（元/人·月）：800.00 元 → <strong>850.00 元</strong>" in done
    assert "每月变化 <strong>300.00</strong> 元" in done  # the five households are urban: as by hand
