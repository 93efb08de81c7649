"""Which deployed processes a case may be started with, and the start forms they take (POST /api/v1/cases).

A process that another deployed process calls (a BPMN callActivity: 公示 public_notice, 民主评议,
渐退 gradual_exit) is started by its caller with the data the caller prepared; started on its own it
would run without that data and fail in its first script (a 500) or open a case that means nothing. So
start_case refuses it like an unknown process, and the API document lists only the others.

Definitions never change once deployed, so what each bundle calls is read from its BPMN once per process.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.persistence import ProcessDefinition
from engine.workflow.catalog import BPMN_PREFIX, FORM_PREFIX, START_FORM_SUFFIX
from engine.workflow.namespaces import BPMN_NS
from engine.workflow.starters import SYSTEM_ONLY, bundle_starters
from engine.workflow.xmlsafe import UnsafeXml, parse_xml
from forms import FormDefinition

# Bundle hash → the process ids its BPMN calls. Keyed by content, not by row id: ids of another database
# (a test's, a second server's) may name other bundles.
_CALLS: dict[str, frozenset[str]] = {}
_LOCK = threading.Lock()


def _calls_of(files: Mapping[str, Any]) -> frozenset[str]:
    called: set[str] = set()
    for name, text in files.items():
        if not name.startswith(BPMN_PREFIX) or not isinstance(text, str):
            continue
        try:
            root = parse_xml(text.encode()).getroot()
        except UnsafeXml:  # refused at deploy already; nothing deployed can be unparsable
            continue
        for call in root.iter(f"{{{BPMN_NS}}}callActivity"):
            if call.get("calledElement"):
                called.add(str(call.get("calledElement")))
    return frozenset(called)


def called_processes(session: Session) -> frozenset[str]:
    """Every process id some deployed definition calls."""
    hashes = set(session.scalars(select(ProcessDefinition.bundle_hash)))
    missing = hashes - _CALLS.keys()
    if missing:
        query = select(ProcessDefinition.bundle_hash, ProcessDefinition.files).where(
            ProcessDefinition.bundle_hash.in_(missing)
        )
        found = {bundle_hash: _calls_of(files or {}) for bundle_hash, files in session.execute(query)}
        with _LOCK:
            _CALLS.update(found)
    return frozenset().union(*(_CALLS[h] for h in hashes if h in _CALLS))


def start_forms(ctx: Context) -> dict[str, list[dict[str, Any]]]:
    """Each process a case may start with → the distinct start forms of its newest version in each region
    (an empty list: it has none, and its start data is only `village`). Processes only the system's jobs
    start (engine.workflow.starters.SYSTEM) are not among them: no person may start one."""
    with ctx.db.read() as session:
        called = called_processes(session)
        newest: dict[tuple[str, str], ProcessDefinition] = {}
        for definition in session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.version)):
            newest[(definition.process_id, definition.region)] = definition
        result: dict[str, list[dict[str, Any]]] = {}
        for (process_id, _region), definition in sorted(newest.items()):
            if (
                process_id in called
                or bundle_starters(definition.files or {}, BPMN_PREFIX).get(process_id) == SYSTEM_ONLY
            ):
                continue
            forms = result.setdefault(process_id, [])
            text = (definition.files or {}).get(f"{FORM_PREFIX}{process_id}{START_FORM_SUFFIX}.json")
            if isinstance(text, str):
                schema = dict(FormDefinition.from_json(f"{process_id}{START_FORM_SUFFIX}", text).schema)
                if schema not in forms:
                    forms.append(schema)
        return result
