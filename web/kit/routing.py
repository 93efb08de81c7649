"""`<id:name>`: the one URL converter for database identifiers in every route, pages and JSON API alike
(and `<month:name>` for a payroll month).

Werkzeug's `<int:…>` takes any run of digits, so /tasks/29816864197275811840 reached the database and
SQLite refused the number with OverflowError: a 500 for what is only an address that cannot exist.
Identifiers are signed 64-bit integers at most (SQLite INTEGER, PostgreSQL BIGINT; the INTEGER ids of
PostgreSQL compare with a larger bound value without error), and start at 1. Anything else does not match
the route, so the answer is the same 404 as for any unknown address: a page, or JSON under /api/v1.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import BaseConverter, ValidationError

MIN_ID = 1
MAX_ID = 2**63 - 1
# ASCII digits only, at most as many as MAX_ID has (19): no sign, no blank, no "²"; leading zeros are read
# as the number they spell, like int() does.
_DIGITS = len(str(MAX_ID))


class IdConverter(BaseConverter):
    regex = rf"[0-9]{{1,{_DIGITS}}}"
    weight = 50  # as Werkzeug's own number converters: a fixed segment still wins over a variable one
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = int(value)
        if not MIN_ID <= number <= MAX_ID:
            raise ValidationError()  # the rule does not match: 404 like any unknown address
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


# `<month:name>`: a payroll month as YYYY-MM, years 2000–9999 (engine.domain.payroll.parse_month reads the
# same). Another spelling does not match the route: a 404, and the OpenAPI pattern says so to clients.
MONTH_PATTERN = "[2-9][0-9]{3}-(?:0[1-9]|1[0-2])"


class MonthConverter(BaseConverter):
    regex = MONTH_PATTERN
    part_isolating = True


def init_app(app: Flask) -> None:
    """Before any blueprint adds its rules: a rule looks its converters up when it is added."""
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["month"] = MonthConverter
