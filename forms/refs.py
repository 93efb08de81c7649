"""`{"$ref": "<form key>"}`: a field whose schema is another form definition of the same directory.

The household data of docs/contracts.md is entered on several forms (the 低保 application's start form,
the what-if assessment, re-checks); writing it once in forms/definitions/household.json and
referring to it keeps them from drifting apart. A reference is expanded when a definition is
loaded from its directory, so a FormDefinition (and the form packed into a process bundle) never
holds one: a deployed bundle must not change meaning when the directory changes later.

The referenced definition's top level becomes the field: its title is the field's title unless the
reference node gives its own. Next to "$ref" only labels and UI hints (title, description, x-*)
may appear; anything else would be a second schema that the reference silently overrides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.errors import DibaoError
from forms.problems import LABEL_KEYS

REF = "$ref"
# A definition referring to the same definition many times over could blow up geometrically
# (a references b ten times, b references c ten times, ...); no real form needs this many.
MAX_EXPANSIONS = 32

# Reads the raw definition of a form key; raises DibaoError with a Chinese message naming the key.
Reader = Callable[[str], Any]


def resolve_refs(raw: Mapping[str, Any], key: str, read: Reader) -> tuple[dict[str, Any], list[str]]:
    """The definition with every reference expanded, and the problems found (Chinese, naming where).

    A reference that cannot be expanded is replaced by an empty object, so the rest of the
    definition can still be checked and every problem reported at once.
    """
    resolver = _Resolver(read)
    resolved = resolver.node(raw, "表单", (key,), top=True)
    return resolved, resolver.problems


class _Resolver:
    def __init__(self, read: Reader) -> None:
        self.read = read
        self.problems: list[str] = []
        self.expansions = 0

    def node(self, raw: Mapping[str, Any], where: str, chain: tuple[str, ...], *, top: bool = False) -> dict[str, Any]:
        """A copy of a schema node whose properties and items have their references expanded."""
        node = dict(raw)
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            node["properties"] = {
                name: self.child(child, f"字段 {name}" if top else f"{where}.{name}", chain)
                for name, child in properties.items()
            }
        items = node.get("items")
        if isinstance(items, Mapping):
            node["items"] = self.child(items, f"{where}[]", chain)
        return node

    def child(self, raw: Any, where: str, chain: tuple[str, ...]) -> Any:
        if not isinstance(raw, Mapping):
            return raw  # definition_problems reports it
        if REF not in raw:
            return self.node(raw, where, chain)
        overrides = {k: v for k, v in raw.items() if k != REF}
        target = self._target(raw[REF], overrides, where, chain)
        if target is None:
            return {"type": "object", "properties": {}, **_labels(overrides)}
        return {**target, **overrides}

    def _target(self, ref: Any, overrides: Mapping[str, Any], where: str, chain: tuple[str, ...]) -> Any:
        extra = [str(k) for k in overrides if k not in LABEL_KEYS and not (isinstance(k, str) and k.startswith("x-"))]
        if extra:
            self.problems.append(
                f"{where}：与 $ref 同时出现的只能是 title、description 和 x- 开头的界面提示，不能有 {'、'.join(extra)}"
            )
            return None
        if not isinstance(ref, str):
            self.problems.append(f"{where}：$ref 必须是表单标识（文字）")
            return None
        if ref in chain:
            self.problems.append(f"{where}：表单引用成环（{' → '.join((*chain, ref))}）")
            return None
        self.expansions += 1
        if self.expansions > MAX_EXPANSIONS:
            self.problems.append(f"{where}：引用展开次数过多（最多 {MAX_EXPANSIONS} 次）")
            return None
        try:
            target = self.read(ref)
        except DibaoError as exc:
            self.problems.append(f"{where}：{exc.message}")
            return None
        if not isinstance(target, Mapping):
            self.problems.append(f"{where}：引用的表单 {ref} 的定义不是 JSON 对象")
            return None
        # A referenced definition may itself be nothing but a reference (an alias).
        return self.child(target, where, (*chain, ref))


def _labels(overrides: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in overrides.items() if k in LABEL_KEYS}
