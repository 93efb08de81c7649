"""统计看板 (/dashboard): the page and its CSV exports (pages), its tables (tables) and SVG bar charts (charts)."""

from __future__ import annotations

from flask import Blueprint

from web.dashboard import pages, simulation

BLUEPRINTS: tuple[Blueprint, ...] = (pages.bp, simulation.bp)
