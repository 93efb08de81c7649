"""Workflow state as gzip'd JSON without the spec: the spec lives once in the deployed definition
(docs/spiffworkflow.md#serialization: it is ~40% of every serialized workflow and restoring it costs time)."""

from __future__ import annotations

import gzip
import json
from datetime import date
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers import DefaultRegistry
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG


class SpeclessWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        # BpmnWorkflowConverter.to_dict minus the specs. Calling it and dropping them afterwards
        # converted every spec on every save: more than half the time of serializing a new case.
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _uuid(value: str) -> Any:
    from uuid import UUID

    return UUID(value)


def _make_serializer() -> BpmnWorkflowSerializer:
    registry = DefaultRegistry()
    # Scripts may compute with Decimal; keep it exact across a save/restore. Dates (not datetimes,
    # which Spiff registers) as ISO text, so a script's date survives too (engine.workflow.storable).
    registry.register(Decimal, lambda value: {"value": str(value)}, lambda dct: Decimal(dct["value"]))
    registry.register(date, lambda value: {"value": value.isoformat()}, lambda dct: date.fromisoformat(dct["value"]))
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    BpmnWorkflowSerializer.configure(config, registry)
    return BpmnWorkflowSerializer(registry)


_SERIALIZER = _make_serializer()


MAX_STATE_CHARS = 32_000_000  # uncompressed JSON of one instance; the national processes stay under 100 KB


class StateNotStorable(Exception):
    """The workflow state cannot be written: a value the JSON encoder refuses, or too much of it.
    The caller turns it into a failure of the instance, naming what it can (engine.workflow.runtime)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def dump_state(workflow: BpmnWorkflow) -> bytes:
    registry = _SERIALIZER.registry
    registry._encoder_mode = True
    try:
        dct = _SERIALIZER.to_dict(workflow)
        dct[_SERIALIZER.VERSION_KEY] = _SERIALIZER.VERSION
        text = json.dumps(dct, cls=_SERIALIZER._encoder_cls, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:
        raise StateNotStorable(f"流程数据无法保存：{str(exc)[:200]}") from exc
    finally:
        registry._encoder_mode = False
    if len(text) > MAX_STATE_CHARS:
        raise StateNotStorable(f"流程数据过大（{len(text) // 1_000_000} MB），无法保存")
    # Level 6 gives nearly level 9's size at a fraction of its time on these small documents.
    return gzip.compress(text.encode(), compresslevel=6)


def load_state(state: bytes, spec: Any, subprocess_specs: Any) -> BpmnWorkflow:
    dct = json.loads(gzip.decompress(state))
    _SERIALIZER.migrate(dct)
    return _SERIALIZER.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)


def spec_registry() -> Any:
    """The serializer's converter registry: SpiffWorkflow's spec diff compares specs through it."""
    return _SERIALIZER.registry
