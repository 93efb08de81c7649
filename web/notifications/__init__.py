"""The notification centre's pages (docs/notification-centre.md): the bell in every signed-in page's header,
the list (/notifications) and the preferences (/notifications/preferences)."""

from __future__ import annotations

from flask import Blueprint

from web.notifications import pages

BLUEPRINTS: tuple[Blueprint, ...] = (pages.bp,)
