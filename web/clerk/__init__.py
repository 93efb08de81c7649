"""The clerk's workspace, for the staff who handle cases (村/社区, 乡镇, 县): 工作台 (inbox), the task pages
(tasks), 受理登记 (intake), 案件查询 and the case pages with their diagrams (cases), and attachments."""

from __future__ import annotations

from flask import Blueprint

from web.clerk import attachments, cases, inbox, intake, objections, tasks

BLUEPRINTS: tuple[Blueprint, ...] = (inbox.bp, tasks.bp, intake.bp, cases.bp, attachments.bp, objections.bp)

# Issue 14 (helper A): the batch start of due re-checks and 延长办理期限 from the case page.
from web.clerk import case_extend, due_reviews  # noqa: E402

BLUEPRINTS += (due_reviews.bp, case_extend.bp)
