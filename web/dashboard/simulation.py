"""政策模拟测算 (/dashboard/simulations): choose the region's draft parameters or type a few values, start a
what-if run, watch its progress, read its result as SVG charts and tables, download its CSV
(docs/policy-simulation.md).

Presentation only: engine.services.simulation validates and runs, engine.queries.simulation reads; who may
(a designer of the region, a county clerk or approver of a county of it) is engine.policy's. The progress
page refreshes itself with <meta http-equiv="refresh"> while the run is unfinished: no script, so the
Content-Security-Policy needs no exception.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from engine import policy
from engine.domain.simulation_parameters import TYPED_PARAMETERS, Override
from engine.domain.vocabulary import CATEGORY_SHORT_LABELS, label
from engine.errors import InvalidData
from engine.queries import simulation as reads
from engine.services import simulation as service
from web.dashboard.charts import GREEN, VERMILION, Bar, Series, bar_chart
from web.kit.csv_export import csv_text
from web.kit.current import context, login_required, username

bp = Blueprint("simulation", __name__, url_prefix="/dashboard/simulations")
MAX_ROWS_SHOWN = 50


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the 政策测算 link belongs in the header of the signed-in user's pages."""
    user = getattr(current_user, "user", None)
    return {"may_simulate": bool(user is not None and policy.simulation.may_simulate(user.roles, user.org_unit_level))}


def _day(field: str, errors: dict[str, list[str]], what: str) -> date | None:
    text = request.form.get(field, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = [f"{what}：请填写有效日期（YYYY-MM-DD）"]
        return None


def _posted() -> tuple[bool, list[Override], date | None]:
    """(use the draft, typed values, the day to simulate) as posted; InvalidData for unusable dates."""
    errors: dict[str, list[str]] = {}
    use_draft = request.form.get("source") == "draft"
    as_of = _day("as_of", errors, "测算日期")
    # Typed values count with the draft too: they are laid over it (a designer trying a variant of it).
    overrides: list[Override] = []
    effective = _day("effective", errors, "生效日期")
    typed = [(name, request.form.get(f"p-{name}", "").strip()) for name in TYPED_PARAMETERS]
    typed = [(name, value) for name, value in typed if value]
    if typed and effective is None and "effective" not in errors:
        errors["effective"] = ["生效日期：填写了拟议参数时必填"]
    if effective is not None:
        overrides = [Override(name, value, effective) for name, value in typed]
    if errors:
        raise InvalidData("拟议参数未通过校验，未进行测算", errors)
    return use_draft, overrides, as_of


@bp.route("", methods=["GET", "POST"])
@login_required
def index() -> ResponseReturnValue:
    ctx, me = context(), username()
    form = service.simulation_form(ctx, me)
    report: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            use_draft, overrides, as_of = _posted()
            job_id = service.start(ctx, me, use_draft=use_draft, overrides=overrides, as_of=as_of)
        except InvalidData as exc:
            report = exc.fields or {"parameters": [exc.message]}
        else:
            service.launch(ctx, job_id)
            return redirect(url_for("simulation.show", job_id=job_id))
    page = render_template(
        "dashboard/simulation_index.html",
        form=form,
        jobs=reads.recent_jobs(ctx, me),
        report=[line for lines in report.values() for line in lines],
        posted=request.form if report else None,
    )
    return page, 422 if report else 200


def _money(value: float) -> str:
    return f"{value:,.2f} 元"


def _charts(summary: dict[str, Any]) -> dict[str, Markup]:
    towns = summary["by_township"]
    counts = summary["counts"]
    # The chart draws lengths, so a township's change is shown as an increase or a decrease, each positive.
    return {
        "townships": bar_chart(
            "chart-simulation-townships",
            "每月保障金支出变化：按乡镇",
            [
                Bar(t["name"], (max(float(t["monthly_difference"]), 0.0), max(-float(t["monthly_difference"]), 0.0)))
                for t in towns
            ],
            [Series("增加", VERMILION), Series("减少", GREEN)],
            value_text=_money,
        ),
        "outcomes": bar_chart(
            "chart-simulation-outcomes",
            "户数：按测算结果",
            [Bar(reads.OUTCOME_LABELS[k], (float(counts.get(k, 0)),)) for k in reads.OUTCOME_LABELS if counts.get(k)],
            [Series("户数")],
        ),
    }


@bp.get("/<id:job_id>")
@login_required
def show(job_id: int) -> ResponseReturnValue:
    ctx, me = context(), username()
    job = reads.job(ctx, me, job_id)
    rows = reads.affected_rows(ctx, me, job_id) if job.status == "done" else []
    for row in rows:
        row["change"] = f"{Decimal(row['new']) - Decimal(row['old']):+.2f}"
    return render_template(
        "dashboard/simulation_job.html",
        job=job,
        charts=_charts(job.summary) if job.status == "done" and job.summary else None,
        rows=rows[:MAX_ROWS_SHOWN],
        affected=len(rows),
        outcome_labels=reads.OUTCOME_LABELS,
        source_labels=reads.SOURCE_LABELS,
        category=lambda code: label(CATEGORY_SHORT_LABELS, code),
        source_name=lambda code: reads.SOURCE_LABELS.get(code, code),
        identity=lambda name: name,
    )


@bp.get("/<id:job_id>.csv")
@login_required
def export(job_id: int) -> ResponseReturnValue:
    body = csv_text(service.export_csv(context(), username(), job_id))
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="simulation-{job_id}.csv"',
            "Cache-Control": "no-store",  # the lists name households
        },
    )
