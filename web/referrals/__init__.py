"""转介 (/referrals): a department's 转介待办 (pending and accepted, by deadline, overdue marked), one
referral with its accept and answer forms, and referring a case to a department from the case page
(docs/referrals.md)."""

from __future__ import annotations

from flask import Blueprint

from web.referrals import pages

BLUEPRINTS: tuple[Blueprint, ...] = (pages.bp,)
