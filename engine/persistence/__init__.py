"""SQLAlchemy 2 models, the session factory and small query helpers. Nothing here commits."""

from engine.persistence.amounts import EnrollmentAmount
from engine.persistence.attachment import Attachment
from engine.persistence.audit import AuditCheckpoint, AuditEvent, AuditHead
from engine.persistence.base import Base
from engine.persistence.cases import Case
from engine.persistence.documents import IssuedDocument
from engine.persistence.draft import DraftFile
from engine.persistence.heartbeat import WorkerHeartbeat
from engine.persistence.intake import IntakeRequest  # 一门受理 (docs/intake.md)
from engine.persistence.notices import Enrollment, Notice, Objection
from engine.persistence.notifications import Notification, NotificationDelivery, NotificationPreference
from engine.persistence.org import OrgUnit, User, UserRole
from engine.persistence.payroll import PayrollAdjustment, PayrollLine, PayrollRoster
from engine.persistence.process import HumanTask, ProcessDefinition, ProcessInstance
from engine.persistence.recalculation import RecalculationItem, RecalculationRun
from engine.persistence.referrals import Referral
from engine.persistence.sessions import WebSession
from engine.persistence.simulation import SimulationJob
from engine.persistence.tokens import ApiToken

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Case",
    "DraftFile",
    "Enrollment",
    "EnrollmentAmount",
    "HumanTask",
    "IntakeRequest",
    "IssuedDocument",
    "Notice",
    "Notification",
    "NotificationDelivery",
    "NotificationPreference",
    "Objection",
    "OrgUnit",
    "PayrollAdjustment",
    "PayrollLine",
    "PayrollRoster",
    "ProcessDefinition",
    "ProcessInstance",
    "RecalculationItem",
    "RecalculationRun",
    "Referral",
    "SimulationJob",
    "User",
    "UserRole",
    "WebSession",
    "WorkerHeartbeat",
]

# 监测预警 (docs/alerts.md) and 特困供养 (docs/tekun.md)
from engine.persistence.alerts import Alert, AlertBatch, MonitoredHousehold
from engine.persistence.tekun import CareVisit, TekunSample

__all__ += ["Alert", "AlertBatch", "CareVisit", "MonitoredHousehold", "TekunSample"]
