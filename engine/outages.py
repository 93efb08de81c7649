"""Which database errors mean "the database is unavailable right now" rather than a bug, and what to tell
the user then (docs/operations.md#failing-safely).

The web layer never imports SQLAlchemy; it registers its 503 handlers for DATABASE_ERRORS and asks
`database_outage` what an error means. An outage is not the user's fault and not a bug of ours: the
request is answered 503 with Retry-After, and the transaction it was in has been rolled back by
Database.write (nothing half written). Errors that are not outages (a constraint violated, bad SQL)
stay 500s with their trace in the log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# What a web handler registers for; database_outage() then tells the outages from the rest.
DATABASE_ERRORS: tuple[type[Exception], ...] = (DBAPIError, PoolTimeout)

# PostgreSQL SQLSTATEs (Appendix A of its manual), by what they mean for the user.
_PG_FULL = {"53100"}  # disk_full
_PG_BUSY = {"53300", "55P03", "57014", "40P01"}  # too many connections, lock not available, statement timeout, deadlock
_PG_DOWN_CLASSES = ("08", "57P")  # connection exceptions; admin shutdown, crash shutdown, cannot connect now

# SQLite's messages (sqlite3 carries no SQLSTATE; the message is its result code's text).
_SQLITE_FULL = ("database or disk is full",)
_SQLITE_BUSY = ("database is locked", "database table is locked")


@dataclass(frozen=True)
class Outage:
    kind: str  # down | full | busy
    message: str  # for the user, Simplified Chinese
    retry_after: int  # seconds, for the Retry-After header


DOWN = Outage("down", "数据库暂时不可用，本次操作未保存。请稍后重试；如持续出现，请把请求编号告诉系统管理员。", 30)
FULL = Outage("full", "数据库空间已满，本次操作未保存。请稍后重试，并请系统管理员尽快扩充数据库的存储空间。", 300)
BUSY = Outage("busy", "数据库繁忙，本次操作未保存。请稍后重试。", 5)


def database_outage(exc: BaseException) -> Outage | None:
    """The outage `exc` shows, or None when it is no outage (the caller answers 500 then)."""
    if isinstance(exc, PoolTimeout):
        return BUSY  # every pooled connection busy for pool_timeout seconds
    if not isinstance(exc, DBAPIError):
        return None
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    text = str(exc.orig).lower()
    if state in _PG_FULL or any(m in text for m in _SQLITE_FULL):
        return FULL
    if state in _PG_BUSY or any(m in text for m in _SQLITE_BUSY):
        return BUSY
    if exc.connection_invalidated or (state and state.startswith(_PG_DOWN_CLASSES)):
        return DOWN
    # The DB-API's OperationalError is "not necessarily under the programmer's control": a refused or
    # lost connection (no SQLSTATE then), a database file that cannot be opened, an I/O error.
    if isinstance(exc, OperationalError):
        return DOWN
    return None
