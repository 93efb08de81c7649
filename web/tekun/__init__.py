"""特困抽查 (/tekun/sampling): the county's random sample of the 特困 cases waiting for its check, drawn by the
system, with the past draws and their verification (docs/tekun-sampling.md)."""

from __future__ import annotations

from flask import Blueprint

from web.tekun import pages

BLUEPRINTS: tuple[Blueprint, ...] = (pages.bp,)
