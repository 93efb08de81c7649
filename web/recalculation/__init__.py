"""年度调标 (/recalculations, docs/annual-adjustment.md): a county's recalculation runs, the prepare form, one run's
old → new table with its filters and pages, and the approve and cancel buttons."""

from __future__ import annotations

from flask import Blueprint

from web.recalculation import pages

BLUEPRINTS: tuple[Blueprint, ...] = (pages.bp,)
