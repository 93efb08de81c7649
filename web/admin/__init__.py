"""系统管理, the administrator's workspace: users, roles, org units and retrying a failed case (pages, under
/admin), and the demo clock (demo_clock, /demo/clock): it moves the time of the whole system, so only an
administrator may, and only in demo mode."""

from __future__ import annotations

from flask import Blueprint

from web.admin import case_actions, demo_clock, moving, notification_deliveries, pages

BLUEPRINTS: tuple[Blueprint, ...] = (
    pages.bp,
    demo_clock.bp,
    case_actions.bp,  # 暂停/恢复/撤销
    moving.bp,  # move a stuck case to an earlier step (docs/withdraw-and-return.md)
    notification_deliveries.bp,  # 通知发送: the outbox and its dead letters (docs/notifications-delivery.md)
)
