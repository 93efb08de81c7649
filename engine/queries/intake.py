"""一门受理 read models (docs/intake.md): the register (scoped to the user's unit, 身份证号 masked), one
request's page, the dashboard's counts and the hotline feedback export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from engine import policy
from engine.clock import to_china, utcnow
from engine.context import Context
from engine.domain.id_numbers import mask_id_number
from engine.domain.roles import Level
from engine.domain.vocabulary_window import (
    FEEDBACK_SATISFACTION_LABELS,
    HOTLINE_CHANNELS,
    INTAKE_CHANNEL_LABELS,
    INTAKE_NEED_LABELS,
    INTAKE_NEED_PROCESSES,
    INTAKE_OUTCOME_LABELS,
    INTAKE_STATUS_LABELS,
    REFERRAL_KIND_LABELS,
    REFERRAL_STATUS_LABELS,
)
from engine.errors import NotFound
from engine.lookups import get_user
from engine.persistence import IntakeRequest, OrgUnit, User
from engine.persistence.intake import INTAKE_OPEN_STATUSES
from engine.queries.villages import villages_of
from engine.records.window import DEPARTMENT_LEVEL
from engine.results import OrgUnitRef

LIST_LIMIT = 200
EXPORT_LIMIT = 10_000


@dataclass(frozen=True)
class IntakeRow:
    number: str
    channel: str
    channel_label: str
    external_ticket: str | None
    person_name: str
    id_number_masked: str | None
    need_kind_label: str
    township: str
    village: str | None
    registered_at: datetime
    due_at: datetime
    status: str
    status_label: str
    overdue: bool
    case_number: str | None
    referral_number: str | None


@dataclass(frozen=True)
class IntakeDetail:
    row: IntakeRow
    need: str
    need_kind: str
    phone_masked: str | None
    registered_by: str
    triaged_by: str | None
    triaged_at: datetime | None
    close_reason: str | None
    feedback: str | None
    satisfaction_label: str | None
    feedback_at: datetime | None
    # What the page offers (policy predicates) and what the triage forms need.
    may_triage: bool
    may_feedback: bool
    suggested_process: str | None
    departments: tuple[tuple[str, str], ...]
    # A referred request: what the department has done with it, so the clerk knows before asking for feedback.
    referral_state: str | None = None


@dataclass(frozen=True)
class ChannelCount:
    channel: str
    label: str
    open: int
    overdue: int


@dataclass(frozen=True)
class IntakeCounts:
    open: int
    overdue: int
    by_channel: tuple[ChannelCount, ...]


def _mask_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    return phone[:3] + "*" * max(len(phone) - 7, 0) + phone[-4:] if len(phone) > 7 else "*" * len(phone)


def row_of(intake: IntakeRequest, now: datetime | None = None) -> IntakeRow:
    now = now or utcnow()
    return IntakeRow(
        number=intake.number,
        channel=intake.channel,
        channel_label=INTAKE_CHANNEL_LABELS.get(intake.channel, "其他渠道"),
        external_ticket=intake.external_ticket,
        person_name=intake.person_name,
        id_number_masked=mask_id_number(intake.id_number) if intake.id_number else None,
        need_kind_label=INTAKE_NEED_LABELS.get(intake.need_kind, "其他诉求"),
        township=intake.township.name,
        village=intake.village.name if intake.village is not None else None,
        registered_at=intake.registered_at,
        due_at=intake.due_at,
        status=intake.status,
        status_label=INTAKE_STATUS_LABELS.get(intake.status, "状态未知"),
        overdue=intake.status in INTAKE_OPEN_STATUSES and intake.due_at < now,
        case_number=intake.case.number if intake.case is not None else None,
        referral_number=intake.referral.number if intake.referral is not None else None,
    )


def _scoped(statement: Select[tuple[IntakeRequest]], user: User) -> Select[tuple[IntakeRequest]]:
    """Requests inside the user's own unit: a village's, a township's or a county's."""
    unit = user.org_unit
    if unit.level == Level.VILLAGE:
        return statement.where(IntakeRequest.village_id == unit.id)
    if unit.level == Level.TOWNSHIP:
        return statement.where(IntakeRequest.township_id == unit.id)
    if unit.level == Level.COUNTY:
        return statement.where(IntakeRequest.county_id == unit.id)
    return statement.where(IntakeRequest.id.is_(None))  # a unit of no level sees nothing


def register_list(
    ctx: Context,
    username: str,
    *,
    status: str | None = None,
    channel: str | None = None,
    overdue: bool = False,
    text: str | None = None,
    limit: int = LIST_LIMIT,
) -> list[IntakeRow]:
    """The register, newest first, of the user's unit. `text` matches the number, name, ticket or need."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        policy.intake.check_may_list_intake(user)
        now = utcnow()
        statement = _scoped(select(IntakeRequest), user)
        if status in INTAKE_STATUS_LABELS:
            statement = statement.where(IntakeRequest.status == status)
        if channel in INTAKE_CHANNEL_LABELS:
            statement = statement.where(IntakeRequest.channel == channel)
        if overdue:
            statement = statement.where(IntakeRequest.status.in_(INTAKE_OPEN_STATUSES), IntakeRequest.due_at < now)
        if text and text.strip():
            like = f"%{text.strip()}%"
            statement = statement.where(
                or_(
                    IntakeRequest.number.like(like),
                    IntakeRequest.person_name.like(like),
                    IntakeRequest.external_ticket.like(like),
                    IntakeRequest.need.like(like),
                )
            )
        statement = statement.order_by(IntakeRequest.registered_at.desc(), IntakeRequest.id.desc()).limit(limit)
        return [row_of(i, now) for i in session.scalars(statement)]


def get_intake(session: Session, number: str) -> IntakeRequest:
    intake = session.scalars(select(IntakeRequest).where(IntakeRequest.number == number)).first()
    if intake is None:
        raise NotFound(f"受理事项 {number} 不存在")
    return intake


def departments_of(session: Session, county_id: int) -> tuple[tuple[str, str], ...]:
    units = session.scalars(
        select(OrgUnit).where(OrgUnit.parent_id == county_id, OrgUnit.level == DEPARTMENT_LEVEL).order_by(OrgUnit.code)
    )
    return tuple((u.code, u.name) for u in units)


def detail_of(session: Session, user: User, intake: IntakeRequest) -> IntakeDetail:
    ids = {intake.registered_by_id, intake.triaged_by_id or 0}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids))).unique()}
    triager = users.get(intake.triaged_by_id) if intake.triaged_by_id else None
    may_triage = policy.intake.may_triage_intake(user, intake) and intake.status in INTAKE_OPEN_STATUSES
    return IntakeDetail(
        row=row_of(intake),
        need=intake.need,
        need_kind=intake.need_kind,
        phone_masked=_mask_phone(intake.phone),
        registered_by=users[intake.registered_by_id].display_name,
        triaged_by=triager.display_name if triager is not None else None,
        triaged_at=intake.triaged_at,
        close_reason=intake.close_reason,
        feedback=intake.feedback,
        satisfaction_label=FEEDBACK_SATISFACTION_LABELS.get(intake.satisfaction or ""),
        feedback_at=intake.feedback_at,
        may_triage=may_triage,
        may_feedback=intake.status not in INTAKE_OPEN_STATUSES
        and policy.intake.may_record_intake_feedback(user, intake),
        suggested_process=INTAKE_NEED_PROCESSES.get(intake.need_kind),
        departments=departments_of(session, intake.county_id) if may_triage else (),
        referral_state=_referral_state(intake),
    )


def _referral_state(intake: IntakeRequest) -> str | None:
    """县医疗保障局：已办结，<its answer> — or only the state while the department has not answered."""
    referral = intake.referral
    if referral is None:
        return None
    state = f"{referral.department.name}：{REFERRAL_STATUS_LABELS.get(referral.status, '办理中')}"
    return f"{state}，{referral.answer_text}" if referral.answer_text else state


def intake_page(ctx: Context, username: str, number: str) -> IntakeDetail:
    with ctx.db.read() as session:
        user = get_user(session, username)
        intake = get_intake(session, number)
        policy.intake.check_may_see_intake(user, intake)
        return detail_of(session, user, intake)


def dashboard_counts(ctx: Context, username: str) -> IntakeCounts:
    """Open (awaiting triage) and overdue requests of the user's unit, by channel."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        policy.intake.check_may_list_intake(user)
        now = utcnow()
        overdue = func.sum(case((IntakeRequest.due_at < now, 1), else_=0))
        statement = _scoped(select(IntakeRequest.channel, func.count(), func.coalesce(overdue, 0)), user).where(
            IntakeRequest.status.in_(INTAKE_OPEN_STATUSES)
        )
        counts = {c: (int(n), int(o)) for c, n, o in session.execute(statement.group_by(IntakeRequest.channel))}
    rows = tuple(ChannelCount(c, label, *counts.get(c, (0, 0))) for c, label in INTAKE_CHANNEL_LABELS.items())
    return IntakeCounts(sum(r.open for r in rows), sum(r.overdue for r in rows), rows)


def dashboard_block(ctx: Context, username: str) -> IntakeCounts | None:
    """The 统计看板's 一门受理 block: the counts for a user of the register, None for the others."""
    with ctx.db.read() as session:
        if not policy.intake.may_use_intake(get_user(session, username).roles):
            return None
    return dashboard_counts(ctx, username)


EXPORT_HEADER = (
    "工单号",
    "渠道",
    "受理编号",
    "登记时间",
    "办理期限",
    "分办时间",
    "办理结果",
    "结果说明",
    "反馈内容",
    "满意度",
    "反馈时间",
)


def _outcome_note(intake: IntakeRequest) -> str:
    if intake.case is not None:
        return f"案件 {intake.case.number}"
    if intake.referral is not None:
        kind = REFERRAL_KIND_LABELS.get(intake.referral.kind, "其他事项")
        answer = f"；{_referral_state(intake)}" if intake.referral.answered_at is not None else ""
        return f"转介 {intake.referral.department.name}（{kind}，{intake.referral.number}）{answer}"
    return intake.close_reason or ""


def hotline_export(ctx: Context, username: str, channel: str | None = None) -> list[tuple[str, ...]]:
    """The hotline requests of the user's unit as rows for the hotline platform (header first). Times are
    Beijing time; an open request has an empty outcome."""

    def when(at: datetime | None) -> str:
        return f"{to_china(at):%Y-%m-%d %H:%M}" if at is not None else ""

    channels: Sequence[str] = [channel] if channel in HOTLINE_CHANNELS else sorted(HOTLINE_CHANNELS)
    with ctx.db.read() as session:
        user = get_user(session, username)
        policy.intake.check_may_list_intake(user)
        statement = _scoped(select(IntakeRequest), user).where(IntakeRequest.channel.in_(channels))
        intakes = session.scalars(statement.order_by(IntakeRequest.registered_at, IntakeRequest.id).limit(EXPORT_LIMIT))
        rows: list[tuple[str, ...]] = [EXPORT_HEADER]
        for i in intakes:
            rows.append(
                (
                    i.external_ticket or "",
                    INTAKE_CHANNEL_LABELS.get(i.channel, ""),
                    i.number,
                    when(i.registered_at),
                    when(i.due_at),
                    when(i.triaged_at),
                    INTAKE_OUTCOME_LABELS.get(i.status, "待分办"),
                    _outcome_note(i),
                    i.feedback or "",
                    FEEDBACK_SATISFACTION_LABELS.get(i.satisfaction or "", ""),
                    when(i.feedback_at),
                )
            )
        return rows


@dataclass(frozen=True)
class Places:
    """Where the user may register: the townships (a county user chooses one) and the villages."""

    townships: tuple[OrgUnitRef, ...]
    villages: tuple[OrgUnitRef, ...]


def registration_places(ctx: Context, username: str) -> Places:
    with ctx.db.read() as session:
        user = get_user(session, username)
        policy.intake.check_may_register_any_intake(user)
        unit = user.org_unit
        if unit.level == Level.COUNTY:
            towns = session.scalars(
                select(OrgUnit).where(OrgUnit.parent_id == unit.id, OrgUnit.level == Level.TOWNSHIP.value)
            )
            townships = tuple(OrgUnitRef(t.code, t.name) for t in towns)
        elif unit.level == Level.TOWNSHIP:
            townships = (OrgUnitRef(unit.code, unit.name),)
        else:
            townships = ()
        return Places(townships, tuple(villages_of(session, user)))
