"""发放名册 (/payroll): a county's monthly payroll rosters — the months, generating a draft, the roster with its
totals, reconciliation and lines, approving (locking) it, adjustments, and the bank files (docs/payments.md)."""

from __future__ import annotations

from flask import Blueprint

from web.payroll import pages

BLUEPRINTS: tuple[Blueprint, ...] = (pages.bp,)
