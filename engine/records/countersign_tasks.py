"""会签 tasks on the HumanTask rows (docs/countersign.md): each member's task carries its member, and a
member who is a system user is its preset assignee (the task waits in their 已签收, nobody else's 待办).

A member without an account (a 民主评议 panel member) leaves the task to the lane's role in the unit;
its title names the member (engine.workflow.countersign)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.persistence import HumanTask, User


def apply_member(session: Session, task: HumanTask, member: dict[str, Any] | None) -> None:
    """Store the member on a new task row; preset the assignee when the member names an active user."""
    if member is None:
        return
    task.member = member
    username = member.get("username")
    if not username:
        return
    user = session.scalars(select(User).where(User.username == username, User.active.is_(True))).first()
    if user is not None:
        task.state, task.assignee = "claimed", user
