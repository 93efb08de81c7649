"""The structured form editor (/designer/forms/<region>/<form_key>, docs/designer-forms.md).

The national designer (region default) edits the national definition, saved as the draft
"<form_key>.json" (deployed to forms/definitions/); a region's designer edits the region's override,
saved as the draft "<form_key>.override.json" (deployed to regions/<region>/forms/<form_key>.json,
forms/overrides.py). Both go through files.save_file (scope check, size limit, audit event
designer.draft_saved) after the checks deploy runs on such a file; any problem → InvalidData with the
messages by row ("row-<id>") and nothing is stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.context import Context
from engine.errors import InvalidData, NotFound, Problem
from engine.policy import designer_region
from engine.services.designer.files import DraftFileView, draft_row, effective_file, save_file
from engine.services.designer.sources import FORMS_ORIGIN, OVERRIDE_SUFFIX, disk_file, disk_sources, override_origin
from engine.workflow.bundle import DEFAULT_REGION
from forms.definition import FormDefinition, definition_file_problems, is_valid_form_key, load_form
from forms.editing import Row, definition_from_rows, override_from_rows, override_rows, rows_of, text_of
from forms.overrides import merged_problems, override_file_problems, parse_override


@dataclass(frozen=True)
class FormEditor:
    region: str
    form_key: str
    national: bool  # the national definition (region default) or the region's override of it
    title: str
    check: str  # the cross-field check (x-check), "" for none
    rows: list[Row]
    has_draft: bool
    general_errors: list[str]


@dataclass(frozen=True)
class FormLink:
    key: str
    title: str
    changed: bool  # the region overrides it (or, for region default, has a draft of it)


def _filename(region: str, key: str) -> str:
    return f"{key}.json" if region == DEFAULT_REGION else f"{key}{OVERRIDE_SUFFIX}"


def _national(ctx: Context, key: str) -> FormDefinition:
    if not is_valid_form_key(key):
        raise NotFound(f"表单 {key[:40]!r} 不存在")
    return load_form(key, ctx.settings.forms_dir)


def _stored_text(ctx: Context, username: str, region: str, key: str) -> str | None:
    """The draft's text, else the file on disk; None for a region without an override yet."""
    try:
        return effective_file(ctx, username, region, _filename(region, key)).decode("utf-8")
    except NotFound:
        return None


def _definition(text: str | None, base: FormDefinition) -> dict[str, Any]:
    """The national definition as stored (its draft, else the file), unresolved; InvalidData when the
    stored draft is not a JSON object (an upload is only checked to be JSON)."""
    if text is None:
        return dict(base.schema)
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        raw = None
    if not isinstance(raw, dict):
        raise InvalidData(f"表单 {base.key} 的草稿不是 JSON 对象，请在草稿页删除该草稿或重新上传")
    return raw


def _override(text: str | None, origin: str) -> Mapping[str, Any]:
    value = parse_override(text, origin) if text else {}
    return value if isinstance(value, Mapping) else {}


def open_editor(ctx: Context, username: str, region: str, key: str) -> FormEditor:
    """The editor as stored now: the national definition (its draft if any), or the region's override."""
    region = designer_region(ctx, username, region)
    base = _national(ctx, key)
    text = _stored_text(ctx, username, region, key)
    with ctx.db.read() as session:
        has_draft = draft_row(session, region, _filename(region, key)) is not None
    if region == DEFAULT_REGION:
        raw = _definition(text, base)
        return FormEditor(region, key, True, str(raw.get("title", "")), str(raw.get("x-check", "")),
                          rows_of(raw), has_draft, [])  # fmt: skip
    rows = override_rows(base.schema, _override(text, override_origin(region, key)))
    check = str(base.schema.get("x-check", ""))
    return FormEditor(region, key, False, base.title, check, rows, has_draft, [])


def _by_row(problems: list[Problem], rows: list[Row]) -> list[str]:
    """Puts each problem beside the row of the field it names; returns the ones of no row."""
    general: list[str] = []
    for problem in problems:
        name = (problem.element or "").split(".")[0].split("[")[0]
        row = next((r for r in rows if name and r.key == name), None)
        if row is None:
            general.append(problem.message)
        else:
            row.errors.append(problem.message)
    return general


def _built(ctx: Context, region: str, key: str, title: str, check: str, rows: list[Row], stored: str | None) -> str:
    """The file text the rows make; InvalidData (by row) when they or the file have a problem."""
    base = _national(ctx, key)
    if region == DEFAULT_REGION:
        raw = _definition(stored, base)
        text = text_of(definition_from_rows(raw, title, check, rows), stored)
        origin = f"{FORMS_ORIGIN}{key}.json"
        checked = [] if _row_errors(rows) else definition_file_problems(key, text, origin, ctx.settings.forms_dir)
    else:
        origin = override_origin(region, key)
        text = text_of(override_from_rows(base.schema, _override(stored, origin), rows), stored)
        checked = [] if _row_errors(rows) else override_file_problems(
            key, text.encode(), origin, ctx.settings.forms_dir, region
        )  # fmt: skip
    general = _by_row(checked, rows)
    if general or _row_errors(rows):
        fields: dict[str, list[str]] = {f"row-{r.id}": r.errors for r in rows if r.errors}
        raise InvalidData("表单有误，未保存", {**fields, **({"_form": general} if general else {})})
    return text


def _row_errors(rows: list[Row]) -> bool:
    return any(r.errors for r in rows)


def save_form(
    ctx: Context, username: str, region: str, key: str, title: str, check: str, rows: list[Row]
) -> DraftFileView:
    """Save the edited form as the region's draft (checked as deploy checks such a file)."""
    region = designer_region(ctx, username, region)
    stored = _stored_text(ctx, username, region, key)
    text = _built(ctx, region, key, title, check, rows, stored)
    return save_file(ctx, username, region, _filename(region, key), text.encode())


def preview_schema(
    ctx: Context, username: str, region: str, key: str, title: str, check: str, rows: list[Row]
) -> Mapping[str, Any]:
    """The form the edited, unsaved rows make, as the region's clerks would see it (references expanded,
    the override merged); InvalidData by row when it cannot be built."""
    region = designer_region(ctx, username, region)
    stored = _stored_text(ctx, username, region, key)
    text = _built(ctx, region, key, title, check, rows, stored)
    base = _national(ctx, key)
    if region == DEFAULT_REGION:
        return FormDefinition.from_json(key, text, ctx.settings.forms_dir).schema
    merged, _ = merged_problems(base.schema, json.loads(text), region)
    return merged or base.schema


def form_links(ctx: Context, username: str, region: str) -> list[FormLink]:
    """The forms a designer of the region may edit (every national form), with whether they changed it."""
    region = designer_region(ctx, username, region)
    sources = disk_sources(ctx, region)
    with ctx.db.read() as session:
        links: list[FormLink] = []
        for path in sorted(ctx.settings.forms_dir.glob("*.json")):
            key = path.stem
            if not is_valid_form_key(key):
                continue
            try:
                title = str(json.loads(path.read_text(encoding="utf-8")).get("title") or key)
            except (ValueError, AttributeError):
                title = key
            name = _filename(region, key)
            overridden = region != DEFAULT_REGION and disk_file(ctx, sources, region, name) is not None
            links.append(FormLink(key, title, overridden or draft_row(session, region, name) is not None))
    return links
