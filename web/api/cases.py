"""Starting a case, reading it and its history (cases.* and case_history checks the org scope)."""

from __future__ import annotations

from typing import Any

from engine.queries import case_history, case_view
from engine.results import CaseView
from engine.services import cases
from web.api.bodies import start_case_body
from web.api.core import ctx, fields_under, me, operation
from web.api.links import CASE_LINKS, open_task_links
from web.api.schemas import CaseHistorySchema, CaseSchema, StartCaseRequestSchema

_SCOPE = "案件所在村/社区、乡镇或县的工作人员"


@operation(
    "POST",
    "/cases",
    summary="登记（启动）案件",
    tag="cases",
    body=StartCaseRequestSchema,
    response=CaseSchema,
    status=201,
    roles="村/社区、乡镇或县工作人员，只能为本机构辖区内的村/社区登记",
    errors=(400, 401, 403, 404, 409, 422, 500),
    description=(
        "地区由 data.village 所属地区决定；启动数据有误得到 422，fields 以 data.字段 命名每个问题。"
        "低保、特困申请的身份证号（家庭成员或申请人）与在办案件或在保记录重复时得到 409"
        "（error 为 duplicate，duplicates 列出重复项；辖区外的只说明存在，不给案件编号），"
        "确认后以 confirm_duplicate: true 再提交即登记。"
    ),
    body_document=start_case_body,
    links={**CASE_LINKS, **open_task_links("/open_tasks/0/id")},
)
def start(body: dict[str, Any]) -> CaseView:
    with fields_under("data"):
        return cases.start_case(ctx(), body["process"], me(), body["data"], confirm_duplicate=body["confirm_duplicate"])


@operation(
    "GET",
    "/cases/<number>",
    summary="案件：状态、阶段、法定时限、评估结果、待办任务",
    tag="cases",
    response=CaseSchema,
    roles=_SCOPE,
    errors=(401, 403, 404),
    links={"GetHistory": CASE_LINKS["GetHistory"], **open_task_links("/open_tasks/0/id")},
)
def show(number: str) -> CaseView:
    return case_view.show_case(ctx(), number, me())


@operation(
    "GET",
    "/cases/<number>/history",
    summary="案件的审计事件（时间顺序）",
    tag="cases",
    response=CaseHistorySchema,
    roles=_SCOPE,
    errors=(401, 403, 404),
)
def history(number: str) -> dict[str, Any]:
    return {"case_number": number, "events": case_history.case_history(ctx(), number, me())}
