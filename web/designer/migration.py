"""迁移运行中的案件 (/designer/migration/<region>/<process_id>): the dry-run table, then the migration of
the cases ticked in it (docs/process-migration.md).

GET with ?to=N (and map_<old step>=<new step>, cases=…) shows the preview: where each case stands now
and would stand on version N, its open tasks kept, created or cancelled, and why a case cannot move.
POST migrates the ticked cases, each with the instance version the preview showed (a case that moved
since is refused and stays), then redirects back to the page (POST-redirect-GET) with the outcome
flashed. Who may (a designer of the region, a county administrator) is engine.services.migration's
decision; a refusal of the whole request re-renders the page with its message and 422.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import InvalidData
from engine.queries import migration as migration_queries
from engine.services import migration
from web.kit.current import context, login_required, username

bp = Blueprint("designer_migration", __name__, url_prefix="/designer/migration")

MAX_REASONS = 5  # refused cases named in the flash message; the page lists them all again


def _mapping(values: Mapping[str, str]) -> dict[str, str]:
    return {k.removeprefix("map_"): v.strip() for k, v in values.items() if k.startswith("map_") and v.strip()}


def _numbers(raw: str | None) -> list[str] | None:
    numbers = [n.strip() for n in (raw or "").replace("，", ",").split(",") if n.strip()]
    return numbers or None


def _version(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 7:
        raise InvalidData("目标版本有误", {"to": ["目标版本：请选择一个已部署的版本"]})
    return int(raw)


def _page_url(region: str, process_id: str, to_version: int | str, mapping: Mapping[str, str]) -> str:
    """The page again, previewing the same version with the same mapping (POST-redirect-GET)."""
    values: dict[str, Any] = {"region": region, "process_id": process_id, "to": to_version}
    values.update({f"map_{old}": new for old, new in mapping.items()})
    return url_for(".page", **values)


@bp.get("/<region>/<process_id>")
@login_required
def page(region: str, process_id: str) -> ResponseReturnValue:
    ctx, me = context(), username()
    form = migration_queries.migration_form(ctx, me)
    choice = next((p for p in form.processes if p.process_id == process_id), None)
    mapping, cases = _mapping(request.args), request.args.get("cases", "")
    table, errors = None, []
    try:
        to_version = _version(request.args.get("to"))
        if to_version is not None:
            table = migration.dry_run(ctx, me, process_id, region, to_version, mapping, _numbers(cases))
    except InvalidData as exc:
        to_version = None
        errors = [m for messages in exc.fields.values() for m in messages] or [exc.message]
    html = render_template(
        "designer/migration.html",
        region=region,
        process_id=process_id,
        choice=choice,
        table=table,
        mapping=mapping,
        cases=cases,
        to_version=to_version or request.args.get("to", ""),
        errors=errors,
    )
    return (html, 422) if errors else html


@bp.post("/<region>/<process_id>")
@login_required
def execute(region: str, process_id: str) -> ResponseReturnValue:
    ctx, me = context(), username()
    mapping = _mapping(request.form)
    to_version = _version(request.form.get("to"))
    chosen = request.form.getlist("case")
    if to_version is None or not chosen:
        flash("请先预览并勾选要迁移的案件", "error")
        return redirect(_page_url(region, process_id, to_version or "", mapping))
    expected = {n: int(v) for n in chosen if (v := request.form.get(f"lock_{n}", "")).isdigit()}
    try:
        table = migration.execute(ctx, me, process_id, region, to_version, mapping, chosen, expected)
    except InvalidData as exc:  # nothing migrated: say why on the page it came from
        for message in [m for messages in exc.fields.values() for m in messages] or [exc.message]:
            flash(message, "error")
        return redirect(_page_url(region, process_id, to_version, mapping))
    refused = [r for r in table.rows if not r.migrated]
    flash(
        f"已迁移 {table.migrated} 件到第 {to_version} 版" + (f"，{len(refused)} 件未迁移" if refused else ""), "success"
    )
    for row in refused[:MAX_REASONS]:
        flash(f"{row.number} 未迁移：{row.reason}", "error")
    return redirect(_page_url(region, process_id, to_version, mapping))
