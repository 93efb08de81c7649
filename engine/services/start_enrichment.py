"""Start data the system adds to what the clerk entered, before a process starts.

Some rules need facts only the database knows, such as how often this applicant was already helped
for the same cause this year (临时救助's repeat-grant rule). A BPMN script cannot query the
database, so the process's start form names what it needs, `"x-enrich": "prior_grants"` (or a list
of names), and each name here adds its keys to the validated start data. The start form belongs to
the deployed bundle, so which enrichments a case gets is versioned with its process, and cases.py
needs no knowledge of any particular process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import WorkflowFailed
from engine.services import temporary
from engine.services.countersign_members import committee_members
from engine.services.tekun_enrollment import tekun_enrollment
from forms import FormDefinition

ENRICH_KEY = "x-enrich"

# name → function(session, process_id, validated start data) → keys to add
Enricher = Callable[[Session, str, Mapping[str, Any]], dict[str, Any]]
ENRICHERS: dict[str, Enricher] = {
    "prior_grants": temporary.prior_grants,
    "committee_members": committee_members,
    "tekun_enrollment": tekun_enrollment,  # 特困 re-check and termination (docs/tekun-exit.md)
}


def enrich_start_data(
    session: Session, start_form: FormDefinition | None, process_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    """`data` with the keys of every enrichment the start form names; unchanged without any.

    The added keys overwrite same-named ones: they are the system's facts, never the clerk's (the
    start form does not declare them, so a clerk cannot send them anyway).
    """
    if start_form is None:
        return data
    names = start_form.schema.get(ENRICH_KEY) or []
    if isinstance(names, str):
        names = [names]
    enriched = dict(data)
    for name in names:
        enricher = ENRICHERS.get(name) if isinstance(name, str) else None
        if enricher is None:
            raise WorkflowFailed(
                f"启动表单 {start_form.key} 的 {ENRICH_KEY} 中有未知的补充项 {name!r}（可用：{'、'.join(ENRICHERS)}）"
            )
        enriched.update(enricher(session, process_id, enriched))
    return enriched
