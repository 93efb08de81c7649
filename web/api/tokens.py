"""POST /auth/token (sign in, get a bearer token) and DELETE /auth/token (revoke the token in use)."""

from __future__ import annotations

from typing import Any

from engine.services import tokens
from web.api.core import bearer_token, ctx, operation, remote_addr
from web.api.schemas import OkSchema, TokenRequestSchema, TokenSchema


@operation(
    "POST",
    "/auth/token",
    summary="用户名和密码换取访问令牌",
    tag="auth",
    public=True,
    body=TokenRequestSchema,
    response=TokenSchema,
    errors=(400, 401, 422, 429),
    description="令牌 12 小时后失效；连续 5 次密码错误后该账号暂停登录 15 分钟（429）。示范密码只在演示模式下有效。",
)
def issue(body: dict[str, Any]) -> tokens.IssuedToken:
    return tokens.issue_token(ctx(), body["username"], body["password"], remote_addr())


@operation(
    "DELETE",
    "/auth/token",
    summary="注销当前令牌",
    tag="auth",
    response=OkSchema,
    errors=(401,),
)
def revoke() -> dict[str, bool]:
    tokens.revoke_token(ctx(), bearer_token())
    return {"ok": True}
