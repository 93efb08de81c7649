"""低收入人口动态监测预警 (docs/alerts.md): reading a batch of alerts from a CSV or JSON file, row by row.

A file is either refused whole (unreadable, wrong or missing columns, more than MAX_ROWS rows: `AlertFileError`
with a Chinese message naming what is wrong) or read into the valid rows and a report of the invalid ones (row
number, field, Chinese message). Row numbers count data rows from 1, as a person counts them in a spreadsheet
below its header. Pure: no database; the import service matches and stores the rows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.domain.id_numbers import id_number_problem, normalize_id_number
from engine.domain.vocabulary_window import ALERT_INDICATOR_LABELS, ALERT_LEVEL_LABELS

MAX_ROWS = 100_000
MAX_MEMBERS = 30
LEVEL_ORDER = {"yellow": 1, "orange": 2, "red": 3}

# Column key → its Chinese header; either spelling is accepted in a CSV header or as a JSON key.
COLUMNS = {
    "id_number": "身份证号",
    "name": "姓名",
    "indicator": "预警指标",
    "level": "预警等级",
    "source": "预警来源",
    "alerted_on": "预警日期",
    "members": "家庭成员身份证号",
    "village": "村/社区",
}
REQUIRED = ("id_number", "name", "indicator", "level", "alerted_on")
_BY_HEADER = {**{k: k for k in COLUMNS}, **{v: k for k, v in COLUMNS.items()}}
_LEVEL_INPUT = {**{k: k for k in ALERT_LEVEL_LABELS}, **{v: k for k, v in ALERT_LEVEL_LABELS.items()}}
_LEVEL_INPUT.update({"红": "red", "橙": "orange", "黄": "yellow", "红色": "red", "橙色": "orange", "黄色": "yellow"})
_INDICATOR_INPUT = {**{k: k for k in ALERT_INDICATOR_LABELS}, **{v: k for k, v in ALERT_INDICATOR_LABELS.items()}}


class AlertFileError(ValueError):
    """The whole file is refused; the message (Chinese) says why."""


@dataclass(frozen=True)
class AlertRow:
    row: int
    id_number: str
    name: str
    indicator: str
    level: str
    source: str
    alerted_on: date
    members: tuple[str, ...] = ()
    village: str | None = None

    @property
    def numbers(self) -> tuple[str, ...]:
        """Every number of the household the alert names: the person's, then the members'."""
        return tuple(dict.fromkeys((self.id_number, *self.members)))


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class ParsedBatch:
    rows: list[AlertRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    total: int = 0

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.problems})


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def parse_file(content: bytes, filename: str = "", default_source: str = "") -> tuple[ParsedBatch, dict[str, Any]]:
    """A CSV or JSON file (by name, else by its first character) → its rows and the JSON batch's header
    fields (batch_id, source) when it is JSON."""
    text = _decode(content)
    if filename.lower().endswith(".json") or (not filename.lower().endswith(".csv") and text.lstrip()[:1] == "{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise AlertFileError(f"JSON 文件格式有误：第 {error.lineno} 行 {error.msg}") from None
        return parse_batch(document, default_source)
    return parse_records(_csv_records(text), default_source), {}


def parse_batch(document: Any, default_source: str = "") -> tuple[ParsedBatch, dict[str, Any]]:
    """A JSON batch {"batch_id", "source"?, "alerts": [...]}."""
    if not isinstance(document, Mapping) or not isinstance(document.get("alerts"), list):
        raise AlertFileError("JSON 批次须为对象，并含 alerts 列表（每条预警一个对象）")
    source = document.get("source")
    source = source.strip() if isinstance(source, str) and source.strip() else default_source
    alerts = document["alerts"]
    _check_size(len(alerts))
    if not all(isinstance(a, Mapping) for a in alerts):
        raise AlertFileError("alerts 列表中的每一项都须为对象")
    keys = {_BY_HEADER.get(str(k).strip(), str(k).strip()) for a in alerts for k in a}
    _check_columns(keys, source)
    header = {"batch_id": document.get("batch_id"), "source": source}
    records = ({_BY_HEADER.get(str(k).strip(), str(k)): v for k, v in a.items()} for a in alerts)
    return parse_records(records, source), header


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AlertFileError("文件须为 UTF-8 编码（可带 BOM）；请在表格软件中另存为“CSV UTF-8”") from None


def _csv_records(text: str) -> Iterable[dict[str, Any]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise AlertFileError("文件为空或缺少表头行")
    keys = [_BY_HEADER.get(h.strip(), h.strip()) for h in header]
    _check_columns(set(keys), "x")
    lines = list(reader)
    _check_size(len(lines))
    return (dict(zip(keys, line, strict=False)) for line in lines if any(cell.strip() for cell in line))


def _check_size(count: int) -> None:
    if count > MAX_ROWS:
        raise AlertFileError(f"文件共 {count} 条预警，超过单次导入上限 {MAX_ROWS} 条，未导入任何数据；请拆分后分批导入")


def _check_columns(keys: set[str], source: str) -> None:
    unknown = sorted(k for k in keys if k not in COLUMNS)
    required = REQUIRED if source else (*REQUIRED, "source")
    missing = [COLUMNS[k] for k in required if k not in keys]
    problems = []
    if missing:
        problems.append("缺少列：" + "、".join(missing))
    if unknown:
        problems.append("无法识别的列：" + "、".join(unknown))
    if problems:
        expected = "、".join(f"{v}（{k}）" for k, v in COLUMNS.items())
        raise AlertFileError("；".join(problems) + f"。可用的列：{expected}")


def parse_records(records: Iterable[Mapping[str, Any]], default_source: str = "") -> ParsedBatch:
    batch = ParsedBatch()
    seen: dict[tuple[Any, ...], int] = {}
    for number, record in enumerate(records, start=1):
        batch.total = number
        _check_size(number)
        problems: list[RowProblem] = []
        row = _read_row(number, record, default_source, problems)
        if row is not None:
            key = (row.id_number, row.indicator, row.level, row.source, row.alerted_on)
            if key in seen:
                problems.append(
                    RowProblem(
                        number, "id_number", f"身份证号：与第 {seen[key]} 行重复（同一人、指标、等级、来源、日期）"
                    )
                )
            else:
                seen[key] = number
        if problems:
            batch.problems += problems
        elif row is not None:
            batch.rows.append(row)
    return batch


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())


def _read_row(
    number: int, record: Mapping[str, Any], default_source: str, problems: list[RowProblem]
) -> AlertRow | None:
    def problem(key: str, message: str) -> None:
        problems.append(RowProblem(number, key, f"{COLUMNS[key]}：{message}"))

    values = {key: _text(record, key) for key in COLUMNS}
    for key in REQUIRED:
        if not values[key]:
            problem(key, "必填")
    source = values["source"] or default_source
    if not source:
        problem("source", "必填")
    id_number = normalize_id_number(values["id_number"])
    if id_number and (message := id_number_problem(id_number)):
        problem("id_number", message)
    level = _LEVEL_INPUT.get(values["level"].lower() if values["level"].isascii() else values["level"])
    if values["level"] and level is None:
        problem("level", f"“{values['level'][:20]}”不是预警等级（红色、橙色、黄色，或 red、orange、yellow）")
    indicator = _INDICATOR_INPUT.get(values["indicator"])
    if values["indicator"] and indicator is None:
        problem(
            "indicator",
            f"“{values['indicator'][:20]}”不是预警指标，可用：" + "、".join(ALERT_INDICATOR_LABELS.values()),
        )
    alerted_on = _date(values["alerted_on"], problem)
    members = _members(record.get("members"), problem)
    if len(values["name"]) > 100:
        problem("name", "不超过 100 个字")
    if len(source) > 100:
        problem("source", "不超过 100 个字")
    if problems or level is None or indicator is None or alerted_on is None:
        return None
    return AlertRow(
        number, id_number, values["name"], indicator, level, source, alerted_on, members, values["village"] or None
    )


def _date(text: str, problem: Any) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        problem("alerted_on", f"“{text[:20]}”不是日期（如 2027-01-15）")
        return None


def _members(value: Any, problem: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = (
        value
        if isinstance(value, list)
        else str(value).replace("；", ";").replace("，", ";").replace(",", ";").split(";")
    )
    numbers = [normalize_id_number(str(n)) for n in items if str(n).strip()]
    if len(numbers) > MAX_MEMBERS:
        problem("members", f"最多 {MAX_MEMBERS} 人")
        return ()
    bad = [n for n in numbers if id_number_problem(n)]
    if bad:
        problem("members", f"第 {numbers.index(bad[0]) + 1} 个号码{id_number_problem(bad[0])}")
        return ()
    return tuple(numbers)


def higher_level(a: str, b: str) -> str:
    return a if LEVEL_ORDER[a] >= LEVEL_ORDER[b] else b
