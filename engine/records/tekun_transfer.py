"""特困人员认定办法 Art. 27: a person whose 特困 support ends but who still qualifies for 低保 or 临时救助 is
passed to the township's one window, not left to apply again alone (docs/tekun-exit.md).

When a termination (tekun_termination_steps, on its own or called by tekun_review) completes with the county's
`transfer_to` = dibao_application or temporary_assistance, a 一门受理 request (engine.persistence.intake) is
registered for the case's township, with the person's name, 身份证号 and village from the tekun record, so
triage can start the prefilled application (engine.services.intake.start_values). Called by writeback.persist
on completion, which happens once per instance; the audit event `tekun_transfer_registered` carries the
request number onto the termination case's timeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.persistence import Case, ProcessInstance
from engine.persistence.intake import IntakeRequest
from engine.records import audit
from engine.records.window import register_request

# transfer_to → IntakeRequest.need_kind and the words of the need.
TRANSFERS = {"dibao_application": ("dibao", "最低生活保障"), "temporary_assistance": ("temporary", "临时救助")}
# The township found the need itself while ending the support: 网格/主动发现 is the channel that says so.
CHANNEL = "grid"


def register_transfer(
    ctx: Context, session: Session, case: Case, instance: ProcessInstance, data: Mapping[str, Any], actor: audit.Actor
) -> IntakeRequest | None:
    """The one-window request of a completed termination that transfers the person; None when it does not."""
    transfer = TRANSFERS.get(str(data.get("transfer_to") or ""))
    if transfer is None or data.get("outcome") != "stop" or case.township_id is None or case.county_id is None:
        return None
    registered_by = actor.user_id or case.created_by_id  # 首问负责: who decided or who started the termination
    if registered_by is None or _already(session, case):
        return None
    need_kind, label = transfer
    person = _person(data.get("household"))
    request = register_request(
        ctx,
        session,
        region=case.region,
        channel=CHANNEL,
        registered_by_id=registered_by,
        county_id=case.county_id,
        township_id=case.township_id,
        village_id=case.village_id,
        person_name=str(person.get("name") or case.applicant_name or ""),
        id_number=str(person.get("id_number") or "") or None,
        need=f"特困人员救助供养终止（案件 {case.number}），经县级决定转入{label}，请乡镇受理（特认第二十七条）",
        need_kind=need_kind,
    )
    audit.record(
        session,
        "tekun_transfer_registered",
        actor,
        case_id=case.id,
        instance_id=instance.id,
        details={"intake": request.number, "transfer_to": data.get("transfer_to"), "need_kind": need_kind},
    )
    return request


def _person(record: Any) -> Mapping[str, Any]:
    person = record.get("person") if isinstance(record, Mapping) else None
    return person if isinstance(person, Mapping) else {}


def _already(session: Session, case: Case) -> bool:
    """A request for this termination exists (completion is once, but a retried step must not add a second)."""
    marker = f"（案件 {case.number}）"
    return session.scalars(select(IntakeRequest.id).where(IntakeRequest.need.contains(marker))).first() is not None
