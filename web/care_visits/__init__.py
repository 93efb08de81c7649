"""特困人员探访 (/tekun/visits): the open and missed monthly visits to 特困 recipients in 分散供养 in the user's
village, township or county (docs/tekun-visits.md)."""

from __future__ import annotations

from flask import Blueprint

from web.care_visits import pages

BLUEPRINTS: tuple[Blueprint, ...] = (pages.bp,)
