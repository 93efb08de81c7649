"""Form definitions: one JSON file per form under forms/definitions/<form_key>.json."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InvalidData, NotFound
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
    except (ValueError, RecursionError) as exc:
        raise InvalidData(f"{what} {key} 的定义不是有效的 JSON：{exc}") from exc
    return raw, [f"键 {name} 重复出现" for name in duplicates]


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
