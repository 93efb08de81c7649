"""The sandbox in which every BPMN script task, gateway condition, timer expression and DMN cell runs.

Spiff's default environment is plain ``eval``/``exec`` with full builtins and no time limit
(docs/spiffworkflow.md#script-engine). Here every source is compiled with RestrictedPython's
``compile_restricted`` plus a stricter pre-check of our own, runs against a short whitelist of
builtins and the registered domain helpers, and is stopped by a per-call time budget.

The sandbox is split by job:

* ``sandbox_policy``: what a sandboxed source cannot do, and why; refused at compile time.
* ``sandbox_builtins``: the builtin whitelist and the run-time guards for ``**``, ``*`` and ``<<``.
* this module: compiling (cached), the time budget, Spiff's environment and the public names,
  including those defined in the other two modules (import them from here).

Task-data keys that share a name with a helper: Spiff's ``check_for_overwrite`` rule, kept (with a
Chinese message) because the helper would otherwise silently become uncallable. Helper names
should therefore be distinctive (``param``, ``today_iso``), never plausible form field names.

Time budget: see ``SandboxedEnvironment._run``. What it cannot interrupt is a single long C-level
operation: the check runs between Python-level events (lines, calls, loop back-edges), never
inside one bytecode. Operators, f-string fields, a few builtins and the growing methods of strings,
lists and ints therefore go through guards (``sandbox_builtins``, ``sandbox_methods``, limits in
``sandbox_limits``) that refuse results that would be huge before computing them. What remains
unguarded are single C calls on big or deeply shared data, e.g. ``str()`` or ``==`` of
``[[0] * 10**5] * 10**5``. The backstop for those is the engine host (``engine.workflow.host``):
every engine step that runs designer code does so in a separate process with an address-space
limit, killed when it outlives its wall-clock limit.

A script, condition or DMN cell that raises anything at all, including a ``BaseException`` it
reached somehow, fails its step as an ordinary exception (``ScriptRaisedBaseException``). What a
script leaves in task data must be storable (``engine.workflow.storable``): it is checked when the
script ends, naming the variable; functions and lambdas it defines at the top level, the helpers,
builtins and guards are removed after each run.
"""

from __future__ import annotations

import ast
import functools
import keyword
import re
import sys
import threading
import time
from collections.abc import Callable, Mapping
from types import CodeType, FrameType
from typing import Any, TypeVar, cast

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.workflow.sandbox_builtins import (
    _BUILTINS,
    BUILTIN_NAMES,
    _apply,
    _guarded_add,
    _guarded_format,
    _guarded_lshift,
    _guarded_mod,
    _guarded_mul,
    _guarded_pow,
    _inplacevar,
)
from engine.workflow.sandbox_methods import guarded_getattr
from engine.workflow.sandbox_policy import (
    _FILENAME,
    _FORBIDDEN_CALLS,
    _LOOP_TICK,
    _PRINT_NAMES,
    SandboxViolation,
    _PreCheck,
    _SandboxPolicy,
    _syntax_message,
    check_names,
)
from engine.workflow.storable import check_storable

__all__ = [
    "BUILTIN_NAMES",
    "SandboxViolation",
    "SandboxedEnvironment",
    "ScriptRaisedBaseException",
    "ScriptTimeout",
    "check_expression",
    "check_names",
    "check_script",
    "find_cause",
    "make_read_only_engine",
    "make_script_engine",
]


class ScriptTimeout(Exception):
    """A script or expression ran longer than its time budget and was stopped."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.message = f"脚本运行超过时间限制（{budget:g} 秒）"
        # Spiff builds its error text from args[0], which must therefore be the string.
        super().__init__(self.message)


class ScriptRaisedBaseException(Exception):
    """A script raised a BaseException that is not an Exception (reachable, e.g., as
    ``Exception.mro()[1]``, before deploy-time checks refused ``mro``). Spiff, our runtime and the timer
    worker catch ``Exception``: let through, it would end the thread that ran the script. It becomes
    an ordinary failure of the step instead."""

    def __init__(self, raised: BaseException) -> None:
        self.message = f"脚本抛出了不允许的异常（{type(raised).__name__}）"
        super().__init__(self.message)


E = TypeVar("E", bound=BaseException)


def find_cause(exc: BaseException, kind: type[E]) -> E | None:
    """The first exception of type ``kind`` in ``exc``'s chain (``exc`` itself included).

    Spiff's WorkflowTaskException keeps only the *name* of the wrapped error (``error_type``); the
    original survives as ``__context__`` because Spiff raises inside its ``except`` block.
    """
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
    return None


# ---------------------------------------------------------------------------------------------
# Guards

# Names the compiled code looks up in its globals. Scripts cannot spell them (leading underscore),
# and they are put in last, so task data cannot replace them either.
_GUARDS: dict[str, Any] = {
    "_getattr_": guarded_getattr,  # safer_getattr that raises, plus refused introspection and growth checks
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_apply_": _apply,
    "_sandbox_pow_": _guarded_pow,
    "_sandbox_mul_": _guarded_mul,
    "_sandbox_lshift_": _guarded_lshift,
    "_sandbox_add_": _guarded_add,
    "_sandbox_mod_": _guarded_mod,
    "_sandbox_format_": _guarded_format,
    _LOOP_TICK: None,
}


# ---------------------------------------------------------------------------------------------
# Compilation (here, not in sandbox_policy: tests/unit/test_sandbox.py counts compilations by
# patching compile_restricted_eval/_exec on this module, so _compile must look them up here).


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: str) -> CodeType | str:
    """The code object, or the Chinese reason it is refused. Cached: compile_restricted is slow and
    Spiff rebuilds DMN cell expressions by string concatenation on every evaluation."""
    if mode not in ("exec", "eval"):
        raise ValueError(f"unknown mode {mode!r}")
    pre_check = _PreCheck()
    try:
        tree = cast(ast.Module | ast.Expression, ast.parse(source, _FILENAME, mode))
        pre_check.visit(tree)
    except SyntaxError as exc:
        return _syntax_message(exc)
    except ValueError as exc:  # NUL bytes in the source
        return f"语法错误：{exc}"
    except RecursionError:
        return "表达式嵌套过深"
    if pre_check.problems:
        return "；".join(pre_check.problems)
    # compile_restricted_eval/_exec are compile_restricted without its warnings.warn() calls,
    # which would print to stderr (or raise, under an "error" warnings filter) for constructs
    # RestrictedPython does not know, instead of just refusing them.
    compile_mode = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compile_mode(tree, _FILENAME, policy=_SandboxPolicy)
    except SyntaxError as exc:  # from compile() itself, e.g. 'return' outside function
        return _syntax_message(exc)
    except RecursionError:
        return "表达式嵌套过深"
    if result.errors or result.code is None:
        return "脚本不符合沙箱规则：" + "；".join(result.errors)
    code: CodeType = result.code
    return code


def _compiled(source: str, mode: str) -> CodeType:
    result = _compile(source, mode)
    if isinstance(result, str):
        raise SandboxViolation(result)
    return result


def check_expression(source: str) -> str | None:
    """None if ``source`` compiles in the sandbox as an expression, else the Chinese reason."""
    result = _compile(source, "eval")
    return result if isinstance(result, str) else None


def check_script(source: str) -> str | None:
    """None if ``source`` compiles in the sandbox as a script, else the Chinese reason."""
    result = _compile(source, "exec")
    return result if isinstance(result, str) else None


# ---------------------------------------------------------------------------------------------
# The environment

_state = threading.local()  # .current = (deadline, budget) of the running evaluation, for helper wrappers
_TMP_NAME = re.compile(r"_tmp\d+\Z")  # RestrictedPython's unpacking temporaries


# The budget is CPU time of the running thread. Scripts cannot sleep or wait, so it tracks wall time
# when the machine is idle, does not trip early when two workers share a loaded core, and keeps
# working under a frozen clock in tests (freezegun patches time.monotonic, not thread_time).
_clock = time.thread_time


def _wrap_helper(function: Callable[..., Any]) -> Callable[..., Any]:
    """Re-check the deadline after each helper returns. A helper that swallows the ScriptTimeout
    raised inside it (``except Exception``) would otherwise leave the script running untraced."""

    @functools.wraps(function)
    def call_helper(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        current: tuple[float, float] | None = getattr(_state, "current", None)
        if current is not None and _clock() > current[0]:
            raise ScriptTimeout(current[1])
        return result

    return call_helper


class SandboxedEnvironment(TaskDataEnvironment):  # type: ignore[misc]
    """Spiff script environment: restricted compilation, whitelisted builtins, helpers, time budget."""

    def __init__(
        self,
        helpers: Mapping[str, Callable[..., Any]] | None = None,
        time_budget: float = 1.0,
    ) -> None:
        if not time_budget > 0:
            raise ValueError("time_budget must be positive")
        wrapped: dict[str, Callable[..., Any]] = {}
        for name, function in (helpers or {}).items():
            if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
                raise ValueError(f"辅助函数名不合法：{name!r}")
            if name in BUILTIN_NAMES or name in _FORBIDDEN_CALLS or name in _PRINT_NAMES:
                raise ValueError(f"辅助函数名与内置名称冲突：{name}")
            if not callable(function):
                raise TypeError(f"辅助函数 {name} 不可调用")
            wrapped[name] = _wrap_helper(function)
        super().__init__({**wrapped, "__builtins__": _BUILTINS, **_GUARDS})
        self.time_budget = float(time_budget)
        self.helper_names: frozenset[str] = frozenset(wrapped)

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: Mapping[str, Any] | None = None
    ) -> Any:
        code = _compiled(expression, "eval")
        self._prepare_context(context)
        # Unlike Spiff (task data over globals) our globals go in last: "__builtins__" and the
        # guards must never come from task data. A data key equal to a helper name loses here;
        # in scripts it is refused by check_for_overwrite.
        namespace = {**(external_context or {}), **context, **self.globals}
        return self._run(code, namespace)

    def execute(self, script: str, context: dict[str, Any], external_context: Mapping[str, Any] | None = None) -> bool:
        external = external_context or {}
        self.check_for_overwrite(context, external)
        code = _compiled(script, "exec")
        self._prepare_context(context)
        context.update(external)
        context.update(self.globals)
        try:
            self._run(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external)
        check_storable(context)  # raises Unstorable naming the variable; Spiff adds the step
        return True

    def check_for_overwrite(self, context: Mapping[str, Any], external_context: Mapping[str, Any]) -> None:
        clash = (set(self.globals) | set(external_context)).intersection(context)
        if clash:
            names = "、".join(sorted(clash))
            raise ValueError(f"任务数据中的字段与脚本可用的函数或变量同名，请改名：{names}")

    def _remove_globals_and_functions_from_context(
        self, context: dict[str, Any], external_context: Mapping[str, Any] | None = None
    ) -> None:
        super()._remove_globals_and_functions_from_context(context, external_context)
        for key in [k for k in context if k.startswith("_tmp") and _TMP_NAME.match(k)]:
            del context[key]

    def _run(self, code: CodeType, namespace: dict[str, Any]) -> Any:
        """Run ``code`` under a trace function that raises ScriptTimeout once the budget is spent.

        sys.settrace is per thread, so this works in worker and request threads alike, where
        signal.alarm cannot be used. The tracer is returned from 'call' so that frames of
        comprehensions, lambdas and helpers are traced too. The previous tracer (a debugger,
        coverage) is put back afterwards.

        The clock is read on every event rather than every Nth: reading it costs about as much
        as keeping a counter, and the whole call (tracer included) measured about 3.5 us for a cached
        ``amount < 10000``, against 8 us for Spiff's default environment, which recompiles each time.
        """
        budget = self.time_budget
        clock = _clock
        deadline = clock() + budget
        expired = False

        def tracer(frame: FrameType, event: str, arg: Any) -> Any:
            nonlocal expired
            if clock() > deadline:
                # CPython switches tracing off when a tracer raises. Scripts cannot catch this (no
                # try/with); a helper that does is caught by _wrap_helper and the check below.
                expired = True
                raise ScriptTimeout(budget)
            return tracer

        outer = getattr(_state, "current", None)
        _state.current = (deadline, budget)
        error: Exception | None = None
        previous = sys.gettrace()
        sys.settrace(tracer)
        try:
            result = eval(code, namespace)  # noqa: S307 - compiled by compile_restricted, see module docstring
        except Exception as exc:
            error = exc
        except BaseException as exc:
            error = ScriptRaisedBaseException(exc)
        finally:
            sys.settrace(previous)
            _state.current = outer
        if expired and not isinstance(error, ScriptTimeout):
            # The timeout was swallowed somewhere and something else (or nothing) surfaced instead.
            raise ScriptTimeout(budget) from error
        if error is not None:
            raise error
        return result


class _ReadOnlyEnvironment(TaskDataEnvironment):  # type: ignore[misc]
    """For processes that only read stored states (engine.workflow.isolated): designer code runs in the
    engine host's children, never here; should anything try, it is refused."""

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        raise SandboxViolation("流程脚本只在流程引擎子进程中运行")

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        raise SandboxViolation("流程脚本只在流程引擎子进程中运行")


def make_read_only_engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=_ReadOnlyEnvironment({}))


def make_script_engine(
    helpers: Mapping[str, Callable[..., Any]] | None = None, time_budget: float = 1.0
) -> PythonScriptEngine:
    """The script engine every workflow must get, including after each deserialization."""
    return PythonScriptEngine(environment=SandboxedEnvironment(helpers, time_budget))
