"""The parameters part of a bundle diff: the layered parameter files merged as the engine merges them,
compared per name as timelines (which value is in force from when), one Chinese sentence per change:
参数「城市低保标准（元/人·月）」自 2027-01-01 起由 800.00 元 改为 850.00 元. The name and the way a value
reads come from the parameter catalogue (engine.domain.parameter_catalogue); a parameter missing from it
falls back to the short name its comment gives it, then to its key. Separate because parameters are
compared by effective date, not by shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from engine.domain import parameter_catalogue as catalogue
from engine.domain.parameters import Parameter, Value, layered_parameters
from engine.errors import InvalidData
from engine.workflow.bundle_diff.changes import Change, file_problem
from engine.workflow.bundle_diff.compare import Kind, Pair, compare
from engine.workflow.catalog import PARAM_PREFIX

_HEADER = re.compile(r"^\[([A-Za-z0-9_\-]+)\]\s*$")
_LABEL_END = re.compile(r"[（(：:，,。；;]")
MAX_LABEL = 16


@dataclass(frozen=True)
class _Merged:
    by_name: dict[str, Parameter]
    labels: dict[str, str]


def diff_parameters(old_files: Mapping[str, str], new_files: Mapping[str, str]) -> list[Change]:
    changes: list[Change] = []
    old, new = _merged(old_files, changes), _merged(new_files, changes)
    changes += compare(PARAMETERS, Pair(old, new))
    return changes


def parameter_labels(text: str) -> dict[str, str]:
    """Parameter name → the short Chinese name its comment starts with ("# 公示天数（…）" → 公示天数).

    The comment block right above a table describes it; its first words up to a bracket or a
    punctuation mark are the name. Too long a phrase is no name, and a parameter without a comment
    has none: the sentence then shows the key alone.
    """
    labels: dict[str, str] = {}
    block: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        header = _HEADER.match(line)
        if header and block:
            label = _LABEL_END.split(block[0], maxsplit=1)[0].strip().strip('“”"')
            if label and len(label) <= MAX_LABEL and not label.startswith("-"):
                labels[header.group(1)] = label
        if line.startswith("#"):
            block.append(line.lstrip("#").strip())
        else:
            block = []
    return labels


def _merged(files: Mapping[str, str], changes: list[Change]) -> _Merged:
    ordered = [(name, files[name]) for name in sorted(files, key=_layer)]
    labels: dict[str, str] = {}
    for _, text in ordered:  # the default file's description wins: a region's comment explains its reason
        for name, label in parameter_labels(text).items():
            labels.setdefault(name, label)
    try:
        return _Merged(dict(layered_parameters(ordered).by_name), labels)
    except InvalidData as exc:
        changes.append(file_problem("parameters.toml", f"参数文件无法解析：{exc.message}"))
        return _Merged({}, labels)


def _layer(name: str) -> int:
    """parameters/<n>.toml: the layering order (default first) is the number, not the text ("10" > "9")."""
    stem = name[len(PARAM_PREFIX) :].removesuffix(".toml")
    return int(stem) if stem.isdigit() else 0


# ---------------------------------------------------------------- wording


def _named(pair: Pair[_Merged], name: str) -> str:
    if name in catalogue.CATALOGUE:
        return f"参数「{catalogue.CATALOGUE[name].label}」"
    label = pair.old.labels.get(name) or pair.new.labels.get(name)
    return f"参数「{label}」（{name}）" if label else f"参数 {name}"


def _shown(name: str, value: Value) -> str:
    return catalogue.display(catalogue.entry(name, value), value)


def _periods(name: str, parameter: Parameter) -> str:
    return "；".join(f"{d.isoformat()} 起 {_shown(name, v)}" for d, v in parameter.periods)


def _value_on(parameter: Parameter, day: date) -> Value | None:
    try:
        return parameter.value_on(day)
    except KeyError:
        return None


def _parameter_changes(pair: Pair[_Merged], name: str, old: Parameter, new: Parameter) -> Iterator[str]:
    subject = _named(pair, name)
    for start, end, before, after in _timeline_changes(old, new):
        when = f"自 {start.isoformat()} 起" if end is None else f"在 {start.isoformat()} 至 {end.isoformat()} 期间"
        if before is None and after is not None:
            yield f"{subject}{when}设为 {_shown(name, after)}"
        elif after is None and before is not None:
            yield f"{subject}{when}不再有取值（原为 {_shown(name, before)}）"
        elif before is not None and after is not None:
            yield f"{subject}{when}由 {_shown(name, before)} 改为 {_shown(name, after)}"


def _timeline_changes(a: Parameter, b: Parameter) -> list[tuple[date, date | None, Value | None, Value | None]]:
    """The stretches of time in which the value in force differs: (first day, last day or None for
    open-ended, old value, new value). A region restating a default value from a later date shows
    only the stretch before that date, where the value really changed."""
    starts = sorted({d for d, _ in a.periods} | {d for d, _ in b.periods})
    stretches: list[tuple[date, date | None, Value | None, Value | None]] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - timedelta(days=1) if index + 1 < len(starts) else None
        before, after = _value_on(a, start), _value_on(b, start)
        if before == after and type(before) is type(after):
            continue
        if stretches and stretches[-1][1] == start - timedelta(days=1) and stretches[-1][2:] == (before, after):
            stretches[-1] = (stretches[-1][0], end, before, after)  # the same change continues
        else:
            stretches.append((start, end, before, after))
    return stretches


PARAMETERS: Kind[_Merged, Parameter] = Kind(
    "parameter",
    items=lambda merged: merged.by_name,
    added=lambda pair, name, parameter: f"新增{_named(pair, name)}：{_periods(name, parameter)}",
    removed=lambda pair, name, parameter: f"删除{_named(pair, name)}（原为 {_periods(name, parameter)}）",
    changed=_parameter_changes,
    scope=lambda _: "参数 parameters.toml",
)
