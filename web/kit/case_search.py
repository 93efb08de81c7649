"""The case search form of a request: /cases (the clerk's 案件查询) and /audit (the auditor's desk) share it
(templates/kit/_case_search_form.html)."""

from __future__ import annotations

from flask import request

from engine.queries import case_search


def search_request() -> tuple[case_search.CaseFilters, dict[str, str]]:
    """The case search filters of this request, and the non-empty ones as query parameters for the paging
    links."""
    filters = case_search.CaseFilters(
        number=request.args.get("number", "").strip(),
        name=request.args.get("name", "").strip(),
        village=request.args.get("village", "").strip(),
        status=request.args.get("status", "").strip(),
        process=request.args.get("process", "").strip(),
        overdue=request.args.get("overdue") == "1",
    )
    query = {
        key: value
        for key, value in (
            ("number", filters.number),
            ("name", filters.name),
            ("village", filters.village),
            ("status", filters.status),
            ("process", filters.process),
            ("overdue", "1" if filters.overdue else ""),
        )
        if value
    }
    return filters, query
