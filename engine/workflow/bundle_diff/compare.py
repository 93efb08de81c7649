"""The one comparison every element kind goes through, and the reading every XML file kind shares.

A process, a task, a lane, a decision, a rule, a form, a field and a parameter are all compared the
same way: by a key that a designer keeps stable (the id, the rule id, the dotted path, the name), an
element only in the new version is added, one only in the old is removed, and one in both but unequal
changed, in as many sentences as it has changed attributes. What differs per kind is only how these
sentences read, which a `Kind` holds; an element kind that contains others (a process its tasks, a
decision its rules, a form its fields) names them in `parts`, compared inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from lxml import etree

from engine.workflow.bundle_diff.changes import ADDED, CHANGED, REMOVED, Change, file_problem, quote
from engine.workflow.xmlsafe import UnsafeXml, parse_xml

Owner = TypeVar("Owner")
Item = TypeVar("Item")
Model = TypeVar("Model")


@dataclass(frozen=True)
class Pair(Generic[Owner]):
    """What holds the compared elements, before and after: sentences may name either side's elements."""

    old: Owner
    new: Owner


@dataclass(frozen=True)
class Kind(Generic[Owner, Item]):
    """How one kind of element is found in its owner and how its differences read."""

    name: str  # a key of KIND_LABELS
    items: Callable[[Owner], Mapping[str, Item]]
    added: Callable[[Pair[Owner], str, Item], str]
    removed: Callable[[Pair[Owner], str, Item], str]
    changed: Callable[[Pair[Owner], str, Item, Item], Iterable[str]]
    scope: Callable[[str], str] | None = None  # a top-level kind's scope, by key; parts share their owner's
    parts: tuple[Kind[Item, Any], ...] = ()
    in_file_order: bool = False  # old keys as they stand, then new ones; else sorted (ids have no order)


def compare(kind: Kind[Owner, Item], pair: Pair[Owner], scope: str = "") -> Iterator[Change]:
    """The changes of `kind` between the two owners, each part's changes right after their element's.

    A top-level kind names each element's scope itself; a part is given its owner's (`scope`)."""
    old, new = kind.items(pair.old), kind.items(pair.new)
    keys = [*old, *(k for k in new if k not in old)] if kind.in_file_order else sorted(old.keys() | new.keys())
    for key in keys:
        where = kind.scope(key) if kind.scope is not None else scope
        if key not in old:
            yield Change(kind.name, ADDED, where, key, kind.added(pair, key, new[key]))
        elif key not in new:
            yield Change(kind.name, REMOVED, where, key, kind.removed(pair, key, old[key]))
        elif old[key] != new[key]:
            for sentence in kind.changed(pair, key, old[key], new[key]):
                yield Change(kind.name, CHANGED, where, key, sentence)
            for part in kind.parts:
                yield from compare(part, Pair(old[key], new[key]), where)


def top_level(
    name: str,
    noun: str,
    title: Callable[[Item], str],
    changed: Callable[[Pair[dict[str, Item]], str, Item, Item], Iterable[str]],
    parts: tuple[Kind[Item, Any], ...],
    removed: str = "删除",
) -> Kind[dict[str, Item], Item]:
    """A kind a file is made of (a process, a decision table, a form), named by its title and key:
    "新增流程“低保申请”（dibao_application）", in scope "流程 dibao_application"."""
    return Kind(
        name,
        items=lambda found: found,
        added=lambda _, key, item: f"新增{noun}{quote(title(item))}（{key}）",
        removed=lambda _, key, item: f"{removed}{noun}{quote(title(item))}（{key}）",
        changed=changed,
        scope=lambda key: f"{noun} {key}",
        parts=parts,
    )


# An attribute as a sentence shows it: (what it is, its value on an element, how a value reads).
Attribute = tuple[str, Callable[[Item], object], Callable[[Any], str]]


def attribute_changes(subject: str, old: Item, new: Item, attributes: Iterable[Attribute[Item]]) -> Iterator[str]:
    """A sentence "<subject><what>：<before> → <after>" for each attribute whose value differs, in order."""
    for what, value, shown in attributes:
        before, after = value(old), value(new)
        if before != after:
            yield f"{subject}{what}：{shown(before)} → {shown(after)}"


def read_elements(
    files: Mapping[str, str], tag: str, read: Callable[[etree._Element], Model], changes: list[Change]
) -> dict[str, Model]:
    """Every element `tag` with an id in the XML `files`, read by `read`; a file that does not parse
    becomes a change in `changes` instead."""
    found: dict[str, Model] = {}
    for name, text in files.items():
        try:
            root = parse_xml(text.encode()).getroot()
        except UnsafeXml as exc:
            changes.append(file_problem(name, f"文件 {name} 无法解析：{exc.message}"))
            continue
        for element in root.iter(tag):
            if element.get("id"):
                found[str(element.get("id"))] = read(element)
    return found


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def text_of(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None
