"""终止 a case, and an administrator's suspend / resume / cancel (docs/ending-and-pausing-cases.md)."""

from __future__ import annotations

from typing import Any

from marshmallow import validate

from engine.domain.vocabulary import TERMINATION_GROUNDS
from engine.results import CaseView
from engine.services import case_ending
from web.api.core import ctx, me, operation
from web.api.fields import Str, Strict
from web.api.form_schemas import NOT_BLANK
from web.api.schemas import CaseSchema

_REASON = {"description": "理由（必填，不超过 500 字）", "maxLength": case_ending.MAX_REASON, "pattern": NOT_BLANK}
_LENGTH = validate.Length(max=case_ending.MAX_REASON, error=f"不能超过 {case_ending.MAX_REASON} 个字")
_ADMIN = "系统管理（admin），只限本机构及下级机构辖区内的案件"


class TerminateRequestSchema(Strict):
    ground = Str(
        required=True,
        metadata={
            "description": "终止事由",
            "enum": list(TERMINATION_GROUNDS),
            "x-enum-descriptions": TERMINATION_GROUNDS,
        },
    )
    # A blank reason is the service's to refuse, with its own field message (422 naming reason).
    reason = Str(required=True, validate=_LENGTH, metadata=_REASON)


class ReasonRequestSchema(Strict):
    reason = Str(required=True, validate=_LENGTH, metadata=_REASON)


@operation(
    "POST",
    "/cases/<number>/terminate",
    summary="终止案件（受理后、审批决定前）",
    tag="cases",
    body=TerminateRequestSchema,
    response=CaseSchema,
    roles="流程参数 termination_roles 所列角色，只限本机构辖区内的案件",
    errors=(400, 401, 403, 404, 409, 422),
    description=(
        "待办任务取消、定时器停止、公示撤回，案件状态为 cancelled（已终止），并记录终止通知。"
        "已终止或已作出审批决定的案件得到 409；事由不在列表中或理由为空得到 422。"
    ),
)
def terminate(number: str, body: dict[str, Any]) -> CaseView:
    return case_ending.terminate(ctx(), number, me(), body["ground"], body["reason"])


@operation(
    "POST",
    "/cases/<number>/suspend",
    summary="暂停案件（定时器不触发，任务不能办理）",
    tag="cases",
    body=ReasonRequestSchema,
    response=CaseSchema,
    roles=_ADMIN,
    errors=(400, 401, 403, 404, 409, 422),
    description="已办结、已终止、已暂停或出错的案件得到 409。",
)
def suspend(number: str, body: dict[str, Any]) -> CaseView:
    return case_ending.suspend(ctx(), number, me(), body["reason"])


@operation(
    "POST",
    "/cases/<number>/resume",
    summary="恢复已暂停的案件（暂停期间到期的定时器在下一次轮询时触发）",
    tag="cases",
    body=ReasonRequestSchema,
    response=CaseSchema,
    roles=_ADMIN,
    errors=(400, 401, 403, 404, 409, 422),
    description="未暂停的案件得到 409。",
)
def resume(number: str, body: dict[str, Any]) -> CaseView:
    return case_ending.resume(ctx(), number, me(), body["reason"])


@operation(
    "POST",
    "/cases/<number>/cancel",
    summary="撤销案件（管理员结束案件，效果同终止，事由为“其他（管理员撤销）”）",
    tag="cases",
    body=ReasonRequestSchema,
    response=CaseSchema,
    roles=_ADMIN,
    errors=(400, 401, 403, 404, 409, 422),
    description="已办结或已终止的案件得到 409。",
)
def cancel(number: str, body: dict[str, Any]) -> CaseView:
    return case_ending.cancel(ctx(), number, me(), body["reason"])
