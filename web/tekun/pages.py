"""The 特困抽查 page: thin views over engine.queries.tekun_sampling and engine.services.tekun_sampling.

GET /tekun/sampling lists the county's waiting cases and its past samples; POST /tekun/sampling draws a sample
(the seed is the system's) and redirects back (POST-redirect-GET); POST /tekun/sampling/<id>/verify draws
sample <id> again from its stored seed, population and ratio and says whether it matches. Roles and scope are
engine.policy.tekun's.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine.errors import Conflict, InvalidData
from engine.policy import tekun as policy
from engine.queries import tekun_sampling as views
from engine.services import tekun_sampling
from web.kit.current import context, login_required, username

bp = Blueprint("tekun", __name__, url_prefix="/tekun")


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the 特困抽查 link belongs in the header of the signed-in user's pages."""
    user = getattr(current_user, "user", None)
    return {
        "may_see_tekun_sampling": bool(user is not None and policy.may_see_samples_as(user.roles, user.org_unit_level))
    }


@bp.get("/sampling")
@login_required
def sampling() -> ResponseReturnValue:
    return render_template("tekun/sampling.html", page=views.sampling_page(context(), username()))


@bp.post("/sampling")
@login_required
def draw() -> ResponseReturnValue:
    try:
        sample = tekun_sampling.draw_sample(context(), username())
    except (Conflict, InvalidData) as exc:
        details = [m for messages in getattr(exc, "fields", {}).values() for m in messages]
        flash("；".join(dict.fromkeys([exc.message, *details])), "error")
        return redirect(url_for(".sampling"))
    rest = len(sample.population) - len(sample.selected)
    flash(
        f"已完成第 {sample.id} 次抽查：{len(sample.population)} 件待抽查案件中抽中 {len(sample.selected)} 件"
        f"（{'、'.join(sample.selected)}），转县级抽查核实" + (f"；其余 {rest} 件转县级审批" if rest else ""),
        "success",
    )
    return redirect(url_for(".sampling", _anchor=f"sample-{sample.id}"))


@bp.post("/sampling/<id:sample_id>/verify")
@login_required
def verify(sample_id: int) -> ResponseReturnValue:
    how = f"按第 {sample_id} 次抽查保存的随机种子、抽查范围和比例重新抽取"
    if tekun_sampling.verify_sample(context(), username(), sample_id):
        flash(f"核验结果：一致。{how}，抽中案件与记录相同", "success")
    else:
        flash(f"核验结果：不一致。{how}，抽中案件与记录不同", "error")
    return redirect(url_for(".sampling", _anchor=f"sample-{sample_id}"))
