"""Every API error is JSON: {"error": code, "message": 中文说明, "fields": {...}, "request_id": …}.

Domain errors map to statuses here and only here:
  InvalidData / ParameterProblem / BundleInvalid → 422 · NotFound → 404 · PermissionDenied → 403 ·
  Conflict → 409 · RateLimited → 429 (Retry-After) · LoginThrottled → 429 · LoginRefused and a missing or
  bad token → 401 (WWW-Authenticate: Bearer) · WorkflowFailed → 500 with the engine's message ·
  an unusable audit key (AuditKeyError, CheckpointError) → 500, details in the log only ·
  the database down, full or busy (engine.outages) and StorageUnavailable → 503 with Retry-After, nothing
  saved · any other DibaoError → 400 · HTTP errors keep their status · anything else → 500 with the request id
  and no trace (the trace goes to the log).

WorkflowFailed is a 500, not a 409: the request was valid and nobody else changed the case; the
process itself failed (a script error, a time budget, a form missing from the bundle, or an instance
an earlier failure left in `error`). Retrying cannot help, an administrator must act, which is what a
5xx tells a client; a 409 would invite it to reload and try again.
ParameterProblem is a 422: a what-if assessment for a date or region whose parameters are not in
force cannot be computed for that input; the message names the parameter.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, jsonify
from werkzeug.exceptions import HTTPException

from engine.domain.assessment import ParameterProblem
from engine.errors import (
    AuditKeyError,
    BundleInvalid,
    CheckpointError,
    Conflict,
    DibaoError,
    DuplicateFound,
    InvalidData,
    NotFound,
    PermissionDenied,
    RateLimited,
    StorageUnavailable,
    WorkflowFailed,
)
from engine.outages import DATABASE_ERRORS, database_outage
from engine.queries.duplicates import DuplicateMatch
from engine.services.auth import LoginRefused, LoginThrottled
from web.kit.errors import AUDIT_UNAVAILABLE, STORAGE_RETRY_AFTER, log_outage, request_id

log = logging.getLogger("dibao.api")

HTTP_MESSAGES = {
    400: "请求有误",
    401: "需要登录",
    403: "无权访问",
    404: "接口或资源不存在",
    405: "该接口不支持这种请求方式",
    409: "操作冲突",
    413: "请求体过大（最多 2 MB）",
    415: "请求体格式不受支持",
    422: "提交的数据有误",
    429: "请求过于频繁",
    500: "系统内部错误",
    503: "服务暂不可用",
}
_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}
_BEARER = 'Bearer realm="dibao-api"'


class ApiError(Exception):
    """An error of the HTTP envelope itself (not JSON, a bad query), raised by the web layer."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def error_response(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None, **extra: Any
) -> Response:
    body = {"error": code, "message": message, "fields": fields or {}, "request_id": request_id(), **extra}
    response = jsonify(body)
    response.status_code = status
    return response


def _api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.fields)


def _duplicate(match: object) -> dict[str, Any]:
    """A duplicate as the 409 shows it (outside the caller's scope without its case, the message saying so)."""
    if not isinstance(match, DuplicateMatch):
        return {}
    return {**asdict(match), "message": match.text}


def _domain_error(exc: DibaoError) -> Response:
    if isinstance(exc, InvalidData):
        return error_response(422, exc.code, exc.message, exc.fields)
    if isinstance(exc, BundleInvalid):
        problems = [{"file": p.file, "line": p.line, "element": p.element, "message": p.message} for p in exc.problems]
        return error_response(422, exc.code, exc.message, problems=problems)
    if isinstance(exc, ParameterProblem):
        return error_response(422, exc.code, exc.message)
    if isinstance(exc, NotFound):
        return error_response(404, exc.code, exc.message)
    if isinstance(exc, PermissionDenied):
        return error_response(403, exc.code, exc.message)
    if isinstance(exc, DuplicateFound):
        return error_response(409, exc.code, exc.message, duplicates=[_duplicate(m) for m in exc.matches])
    if isinstance(exc, Conflict):
        return error_response(409, exc.code, exc.message)
    if isinstance(exc, RateLimited):
        response = error_response(429, exc.code, exc.message, retry_after=exc.retry_after)
        if exc.retry_after:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, LoginThrottled):  # before LoginRefused: it is one
        return error_response(429, exc.code, exc.message)
    if isinstance(exc, LoginRefused):
        response = error_response(401, exc.code, exc.message)
        response.headers["WWW-Authenticate"] = _BEARER
        return response
    if isinstance(exc, WorkflowFailed):
        log.error("workflow failed at %s: %s, request_id=%s", exc.element, exc.message, request_id())
        return error_response(500, exc.code, f"流程运行出错：{exc.message}。已保留上一步的状态，请联系系统管理员。")
    if isinstance(exc, AuditKeyError | CheckpointError):
        log.error("audit keys unusable: %s, request_id=%s", exc.message, request_id())
        return error_response(500, exc.code, AUDIT_UNAVAILABLE)
    if isinstance(exc, StorageUnavailable):
        log.error("storage unwritable: %r, request_id=%s", exc.__cause__, request_id())
        return _unavailable(exc.code, exc.message, STORAGE_RETRY_AFTER)
    return error_response(400, exc.code, exc.message)


def _unavailable(code: str, message: str, retry_after: int) -> Response:
    response = error_response(503, code, message, retry_after=retry_after)
    response.headers["Retry-After"] = str(retry_after)
    return response


def _database_error(exc: Exception) -> Response:
    outage = database_outage(exc)
    if outage is None:
        return _unexpected(exc)
    log_outage(outage.kind, exc)
    return _unavailable(f"database_{outage.kind}", outage.message, outage.retry_after)


def http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status >= 500:
        log.error("HTTP %s, request_id=%s", status, request_id())
    code = _HTTP_CODES.get(status, f"http_{status}")
    response = error_response(status, code, HTTP_MESSAGES.get(status, "请求未能完成"))
    for name, value in exc.get_headers():  # Allow on a 405, Retry-After where given
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _unexpected(exc: Exception) -> Response:
    log.exception("unexpected API error, request_id=%s", request_id())
    return error_response(
        500, "internal_error", "系统遇到意外错误，已记录。请稍后重试；如仍有问题，请把请求编号告诉系统管理员。"
    )


def init_blueprint(bp: Blueprint) -> None:
    """Blueprint handlers come before the app's HTML ones for anything raised in an API view."""
    bp.register_error_handler(ApiError, _api_error)
    bp.register_error_handler(DibaoError, _domain_error)
    bp.register_error_handler(HTTPException, http_error)
    for database_error in DATABASE_ERRORS:
        bp.register_error_handler(database_error, _database_error)
    bp.register_error_handler(Exception, _unexpected)
