"""The clerk's workspace, for the staff who handle cases (村/社区, 乡镇, 县): 工作台 (inbox), the task pages
(tasks), 受理登记 (intake), 案件查询 and the case pages with their diagrams (cases), and attachments."""

from __future__ import annotations

from flask import Blueprint

from web.clerk import attachments, cases, inbox, intake, objections, rewinding, tasks

BLUEPRINTS: tuple[Blueprint, ...] = (inbox.bp, tasks.bp, intake.bp, cases.bp, attachments.bp, objections.bp)
BLUEPRINTS += (rewinding.bp,)  # 撤回, 退回 (docs/withdraw-and-return.md)
