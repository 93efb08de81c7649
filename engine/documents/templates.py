"""The template sandbox: Jinja that reads only the document context (docs/documents.md#sandbox).

A template is written by a regional designer and runs inside the web and worker processes, so the
environment gives it nothing to reach for: autoescaping; no globals (no ``range``, no ``namespace``);
a dot or a subscript reads a key of the context's mappings or an item of its lists and nothing else
(no methods, no ``__class__``); no macros, imports or recursive loops; ``*`` and ``**`` that would
build a huge value stop. Every loop runs over a list of the context, so a render is bounded by its data.
The static check (``template_problems``) refuses at deploy what the sandbox would refuse at render,
and every field the template reads that the context does not declare (engine.documents.fields).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from html import unescape
from typing import Any

from jinja2 import DictLoader, StrictUndefined, TemplateError, TemplateNotFound, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext, TemplateReference
from jinja2.sandbox import ImmutableSandboxedEnvironment

from engine.documents.fields import CONTEXT, AnyKeys, ListOf, Shape

_LOOP_FIELDS = frozenset({"index", "index0", "first", "last", "length", "revindex", "revindex0"})
_REFUSED_NODES: dict[type[nodes.Node], str] = {
    nodes.Macro: "宏（macro）",
    nodes.CallBlock: "调用块（call）",
    nodes.Import: "导入（import）",
    nodes.FromImport: "导入（from … import）",
    nodes.Call: "函数调用",
}
# Anything that would make WeasyPrint fetch: url(...), src=, href=, @import; data: URIs and #anchors only.
# A value from the context ({{ doc.qr }}) passes here; the PDF printer refuses it at render if it is a URL.
_EXTERNAL = re.compile(
    r"""(?:url\(\s*['"]?|(?:src|href)\s*=\s*['"]?|@import\s+['"]?)(?!data:|\#|\{\{|['"\s)>])([^'"\s)>]+)""",
    re.IGNORECASE,
)
_MAX_REPEAT = 10_000
_SUPER = "super"
_SELF = "self"


class DocumentSandbox(ImmutableSandboxedEnvironment):
    """Jinja for one bundle's templates; see the module docstring for what it refuses."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, templates: Mapping[str, str]) -> None:
        super().__init__(
            loader=DictLoader(dict(templates)), autoescape=True, undefined=StrictUndefined, finalize=_blank_none
        )
        self.globals.clear()
        self.filters["money"] = money
        for name in ("attr", "map", "select", "reject", "selectattr", "rejectattr", "pprint", "xmlattr", "tojson"):
            self.filters.pop(name, None)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, LoopContext) and attribute in _LOOP_FIELDS:
            return getattr(obj, attribute)
        if isinstance(obj, TemplateReference):  # self.title(): a block of this template, rendered again
            return obj[attribute]
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, Mapping) and isinstance(argument, str):
            return self.getattr(obj, argument)
        if isinstance(obj, Sequence) and not isinstance(obj, str) and isinstance(argument, int):
            try:
                return obj[argument]
            except IndexError:
                pass
        return self.undefined(obj=obj, name=str(argument))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" or any(isinstance(v, int) and abs(v) > _MAX_REPEAT for v in (left, right)):
            raise SecurityError("文书模板中的乘方或过大的乘法已被禁止")
        return super().call_binop(context, operator, left, right)


def _blank_none(value: Any) -> Any:
    """A field the record has no value for prints as nothing (the paper shows a blank to fill in)."""
    return "" if value is None else value


def money(value: Any) -> str:
    """12.5 → "12.50"; an empty value stays empty (a document shows a blank, not "None")."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)):.2f}"
    except ArithmeticError:
        return str(value)


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def html_title(html: str) -> str:
    """The text of a rendered document's <title> (its title as issued), or "" when it has none."""
    match = _TITLE.search(html)
    return unescape(match.group(1)).strip() if match else ""


def render_html(name: str, templates: Mapping[str, str], context: Mapping[str, Any]) -> str:
    """The template rendered; TemplateError (or SecurityError) when it cannot be."""
    return _sandbox(_frozen(templates)).get_template(name).render(context)


# Compiling a document's templates took ~55 ms of a step that issues one (more than the rest of the
# step): a bundle's templates are compiled once per process and kept, keyed by their very text, so an
# edited template (a new process version, a designer's draft) is a new key. The sandbox holds no state
# between renders; Jinja's environments are safe to share between threads.
_Frozen = tuple[tuple[str, str], ...]


def _frozen(templates: Mapping[str, str]) -> _Frozen:
    return tuple(sorted(templates.items()))


@lru_cache(maxsize=64)
def _sandbox(templates: _Frozen) -> DocumentSandbox:
    return DocumentSandbox(dict(templates))


# ---- the static check -----------------------------------------------------------------------------


def template_problems(name: str, templates: Mapping[str, str], step_fields: frozenset[str] | None = None) -> list[str]:
    """Why `name` cannot be deployed, in the designer's language; empty when it can. `step_fields`: the
    fields of the issuing step's form, when known, which ``step.values`` may read."""
    problems: list[str] = []
    source = templates.get(name)
    if source is None:
        return [f"文书模板 {name} 不存在"]
    for match in _EXTERNAL.finditer(source):
        problems.append(f"文书模板 {name} 引用了外部资源“{match.group(1)[:60]}”：只能使用内置字体和 data: 图片")
    environment = DocumentSandbox(templates)
    # The layouts it extends run with the same context: a field they read is read by this document.
    for used in sorted(templates_used(name, templates), key=lambda each: each != name):
        try:
            tree = environment.parse(templates[used], used)
        except TemplateError as exc:
            problems.append(f"文书模板 {used} 第 {getattr(exc, 'lineno', '?')} 行语法错误：{exc.message or exc}")
            continue
        fields = step_fields if used == name else None
        problems.extend(f"文书模板 {used}：{p}" for p in _node_problems(tree, templates, fields, used))
    return list(dict.fromkeys(problems))


def templates_used(name: str, templates: Mapping[str, str]) -> set[str]:
    """`name` and every template it extends or includes (the files a bundle must carry with it)."""
    return set(_templates_used(name, _frozen(templates)))


@lru_cache(maxsize=256)
def _templates_used(name: str, frozen: _Frozen) -> frozenset[str]:
    templates = dict(frozen)
    seen: set[str] = set()
    frontier = [name]
    environment = DocumentSandbox(templates)
    while frontier:
        current = frontier.pop()
        if current in seen or current not in templates:
            continue
        seen.add(current)
        try:
            tree = environment.parse(templates[current], current)
        except TemplateError:
            continue
        frontier.extend(_referenced(tree))
    return frozenset(seen)


def _referenced(tree: nodes.Node) -> Iterator[str]:
    for node in tree.find_all((nodes.Extends, nodes.Include)):
        target = getattr(node, "template", None)
        if isinstance(target, nodes.Const) and isinstance(target.value, str):
            yield target.value


def _node_problems(
    tree: nodes.Template, templates: Mapping[str, str], step_fields: frozenset[str] | None, name: str
) -> Iterator[str]:
    for node in tree.find_all(nodes.Node):
        refused = _REFUSED_NODES.get(type(node))
        if refused and not _is_super_call(node):
            yield f"第 {node.lineno} 行使用了不允许的{refused}"
        if isinstance(node, nodes.For) and node.recursive:
            yield f"第 {node.lineno} 行使用了递归循环（recursive）"
        if isinstance(node, nodes.Extends | nodes.Include):
            target = node.template
            if not (isinstance(target, nodes.Const) and isinstance(target.value, str)):
                yield f"第 {node.lineno} 行引用的模板名必须是固定的文字"
            elif target.value not in templates:
                yield f"第 {node.lineno} 行引用的模板 {target.value} 不存在"
            elif name in templates_used(target.value, templates):
                yield f"第 {node.lineno} 行引用模板 {target.value} 形成循环"
    yield from _FieldCheck(step_fields).run(tree)


def _is_super_call(node: nodes.Node) -> bool:
    """super() and self.<block>(): calls of the template's own blocks, the only calls a template makes."""
    if not isinstance(node, nodes.Call):
        return False
    called = node.node
    if isinstance(called, nodes.Getattr):
        called = called.node
        return isinstance(called, nodes.Name) and called.name == _SELF
    return isinstance(called, nodes.Name) and called.name == _SUPER


class _FieldCheck:
    """Every name, dot and subscript the template reads, resolved against the declared context, with
    loop variables bound to their list's item shape and ``{% set %}`` names to anything."""

    def __init__(self, step_fields: frozenset[str] | None) -> None:
        self.step_fields = step_fields

    def run(self, tree: nodes.Node) -> Iterator[str]:
        yield from self._visit(tree, {})

    def _visit(self, node: nodes.Node, scope: dict[str, Shape | None]) -> Iterator[str]:
        if isinstance(node, nodes.For):
            yield from self._visit(node.iter, scope)
            item = _item_shape(self._shape(node.iter, scope))
            inner = dict(scope, loop=None)
            single = isinstance(node.target, nodes.Name)
            for target in _names(node.target):
                inner[target] = item if single else None
            for child in [*node.body, *node.else_]:
                yield from self._visit(child, inner)
            if node.test is not None:
                yield from self._visit(node.test, inner)
            return
        if isinstance(node, nodes.Assign | nodes.AssignBlock):
            for target in _names(node.target):
                scope[target] = None
        if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name) and _is_read(node):
            problem = self._problem(node, scope)
            if problem:
                yield problem
            return
        for child in node.iter_child_nodes():
            yield from self._visit(child, scope)

    def _problem(self, node: nodes.Expr, scope: dict[str, Shape | None]) -> str | None:
        path = _path(node)
        if path is None:
            if isinstance(node, nodes.Getattr) and not _leads_to_name(node):
                # "abc".upper, ().__class__: an attribute of a literal, never a field of the context.
                return f"第 {node.lineno} 行读取了不允许的属性 {node.attr}"
            # A subscript by a computed value (members[i]): check what it reads from and with.
            for child in node.iter_child_nodes():
                problem = next(iter(self._visit(child, scope)), None)
                if problem:
                    return problem
            return None
        root, *keys = path
        if root in (_SUPER, _SELF):
            return None
        shape: Shape | None = scope[root] if root in scope else CONTEXT.get(root, _MISSING)
        if shape is _MISSING:
            return f"第 {node.lineno} 行读取了文书上下文中没有的字段 {root}"
        walked = [root]
        for key in keys:
            if shape is None or (isinstance(key, int) and isinstance(shape, ListOf)):
                shape = None if shape is None else shape.item
                walked.append(str(key))
                continue
            if isinstance(shape, AnyKeys):
                if self.step_fields is not None and walked[-1] == "values" and str(key) not in self.step_fields:
                    return f"第 {node.lineno} 行读取的 {'.'.join(walked)}.{key} 不是办理步骤表单中的字段"
                return None
            if not isinstance(shape, Mapping) or str(key) not in shape:
                return f"第 {node.lineno} 行读取了文书上下文中没有的字段 {'.'.join([*walked, str(key)])}"
            shape = shape[str(key)]
            walked.append(str(key))
        return None

    def _shape(self, node: nodes.Node, scope: dict[str, Shape | None]) -> Shape | None:
        path = _path(node) if isinstance(node, nodes.Expr) else None
        if not path:
            return None
        root, *keys = path
        shape: Shape | None = scope.get(root) if root in scope else CONTEXT.get(root)
        for key in keys:
            if isinstance(shape, Mapping):
                shape = shape.get(str(key))
            elif isinstance(shape, ListOf) and isinstance(key, int):
                shape = shape.item
            else:
                return None
        return shape


_MISSING: Any = object()


def _names(target: nodes.Node) -> list[str]:
    if isinstance(target, nodes.Name):
        return [target.name]
    return [name.name for name in target.find_all(nodes.Name)]


def _item_shape(shape: Shape | None) -> Shape | None:
    return shape.item if isinstance(shape, ListOf) else None


def _leads_to_name(node: nodes.Node) -> bool:
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        node = node.node
    return isinstance(node, nodes.Name)


def _is_read(node: nodes.Node) -> bool:
    return getattr(node, "ctx", "load") == "load"


def _path(node: nodes.Node) -> list[Any] | None:
    """["household", "members", 0, "name"] for household.members[0].name; None when not a plain path."""
    keys: list[Any] = []
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        if isinstance(node, nodes.Getattr):
            keys.append(node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str | int):
            keys.append(node.arg.value)
        else:
            return None
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    return [node.name, *reversed(keys)]


def template_not_found(exc: Exception) -> bool:
    return isinstance(exc, TemplateNotFound)
