"""Process catalogue, validation and deployment (designers, own region only) and the audit-chain check."""

from __future__ import annotations

from typing import Any

from engine.queries import deployed
from engine.results import VerifyResult
from engine.services import audit_checkpoint, designer
from web.api.core import ctx, me, operation
from web.api.schemas import (
    AuditVerifySchema,
    DeploymentSchema,
    ProcessListSchema,
    RegionRequestSchema,
    ValidationReportSchema,
)

_DESIGNER = "流程设计（designer），只限本人所在地区"


@operation(
    "GET",
    "/processes",
    summary="已部署的流程及版本",
    tag="processes",
    response=ProcessListSchema,
    errors=(401,),
)
def processes() -> dict[str, Any]:
    return {"items": deployed.list_definitions(ctx())}


@operation(
    "POST",
    "/processes/validate",
    summary="校验本地区 processes/ 中当前的流程包（不部署）",
    tag="processes",
    body=RegionRequestSchema,
    body_optional=True,
    response=ValidationReportSchema,
    roles=_DESIGNER,
    errors=(400, 401, 403, 404, 422),
    description="校验未通过时 ok 为 false，problems 逐条列出文件、行号、元素和问题。",
)
def validate(body: dict[str, Any]) -> designer.ValidationReport:
    return designer.validate_region(ctx(), me(), body.get("region"))


@operation(
    "POST",
    "/processes/deploy",
    summary="部署本地区的流程包（内容有变化的流程产生新版本）",
    tag="processes",
    body=RegionRequestSchema,
    body_optional=True,
    response=DeploymentSchema,
    roles=_DESIGNER,
    errors=(400, 401, 403, 404, 422),
    description="任一流程包校验未通过时不部署任何内容，得到 422（bundle_invalid，problems 列出问题）。",
)
def deploy(body: dict[str, Any]) -> designer.Deployment:
    return designer.deploy_region(ctx(), me(), body.get("region"))


@operation(
    "GET",
    "/audit/verify",
    summary="校验审计哈希链",
    tag="audit",
    response=AuditVerifySchema,
    roles="审计（auditor）或系统管理（admin）",
    errors=(401, 403),
)
def verify() -> VerifyResult:
    return audit_checkpoint.verify_audit(ctx(), me())
