"""一门受理 (/intake, docs/intake.md): the register of requests from every channel, the 登记 form, a request's
page with its triage (start a process, refer to a department, close) and feedback, and the hotline export."""

from __future__ import annotations

from flask import Blueprint

from web.intake import pages

BLUEPRINTS: tuple[Blueprint, ...] = (pages.bp,)
