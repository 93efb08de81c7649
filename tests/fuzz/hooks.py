"""Schemathesis hooks for `make fuzz-api` (loaded through tests/fuzz/schemathesis.toml).

The API document states in words what no schema keyword can (web/api/form_schemas.py); these hooks make
schema-valid requests follow the same sentences, as a client reading the document would:
- `format: id-number`: GB 11643 numbers with a real birth date and the right check character;
- `format: date`: days from 2021-07-01 (the earliest national parameters) to today, so a date is neither in
  the future (事发日期 and the like) nor before any parameters were in force (as_of);
- a household has exactly one applicant (relation self) and no id number twice;
- a case is registered in a village of the demo user's township (the fuzz token is clerk1's);
- a 特困 assessment is dated when last year's minimum wage is known (from 2022).
Negative (schema-violating) requests are left as drawn.

Some refusals are about data the request names, not about its shape, and stay 422 with the field named:
the colleague of a transfer (`to`), the case a re-check names (`data.related_case`), the tasks and decision
of a 批量审批 (`task_ids`, `decision`, `opinion`: one step with a decision form), the steps and cases of a
迁移 (`mapping`, `cases`, `expected`), and the content of a
task's form (`data.*` of complete and of a draft, whose form differs per task: GET /tasks/{id} shows it). A rejected
schema-valid request is forgiven only when every field it names is one of these, or its message is one of
the worded rules above (the coverage phase draws from the schema keywords only); any other field fails.

Counting: every request, by phase, operation and status, is written as JSON to the file named by
DIBAO_FUZZ_STATS when the run ends (the runner reports it).
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from collections import Counter
from datetime import date, timedelta
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.openapi.checks import RejectedPositiveData

from engine.domain.id_numbers import check_character

FIRST_DAY = date(2021, 7, 1)
VILLAGE = "demo-village-1-1"  # clerk1 (demo-town-1) may register cases here
# Operation → the body fields whose 422 is about data the request names (see the module docstring).
DATA_REFERENCES: dict[str, tuple[str, ...]] = {
    "POST /api/v1/tasks/{task_id}/transfer": ("to",),
    # 退回 and an administrator's move name a step the task (or the case) declares or reached; 委派 a colleague.
    "POST /api/v1/tasks/{task_id}/return": ("to",),
    "POST /api/v1/cases/{number}/move": ("to",),
    "POST /api/v1/tasks/{task_id}/delegate": ("to",),
    "POST /api/v1/tasks/{task_id}/complete": ("data.",),
    # A draft holds the task's own form fields only (and at most 200 KB): `data.<field>`, or `data` whole.
    "PUT /api/v1/tasks/{task_id}/draft": ("data",),
    "POST /api/v1/cases": ("data.related_case",),
    # 批量审批: whether the tasks are one step with a decision form, and which decisions that form offers.
    "POST /api/v1/tasks/batch": ("task_ids", "decision", "opinion"),
    # 迁移: the mapping names steps of the two versions (its keys too: OpenAPI 3.0 has no propertyNames to
    # state their length), the cases and their expected versions name running cases.
    "POST /api/v1/processes/{process_id}/migrations": ("mapping", "cases", "expected"),
    # 一门受理 names a township or village of the caller's scope; 转介 a department of the case's county.
    "POST /api/v1/intake": ("township", "village"),
    "POST /api/v1/cases/{number}/referrals": ("department",),
}

# The server's messages for the rules the document states in words: the map_case hook keeps the fuzzing
# and stateful phases inside them, but the coverage phase builds its values from the schema keywords alone
# (an id number of 18 zeros matches the documented pattern).
# 一门受理: a hotline channel needs its ticket number (热线来件必填).
WORDED_RULES = ("校验码不正确", "出生日期不正确", "不能晚于今天", "必须有且只有一名", "重复", "热线来件必填")
# The 特困 assessment reads last year's minimum wage (the year before as_of), so its document asks for an
# as_of whose previous year-end has parameters: from 2022 for the national ones (in force from 2021-07-01).
TEKUN_FIRST_DAY = date(2022, 1, 1)

_LOCK = threading.Lock()
_CALLS: Counter[tuple[str, str, int]] = Counter()


def _days() -> st.SearchStrategy[date]:
    return st.dates(min_value=FIRST_DAY, max_value=date.today())


def _id_number(born: date, region: int, sequence: int) -> str:
    head = f"{region:06d}{born:%Y%m%d}{sequence:03d}"
    return head + check_character(head)


schemathesis.openapi.format("date", _days().map(date.isoformat))
schemathesis.openapi.format(
    "id-number",
    st.builds(
        _id_number,
        st.dates(min_value=date(1920, 1, 1), max_value=date.today() - timedelta(days=1)),
        st.integers(110000, 659999),
        st.integers(0, 999),
    ),
)


def _label(case: Any) -> str:
    return f"{case.method.upper()} {case.operation.path}"


def _fix_households(value: Any) -> None:
    """Exactly one applicant and distinct id numbers in every `members` list of the body."""
    if isinstance(value, list):
        for item in value:
            _fix_households(item)
        return
    if not isinstance(value, dict):
        return
    members = value.get("members")
    if isinstance(members, list) and all(isinstance(m, dict) for m in members):
        seen: set[str] = set()
        for index, member in enumerate(members):
            if index == 0 and "relation" in member:
                member["relation"] = "self"
            elif member.get("relation") == "self":
                member["relation"] = "spouse"
            number = member.get("id_number")
            if isinstance(number, str) and number in seen:
                head = number[:14] + f"{index:03d}"
                member["id_number"] = number = head + check_character(head)
            seen.add(number if isinstance(number, str) else "")
    for child in value.values():
        _fix_households(child)


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    if case.meta is None or not case.meta.generation.mode.is_positive or not isinstance(case.body, dict):
        return case
    _fix_households(case.body)
    if _label(case) == "POST /api/v1/cases" and isinstance(case.body.get("data"), dict):
        case.body["data"]["village"] = VILLAGE
    if _label(case) == "POST /api/v1/assessments/tekun":
        _date_tekun(case.body)
    return case


def _date_tekun(body: dict[str, Any]) -> None:
    """An as_of whose previous year has parameters, and a person born by then (both stated in words)."""
    first = TEKUN_FIRST_DAY.isoformat()
    if str(body.get("as_of", "")) < first:
        body["as_of"] = first
    person = body.get("person")
    if isinstance(person, dict) and str(person.get("birth_date", "")) > str(body["as_of"]):
        person["birth_date"] = body["as_of"]


def _forgiven(label: str, field: str, messages: list[str]) -> bool:
    if any(field.startswith(prefix) for prefix in DATA_REFERENCES.get(label, ())):
        return True
    return bool(messages) and all(any(rule in m for rule in WORDED_RULES) for m in messages)


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """False (forgive) only for a schema-valid request refused over data it names (DATA_REFERENCES) or over
    a rule the document states in words (WORDED_RULES): every field the 422 names must be one of those."""
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 422:
        return True
    try:
        named = json.loads(response.content)["fields"]
    except (ValueError, KeyError, TypeError):
        return True
    label = _label(case)
    return not (named and all(_forgiven(label, field, messages) for field, messages in named.items()))


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    phase = case.meta.phase.name.value if case.meta is not None else "explicit"
    with _LOCK:
        _CALLS[(phase, _label(case), response.status_code)] += 1


def _write_stats() -> None:
    target = os.environ.get("DIBAO_FUZZ_STATS")
    if not target:
        return
    rows = [{"phase": p, "operation": o, "status": s, "count": n} for (p, o, s), n in sorted(_CALLS.items())]
    with open(target, "w", encoding="utf-8") as sink:
        json.dump(rows, sink, ensure_ascii=False, indent=1)


atexit.register(_write_stats)
