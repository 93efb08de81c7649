"""会签 tasks on the HumanTask rows (docs/countersign.md): each member's task carries its member, and a
member who is a system user is its preset assignee (the task waits in their 已签收, nobody else's 待办).

A member without an account (a 民主评议 panel member) leaves the task to the lane's role in the unit;
its title names the member (engine.workflow.countersign)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.persistence import HumanTask, User
from engine.workflow.runtime import UserTaskView


def apply_member(session: Session, task: HumanTask, member: dict[str, Any] | None) -> None:
    """Store the member on a new task row; preset the assignee when the member names an active user."""
    if member is None:
        return
    task.member = member
    username = member.get("username")
    if not username:
        return
    user = session.scalars(select(User).where(User.username == username, User.active.is_(True))).first()
    if user is None:
        # The account is gone or deactivated since the list was made: the task falls back to the lane's
        # role rather than waiting forever for someone who can no longer sign in.
        task.member = {**member, "username": None}
        return
    task.state, task.assignee = "claimed", user


def stage_of(views: Iterable[UserTaskView]) -> str:
    """The case's stage from its ready tasks: a 会签 counts once, by its step (民主评议, not each member:
    fifteen members' names would not fit, and the stage says where the case is, not who is pending)."""
    titles = (
        view.title.removesuffix(f"：{view.member['name']}") if view.member and view.member.get("name") else view.title
        for view in views
    )
    return "、".join(dict.fromkeys(titles))
