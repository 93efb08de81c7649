"""Our properties panel in a real Chromium (web/static/modeler/src/dibao-provider.js): designer_yantai opens
the 低保 procedure, selects 初审, changes 办理时限 from 5 to 7 and the 表单 through the panel's own inputs,
types an unsafe condition on a gateway's flow and reads the server's Chinese refusal under the field,
restores it, saves the draft, and the served XML carries the new values. The palette speaks Chinese,
the page reports no CSP violation, and it is usable at 375 px (screenshots of both widths).

Needs the assets of `make modeler-assets` (make test-browser runs it); skipped where npm was absent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Server
from tests.browser.pages import WATCH_CSP, discard_drafts, sign_in
from web.designer import modeler

pytestmark = pytest.mark.browser

PAGE = "/designer/modeler/yantai/dibao_application.bpmn"
FLOW = "flow_intake_gateway_to_accept"
CONDITION = 'decision == "approve"'
NEW_FORM = "dibao_caution_review"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"


def _open(page: Page) -> list[str]:
    page.context.add_init_script(WATCH_CSP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(PAGE)
    expect(page.get_by_role("status")).to_have_text(re.compile("^已加载"))
    return errors


def _select(page: Page, element_id: str) -> None:
    """Select a diagram element as a click would (a thin sequence flow is hard to hit with the mouse)."""
    page.evaluate(
        "id => { const m = window.dibaoModeler; m.get('selection').select(m.get('elementRegistry').get(id)); }",
        element_id,
    )


def _properties(xml: str, element_id: str) -> dict[str, str]:
    root = etree.fromstring(xml.encode())
    (task,) = root.iterfind(f".//*[@id='{element_id}']")
    return {p.get("name", ""): p.get("value", "") for p in task.iter(f"{SPIFF}property")}


def test_a_designer_edits_a_task_and_a_condition_through_the_panel(
    chromium: Browser, server: Server, screenshots: Path
) -> None:
    if not modeler.assets_installed():
        pytest.skip("bpmn-js 未安装（make modeler-assets 未找到 npm）")
    page = sign_in(chromium, server.url, "designer_yantai")
    errors = _open(page)
    palette = page.locator(".djs-palette")  # bpmn-js 18 names its entries by aria-label (its hover tooltip)
    expect(palette.locator("[data-action='create.task']")).to_have_attribute("aria-label", "创建任务")
    expect(palette.get_by_role("button", name="创建开始事件")).to_be_visible()
    expect(palette.get_by_role("button", name="抓手工具（拖动画布）")).to_be_visible()

    page.locator("[data-element-id=first_review]").first.click()
    panel = page.locator("#modeler-properties")
    expect(panel.get_by_text("办理设置", exact=True)).to_be_visible()
    due = panel.locator("#bio-properties-panel-dibao-dueWorkingDays")
    expect(due).to_have_value("5")
    due.fill("7")  # written after the panel's debounce, maybe after 初审 is left (SelectionGuard)
    form = panel.locator("#bio-properties-panel-dibao-formKey")
    expect(form).to_have_value("dibao_first_review")
    form.select_option(NEW_FORM)
    expect(form).to_have_value(NEW_FORM)
    expect(panel.get_by_role("checkbox", name="申请人")).to_be_checked()  # 上下文面板, in Chinese
    page.screenshot(path=str(screenshots / "12-modeler-panel.png"), full_page=True)

    _select(page, FLOW)
    condition = panel.locator("#bio-properties-panel-dibao-condition")
    expect(condition).to_have_value(CONDITION)
    answer = panel.locator("[data-check-for=dibao-condition]")
    expect(answer).to_have_text("顺序流条件可以通过部署校验")
    condition.fill("__import__('os').system('id')")
    expect(answer).to_have_text("顺序流条件无法在沙箱中编译：不允许使用 __import__")
    expect(answer).to_have_attribute("role", "alert")
    page.screenshot(path=str(screenshots / "12-modeler-condition-refused.png"), full_page=True)
    condition.fill(CONDITION)
    expect(answer).to_have_text("顺序流条件可以通过部署校验")  # checked from the diagram's value: written

    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("^已保存草稿 dibao_application.bpmn"))
    served = page.request.get(f"{PAGE}/xml")
    assert served.ok
    properties = _properties(served.text(), "first_review")
    assert properties["dueWorkingDays"] == "7"
    assert properties["formKey"] == NEW_FORM
    assert properties["returnTargets"] == "home_visit, data_verification"  # untouched, kept as it was
    assert CONDITION in served.text()
    assert page.evaluate("() => window.cspViolations") == []
    assert errors == []
    discard_drafts(page, "yantai")


def test_the_panel_is_usable_on_a_phone(chromium: Browser, server: Server, screenshots: Path) -> None:
    if not modeler.assets_installed():
        pytest.skip("bpmn-js 未安装（make modeler-assets 未找到 npm）")
    page = sign_in(chromium, server.url, "designer_yantai", phone=True)
    errors = _open(page)
    _select(page, "first_review")
    due = page.locator("#bio-properties-panel-dibao-dueWorkingDays")
    due.scroll_into_view_if_needed()
    expect(due).to_be_visible()
    box = due.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 375
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(screenshots / "12-modeler-panel-375.png"), full_page=True)
    assert page.evaluate("() => window.cspViolations") == []
    assert errors == []


GROUPS_BY_ELEMENT = {
    "temporary_assistance.bpmn": {"decide_level": "决策", "start": "发起设置"},
    "public_notice.bpmn": {"notice_elapsed": "定时", "lane_township_head": "泳道角色"},
    "dibao_application.bpmn": {"first_review": "办理设置"},
}


def test_every_element_of_the_processes_opens_in_the_panel(chromium: Browser, server: Server) -> None:
    """Select each element of three procedures in turn: the panel renders every one without a script error,
    and the groups the engine's properties need are there (决策表 on a business rule task, 泳道角色 on a lane,
    定时 on a timer, 调用 on a call activity)."""
    if not modeler.assets_installed():
        pytest.skip("bpmn-js 未安装（make modeler-assets 未找到 npm）")
    page = sign_in(chromium, server.url, "designer_yantai")
    page.context.add_init_script(WATCH_CSP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    seen: dict[str, set[str]] = {}
    for filename in GROUPS_BY_ELEMENT:
        page.goto(f"/designer/modeler/yantai/{filename}")
        expect(page.get_by_role("status")).to_have_text(re.compile("^已加载"))
        groups: dict[str, list[str]] = page.evaluate(
            """async () => {
                const m = window.dibaoModeler;
                const found = {};
                for (const element of m.get('elementRegistry').getAll()) {
                    if (element.type === 'label') continue;
                    m.get('selection').select(element);
                    await new Promise(resolve => setTimeout(resolve, 30));
                    found[element.id] = [...document.querySelectorAll(
                        '#modeler-properties .bio-properties-panel-group-header-title')].map(e => e.textContent);
                }
                return found;
            }"""
        )
        for element_id, expected in GROUPS_BY_ELEMENT[filename].items():
            assert expected in groups[element_id], (filename, element_id, groups[element_id])
        if filename == "public_notice.bpmn":
            assert "定时器" not in groups["notice_elapsed"]  # bpmn-js's timer group: ours replaces it
        for element_id, titles in groups.items():
            seen.setdefault(filename, set()).update(titles)
            assert titles, (filename, element_id)
    everything = set().union(*seen.values())
    assert {"办理设置", "泳道角色", "条件", "定时", "调用", "决策", "发起设置"} <= everything
    assert errors == []
    assert page.evaluate("() => window.cspViolations") == []


def test_a_new_task_gets_its_properties_from_the_panel(chromium: Browser, server: Server) -> None:
    """A user task drawn just now has no extensionElements: ticking 上下文面板 and 抄送角色 and choosing a 表单
    creates <spiffworkflow:properties> with them; unticking the last panel removes the property."""
    if not modeler.assets_installed():
        pytest.skip("bpmn-js 未安装（make modeler-assets 未找到 npm）")
    page = sign_in(chromium, server.url, "designer_yantai")
    errors = _open(page)
    page.evaluate(
        """() => {
            const m = window.dibaoModeler;
            const source = m.get('elementRegistry').get('first_review');
            const at = {x: source.x + 60, y: source.y + 300};
            const task = m.get('modeling').appendShape(source, {type: 'bpmn:UserTask'}, at);
            m.get('modeling').updateProperties(task, {id: 'drawn_task'});
            m.get('selection').select(task);
        }"""
    )
    panel = page.locator("#modeler-properties")
    panel.get_by_role("checkbox", name="申请人").check()
    panel.get_by_role("checkbox", name="家庭情况").check()
    panel.locator("#bio-properties-panel-dibao-formKey").select_option("dibao_first_review")
    panel.get_by_role("checkbox", name="县民政审批人").check()  # 抄送角色
    expect(panel.get_by_role("checkbox", name="家庭情况")).to_be_checked()
    xml = page.evaluate("() => window.dibaoModeler.saveXML().then(r => r.xml)")
    assert _properties(xml, "drawn_task") == {
        "contextPanels": "applicant, household",
        "formKey": "dibao_first_review",
        "copies": "county_approver",
    }
    panel.get_by_role("checkbox", name="申请人").uncheck()
    panel.get_by_role("checkbox", name="家庭情况").uncheck()
    expect(panel.get_by_role("checkbox", name="家庭情况")).not_to_be_checked()
    xml = page.evaluate("() => window.dibaoModeler.saveXML().then(r => r.xml)")
    assert "contextPanels" not in _properties(xml, "drawn_task")
    assert errors == []


def test_leaving_a_field_at_once_still_shows_the_next_element(chromium: Browser, server: Server) -> None:
    """The panel writes typed text after a debounce; when that write lands after the designer selected
    another element, the panel keeps showing the element now selected (SelectionGuard), and the text
    still lands on the element it was typed for."""
    if not modeler.assets_installed():
        pytest.skip("bpmn-js 未安装（make modeler-assets 未找到 npm）")
    page = sign_in(chromium, server.url, "designer_yantai")
    errors = _open(page)
    _select(page, "first_review")
    panel = page.locator("#modeler-properties")
    panel.locator("#bio-properties-panel-dibao-dueWorkingDays").fill("9")
    _select(page, FLOW)
    expect(page.get_by_role("status")).to_have_text("有未保存的修改")  # the late write has landed
    expect(panel.locator("#bio-properties-panel-dibao-condition")).to_be_visible()
    xml = page.evaluate("() => window.dibaoModeler.saveXML().then(r => r.xml)")
    assert _properties(xml, "first_review")["dueWorkingDays"] == "9"
    assert errors == []


def test_decision_call_lane_and_timer_are_set_through_the_panel(chromium: Browser, server: Server) -> None:
    """临时救助: 决策表, 调用的流程, a lane's 角色 and a timer's 类型 and 表达式, each chosen in the panel,
    are what the exported XML then says."""
    if not modeler.assets_installed():
        pytest.skip("bpmn-js 未安装（make modeler-assets 未找到 npm）")
    page = sign_in(chromium, server.url, "designer_yantai")
    page.context.add_init_script(WATCH_CSP)
    page.goto("/designer/modeler/yantai/temporary_assistance.bpmn")
    expect(page.get_by_role("status")).to_have_text(re.compile("^已加载"))
    panel = page.locator("#modeler-properties")
    _select(page, "decide_level")
    decision = panel.locator("#bio-properties-panel-dibao-calledDecisionId")
    expect(decision).to_have_value("temporary_approval_level")
    decision.select_option("reference_approval_level")
    _select(page, "public_notice_call")
    panel.locator("#bio-properties-panel-dibao-calledElement").select_option("democratic_review")
    _select(page, "lane_township_clerk")
    lane = panel.locator("#bio-properties-panel-dibao-laneRole")
    expect(lane).to_have_value("township_clerk")
    lane.select_option("township_head")
    _select(page, "paperwork_timer")
    expect(panel.locator("#bio-properties-panel-dibao-timerKind")).to_have_value("timeDate")
    panel.locator("#bio-properties-panel-dibao-timerKind").select_option("timeDuration")
    panel.locator("#bio-properties-panel-dibao-timerExpression").fill("f\"P{param('notice_days')}D\"")
    page.wait_for_function(  # the panel writes typed text after its debounce
        """() => {
            const timer = window.dibaoModeler.get('elementRegistry').get('paperwork_timer');
            const duration = timer.businessObject.eventDefinitions[0].timeDuration;
            return duration && duration.body.startsWith('f"P');
        }"""
    )
    expect(panel.locator("[data-check-for=dibao-timerExpression]")).to_have_text("定时器表达式可以通过部署校验")
    xml = page.evaluate("() => window.dibaoModeler.saveXML().then(r => r.xml)")
    root = etree.fromstring(xml.encode())
    bpmn = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
    (rule,) = root.iterfind(f".//{bpmn}businessRuleTask[@id='decide_level']")
    assert rule.findtext(f".//{SPIFF}calledDecisionId") == "reference_approval_level"
    (call,) = root.iterfind(f".//{bpmn}callActivity[@id='public_notice_call']")
    assert call.get("calledElement") == "democratic_review"
    (lane_element,) = root.iterfind(f".//{bpmn}lane[@id='lane_township_clerk']")
    assert lane_element.get("name") == "township_head"
    (timer,) = root.iterfind(f".//{bpmn}boundaryEvent[@id='paperwork_timer']/{bpmn}timerEventDefinition")
    assert timer.find(f"{bpmn}timeDate") is None
    assert timer.findtext(f"{bpmn}timeDuration") == "f\"P{param('notice_days')}D\""
    assert page.evaluate("() => window.cspViolations") == []
