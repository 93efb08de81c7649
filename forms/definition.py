"""Form definitions: one JSON file per form under forms/definitions/<form_key>.json."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InvalidData, NotFound, Problem
from forms.problems import definition_problems
from forms.refs import resolve_refs

FORMS_DIR: Path = Path(__file__).parent / "definitions"

_KEY = re.compile(r"[a-z0-9_]{1,64}")
# Definitions are written by hand; anything this large is a mistake, not a form.
_MAX_DEFINITION_CHARS = 1_000_000


@dataclass(frozen=True)
class FormDefinition:
    """A checked form definition. `schema` is the whole definition dict; treat it as read-only,
    because validators built from it are cached."""

    key: str
    title: str
    # Left out of the hash (a dict is not hashable) but kept in ==, so equal definitions
    # loaded twice share one cached validator.
    schema: Mapping[str, Any] = field(hash=False)

    def field_titles(self) -> dict[str, str]:
        """Top-level field name → its title (the name itself when it has none), in display order."""
        properties: Mapping[str, Any] = self.schema.get("properties", {})
        order = [name for name in self.schema.get("x-order", []) if name in properties]
        order += [name for name in properties if name not in order]
        return {name: str(properties[name].get("title", name)) for name in order}

    @classmethod
    def from_json(cls, key: str, text: str, forms_dir: Path | None = None) -> FormDefinition:
        """Parse and check a definition; InvalidData names the form and every problem found.

        With `forms_dir`, references to other definitions ({"$ref": "household"}) are expanded
        from that directory; without it a reference is a problem (a packed bundle holds none).
        """
        raw, problems = _parse(key, text, "表单")
        if isinstance(raw, dict):
            return cls._checked(key, raw, problems, forms_dir)
        raise InvalidData(f"表单 {key} 的定义有误：" + "；".join([*problems, "定义必须是一个 JSON 对象"]))

    @classmethod
    def from_dict(cls, key: str, raw: Mapping[str, Any], forms_dir: Path | None = None) -> FormDefinition:
        """A definition written in code (a service's request envelope), checked like a file's."""
        return cls._checked(key, dict(raw), [], forms_dir)

    @classmethod
    def _checked(cls, key: str, raw: dict[str, Any], problems: list[str], forms_dir: Path | None) -> FormDefinition:
        if forms_dir is not None:
            raw, ref_problems = resolve_refs(raw, key, _reader(forms_dir))
            problems = problems + ref_problems
        problems += definition_problems(raw)
        if problems:
            raise InvalidData(f"表单 {key} 的定义有误：" + "；".join(dict.fromkeys(problems)))
        return cls(key=key, title=raw["title"], schema=raw)


def _parse(key: str, text: str, what: str) -> tuple[Any, list[str]]:
    """The JSON value of a definition's text and the duplicate keys found in it, as problems."""
    if len(text) > _MAX_DEFINITION_CHARS:
        raise InvalidData(f"{what} {key} 的定义过大（超过 {_MAX_DEFINITION_CHARS} 个字符）")
    duplicates: list[str] = []
    try:
        raw = json.loads(text, object_pairs_hook=lambda pairs: _object(pairs, duplicates))
    except json.JSONDecodeError as exc:
        reason = next((zh for en, zh in _JSON_ERRORS if exc.msg.startswith(en)), exc.msg)
        raise InvalidData(f"{what} {key} 的定义不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列{reason}") from exc
    except (ValueError, RecursionError) as exc:
        raise InvalidData(
            f"{what} {key} 的定义不是有效的 JSON：{'嵌套过深' if isinstance(exc, RecursionError) else exc}"
        ) from exc
    return raw, [f"键 {name} 重复出现" for name in duplicates]


_JSON_ERRORS = (
    ("Expecting ',' delimiter", "缺少逗号"),
    ("Expecting ':' delimiter", "缺少冒号"),
    ("Expecting property name enclosed in double quotes", "键必须写在双引号中"),
    ("Expecting value", "缺少取值"),
    ("Extra data", "之后还有多余的内容"),
    ("Unterminated string", "字符串没有结束引号"),
    ("Invalid control character", "字符串中有控制字符（换行请写 \\n）"),
    ("Invalid \\escape", "无效的转义"),
)
_WHERE = re.compile(r"^字段 ([^：]+)：")
_JSON_LINE = re.compile(r"第 (\d+) 行")


def definition_file_problems(key: str, text: str, origin: str, forms_dir: Path | None) -> list[Problem]:
    """Every problem of one definition file (a designer's upload, `dibao processes validate x.json`),
    each naming the field it is about and, where it can be found, the line of that field."""
    if not is_valid_form_key(key):
        return [Problem(origin, f"表单标识 {key[:40]!r} 不合法：文件名只能由小写字母、数字和下划线组成")]
    try:
        raw, problems = _parse(key, text, "表单")
    except InvalidData as exc:
        line = _JSON_LINE.search(exc.message)
        return [Problem(origin, exc.message, None, int(line.group(1)) if line else None)]
    if not isinstance(raw, dict):
        return [Problem(origin, f"表单 {key} 的定义必须是一个 JSON 对象", None, 1)]
    if forms_dir is not None:
        raw, ref_problems = resolve_refs(raw, key, _reader(forms_dir))
        problems = problems + ref_problems
    return [_located(origin, text, p) for p in dict.fromkeys(problems + definition_problems(raw))]


def _located(origin: str, text: str, message: str) -> Problem:
    """A problem "字段 members[].name：…" names the field; its line is where its keys first appear in turn."""
    match = _WHERE.match(message)
    if match is None:
        return Problem(origin, message)
    path = match.group(1)
    position = 0
    for part in filter(None, re.split(r"\.|\[\]", path)):
        found = re.compile(rf'"{re.escape(part)}"\s*:').search(text, position)
        if found is None:
            return Problem(origin, message, path)
        position = found.start()
    return Problem(origin, message, path, text.count("\n", 0, position) + 1)


def _reader(forms_dir: Path) -> Callable[[str], Any]:
    """Reads referenced definitions from `forms_dir`, each file once per load."""
    cache: dict[str, Any] = {}

    def read(key: str) -> Any:
        if key not in cache:
            cache[key] = _read_referenced(key, forms_dir)
        # Each use gets its own copy: the resolver builds new dicts, but a shared nested list
        # (an enum, required) would tie two fields of the finished schema together.
        return copy.deepcopy(cache[key])

    return read


def _read_referenced(key: str, forms_dir: Path) -> Any:
    what = "引用的表单"
    if not is_valid_form_key(key):
        raise NotFound(f"{what} {key!r} 不存在（表单标识只能由小写字母、数字和下划线组成）")
    try:
        text = (forms_dir / f"{key}.json").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise NotFound(f"{what} {key} 不存在") from exc
    except UnicodeDecodeError as exc:
        raise InvalidData(f"{what} {key} 的定义不是 UTF-8 文本") from exc
    raw, duplicates = _parse(key, text, what)
    if duplicates:
        raise InvalidData(f"{what} {key} 的定义有误：" + "；".join(duplicates))
    return raw


def _object(pairs: list[tuple[str, Any]], duplicates: list[str]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys without a word; in a hand-written
    # definition that is almost always a copy-paste slip worth reporting.
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            duplicates.append(name)
        result[name] = value
    return result


def is_valid_form_key(key: str) -> bool:
    return isinstance(key, str) and _KEY.fullmatch(key) is not None


def form_exists(key: str, forms_dir: Path = FORMS_DIR) -> bool:
    """Whether a definition file exists for the key (it may still be invalid; load_form checks)."""
    return is_valid_form_key(key) and (forms_dir / f"{key}.json").is_file()


def load_form(key: str, forms_dir: Path = FORMS_DIR) -> FormDefinition:
    """Load and check one definition, expanding its references from the same directory.

    NotFound for a missing file or a malformed key.
    """
    if not is_valid_form_key(key):
        # The key reaches a file path; refusing anything but [a-z0-9_] rules out "../" and friends.
        raise NotFound(f"表单 {key!r} 不存在（表单标识只能由小写字母、数字和下划线组成）")
    path = forms_dir / f"{key}.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise NotFound(f"表单 {key} 不存在") from exc
    except UnicodeDecodeError as exc:
        raise InvalidData(f"表单 {key} 的定义不是 UTF-8 文本") from exc
    return FormDefinition.from_json(key, text, forms_dir)
