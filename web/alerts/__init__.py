"""监测预警 (/alerts): the alert register, one alert, the upload of a batch with its per-row report, and the
households under monitoring (docs/alerts.md)."""

from __future__ import annotations

from flask import Blueprint

from web.alerts import pages

BLUEPRINTS: tuple[Blueprint, ...] = (pages.bp,)
