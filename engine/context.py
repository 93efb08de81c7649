"""The composition root: settings, database, and the caches that live as long as the process."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.domain.calendar import WorkingCalendar, calendar_for
from engine.persistence.db import Database
from engine.persistence.process import ProcessDefinition
from engine.records.audit_chain import CHAIN_KEY_INFO, ChainKey
from engine.records.audit_key import read_key
from engine.records.notifications.fanout import fan_out
from engine.settings import Settings
from engine.workflow.bundle import calendar_dir
from engine.workflow.host import EngineHost, shared_host
from engine.workflow.isolated import IsolatedProcess
from engine.workflow.runtime import LoadedProcess


@dataclass
class Context:
    settings: Settings
    db: Database
    _processes: dict[int, IsolatedProcess] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _values: dict[str, Any] = field(default_factory=dict)  # small caches of read models (queries.deployed)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Context:
        settings = settings or Settings.from_env()
        info = {CHAIN_KEY_INFO: ChainKey(lambda: read_key(settings))}
        return cls(settings, Database(settings.database_url, info, before_commit=[fan_out]))

    def process(self, definition: ProcessDefinition) -> IsolatedProcess:
        """The parsed definition; parsed once per process because definitions never change. Its steps
        run in the engine host's child processes (engine.workflow.host)."""
        process = self._processes.get(definition.id)
        if process is None:
            loaded = LoadedProcess(
                definition.process_id,
                definition.files,
                region=definition.region,
                calendar_dir=self.calendar_dir,
                read_only=True,
            )
            process = IsolatedProcess(loaded, self.engine_host(), self.settings.script_budget)
            with self._lock:
                self._processes[definition.id] = process
        return process

    def cached(self, key: str) -> Any:
        """A value a read model keeps for the life of the process, or None; the read model decides when
        it is stale (it stores what it needs to tell, e.g. the newest definition id)."""
        return self._values.get(key)

    def cache(self, key: str, value: Any) -> None:
        with self._lock:
            self._values[key] = value

    def engine_host(self) -> EngineHost:
        """The child processes that run engine steps, shared with every Context of this process."""
        settings = self.settings
        return shared_host(
            workers=settings.engine_workers, memory_mb=settings.engine_memory_mb, timeout=settings.engine_timeout
        )

    @property
    def calendar_dir(self) -> Path:
        return calendar_dir(self.settings.processes_dir)

    def calendar(self, region: str | None = None) -> WorkingCalendar:
        return calendar_for(self.calendar_dir, region)

    def close(self) -> None:
        self.db.dispose()
