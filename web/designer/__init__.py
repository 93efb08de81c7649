"""The process designer's workspace (/designer): a region's process set, version history and diffs (pages),
drafts with upload, parameters, validation, dry run and deployment (drafts), document templates as
drafts with their PDF preview (documents), and the browser modeler with the JSON its properties panel
reads (modeler_api)."""

from __future__ import annotations

from flask import Blueprint

from web.designer import documents, drafts, modeler, modeler_api, pages

BLUEPRINTS: tuple[Blueprint, ...] = (pages.bp, drafts.bp, modeler.bp, modeler_api.bp, documents.bp)
