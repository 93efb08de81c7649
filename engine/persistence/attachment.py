from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.persistence.base import Base
from engine.persistence.cases import Case
from engine.persistence.org import User


class Attachment(Base):
    """A file uploaded on a task (入户调查表, 评议记录 …). The row holds the metadata; the content lives on
    disk under its sha256 (content-addressed), so identical files share one blob and a changed blob is
    detectable. `number` (附件编号, "FJ-2026-000012") is what task forms and paper files refer to."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"), index=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    description: Mapped[str | None] = mapped_column(String(200))

    case: Mapped[Case] = relationship()
    uploaded_by: Mapped[User] = relationship()
