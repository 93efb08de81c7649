"""The region's parameters in a form (docs/designer-parameters.md): every parameter the region runs with,
grouped by the catalogue's topics with its Chinese name, help and type, its timeline (values in force and
values not yet in force, by today in Beijing), its own table beside the inherited one; and saving edited
tables as the region's draft parameters.toml (comments kept, parameter_text). A region writes a table only
where it differs from the inherited one; a table edited back to the inherited one is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from engine.clock import china_today
from engine.context import Context
from engine.domain import parameter_catalogue as catalogue
from engine.domain.parameter_catalogue import Entry
from engine.domain.parameters import Parameter, Value, parse_parameters
from engine.errors import InvalidData
from engine.policy import designer_region
from engine.services.designer import parameter_text
from engine.services.designer.files import DraftFileView, effective_file, has_draft, save_file
from engine.services.designer.sources import own_parameters_origin
from engine.workflow.bundle import DEFAULT_REGION, PARAMETERS_FILE, region_dir

_DEFAULT_ORIGIN = own_parameters_origin(DEFAULT_REGION)


@dataclass(frozen=True)
class Period:
    start: str  # effective date, YYYY-MM-DD
    value: str  # as a form input carries it
    shown: str  # as a designer reads it: 800.00 元, 是, 就业创业、其他条件改善
    past: bool  # in force already (on or before today): kept as it is, a new date changes it


@dataclass(frozen=True)
class ParameterRow:
    name: str
    entry: Entry  # the catalogue entry: Chinese name, help, type, unit, choices
    periods: list[Period]  # the table the region runs with, oldest first
    origin: str  # "default" (沿用全国默认), "region" (本地区设置); always "default" for region default
    default_periods: list[Period]  # the national table, shown beside a region's own one

    @property
    def future(self) -> list[Period]:
        return [p for p in self.periods if not p.past]

    @property
    def current(self) -> Period | None:
        past = [p for p in self.periods if p.past]
        return past[-1] if past else None


@dataclass(frozen=True)
class ParameterGroup:
    title: str
    rows: list[ParameterRow]


@dataclass(frozen=True)
class ParameterForm:
    region: str
    groups: list[ParameterGroup]
    from_draft: bool  # the form starts from the region's draft parameters.toml
    today: str
    levels: tuple[tuple[str, str], ...] = catalogue.LEVELS  # the task levels of 督办接收人's selects

    @property
    def rows(self) -> list[ParameterRow]:
        return [row for group in self.groups for row in group.rows]


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


def _periods(item: Entry, parameter: Parameter | None, today: date) -> list[Period]:
    if parameter is None:
        return []
    return [
        Period(start.isoformat(), catalogue.form_value(value), catalogue.display(item, value), start <= today)
        for start, value in parameter.periods
    ]


def parameters_form(ctx: Context, username: str, region: str) -> ParameterForm:
    """Every parameter the region runs with, grouped by topic in the catalogue's order."""
    region = designer_region(ctx, username, region)
    inherited_text, own_text, from_draft = _parameter_layers(ctx, username, region)
    inherited = parse_parameters(inherited_text, _DEFAULT_ORIGIN)
    own = parse_parameters(own_text, own_parameters_origin(region))
    today = china_today()
    by_group: dict[str, list[ParameterRow]] = {}
    order = list(catalogue.CATALOGUE)
    for name in sorted({*inherited, *own}, key=lambda n: (order.index(n) if n in order else len(order), n)):
        parameter = own.get(name) or inherited[name]
        item = catalogue.entry(name, parameter.periods[-1][1])
        origin = "region" if name in own and region != DEFAULT_REGION else "default"
        row = ParameterRow(
            name, item, _periods(item, parameter, today), origin, _periods(item, inherited.get(name), today)
        )
        by_group.setdefault(item.group, []).append(row)
    titles = [*catalogue.groups(), catalogue.OTHER_GROUP]
    groups = [ParameterGroup(title, by_group[title]) for title in titles if title in by_group]
    return ParameterForm(region, groups, from_draft, today.isoformat())


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
                errors.setdefault(name, []).append(f"参数「{catalogue.entry(name).label}」：全国默认参数不能删除")
            elif name in own:
                edits[name] = None
            continue
        periods = parameter_text.typed_periods(name, rows, current.periods[-1][1], errors)
        if parameter_text.same_periods(own.get(name), periods):
            continue  # unchanged: the file keeps its text
        if region != DEFAULT_REGION and parameter_text.same_periods(inherited.get(name), periods):
            if name in own:
                edits[name] = None  # edited back to the national table: 沿用全国默认 again
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
    from the inherited one. Values are typed by the parameter catalogue; the file is checked with the
    engine's loader. Nothing changed: the file is saved as it is. InvalidData names each bad field
    ("notice_days[2]"); nothing is saved then."""
    region = designer_region(ctx, username, region)
    inherited_text, own_text, _ = _parameter_layers(ctx, username, region)
    source = own_parameters_origin(region)
    errors: dict[str, list[str]] = {}
    edits = _edits(
        region, changes, parse_parameters(inherited_text, _DEFAULT_ORIGIN), parse_parameters(own_text, source), errors
    )
    if errors:
        raise InvalidData("参数有误，没有保存；请修改下面标出的参数", errors)
    text = parameter_text.rewrite(own_text, edits, source)
    return save_file(ctx, username, region, PARAMETERS_FILE, text.encode("utf-8"))
