"""Run-time guards and the builtin whitelist of the script sandbox (see ``engine.workflow.sandbox``).

``**``, ``*`` and ``<<`` go through guards that refuse results that would be huge
(``10 ** 10 ** 8``, ``"x" * 10 ** 9``, repeated squaring): the time budget cannot interrupt a
single C-level operation, so without them one such operation could run far past it. The policy
in ``sandbox_policy`` rewrites these operators into calls of the guards; ``pow`` in the builtins
is the guarded one too.

Everything not in the whitelist built here is missing at run time, so ``f = eval`` ends in a
NameError even though only a *call* of ``eval`` by name is refused at compile time.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from RestrictedPython.Guards import safe_builtins
from RestrictedPython.Limits import limited_builtins

# Far above any amount of money or count of days, far below what makes one C-level operation slow.
_MAX_INT_BITS = 1_000_000
_MAX_SEQUENCE_ITEMS = 1_000_000


# ---------------------------------------------------------------------------------------------
# Run-time guards (RestrictedPython rewrites attribute, item, iteration and in-place access into
# calls of these; our policy adds ``**``, ``*`` and ``<<``).


def _too_big(what: str) -> ValueError:
    return ValueError(f"{what}的结果过大，沙箱拒绝计算")


def _check_mul(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int):
        if a.bit_length() + b.bit_length() > _MAX_INT_BITS:
            raise _too_big("乘法")
    elif isinstance(b, int) and isinstance(a, str | bytes | list | tuple):
        if len(a) * b > _MAX_SEQUENCE_ITEMS:
            raise _too_big("序列重复")
    elif isinstance(a, int) and isinstance(b, str | bytes | list | tuple) and len(b) * a > _MAX_SEQUENCE_ITEMS:
        raise _too_big("序列重复")


def _guarded_mul(a: Any, b: Any) -> Any:
    _check_mul(a, b)
    return a * b


def _check_pow(base: Any, exponent: Any) -> None:
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and exponent > 0
        and abs(base) > 1
        and base.bit_length() * exponent > _MAX_INT_BITS
    ):
        raise _too_big("乘方")


def _guarded_pow(base: Any, exponent: Any, mod: Any = None) -> Any:
    if mod is not None:
        # Modular exponentiation never grows beyond the modulus.
        return pow(base, exponent, mod)
    _check_pow(base, exponent)
    return base**exponent


def _check_lshift(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and a.bit_length() + b > _MAX_INT_BITS:
        raise _too_big("左移")


def _guarded_lshift(a: Any, b: Any) -> Any:
    _check_lshift(a, b)
    return a << b


def _checked(check: Callable[[Any, Any], None], op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def inplace(a: Any, b: Any) -> Any:
        check(a, b)
        return op(a, b)

    return inplace


_INPLACE_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": _checked(_check_mul, operator.imul),
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": _checked(_check_pow, operator.ipow),
    "<<=": _checked(_check_lshift, operator.ilshift),
    ">>=": operator.irshift,
    "&=": operator.iand,
    "|=": operator.ior,
    "^=": operator.ixor,
    "@=": operator.imatmul,
}


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    return _INPLACE_OPS[op](target, value)


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Builtins


def _build_builtins() -> dict[str, Any]:
    names: dict[str, Any] = {**safe_builtins, **limited_builtins}
    # safe_builtins carries a class builder, attribute writers and RestrictedPython's _getattr_;
    # the BaseException-only classes would let a script raise past Spiff's `except Exception`
    # and take the worker thread down with it.
    for name in (
        "__build_class__",
        "_getattr_",
        "setattr",
        "delattr",
        "BaseException",
        "SystemExit",
        "KeyboardInterrupt",
        "GeneratorExit",
    ):
        names.pop(name, None)
    names.update(
        {
            "min": min,
            "max": max,
            "sum": sum,
            "sorted": sorted,
            "len": len,
            "abs": abs,
            "round": round,
            "any": any,
            "all": all,
            "enumerate": enumerate,
            "zip": zip,
            "dict": dict,
            # The plain list/tuple, not limited_builtins' versions: those only refuse strings, and
            # our _getiter_ is the identity, so C-level iteration bypasses nothing.
            "list": list,
            "tuple": tuple,
            "str": str,
            "int": int,
            "float": float,
            "bool": bool,
            "set": set,
            "isinstance": isinstance,
            "Decimal": Decimal,
            "pow": _guarded_pow,
        }
    )
    if any(name.startswith("_") for name in names):  # e.g. a RestrictedPython upgrade adding one
        raise RuntimeError("sandbox builtins must not start with '_'")
    return names


_BUILTINS = _build_builtins()
BUILTIN_NAMES: frozenset[str] = frozenset(_BUILTINS)
