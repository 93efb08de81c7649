"""一门受理 commands (docs/intake.md), one transaction each: register a request (首问负责), triage it (start
a process with its data, refer it to a department, close it with a reason) and record the requester's
feedback. Each writes an audit event; the link of a request to the case it started is recorded in the
same transaction as the case's start."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import policy
from engine.clock import utcnow
from engine.context import Context
from engine.domain.id_numbers import birth_date, id_number_problem, normalize_id_number
from engine.domain.roles import Level
from engine.domain.vocabulary_window import (
    FEEDBACK_SATISFACTION_LABELS,
    HOTLINE_CHANNELS,
    INTAKE_CHANNEL_LABELS,
    INTAKE_NEED_LABELS,
    INTAKE_STATUS_LABELS,
    REFERRAL_KIND_LABELS,
)
from engine.errors import Conflict, DuplicateFound, InvalidData
from engine.lookups import ancestor_at_level, get_org_unit, get_user
from engine.persistence import IntakeRequest, OrgUnit, User
from engine.persistence.intake import INTAKE_OPEN_STATUSES
from engine.queries import duplicates
from engine.queries.case_view import case_view
from engine.queries.intake import IntakeDetail, detail_of, get_intake
from engine.records import audit
from engine.records.window import open_referral, register_request
from engine.results import CaseView
from engine.services import cases

PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")
NAME_MAX, NEED_MAX, TICKET_MAX, REASON_MAX = 100, 2000, 64, 1000
# What a repeated hotline ticket is compared on: the same call registered twice is the same request.
SAME_CONTENT = ("person_name", "id_number", "phone", "need", "need_kind", "township_id", "village_id")
FIELDS = ("channel", "external_ticket", "person_name", "id_number", "phone", "need", "need_kind")
TRIAGE_DONE = "该受理事项已分办（{status}），不能再次分办"


@dataclass(frozen=True)
class Registered:
    detail: IntakeDetail
    created: bool  # False: a repeated hotline ticket with the same content returned the existing request


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    """The request's own fields, checked; InvalidData naming every bad field."""
    errors: dict[str, list[str]] = {}
    clean = {k: _text(data, k) for k in FIELDS}
    if clean["channel"] not in INTAKE_CHANNEL_LABELS:
        errors["channel"] = ["受理渠道：请选择"]
    if clean["need_kind"] not in INTAKE_NEED_LABELS:
        errors["need_kind"] = ["诉求类别：请选择"]
    if not clean["person_name"] or len(clean["person_name"]) > NAME_MAX:
        errors["person_name"] = [f"姓名：必填，不超过 {NAME_MAX} 个字"]
    if not clean["need"] or len(clean["need"]) > NEED_MAX:
        errors["need"] = [f"诉求内容：必填，不超过 {NEED_MAX} 个字"]
    if clean["id_number"]:
        problem = id_number_problem(clean["id_number"])
        if problem:
            errors["id_number"] = [f"身份证号：{problem}"]
        clean["id_number"] = normalize_id_number(clean["id_number"])
    if clean["phone"] and not PHONE.fullmatch(clean["phone"]):
        errors["phone"] = ["联系电话：只能包含数字，5 至 20 位"]
    if clean["channel"] in HOTLINE_CHANNELS and not clean["external_ticket"]:
        errors["external_ticket"] = ["热线工单号：热线来件必填"]
    if len(clean["external_ticket"]) > TICKET_MAX:
        errors["external_ticket"] = [f"热线工单号：不超过 {TICKET_MAX} 个字符"]
    if errors:
        raise InvalidData("受理登记信息有误", errors)
    return {k: (v or None) for k, v in clean.items()}


def _place(session: Session, user: User, data: dict[str, Any]) -> tuple[OrgUnit, OrgUnit | None]:
    """The township that triages and the village, if any: from the village, the chosen township, or the
    user's own unit."""
    village_code, township_code = _text(data, "village"), _text(data, "township")
    village = get_org_unit(session, village_code) if village_code else None
    if village is not None and village.level != Level.VILLAGE:
        raise InvalidData("受理登记信息有误", {"village": [f"村/社区：{village.name} 不是村/社区"]})
    if village is None and user.org_unit.level == Level.VILLAGE:
        village = user.org_unit
    township = ancestor_at_level(village, Level.TOWNSHIP) if village is not None else None
    if township is None and township_code:
        township = get_org_unit(session, township_code)
    if township is None and user.org_unit.level == Level.TOWNSHIP:
        township = user.org_unit
    if township is None or township.level != Level.TOWNSHIP:
        raise InvalidData("受理登记信息有误", {"township": ["分办乡镇：请选择乡镇/街道"]})
    if village is not None and village.parent_id != township.id:
        raise InvalidData("受理登记信息有误", {"village": [f"村/社区：{village.name} 不属于 {township.name}"]})
    return township, village


def register(ctx: Context, username: str, data: dict[str, Any]) -> Registered:
    """Register a request. A hotline ticket already registered returns that request when the content is
    the same, and is a Conflict when it differs."""
    clean = _validate(data)
    try:
        return _register(ctx, username, data, clean)
    except IntegrityError:
        # A concurrent registration of the same ticket (or the same year's next number) committed first:
        # once more, which finds that request (or takes the next number).
        return _register(ctx, username, data, clean)


def _register(ctx: Context, username: str, data: dict[str, Any], clean: dict[str, Any]) -> Registered:
    with ctx.db.write() as session:
        user = get_user(session, username)
        township, village = _place(session, user, data)
        policy.intake.check_may_register_intake(user, township, village)
        clean.update(township_id=township.id, village_id=village.id if village is not None else None)
        if clean["external_ticket"]:
            existing = session.scalars(
                select(IntakeRequest).where(
                    IntakeRequest.channel == clean["channel"], IntakeRequest.external_ticket == clean["external_ticket"]
                )
            ).first()
            if existing is not None:
                return _repeated(session, user, existing, clean)
        county = township.parent
        if county is None:
            raise InvalidData("受理登记信息有误", {"township": [f"分办乡镇：{township.name} 不属于任何县"]})
        intake = register_request(
            ctx, session, region=township.region, registered_by_id=user.id, county_id=county.id, **clean
        )
        details = {"intake": intake.number, "channel": intake.channel, "ticket": intake.external_ticket}
        audit.record(session, "intake_registered", audit.Actor.of(user), details={**details, "township": township.code})
        return Registered(detail_of(session, user, intake), True)


def _repeated(session: Session, user: User, existing: IntakeRequest, clean: dict[str, Any]) -> Registered:
    if any(getattr(existing, key) != clean[key] for key in SAME_CONTENT):
        raise Conflict(
            f"热线工单号 {existing.external_ticket} 已登记为受理事项 {existing.number}，且登记内容不同：请核实工单号"
        )
    policy.intake.check_may_see_intake(user, existing)
    return Registered(detail_of(session, user, existing), False)


def _open_for_triage(session: Session, user: User, number: str) -> IntakeRequest:
    intake = get_intake(session, number)
    policy.intake.check_may_triage_intake(user, intake)
    if intake.status not in INTAKE_OPEN_STATUSES:
        raise Conflict(TRIAGE_DONE.format(status=INTAKE_STATUS_LABELS.get(intake.status, "")))
    return intake


def _triaged(intake: IntakeRequest, user: User, status: str) -> None:
    intake.status, intake.triaged_by_id, intake.triaged_at = status, user.id, utcnow()


def start_case(
    ctx: Context,
    number: str,
    username: str,
    process_id: str,
    data: dict[str, Any],
    *,
    confirm_duplicate: bool | None = None,
) -> CaseView:
    """Triage by starting a process: the case is started with `data` (the start form, prefilled from the
    request) and the request points at it, in one transaction. Like cases.start_case otherwise."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        intake = _open_for_triage(session, user, number)
        pending = cases.prepare_start(ctx, session, user, process_id, data)
        if pending.case.township_id != intake.township_id:
            raise InvalidData("启动数据有误", {"village": [f"村/社区：须为{intake.township.name}的村/社区"]})
        if confirm_duplicate is not None and process_id in cases.DUPLICATE_CHECKED:
            with session.no_autoflush:
                ids = duplicates.household_id_numbers(pending.start_data)
                matches = duplicates.find_in_session(session, user, ids)
            if matches and not confirm_duplicate:
                raise DuplicateFound(cases.DUPLICATE_MESSAGE, matches)
        session.flush()
        cases.begin_case(ctx, session, pending)
        case = pending.case
        _triaged(intake, user, "started")
        intake.case_id = case.id
        details = {"intake": intake.number, "case_number": case.number, "process_id": process_id}
        audit.record(session, "intake_case_started", audit.Actor.of(user), case_id=case.id, details=details)
        return case_view(ctx, session, case)


def refer(ctx: Context, number: str, username: str, department: str, kind: str, reason: str) -> IntakeDetail:
    """Triage by referring the request to a department of the county (转介, with its feedback deadline)."""
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if kind not in REFERRAL_KIND_LABELS:
        errors["kind"] = ["转介事项：请选择"]
    if not reason or len(reason) > REASON_MAX:
        errors["reason"] = [f"转介理由：必填，不超过 {REASON_MAX} 个字"]
    if not department.strip():
        errors["department"] = ["接收部门：请选择"]
    if errors:
        raise InvalidData("转介信息有误", errors)
    with ctx.db.write() as session:
        user = get_user(session, username)
        intake = _open_for_triage(session, user, number)
        unit = get_org_unit(session, department.strip())
        if unit.parent_id != intake.county_id:
            raise InvalidData("转介信息有误", {"department": [f"接收部门：{unit.name} 不是本县的部门"]})
        referral = open_referral(
            ctx,
            session,
            user,
            unit,
            kind=kind,
            reason=reason,
            person_name=intake.person_name,
            id_number=intake.id_number,
            source="intake",
        )
        _triaged(intake, user, "referred")
        intake.referral_id = referral.id
        details = {"intake": intake.number, "referral": referral.number, "department": unit.code}
        audit.record(session, "intake_referred", audit.Actor.of(user), details=details)
        return detail_of(session, user, intake)


def close(ctx: Context, number: str, username: str, reason: str) -> IntakeDetail:
    """Triage by closing the request with a reason (answered on the spot, not a matter for assistance …)."""
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidData("办结信息有误", {"close_reason": [f"办结理由：必填，不超过 {REASON_MAX} 个字"]})
    with ctx.db.write() as session:
        user = get_user(session, username)
        intake = _open_for_triage(session, user, number)
        _triaged(intake, user, "closed")
        intake.close_reason = reason
        details = {"intake": intake.number, "reason": reason}
        audit.record(session, "intake_closed", audit.Actor.of(user), details=details)
        return detail_of(session, user, intake)


def record_feedback(ctx: Context, number: str, username: str, text: str, satisfaction: str) -> IntakeDetail:
    """The requester's feedback on how the request was handled (after triage); a later record replaces it."""
    text = text.strip()
    errors: dict[str, list[str]] = {}
    if satisfaction not in FEEDBACK_SATISFACTION_LABELS:
        errors["satisfaction"] = ["满意度：请选择"]
    if not text or len(text) > REASON_MAX:
        errors["feedback"] = [f"反馈内容：必填，不超过 {REASON_MAX} 个字"]
    if errors:
        raise InvalidData("反馈信息有误", errors)
    with ctx.db.write() as session:
        user = get_user(session, username)
        intake = get_intake(session, number)
        policy.intake.check_may_record_intake_feedback(user, intake)
        if intake.status in INTAKE_OPEN_STATUSES:
            raise Conflict("该受理事项尚未分办：分办（启动流程、转介或办结）后才能记录反馈")
        intake.feedback, intake.satisfaction = text, satisfaction
        intake.feedback_at, intake.feedback_by_id = utcnow(), user.id
        details = {"intake": intake.number, "satisfaction": satisfaction}
        audit.record(session, "intake_feedback", audit.Actor.of(user), case_id=intake.case_id, details=details)
        return detail_of(session, user, intake)


def prefill(ctx: Context, username: str, number: str, process_id: str) -> dict[str, Any]:
    """The start form's values carried over from the request (name, 身份证号, phone, need), for a user who
    may triage it. The form shows the 身份证号 and phone in full, so the view is recorded (intake_pii_viewed)."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        intake = _open_for_triage(session, user, number)
        shown = [name for name in ("id_number", "phone") if getattr(intake, name)]
        if shown:
            details = {"intake": intake.number, "fields": shown, "reason": "分办启动流程，带入申请表"}
            audit.record(session, "intake_pii_viewed", audit.Actor.of(user), details=details)
        return start_values(intake, process_id)


def start_values(intake: IntakeRequest, process_id: str) -> dict[str, Any]:
    need = intake.need + (f"（联系电话：{intake.phone}）" if intake.phone else "")
    values: dict[str, Any] = {"village": intake.village.code} if intake.village is not None else {}
    if process_id == "temporary_assistance":
        values.update(applicant_name=intake.person_name, hardship_description=need)
        if intake.id_number:
            values["applicant_id_number"] = intake.id_number
    elif process_id == "dibao_application":
        channel = {"grid": "discovery", "alert": "discovery", "letter": "online"}.get(intake.channel, "window")
        member: dict[str, Any] = {"name": intake.person_name, "relation": "self"}
        if intake.id_number:
            member["id_number"] = intake.id_number
        values.update(channel=channel, household={"members": [member]})
    elif process_id == "tekun_application":
        values.update(_tekun_start_values(intake, need))
    return values


def _tekun_start_values(intake: IntakeRequest, need: str) -> dict[str, Any]:
    """特困: a request found by the grid or an alert was found by the village (特认 Art. 11); the birth date is the
    身份证号's."""
    found = intake.channel in ("grid", "alert")
    values: dict[str, Any] = {"applicant_name": intake.person_name, "situation": need}
    values["channel"] = "found_by_village" if found else "self"
    if found:
        values["found_note"] = need
    if intake.id_number:
        values["applicant_id_number"] = intake.id_number
        values["birth_date"] = birth_date(intake.id_number).isoformat()
    return values
