"""The household-copy widget on the real 入户调查 page (docs/household-copy.md), as a browser without
JavaScript would use it: the declared members shown masked, the whole form posted as the page holds it,
「有变化」 with 「修改」 to open one member, 「新增成员」, and a forged reference refused with a Chinese message."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.persistence import HumanTask
from tests.integration.test_household_copy import _declared, _to_home_visit
from tests.web.conftest import Browser, make_app

START = "2026-11-23 01:00:00"
VISIT = {
    "f.investigators._n": "2",
    "f.investigators.0": "王调查",
    "f.investigators.1": "李调查",
    "f.visit_date": "2026-11-23",
    "f.method": "in_person",
    "f.members_present": "申请人本人",
    "f.signed_record": "RH-2026-001",
    "f.findings": "入户核实",
}


class _Form(HTMLParser):
    """What a browser would post from the task form: inputs (checked boxes only), selects, textareas."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.values, self._select, self._textarea = False, dict[str, str](), "", ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "").endswith("/complete")
        if self.inside and tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        if not self.inside or not a.get("name", "").startswith("f."):
            return
        if tag == "input":
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.values.setdefault(a["name"], "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = ""
        elif tag == "textarea":
            self._textarea = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def _posted(html: str) -> dict[str, str]:
    form = _Form()
    form.feed(html)
    return form.values


def _submission(ctx: Context) -> dict[str, Any]:
    with ctx.db.read() as session:
        row = session.scalars(
            select(HumanTask.submission).where(HumanTask.task_name == "home_visit", HumanTask.state == "completed")
        ).one()
    assert row is not None
    return dict(row)


def ctx_case_number(ctx: Context) -> str:
    with ctx.db.read() as session:
        task = session.scalars(select(HumanTask).where(HumanTask.task_name == "home_visit")).one()
        return task.case.number


def _open(ctx: Context) -> tuple[Browser, int, dict[str, Any]]:
    declared = _declared()
    app = _to_home_visit(ctx, declared)
    browser = Browser(make_app(ctx).test_client())
    browser.login("clerk1")
    return browser, app.task("home_visit").id, declared


@freeze_time(START)
def test_the_page_shows_the_declared_members_masked_and_a_visit_without_changes_types_no_id(ctx: Context) -> None:
    browser, task_id, declared = _open(ctx)
    html = browser.get(f"/tasks/{task_id}").get_data(as_text=True)
    for person in declared["members"]:
        assert person["id_number"] not in html
        assert person["id_number"][:6] + "********" + person["id_number"][-4:] in html
        assert person["name"] in html
    assert "有变化" in html
    assert "新增成员" in html
    assert "household_copy.js" in html
    posted = _posted(html)
    assert posted["f.verified_household.members._n"] == "3"
    assert [posted[f"f.verified_household.members.{k}._ref"] for k in range(3)] == ["0", "1", "2"]
    assert all(not v for k, v in posted.items() if k.endswith(".id_number"))
    done = browser.post(f"/tasks/{task_id}/complete", {**posted, **VISIT})
    assert done.status_code == 302, done.get_data(as_text=True)
    stored = _submission(ctx)
    assert stored["verified_household"] == declared
    assert stored["household_differences"] == []


@freeze_time(START)
def test_tick_change_then_edit_one_income_without_javascript(ctx: Context) -> None:
    browser, task_id, declared = _open(ctx)
    url = f"/tasks/{task_id}/complete"
    posted = {**_posted(browser.get(f"/tasks/{task_id}").get_data(as_text=True)), **VISIT}
    posted["f.verified_household.members.0._changed"] = "true"
    opened = browser.post(url, {**posted, "_op": "edit:verified_household"})
    assert opened.status_code == 200
    html = opened.get_data(as_text=True)
    assert declared["members"][0]["id_number"] not in html
    again = _posted(html)
    assert again["f.verified_household.members.0._changed"] == "true"
    assert again["f.verified_household.members.0.incomes.0.monthly_amount"] == "1500.00"
    again["f.verified_household.members.0.incomes.0.monthly_amount"] = "2100.00"
    done = browser.post(url, {**again, **VISIT})
    assert done.status_code == 302, done.get_data(as_text=True)
    stored = _submission(ctx)
    difference = "张三·月收入：工资性收入 1500.00 → 工资性收入 2100.00"
    assert [d["text"] for d in stored["household_differences"]] == [difference]
    assert stored["verified_household"]["members"][0]["id_number"] == declared["members"][0]["id_number"]

    # The case page and the auditor's dossier show the difference, worded as stored.
    number = ctx_case_number(ctx)
    case_page = browser.get(f"/cases/{number}").get_data(as_text=True)
    assert "家庭情况核实" in case_page
    assert difference in case_page
    browser.logout()
    browser.login("auditor1")
    dossier = browser.get(f"/audit/cases/{number}").get_data(as_text=True)
    assert difference in dossier
    assert "家庭情况核实差异" in dossier  # the task_completed event's change, in words rather than JSON
    assert declared["members"][0]["id_number"] not in dossier


@freeze_time(START)
def test_a_new_member_is_added_and_typed_in_full(ctx: Context) -> None:
    browser, task_id, _ = _open(ctx)
    url = f"/tasks/{task_id}/complete"
    posted = {**_posted(browser.get(f"/tasks/{task_id}").get_data(as_text=True)), **VISIT}
    added = browser.post(url, {**posted, "_op": "add:verified_household.members"})
    assert added.status_code == 200
    form = _posted(added.get_data(as_text=True))
    assert form["f.verified_household.members._n"] == "4"
    assert "f.verified_household.members.3._ref" not in form
    form.update(
        {
            "f.verified_household.members.3.name": "张奶奶",
            "f.verified_household.members.3.id_number": "11010519450101011X",
            "f.verified_household.members.3.relation": "parent",
        }
    )
    refused = browser.post(url, {**form, **VISIT})
    assert refused.status_code == 422  # the made-up number's check character is wrong
    assert "家庭成员第 4 项·身份证号" in refused.get_data(as_text=True)


@freeze_time(START)
def test_a_forged_reference_is_refused_with_a_chinese_message_naming_the_field(ctx: Context) -> None:
    browser, task_id, declared = _open(ctx)
    posted = {**_posted(browser.get(f"/tasks/{task_id}").get_data(as_text=True)), **VISIT}
    posted["f.verified_household.members.2._ref"] = "7"
    refused = browser.post(f"/tasks/{task_id}/complete", posted)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "核实后的家庭情况·家庭成员第 3 项：引用的原家庭成员不存在" in html
    for person in declared["members"]:
        assert person["id_number"] not in html
