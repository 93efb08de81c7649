"""The auditor's read-only workspace (/audit): case search, dossiers and their exports, the chain check and
the report of who viewed personal data."""

from __future__ import annotations

from flask import Blueprint

from web.audit import pages

BLUEPRINTS: tuple[Blueprint, ...] = (pages.bp,)
