"""The region's parameters in a form: every parameter the region runs with, its own tables beside the
inherited ones, and saving edited tables as the region's draft parameters.toml (comments kept,
parameter_text). A region writes a table only where it differs from the inherited one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from engine.context import Context
from engine.domain.parameters import Parameter, Value, parse_parameters
from engine.errors import InvalidData
from engine.policy import designer_region
from engine.services.designer import parameter_text
from engine.services.designer.files import DraftFileView, effective_file, has_draft, save_file
from engine.services.designer.sources import own_parameters_origin
from engine.workflow.bundle import DEFAULT_REGION, PARAMETERS_FILE, region_dir

_DEFAULT_ORIGIN = own_parameters_origin(DEFAULT_REGION)


@dataclass(frozen=True)
class ParameterRow:
    name: str
    help: str  # the comment above the parameter in its file
    periods: list[tuple[str, str]]  # (effective date, value as shown), oldest first
    type: str  # "integer" | "number" | "boolean" | "string"
    origin: str  # "default" (inherited), "region" (the region's own table)
    default_periods: list[tuple[str, str]]  # the inherited table, for region overrides


@dataclass(frozen=True)
class ParameterForm:
    region: str
    rows: list[ParameterRow]
    from_draft: bool  # the form starts from the region's draft parameters.toml


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _parameter_layers(ctx: Context, username: str, region: str) -> tuple[str, str, bool]:
    """(the inherited default text, the region's own text — draft or disk —, whether it is a draft).
    For region default the inherited text is empty: its file is the whole set."""
    own = effective_file(ctx, username, region, PARAMETERS_FILE).decode("utf-8")
    from_draft = has_draft(ctx, region, PARAMETERS_FILE)
    inherited = ""
    if region != DEFAULT_REGION:
        default_file = region_dir(ctx.settings.processes_dir, DEFAULT_REGION) / PARAMETERS_FILE
        inherited = default_file.read_text(encoding="utf-8") if default_file.is_file() else ""
    return inherited, own, from_draft


def _shown(parameter: Parameter | None) -> list[tuple[str, str]]:
    if parameter is None:
        return []
    return [(start.isoformat(), parameter_text.shown_value(value)) for start, value in parameter.periods]


def _helps(*texts: str) -> dict[str, str]:
    """Each parameter's help text: the comment above its table, the later file's winning."""
    return {b.name: parameter_text.comment_of(b) for text in texts for b in parameter_text.split_blocks(text) if b.name}


def parameters_form(ctx: Context, username: str, region: str) -> ParameterForm:
    """Every parameter the region runs with: its own tables and the inherited ones."""
    region = designer_region(ctx, username, region)
    inherited_text, own_text, from_draft = _parameter_layers(ctx, username, region)
    inherited = parse_parameters(inherited_text, _DEFAULT_ORIGIN)
    own = parse_parameters(own_text, own_parameters_origin(region))
    helps = _helps(inherited_text, own_text)
    rows = []
    for name in sorted({*inherited, *own}):
        parameter = own.get(name) or inherited[name]
        rows.append(
            ParameterRow(
                name,
                helps.get(name, ""),
                _shown(parameter),
                _type_name(parameter.periods[-1][1]),
                "region" if name in own and region != DEFAULT_REGION else "default",
                _shown(inherited.get(name)),
            )
        )
    return ParameterForm(region, rows, from_draft)


def _edits(
    region: str,
    changes: Mapping[str, Sequence[tuple[str, str]] | None],
    inherited: Mapping[str, Parameter],
    own: Mapping[str, Parameter],
    errors: dict[str, list[str]],
) -> dict[str, list[tuple[date, Value]] | None]:
    """The tables to rewrite (None: drop the region's own), problems going to `errors` by field."""
    edits: dict[str, list[tuple[date, Value]] | None] = {}
    for name, rows in changes.items():
        current = own.get(name) or inherited.get(name)
        if current is None:
            errors.setdefault(name, []).append(f"未知参数：{name}（新参数请上传 parameters.toml 文件）")
            continue
        if rows is None:
            if region == DEFAULT_REGION:
                errors.setdefault(name, []).append(f"参数 {name}：全国默认参数不能删除")
            elif name in own:
                edits[name] = None
            continue
        periods = parameter_text.typed_periods(name, rows, current.periods[-1][1], errors)
        if region != DEFAULT_REGION and name not in own and parameter_text.same_periods(inherited.get(name), periods):
            continue  # unchanged inherited table: no override
        if parameter_text.same_periods(own.get(name), periods):
            continue
        edits[name] = periods
    return edits


def save_parameters(
    ctx: Context,
    username: str,
    region: str,
    changes: Mapping[str, Sequence[tuple[str, str]] | None],
) -> DraftFileView:
    """Save edited parameter tables as the region's draft parameters.toml.

    `changes` maps a parameter name to its rows (effective date, value) as typed, or None to drop the
    region's own table (the default one applies again). A region only writes a table when it differs
    from the inherited one. Values keep the parameter's type; the file is checked with the engine's
    loader. InvalidData names each bad field ("notice_days[2]"); nothing is saved then."""
    region = designer_region(ctx, username, region)
    inherited_text, own_text, _ = _parameter_layers(ctx, username, region)
    source = own_parameters_origin(region)
    errors: dict[str, list[str]] = {}
    edits = _edits(
        region, changes, parse_parameters(inherited_text, _DEFAULT_ORIGIN), parse_parameters(own_text, source), errors
    )
    if errors:
        raise InvalidData("参数有误", errors)
    if not edits:
        raise InvalidData("参数没有改动", {"parameters": ["没有修改任何参数"]})
    text = parameter_text.rewrite(own_text, edits, source)
    return save_file(ctx, username, region, PARAMETERS_FILE, text.encode("utf-8"))
