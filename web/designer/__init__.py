"""The process designer's workspace (/designer): a region's process set, version history and diffs (pages),
drafts with upload, parameters, validation, dry run and deployment (drafts), document templates as
drafts with their PDF preview (documents), the browser modeler with the JSON its properties panel reads
(modeler, modeler_api), validation problems for the editors (problems), DMN tables with their test page
(dmn) and the form editor (forms)."""

from __future__ import annotations

from flask import Blueprint

from web.designer import dmn, documents, drafts, forms, migration, modeler, modeler_api, pages, problems
from web.designer import parameters as parameters  # the parameter form: a view on drafts.bp, imported to add it

BLUEPRINTS: tuple[Blueprint, ...] = (
    pages.bp,
    drafts.bp,
    modeler.bp,
    modeler_api.bp,
    documents.bp,
    problems.bp,
    dmn.bp,
    forms.bp,
    migration.bp,  # 迁移运行中的案件 (docs/process-migration.md)
)
