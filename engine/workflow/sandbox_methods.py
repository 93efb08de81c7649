"""Attribute access in the sandbox: refused introspection, and size checks on methods that can grow.

Every ``obj.name`` in a sandboxed source is rewritten by RestrictedPython into ``_getattr_(obj,
"name")``. Ours refuses two things beyond RestrictedPython's ``safer_getattr``:

* introspection that reaches classes a script must not hold, above all ``.mro()``
  (``Exception.mro()[1]`` is ``BaseException``, which Spiff's ``except Exception`` would not catch)
  and the generator methods that raise into a frame (``throw``). These are also refused at deploy
  time by name (``sandbox_policy``); refusing them here as well costs one set lookup.
* methods whose single C-level call can allocate or compute far beyond the time budget, which a
  trace function cannot interrupt: ``"x".ljust(10**9)``, ``s.replace("", s)``, ``sep.join(big)``,
  ``l.extend(l)`` doubling, ``(1).to_bytes(10**9)``. They come back wrapped in a check of the result's
  size before the call; the rest of a string's or list's methods are returned as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from RestrictedPython.Guards import safer_getattr_raise

from engine.workflow.sandbox_builtins import SandboxInt
from engine.workflow.sandbox_limits import MAX_INT_BITS, MAX_ITEMS, too_big

# Not reachable by a sandboxed script, at compile time or at run time.
REFUSED_ATTRIBUTES = frozenset({"mro", "throw", "with_traceback", "add_note"})


def _width(args: tuple[Any, ...], kwargs: dict[str, Any], name: str = "width") -> int:
    value = args[0] if args else kwargs.get(name, 0)
    return value if isinstance(value, int) else 0


def _check_pad(text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if _width(args, kwargs) > MAX_ITEMS:
        raise too_big("填充对齐")


def _check_expandtabs(text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    size = _width(args, kwargs, "tabsize") if args or "tabsize" in kwargs else 8
    tab = "\t" if isinstance(text, str) else b"\t"
    if len(text) + text.count(tab) * max(size, 0) > MAX_ITEMS:
        raise too_big("制表符展开")


def _check_replace(text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if len(args) < 2:
        return  # the call itself raises TypeError
    old, new = args[0], args[1]
    if not isinstance(old, str | bytes) or not isinstance(new, str | bytes):
        return
    count = text.count(old) if old else len(text) + 1
    limit = args[2] if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0 else count
    if len(text) + min(count, limit) * max(len(new) - len(old), 0) > MAX_ITEMS:
        raise too_big("替换")


def _check_translate(text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    table = args[0] if args else None
    if isinstance(text, str) and isinstance(table, dict):
        longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1)
        if len(text) * longest > MAX_ITEMS:
            raise too_big("字符替换")


def _check_to_bytes(number: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if _width(args, kwargs, "length") > MAX_ITEMS:
        raise too_big("转换为字节")


def _check_from_bytes(cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    data = args[0] if args else kwargs.get("bytes", b"")
    if hasattr(data, "__len__") and len(data) * 8 > MAX_INT_BITS:
        raise too_big("由字节生成整数")


_Check = Callable[[Any, tuple[Any, ...], dict[str, Any]], None]

_TEXT_CHECKS: dict[str, _Check] = {
    "ljust": _check_pad,
    "rjust": _check_pad,
    "center": _check_pad,
    "zfill": _check_pad,
    "expandtabs": _check_expandtabs,
    "replace": _check_replace,
    "translate": _check_translate,
}
_CHECKS: dict[type, dict[str, _Check]] = {
    str: _TEXT_CHECKS,
    bytes: _TEXT_CHECKS,
    int: {"to_bytes": _check_to_bytes, "from_bytes": _check_from_bytes},
}
# Methods whose argument is an iterable: it is materialised first (a generator runs under the trace
# function), then the result's size is known before the C call.
_COLLECTORS = {(str, "join"), (bytes, "join"), (list, "extend")}
_GROWING_NAMES = frozenset({*_TEXT_CHECKS, "to_bytes", "from_bytes", "join", "extend"})


def _guard_method(owner: type, bound: bool, subject: Any, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    check = _CHECKS.get(owner, {}).get(name)
    collects = (owner, name) in _COLLECTORS

    def guarded(*args: Any, **kwargs: Any) -> Any:
        this, rest = (subject, args) if bound else (args[0] if args else None, args[1:])
        if collects and rest:
            items = list(rest[0])
            _check_collected(owner, this, items)
            rest = (items, *rest[1:])
        elif check is not None and this is not None:
            check(this, rest, kwargs)
        return method(*rest, **kwargs) if bound else method(this, *rest, **kwargs)

    return guarded


def _check_collected(owner: type, this: Any, items: list[Any]) -> None:
    if owner is list:
        if this is not None and len(this) + len(items) > MAX_ITEMS:
            raise too_big("列表扩展")
        return
    separator = len(this) if this is not None else 0
    total = sum(len(item) for item in items if isinstance(item, str | bytes)) + separator * max(len(items) - 1, 0)
    if total > MAX_ITEMS:
        raise too_big("拼接")


def guarded_getattr(obj: Any, name: str) -> Any:
    """RestrictedPython's ``_getattr_``: refused names, then safer_getattr, then growth guards."""
    if name in REFUSED_ATTRIBUTES:
        raise AttributeError(f"不允许访问属性：{name}")
    value = safer_getattr_raise(obj, name)  # type: ignore[no-untyped-call]
    if name not in _GROWING_NAMES:
        return value
    if isinstance(obj, type):
        # The sandbox's `int` is SandboxInt, which forwards attribute access to int.
        owner = int if obj is SandboxInt else next((t for t in (str, bytes, list, int) if issubclass(obj, t)), None)
        return value if owner is None else _guard_method(owner, owner is int and name == "from_bytes", obj, name, value)
    owner = next((t for t in (str, bytes, list, int) if isinstance(obj, t)), None)
    return value if owner is None else _guard_method(owner, True, obj, name, value)
