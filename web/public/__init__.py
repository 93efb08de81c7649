"""What anyone may open without signing in: the 公示 board of each village (board) and, for operators and
their monitors, the status page (system; /healthz and /readyz are in web/ops), and 文书核验 of issued
documents (verify)."""

from __future__ import annotations

from flask import Blueprint

from web.public import board, system, verify

BLUEPRINTS: tuple[Blueprint, ...] = (board.bp, system.bp, verify.bp)  # verify: 文书核验
