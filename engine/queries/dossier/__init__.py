"""审计档案 and the auditor's other reads (docs/auditor.md): one case's dossier, its exports, the chain
check restricted to its events, and the report of who viewed personal data.

One module per concern: `build` (what the dossier reads and assembles), `events` (how one audit event
reads), `verify` (the case's part of the hash chain), `export` (CSV and JSON), `pii` (the personal-data
report), `access` (who may read, and the trace each read leaves), `model` (the returned records),
`times` (Beijing time). Pages, the CLI and tests use the names below as `dossier.<name>`.
"""

from engine.queries.dossier.access import (
    DOSSIER_VIEWED,
    EXPORT_FORMATS,
    EXPORTED,
    PII_VIEWED,
    auditor_desk,
)
from engine.queries.dossier.build import dossier
from engine.queries.dossier.events import value_text
from engine.queries.dossier.export import (
    EVENT_CSV_HEADER,
    PII_CSV_HEADER,
    as_json,
    events_csv,
    pii_views_csv,
)
from engine.queries.dossier.model import (
    AuditorDesk,
    CalledProcess,
    CaseFacts,
    Change,
    Dossier,
    DossierEvent,
    ObjectionEntry,
    PiiReport,
    PiiView,
    ProcessInForce,
    TimerFired,
    verification_text,
)
from engine.queries.dossier.pii import PII_REPORT_LIMIT, pii_views
from engine.queries.dossier.verify import verify_case

__all__ = [
    "DOSSIER_VIEWED",
    "EVENT_CSV_HEADER",
    "EXPORTED",
    "EXPORT_FORMATS",
    "PII_CSV_HEADER",
    "PII_REPORT_LIMIT",
    "PII_VIEWED",
    "AuditorDesk",
    "CalledProcess",
    "CaseFacts",
    "Change",
    "Dossier",
    "DossierEvent",
    "ObjectionEntry",
    "PiiReport",
    "PiiView",
    "ProcessInForce",
    "TimerFired",
    "as_json",
    "auditor_desk",
    "dossier",
    "events_csv",
    "pii_views",
    "pii_views_csv",
    "value_text",
    "verification_text",
    "verify_case",
]
