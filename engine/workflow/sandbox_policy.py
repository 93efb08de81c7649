"""Compile-time policy of the script sandbox (see ``engine.workflow.sandbox``).

What a sandboxed source cannot do, and why:

* ``import``, ``__import__``, names or attributes starting with ``_`` (so no dunder walk such as
  ``().__class__.__base__.__subclasses__()``), frame/generator introspection attributes: refused
  at compile time.
* ``try``/``with`` statements, generator functions (``yield``) and class definitions: refused at
  compile time. A trace function that raises is switched off by CPython, so a script that could
  catch the ``ScriptTimeout`` (or run a ``finally``/``__exit__``) would keep running unwatched;
  a generator with a ``finally`` left in task data would even run it later, outside any budget.
* Calling ``open``, ``eval``, ``exec``, ``compile``, ``getattr``, ``type``, ``vars``, ``globals``,
  ``print`` and similar: refused at compile time by name; they are not in the builtins either, so
  ``f = eval`` still ends in a NameError at run time.
* ``str.format``/``format_map``: compile, but RestrictedPython's ``safer_getattr`` raises
  ``NotImplementedError`` at run time (``"{0.__class__}".format(x)`` would walk dunders). Use f-strings.
* ``_`` alone stays usable as a throwaway name, as in RestrictedPython.
"""

from __future__ import annotations

import ast
from collections.abc import Collection

from RestrictedPython.transformer import INSPECT_ATTRIBUTES, RestrictingNodeTransformer, copy_locations

from engine.workflow.sandbox_builtins import BUILTIN_NAMES
from engine.workflow.sandbox_methods import REFUSED_ATTRIBUTES

# Spiff's error formatter finds the failing line through traceback frames with exactly this name.
_FILENAME = "<string>"


class SandboxViolation(Exception):
    """The source does not compile in the sandbox. ``message`` is Chinese and names the construct.

    Deliberately not a SyntaxError: Spiff's error formatter crashes on a SyntaxError whose
    ``lineno`` is None.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Refused when called by name; none of them is in the builtins, so this only turns a run-time
# NameError into a deploy-time refusal with a clear message.
_FORBIDDEN_CALLS = frozenset(
    {
        "open",
        "eval",
        "exec",
        "compile",
        "getattr",
        "setattr",
        "delattr",
        "hasattr",
        "type",
        "vars",
        "globals",
        "locals",
        "dir",
        "input",
        "breakpoint",
        "help",
        "exit",
        "quit",
        "memoryview",
        "object",
        "super",
        "classmethod",
        "staticmethod",
        "property",
        "iter",
        "next",
        "format",
    }
)


_PRINT_NAMES = frozenset({"print", "printed"})


class _PreCheck(ast.NodeVisitor):
    """Our own refusals, checked before RestrictedPython so the messages are Chinese and specific."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[int, int]] = {}

    @property
    def problems(self) -> list[str]:
        """In source order (the innermost attribute of a chain first), each message once."""
        return sorted(self.found, key=self.found.__getitem__)

    def refuse(self, node: ast.AST, message: str) -> None:
        position = (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)
        self.found[message] = min(position, self.found.get(message, position))

    def visit_Import(self, node: ast.Import) -> None:
        self.refuse(node, "不允许使用 import 语句")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.refuse(node, "不允许使用 import 语句")

    def visit_Try(self, node: ast.Try) -> None:
        self.refuse(node, "不允许使用 try 语句（捕获异常会使超时无法中止脚本）")
        self.generic_visit(node)

    def visit_TryStar(self, node: ast.AST) -> None:
        self.refuse(node, "不允许使用 try 语句（捕获异常会使超时无法中止脚本）")
        self.generic_visit(node)

    def visit_With(self, node: ast.With) -> None:
        self.refuse(node, "不允许使用 with 语句")
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.refuse(node, "不允许定义类")
        self.generic_visit(node)

    def visit_Yield(self, node: ast.Yield) -> None:
        self.refuse(node, "不允许使用 yield（生成器函数）")
        self.generic_visit(node)

    def visit_YieldFrom(self, node: ast.YieldFrom) -> None:
        self.refuse(node, "不允许使用 yield（生成器函数）")
        self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.refuse(node, "不允许使用 async/await")

    def visit_Await(self, node: ast.Await) -> None:
        self.refuse(node, "不允许使用 async/await")

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in _FORBIDDEN_CALLS:
            self.refuse(node.func, f"不允许调用 {node.func.id}")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        self._check_name(node, node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr.startswith("_"):
            self.refuse(node, f"不允许访问以下划线开头的名称或属性：{node.attr}")
        elif node.attr in INSPECT_ATTRIBUTES or node.attr in REFUSED_ATTRIBUTES:
            self.refuse(node, f"不允许访问属性：{node.attr}")
        self.generic_visit(node)

    def visit_arg(self, node: ast.arg) -> None:
        self._check_name(node, node.arg)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._check_name(node, node.name)
        self.generic_visit(node)

    def _check_name(self, node: ast.AST, name: str) -> None:
        if name == "__import__":
            self.refuse(node, "不允许使用 __import__")
        elif name in _PRINT_NAMES:
            # RestrictedPython would rewrite these into its print collector, which we do not offer.
            self.refuse(node, f"不允许使用 {name}")
        elif name.startswith("_") and name != "_":
            self.refuse(node, f"不允许访问以下划线开头的名称或属性：{name}")


# Names the rewritten code calls; ``sandbox._GUARDS`` binds them to the guards in ``sandbox_builtins``.
_BINOP_GUARDS: dict[type[ast.operator], str] = {
    ast.Pow: "_sandbox_pow_",
    ast.Mult: "_sandbox_mul_",
    ast.LShift: "_sandbox_lshift_",
    ast.Add: "_sandbox_add_",
    ast.Mod: "_sandbox_mod_",
}
_FORMAT_GUARD = "_sandbox_format_"
_LOOP_TICK = "_sandbox_tick_"


class _SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy plus guarded ``**``/``*``/``<<``/``+``/``%``, guarded f-string fields and
    a tick in every ``while`` body.

    The tick matters: CPython 3.11 emits no trace event for ``while True: pass``, whose only
    instruction jumps to itself; one name load makes the back-edge land on an earlier instruction,
    which does produce a line event.
    """

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:  # noqa: N802 - ast.NodeTransformer naming
        node = self.node_contents_visit(node)
        guard = _BINOP_GUARDS.get(type(node.op))
        if guard is None:
            return node
        call = ast.Call(func=ast.Name(guard, ast.Load()), args=[node.left, node.right], keywords=[])
        copy_locations(call, node)
        return call

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:  # noqa: N802 - ast.NodeTransformer naming
        """``f"{x!r:>{n}}"`` becomes ``f"{_sandbox_format_(x, f'>{n}', 114)}"``: the guard applies the
        conversion and refuses huge widths and precisions before formatting."""
        node = self.node_contents_visit(node)
        spec: ast.expr = node.format_spec if node.format_spec is not None else ast.Constant("")
        call = ast.Call(
            func=ast.Name(_FORMAT_GUARD, ast.Load()),
            args=[node.value, spec, ast.Constant(node.conversion)],
            keywords=[],
        )
        copy_locations(call, node)
        guarded = ast.FormattedValue(value=call, conversion=-1, format_spec=None)
        copy_locations(guarded, node)
        return guarded

    def visit_While(self, node: ast.While) -> ast.AST:  # noqa: N802 - ast.NodeTransformer naming
        node = self.node_contents_visit(node)
        tick = ast.Expr(ast.Name(_LOOP_TICK, ast.Load()))
        copy_locations(tick, node)
        node.body.insert(0, tick)
        return node


def _syntax_message(exc: SyntaxError) -> str:
    where = f"（第 {exc.lineno} 行）" if exc.lineno else ""
    return f"语法错误{where}：{exc.msg}"


def _bound_names(tree: ast.AST) -> set[str]:
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound


def check_names(source: str, mode: str, known: Collection[str]) -> str | None:
    """Deploy-time check: every name called as a function is a whitelisted builtin, one of ``known``
    (the helpers) or bound in the source itself. ``open(...)`` compiles under RestrictedPython and
    would only fail at run time with a NameError, so it is refused here."""
    try:
        tree = ast.parse(source, _FILENAME, mode)
    except SyntaxError as exc:
        return _syntax_message(exc)
    except ValueError as exc:
        return f"语法错误：{exc}"
    except RecursionError:
        return "表达式嵌套过深"
    bound = _bound_names(tree)
    refused: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name not in BUILTIN_NAMES and name not in known and name not in bound and name not in refused:
                refused.append(name)
    if not refused:
        return None
    return "；".join(f"不允许调用 {name}" for name in refused)
