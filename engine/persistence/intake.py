"""一门受理 (docs/intake.md): every request, whatever its channel, registered with who took it (首问负责),
a working-day deadline by channel, the township's triage (start a process, refer to a department, close)
and the requester's feedback. Hotline requests keep the platform's ticket number."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.clock import utcnow
from engine.persistence.base import Base
from engine.persistence.cases import Case
from engine.persistence.org import OrgUnit
from engine.persistence.referrals import Referral

# IntakeRequest.status (vocabulary_window.INTAKE_STATUS_LABELS): waiting for triage, or triaged one way.
INTAKE_OPEN_STATUSES = ("registered",)


class IntakeRequest(Base):
    __tablename__ = "intake_request"
    __table_args__ = (UniqueConstraint("channel", "external_ticket", name="uq_intake_request_channel_ticket"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    region: Mapped[str] = mapped_column(String(32))
    county_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    township_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))  # the township that triages
    village_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    channel: Mapped[str] = mapped_column(String(24))
    external_ticket: Mapped[str | None] = mapped_column(String(64))  # the hotline platform's ticket number
    person_name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str | None] = mapped_column(String(18))  # lists mask it
    phone: Mapped[str | None] = mapped_column(String(32))
    need: Mapped[str] = mapped_column(Text)
    need_kind: Mapped[str] = mapped_column(String(24))  # vocabulary_window.INTAKE_NEED_LABELS
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))  # 首问负责
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="registered")
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    triaged_at: Mapped[datetime | None] = mapped_column(DateTime)
    close_reason: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    feedback: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[str | None] = mapped_column(String(16))  # FEEDBACK_SATISFACTION_LABELS
    feedback_at: Mapped[datetime | None] = mapped_column(DateTime)
    feedback_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    township: Mapped[OrgUnit] = relationship(foreign_keys=[township_id])
    village: Mapped[OrgUnit | None] = relationship(foreign_keys=[village_id])
    case: Mapped[Case | None] = relationship(foreign_keys=[case_id])
    referral: Mapped[Referral | None] = relationship(foreign_keys=[referral_id])


# The register by township (newest first, filtered by status), and the dashboard's open/overdue counts.
Index("ix_intake_request_township_status", IntakeRequest.township_id, IntakeRequest.status, IntakeRequest.registered_at)
Index("ix_intake_request_county_status_due", IntakeRequest.county_id, IntakeRequest.status, IntakeRequest.due_at)
