from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.persistence.base import Base
from engine.persistence.org import User


class DraftFile(Base):
    """A designer's not-yet-deployed copy of one process file of a region (a BPMN, a DMN, a form
    definition or the region's parameters.toml). Drafts live in the database, not in processes/, so
    an unfinished edit never reaches `dibao processes deploy`; deploying a draft writes it to disk.
    The content is UTF-8 text: every file kind a designer may upload is a text format."""

    __tablename__ = "draft_file"
    __table_args__ = (UniqueConstraint("region", "filename", name="uq_draft_file_region_filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(32), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    updated_by: Mapped[User] = relationship()
