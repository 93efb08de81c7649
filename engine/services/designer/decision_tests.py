"""测试决策表: one DMN table of a region run on values the designer types, the draft beside the deployed file.

The form has one field per input column of the file as the designer sees it (their draft, else the
file the region runs). A test runs both versions through engine.workflow.decision_test, in the engine
host's child process (the sandboxed evaluation a business rule task gets), and stores nothing; like a
dry run it is audited, as designer.decision_tested, with the rows that matched but without the typed
values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.context import Context
from engine.errors import BundleInvalid, InvalidData, NotFound, WorkflowFailed
from engine.policy import designer_region
from engine.services.designer.files import draft_texts, record_event
from engine.services.designer.sources import disk_sources, file_kind, overlay_sources
from engine.workflow.bundle import RegionSources
from engine.workflow.decision_test import TableColumn, TableRun, TableShape, table_shape

__all__ = ["DecisionForm", "DecisionSide", "DecisionTestReport", "decision_form", "run_decision_test"]

HIT_POLICY_LABELS = {"UNIQUE": "唯一，取第一条匹配", "FIRST": "自上而下取第一条匹配", "COLLECT": "收集所有匹配"}
TYPE_LABELS = {
    "number": "数字",
    "double": "数字",
    "integer": "整数",
    "long": "整数",
    "boolean": "是/否",
    "date": "日期",
}


@dataclass(frozen=True)
class DecisionForm:
    region: str
    filename: str
    shape: TableShape | None  # None when the file as the designer sees it does not parse
    problems: tuple[str, ...]
    has_draft: bool


@dataclass(frozen=True)
class DecisionSide:
    title: str  # 草稿 / 已部署
    present: bool  # False: this version has no such file (a new draft, or no draft)
    run: TableRun | None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionTestReport:
    form: DecisionForm
    values: dict[str, str]  # as typed, to show the form again
    draft: DecisionSide
    deployed: DecisionSide


def _check_name(filename: str) -> None:
    if not filename.endswith(".dmn") or file_kind(filename) != "dmn":
        raise NotFound(f"没有决策表文件 {filename}")


def decision_form(ctx: Context, username: str, region: str, filename: str) -> DecisionForm:
    """The test form's columns, from the designer's draft of the file, else the region's file.
    NotFound when neither exists."""
    region = designer_region(ctx, username, region)
    _check_name(filename)
    draft = draft_texts(ctx, username, region).get(filename)
    on_disk = disk_sources(ctx, region).dmn.get(filename)
    if draft is not None:
        origin, content = filename, draft.encode()
    elif on_disk is not None:
        origin, content = on_disk.origin, on_disk.content
    else:
        raise NotFound(f"地区 {region} 没有决策表文件 {filename}")
    try:
        shape: TableShape | None = table_shape(origin, content)
        problems: tuple[str, ...] = ()
    except BundleInvalid as exc:
        shape, problems = None, tuple(str(p) for p in exc.problems)
    return DecisionForm(region, filename, shape, problems, draft is not None)


def _value(column: TableColumn, raw: str | None) -> Any:
    """The typed value of one column; InvalidData naming the column in Chinese."""
    text = (raw or "").strip()
    name = f"“{column.label}”"
    if not text:
        raise InvalidData("测试数据有误", {column.id: [f"{name}：请填写"]})
    kind = column.type_ref.lower()
    try:
        if kind in ("number", "double"):
            number = float(text)
            if not math.isfinite(number):
                raise ValueError(text)
            return number
        if kind in ("integer", "long"):
            return int(text)
        if kind == "date":
            return date.fromisoformat(text)
    except ValueError:
        raise InvalidData("测试数据有误", {column.id: [f"{name}：应为{TYPE_LABELS[kind]}"]}) from None
    if kind == "boolean":
        if text not in ("true", "false"):
            raise InvalidData("测试数据有误", {column.id: [f"{name}：请选择“是”或“否”"]})
        return text == "true"
    return text


def _values(shape: TableShape, raw: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for column in shape.inputs:
        try:
            values[column.id] = _value(column, raw.get(column.id))
        except InvalidData as exc:
            for field, messages in exc.fields.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise InvalidData("测试数据有误", errors)
    return values


def _side(
    ctx: Context, title: str, sources: RegionSources | None, filename: str, values: dict[str, Any]
) -> DecisionSide:
    source = sources.dmn.get(filename) if sources is not None else None
    if sources is None or source is None:
        return DecisionSide(title, False, None)
    try:
        table_shape(source.origin, source.content)  # parsed here: a file that does not parse is named here
    except BundleInvalid as exc:
        return DecisionSide(title, True, None, tuple(str(p) for p in exc.problems))
    args = {"origin": source.origin, "content": source.content, "values": values, "parameters": sources.parameters}
    try:  # the cells run in the engine host's child (designer code), under its time and memory limits
        run = ctx.engine_host().decision_test(
            args, region=sources.region, time_budget=ctx.settings.script_budget, calendar_dir=ctx.calendar_dir
        )
    except WorkflowFailed as exc:
        run = TableRun((), exc.message)
    return DecisionSide(title, True, run)


def _rows(side: DecisionSide) -> list[int] | None:
    return [rule.row for rule in side.run.matched] if side.run is not None else None


def run_decision_test(
    ctx: Context, username: str, region: str, filename: str, raw: Mapping[str, str]
) -> DecisionTestReport:
    """Run the draft and the deployed version of the table on the typed values. InvalidData (one Chinese
    message per column) for a missing or ill-typed value, or when the file as seen does not parse."""
    form = decision_form(ctx, username, region, filename)
    if form.shape is None:
        raise InvalidData("决策表无法解析，请先修正草稿", {"file": list(form.problems)})
    values = _values(form.shape, raw)
    drafts = draft_texts(ctx, username, form.region)
    draft_sources = overlay_sources(ctx, form.region, drafts) if filename in drafts else None
    draft = _side(ctx, "草稿", draft_sources, filename, values)
    deployed = _side(ctx, "已部署", disk_sources(ctx, form.region), filename, values)
    details = {"region": form.region, "file": filename, "draft_rows": _rows(draft), "deployed_rows": _rows(deployed)}
    record_event(ctx, username, "designer.decision_tested", details)
    typed = {column.id: (raw.get(column.id) or "").strip() for column in form.shape.inputs}
    return DecisionTestReport(form, typed, draft, deployed)
