"""The old import path of role- and scope-checked entry points, kept only so that web/ (moving into
workspace packages at the same time, issue 12) needs no edit. Each lives where it belongs now: the
designer's validate and deploy in engine.services.designer, the auditor's chain verification and
checkpoint status in engine.services.audit_checkpoint (the role check in engine.policy), a case's history
in engine.queries.case_history. Delete this module once web/ imports from there.
"""

from engine.queries.case_history import HistoryEvent, case_history
from engine.services.audit_checkpoint import latest_checkpoint, verify_audit
from engine.services.designer import Deployment, ValidationReport, ValidBundle, deploy_region, validate_region

__all__ = [
    "Deployment",
    "HistoryEvent",
    "ValidBundle",
    "ValidationReport",
    "case_history",
    "deploy_region",
    "latest_checkpoint",
    "validate_region",
    "verify_audit",
]
