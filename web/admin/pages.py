"""系统管理 (/admin): users, roles and org units of the administrator's own unit and the units below it.

Who may do what is engine.services.admin's decision (the admin role, the admin's subtree, the role-level
fit, not oneself); every change is audited there. Everything here is presentation: forms posted with the
CSRF token, field errors at their fields with the values kept (422), success as a flash and a redirect.

A password the system generated (a new user without one, a reset) is shown on the response page itself,
once, with Cache-Control: no-store; never in a flash message, which would travel in the session cookie
(signed, not encrypted) until the next page is drawn.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine.errors import InvalidData, WorkflowFailed
from engine.services import admin
from web.kit.current import context, login_required, page_number, username

bp = Blueprint("admin", __name__, url_prefix="/admin")

_ACTIVE_FILTER = {"1": True, "0": False}


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the 系统管理 link belongs in the header of the signed-in user's pages."""
    user = getattr(current_user, "user", None)
    return {"may_administer": bool(user is not None and admin.ADMIN in user.roles)}


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _form_text(name: str) -> str:
    return request.form.get(name, "").strip()


# ---------------------------------------------------------------------------------------------- users


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    ctx, me = context(), username()
    units = admin.list_org_units(ctx, me)  # PermissionDenied for anyone but administrators
    active = request.args.get("active", "")
    filters = admin.UserFilters(
        org_unit=request.args.get("org_unit", "").strip(),
        role=request.args.get("role", "").strip(),
        active=_ACTIVE_FILTER.get(active),
        query=request.args.get("q", "").strip(),
    )
    query = {
        key: value
        for key, value in (
            ("org_unit", filters.org_unit),
            ("role", filters.role),
            ("active", active if active in _ACTIVE_FILTER else ""),
            ("q", filters.query),
        )
        if value
    }
    page, errors, status = None, {}, 200
    try:
        page = admin.list_users(ctx, me, filters, page_number())
    except InvalidData as exc:
        errors, status = exc.fields, 422
    pages = page.pages if page is not None else 1
    current = page.page if page is not None else 1
    return (
        render_template(
            "admin/index.html",
            result=page,
            units=units,
            roles=admin.role_choices(),
            filters=filters,
            active=active,
            errors=errors,
            filtered=bool(query),
            prev_url=_index_url(query, current - 1) if current > 1 else None,
            next_url=_index_url(query, current + 1) if current < pages else None,
        ),
        status,
    )


def _index_url(query: dict[str, str], page: int) -> str:
    values: dict[str, Any] = {**query, "page": page}
    return url_for(".index", **values)


def _new_user_page(values: dict[str, Any], errors: dict[str, list[str]], status: int = 200) -> ResponseReturnValue:
    units = admin.list_org_units(context(), username())  # also the role check, before the form is drawn
    return render_template(
        "admin/user_new.html",
        units=units,
        roles=admin.role_choices(),
        values=values,
        errors=errors,
        min_password=admin.MIN_PASSWORD_LENGTH,
    ), status


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def new_user() -> ResponseReturnValue:
    if request.method == "GET":
        return _new_user_page({"org_unit": request.args.get("org_unit", ""), "roles": []}, {})
    name, display, unit = _form_text("username"), _form_text("display_name"), _form_text("org_unit")
    chosen = request.form.getlist("roles")
    values: dict[str, Any] = {"username": name, "display_name": display, "org_unit": unit, "roles": chosen}
    try:
        created = admin.create_user(
            context(),
            username(),
            new_username=name,
            display_name=display,
            org_unit=unit,
            roles=chosen,
            password=request.form.get("password", ""),
        )
    except InvalidData as exc:
        return _new_user_page(values, exc.fields, 422)  # the password is never sent back
    if created.generated_password is not None:
        page = render_template(
            "admin/password.html",
            heading="用户已创建",
            target=created.username,
            display_name=created.display_name,
            password=created.generated_password,
        )
        return _no_store(make_response(page))
    flash(f"已创建用户 {created.username}（{created.display_name}）", "success")
    return redirect(url_for(".user", name=created.username))


def _user_page(name: str, errors: dict[str, list[str]] | None = None, **kept: Any) -> ResponseReturnValue:
    detail = admin.show_user(context(), username(), name)
    checked = kept.get("checked", detail.user.roles)
    return render_template("admin/user.html", d=detail, u=detail.user, errors=errors or {}, checked=checked), (
        422 if errors else 200
    )


@bp.get("/users/<name>")
@login_required
def user(name: str) -> ResponseReturnValue:
    return _user_page(name)


@bp.post("/users/<name>/roles")
@login_required
def roles(name: str) -> ResponseReturnValue:
    chosen = request.form.getlist("roles")
    try:
        change = admin.set_roles(context(), username(), name, chosen)
    except InvalidData as exc:
        return _user_page(name, exc.fields, checked=chosen)
    if change.before == change.after:
        flash("角色没有变化", "info")
    else:
        released = f"，{change.released_tasks} 项已签收任务退回待办" if change.released_tasks else ""
        flash(f"已更新 {name} 的角色{released}", "success")
    return redirect(url_for(".user", name=name))


@bp.post("/users/<name>/deactivate")
@login_required
def deactivate(name: str) -> ResponseReturnValue:
    try:
        done = admin.deactivate_user(context(), username(), name)
    except InvalidData as exc:
        return _user_page(name, exc.fields)
    flash(
        f"已停用 {name}：结束登录会话 {done.revoked_sessions} 个，注销接口令牌 {done.revoked_tokens} 个，"
        f"{done.released_tasks} 项已签收任务退回待办",
        "success",
    )
    return redirect(url_for(".user", name=name))


@bp.post("/users/<name>/reactivate")
@login_required
def reactivate(name: str) -> ResponseReturnValue:
    try:
        admin.reactivate_user(context(), username(), name)
    except InvalidData as exc:
        return _user_page(name, exc.fields)
    flash(f"已重新启用 {name}", "success")
    return redirect(url_for(".user", name=name))


@bp.post("/users/<name>/reset-password")
@login_required
def reset_password(name: str) -> ResponseReturnValue:
    reset = admin.reset_password(context(), username(), name)
    page = render_template(
        "admin/password.html",
        heading="密码已重置",
        target=reset.username,
        display_name=None,
        password=reset.password,
        revoked_tokens=reset.revoked_tokens,
        revoked_sessions=reset.revoked_sessions,
    )
    return _no_store(make_response(page))


# ---------------------------------------------------------------------------------------------- org units


def _new_unit_page(values: dict[str, str], errors: dict[str, list[str]], status: int = 200) -> ResponseReturnValue:
    units = admin.list_org_units(context(), username())
    parents = [u for u in units if u.child_level is not None]
    return render_template("admin/org_unit_new.html", parents=parents, values=values, errors=errors), status


@bp.route("/org-units/new", methods=["GET", "POST"])
@login_required
def new_org_unit() -> ResponseReturnValue:
    if request.method == "GET":
        return _new_unit_page({"parent": request.args.get("parent", "")}, {})
    values = {name: _form_text(name) for name in ("code", "name", "level", "parent")}
    try:
        unit = admin.create_org_unit(context(), username(), **values)
    except InvalidData as exc:
        return _new_unit_page(values, exc.fields, 422)
    flash(f"已新增{unit.level_label} {unit.name}（{unit.code}）", "success")
    return redirect(url_for(".index", org_unit=unit.code))


@bp.route("/org-units/<code>", methods=["GET", "POST"])
@login_required
def org_unit(code: str) -> ResponseReturnValue:
    ctx, me = context(), username()
    unit = admin.show_org_unit(ctx, me, code)  # role and scope checks, before anything is read or written
    if request.method == "GET":
        return render_template("admin/org_unit.html", unit=unit, name=unit.name, errors={})
    name = _form_text("name")
    try:
        admin.rename_org_unit(ctx, me, code, name)
    except InvalidData as exc:
        return render_template("admin/org_unit.html", unit=unit, name=name, errors=exc.fields), 422
    flash(f"已将机构 {code} 的名称改为 {name}", "success")
    return redirect(url_for(".index", org_unit=code))


# ---------------------------------------------------------------------------------------------- instances


@bp.post("/cases/<number>/retry")
@login_required
def retry_instance(number: str) -> ResponseReturnValue:
    """重试 on a case page whose instance is in error: the outcome as a flash on the case page."""
    try:
        retried = admin.retry_instance(context(), username(), number)
    except WorkflowFailed as failure:
        flash(f"重试未成功，流程仍处于出错状态：{failure.message}", "error")
    except InvalidData as exc:
        flash("；".join(m for messages in exc.fields.values() for m in messages) or exc.message, "info")
    else:
        flash(f"流程已从上一个正常状态继续运行，当前阶段：{retried.stage or '—'}", "success")
    return redirect(url_for("case_pages.show", number=number))
