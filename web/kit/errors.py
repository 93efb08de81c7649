"""Domain errors and HTTP errors as Chinese pages; a request id on every response, never a stack trace.

NotFound → 404, PermissionDenied → 403, InvalidData → 422, Conflict → a flash message and back to the
inbox (the task was done or changed by someone else meanwhile), RateLimited → 429 (with Retry-After),
WorkflowFailed → 500 with the engine's message, an unusable audit key (the chain key, the auditor's
public key) → 500 with the details in the log. The database down, full or busy (engine.outages) and an
unwritable attachment or document store (StorageUnavailable) → 503 with Retry-After: nothing was saved,
the transaction was rolled back. Anything unexpected is logged with the request id, which
the 500 page shows and every response carries as X-Request-Id.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from flask import Flask, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from engine.errors import (
    AuditKeyError,
    CheckpointError,
    Conflict,
    DibaoError,
    InvalidData,
    NotFound,
    PermissionDenied,
    RateLimited,
    StorageUnavailable,
    WorkflowFailed,
)
from engine.outages import DATABASE_ERRORS, database_outage

log = logging.getLogger("dibao.web")

AUDIT_UNAVAILABLE = "审计日志暂不可用（审计密钥缺失或无效），本次操作未保存。请联系系统管理员。"
HTTP_TITLES = {
    400: "请求有误",
    401: "需要登录",
    403: "无权访问",
    404: "页面不存在",
    405: "不支持的请求方式",
    409: "操作冲突",
    413: "提交的内容过大",
    422: "提交的数据有误",
    429: "请求过于频繁",
    500: "系统内部错误",
    503: "服务暂不可用",
}
STORAGE_RETRY_AFTER = 60


def request_id() -> str:
    rid: str | None = g.get("request_id")
    if rid is None:
        rid = g.request_id = uuid.uuid4().hex
    return rid


def error_page(status: int, message: str, *, title: str | None = None, plain: bool = False) -> tuple[str, int]:
    """`plain`: a page that needs nothing but this message (the layout asks the database who is signed in)."""
    heading = title or HTTP_TITLES.get(status, "出错了")
    try:
        if not plain:
            return render_template(
                "kit/error.html", status=status, title=heading, message=message, rid=request_id()
            ), status
    except Exception:  # the page itself failed (say the database is down): a bare page, still no trace
        log.exception("error page failed, request_id=%s", request_id())
    return (
        f"<!doctype html><html lang=zh-CN><meta charset=utf-8><title>{escape(heading)}</title>"
        f"<h1>{escape(heading)}</h1><p>{escape(message)}</p><p>请求编号：{request_id()}</p></html>",
        status,
    )


def _not_found(exc: NotFound) -> ResponseReturnValue:
    return error_page(404, exc.message)


def _forbidden(exc: PermissionDenied) -> ResponseReturnValue:
    return error_page(403, exc.message)


def _invalid(exc: InvalidData) -> ResponseReturnValue:
    details = "；".join(m for messages in exc.fields.values() for m in messages)
    return error_page(422, f"{exc.message}：{details}" if details else exc.message)


def _conflict(exc: Conflict) -> ResponseReturnValue:
    flash(exc.message, "error")
    return redirect(url_for("inbox.index"))


def _workflow_failed(exc: WorkflowFailed) -> ResponseReturnValue:
    log.error("workflow failed at %s: %s, request_id=%s", exc.element, exc.message, request_id())
    return error_page(500, f"流程运行出错：{exc.message}。已保留上一步的状态，请联系系统管理员。", title="流程运行出错")


def _audit_unavailable(exc: AuditKeyError | CheckpointError) -> ResponseReturnValue:
    # A server misconfiguration (the chain key or the auditor's public key): the details, file paths
    # included, go to the log, not to the user.
    log.error("audit keys unusable: %s, request_id=%s", exc.message, request_id())
    return error_page(500, AUDIT_UNAVAILABLE, title="审计日志暂不可用")


def _database_error(exc: Exception) -> ResponseReturnValue:
    outage = database_outage(exc)
    if outage is None:
        return _unexpected(exc)
    log_outage(outage.kind, exc)
    page, status = error_page(503, outage.message, plain=True)
    return page, status, [("Retry-After", str(outage.retry_after))]


def log_outage(kind: str, exc: Exception) -> None:
    """The driver's own message only: SQLAlchemy's text of the error carries the statement's parameters,
    which may hold a 身份证号."""
    cause = getattr(exc, "orig", None) or exc.__cause__ or exc
    log.error("database %s: %s: %s, request_id=%s", kind, type(cause).__name__, cause, request_id())


def _storage_unavailable(exc: StorageUnavailable) -> ResponseReturnValue:
    log.error("storage unwritable: %r, request_id=%s", exc.__cause__, request_id())
    page, status = error_page(503, exc.message)
    return page, status, [("Retry-After", str(STORAGE_RETRY_AFTER))]


def _other_domain_error(exc: DibaoError) -> ResponseReturnValue:
    return error_page(400, exc.message)


def _rate_limited(exc: RateLimited) -> ResponseReturnValue:
    """Too soon (a 催办 within its interval, docs/urge-and-copy.md): 429, saying when to try again."""
    page, status = error_page(429, exc.message)
    return page, status, [("Retry-After", str(exc.retry_after))] if exc.retry_after else []


def _csrf(exc: CSRFError) -> ResponseReturnValue:
    return error_page(400, "页面已过期或缺少安全校验信息，请返回并刷新页面后重试。", title="请求未通过安全校验")


def answer_in_json_under(app: Flask, prefix: str, render: Callable[[HTTPException], Response]) -> None:
    """HTTP errors of addresses under `prefix` are rendered by `render` (the JSON API's), also those raised
    while routing (unknown address, a method the address does not take), which Flask hands to the app's
    handlers only: no blueprint is known before a route matched."""
    app.extensions["dibao.json_errors"] = (prefix.rstrip("/"), render)


def _json_renderer() -> Callable[[HTTPException], Response] | None:
    prefix, render = current_app.extensions.get("dibao.json_errors", ("", None))
    if render is not None and (request.path == prefix or request.path.startswith(prefix + "/")):
        return render  # type: ignore[no-any-return]
    return None


def _http(exc: HTTPException) -> ResponseReturnValue:
    json_render = _json_renderer()
    if json_render is not None:
        return json_render(exc)
    status = exc.code or 500
    if status >= 500:
        log.error("HTTP %s, request_id=%s", status, request_id())
    messages = {
        404: "您要找的页面不存在。",
        405: "该地址不支持这种请求方式。",
        413: "提交的内容超过了系统允许的大小，未被保存。附件请压缩或拆分成较小的文件后重新上传。",
    }
    page, status = error_page(status, messages.get(status, HTTP_TITLES.get(status, "请求未能完成。")))
    # The exception's own headers stay: Allow on a 405 (RFC 9110), Retry-After where given.
    headers = [(name, value) for name, value in exc.get_headers() if name.lower() != "content-type"]
    return page, status, headers


def _unexpected(exc: Exception) -> ResponseReturnValue:
    log.exception("unexpected error, request_id=%s", request_id())
    return error_page(500, "系统遇到意外错误，已记录。请稍后重试；如仍有问题，请把请求编号告诉系统管理员。")


def _assign_request_id() -> None:
    request_id()


def _set_request_id(response: Response) -> Response:
    response.headers["X-Request-Id"] = request_id()
    return response


def init_app(app: Flask) -> None:
    app.before_request(_assign_request_id)
    app.after_request(_set_request_id)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(PermissionDenied, _forbidden)
    app.register_error_handler(InvalidData, _invalid)
    app.register_error_handler(Conflict, _conflict)
    app.register_error_handler(WorkflowFailed, _workflow_failed)
    app.register_error_handler(RateLimited, _rate_limited)
    app.register_error_handler(AuditKeyError, _audit_unavailable)
    app.register_error_handler(CheckpointError, _audit_unavailable)
    app.register_error_handler(StorageUnavailable, _storage_unavailable)
    app.register_error_handler(DibaoError, _other_domain_error)
    for database_error in DATABASE_ERRORS:
        app.register_error_handler(database_error, _database_error)
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _unexpected)
