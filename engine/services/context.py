"""The composition root: settings, database, and the caches that live as long as the process."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from engine.domain.calendar import WorkingCalendar, default_calendar
from engine.persistence.db import Database
from engine.persistence.process import ProcessDefinition
from engine.services.audit_chain import CHAIN_KEY_INFO, ChainKey
from engine.services.audit_key import read_key
from engine.settings import Settings
from engine.workflow.runtime import LoadedProcess


@dataclass
class Context:
    settings: Settings
    db: Database
    _processes: dict[int, LoadedProcess] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Context:
        settings = settings or Settings.from_env()
        return cls(settings, Database(settings.database_url, {CHAIN_KEY_INFO: ChainKey(lambda: read_key(settings))}))

    def process(self, definition: ProcessDefinition) -> LoadedProcess:
        """The parsed definition; parsed once per process because definitions never change."""
        loaded = self._processes.get(definition.id)
        if loaded is None:
            loaded = LoadedProcess(
                definition.process_id,
                definition.files,
                time_budget=self.settings.script_budget,
                region=definition.region,
            )
            with self._lock:
                self._processes[definition.id] = loaded
        return loaded

    def calendar(self, region: str | None = None) -> WorkingCalendar:
        return default_calendar(region)

    def close(self) -> None:
        self.db.dispose()
