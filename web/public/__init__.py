"""What anyone may open without signing in: the 公示 board of each village (board) and, for operators and
their monitors, the status page and the health check (system)."""

from __future__ import annotations

from flask import Blueprint

from web.public import board, system

BLUEPRINTS: tuple[Blueprint, ...] = (board.bp, system.bp)
