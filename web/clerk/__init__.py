"""The clerk's workspace, for the staff who handle cases (村/社区, 乡镇, 县): 工作台 (inbox), the task pages
(tasks), 受理登记 (intake), 案件查询 and the case pages with their diagrams (cases), and attachments."""

from __future__ import annotations

from flask import Blueprint

from web.clerk import (  # noqa: F401  (抄送我的; 催办 routes on the tasks blueprint)
    attachments,
    case_extend,
    case_terminate,
    cases,
    copies,
    delegation,
    document_corrections,
    document_printing,
    documents,
    due_reviews,
    inbox,
    intake,
    objections,
    rewinding,
    tasks,
    urging,
)

BLUEPRINTS: tuple[Blueprint, ...] = (
    inbox.bp,
    tasks.bp,
    intake.bp,
    cases.bp,
    attachments.bp,
    objections.bp,
    case_terminate.bp,  # 终止 and the case page's ending panel
    due_reviews.bp,  # the batch start of due re-checks
    case_extend.bp,  # 延长办理期限 on the case page
    rewinding.bp,  # 撤回, 退回 (docs/withdraw-and-return.md)
    document_corrections.bp,  # 更正 of an issued document
    document_printing.bp,  # batch printing of 公示 sheets and 确认通知书
    documents.bp,  # 文书 download and print (docs/documents-verify-and-download.md)
    copies.bp,  # 抄送我的 (docs/urge-and-copy.md)
)
