"""Run-time guards and the builtin whitelist of the script sandbox (see ``engine.workflow.sandbox``).

``**``, ``*``, ``<<``, ``+`` and ``%`` and f-string replacement fields go through guards that
refuse results that would be huge (``10 ** 10 ** 8``, ``"x" * 10 ** 9``, repeated squaring or
doubling, ``f"{x:>999999999}"``, ``"%999999999s" % x``): the time budget cannot interrupt a single
C-level operation, so without them one such operation could run far past it (limits in
``sandbox_limits``). The policy in ``sandbox_policy`` rewrites these operators into calls of the
guards; ``pow`` (three-argument too), ``sum``, ``round`` and ``int`` in the builtins are guarded ones.

Everything not in the whitelist built here is missing at run time, so ``f = eval`` ends in a
NameError even though only a *call* of ``eval`` by name is refused at compile time.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from RestrictedPython.Guards import safe_builtins
from RestrictedPython.Limits import limited_builtins

from engine.workflow.sandbox_limits import (
    MAX_FORMAT_WIDTH,
    MAX_INT_BITS,
    MAX_ITEMS,
    MAX_MODPOW_BITS_PRODUCT,
    too_big,
)

_SEQUENCES = (str, bytes, list, tuple)


# ---------------------------------------------------------------------------------------------
# Run-time guards (RestrictedPython rewrites attribute, item, iteration and in-place access into
# calls of these; our policy adds ``**``, ``*`` and ``<<``).


def _check_mul(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int):
        if a.bit_length() + b.bit_length() > MAX_INT_BITS:
            raise too_big("乘法")
    elif isinstance(b, int) and isinstance(a, _SEQUENCES):
        if len(a) * b > MAX_ITEMS:
            raise too_big("序列重复")
    elif isinstance(a, int) and isinstance(b, _SEQUENCES) and len(b) * a > MAX_ITEMS:
        raise too_big("序列重复")


def _guarded_mul(a: Any, b: Any) -> Any:
    _check_mul(a, b)
    return a * b


def _check_pow(base: Any, exponent: Any) -> None:
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and exponent > 0
        and abs(base) > 1
        and base.bit_length() * exponent > MAX_INT_BITS
    ):
        raise too_big("乘方")


def _guarded_pow(base: Any, exponent: Any, mod: Any = None) -> Any:
    if mod is not None:
        # The result never outgrows the modulus, but the time grows with both sizes.
        sizes = (exponent, mod)
        if all(isinstance(n, int) for n in sizes) and abs(exponent).bit_length() * abs(mod).bit_length() > (
            MAX_MODPOW_BITS_PRODUCT
        ):
            raise too_big("模乘方")
        return pow(base, exponent, mod)
    _check_pow(base, exponent)
    return base**exponent


def _check_lshift(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and a.bit_length() + b > MAX_INT_BITS:
        raise too_big("左移")


def _guarded_lshift(a: Any, b: Any) -> Any:
    _check_lshift(a, b)
    return a << b


def _check_add(a: Any, b: Any) -> None:
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES) and len(a) + len(b) > MAX_ITEMS:
        raise too_big("拼接")


def _guarded_add(a: Any, b: Any) -> Any:
    _check_add(a, b)
    return a + b


# %-formatting: a width or precision given as digits or as "*" (taken from the arguments).
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _guarded_mod(a: Any, b: Any) -> Any:
    if isinstance(a, str | bytes):
        text = a if isinstance(a, str) else a.decode("latin-1")
        for width, precision in _PERCENT_SPEC.findall(text):
            if "*" in (width, precision):
                raise ValueError("格式化字符串中不允许使用 * 指定宽度")
            if any(len(part) > 4 for part in (width, precision)):
                raise too_big("格式化")
    return a % b


_DIGIT_RUN = re.compile(r"\d{5,}")


def _guarded_format(value: Any, spec: str = "", conversion: int = -1) -> str:
    """What an f-string replacement field computes, with its width and precision bounded."""
    if conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("s"):
        value = str(value)
    elif conversion == ord("a"):
        value = ascii(value)
    if _DIGIT_RUN.search(spec):
        raise too_big(f"格式化（宽度或精度上限 {MAX_FORMAT_WIDTH}）")
    return format(value, spec)


def _guarded_sum(items: Any, start: Any = 0) -> Any:
    # sum() of lists or tuples concatenates in quadratic time inside one C call.
    if not isinstance(start, int | float | Decimal):
        raise TypeError("sum 只能对数值求和")
    return sum(items, start)


def check_decimal_to_int(value: Any) -> None:
    # int(Decimal("1e999999")) is one C call of 24 seconds; the Decimal itself is cheap to hold.
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() > MAX_INT_BITS // 4:
        raise too_big("转换为整数")


def _guarded_round(number: Any, ndigits: Any = None) -> Any:
    if isinstance(ndigits, int) and abs(ndigits) > MAX_FORMAT_WIDTH:
        raise too_big("取整")
    if ndigits is None:
        check_decimal_to_int(number)
        return round(number)
    return round(number, ndigits)


class _IntType(type):
    """Makes the sandbox's ``int`` behave as the real one in isinstance() and attribute access, while
    a call of it checks the conversion first. A plain guard function would break isinstance(x, int)."""

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, int)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, int)

    def __call__(cls, value: Any = 0, *args: Any) -> int:
        check_decimal_to_int(value)
        return int(value, *args)

    def __getattr__(cls, name: str) -> Any:
        return getattr(int, name)


class SandboxInt(metaclass=_IntType):
    """The ``int`` scripts see (see _IntType)."""


def _checked(check: Callable[[Any, Any], None], op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def inplace(a: Any, b: Any) -> Any:
        check(a, b)
        return op(a, b)

    return inplace


_INPLACE_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": _checked(_check_add, operator.iadd),
    "-=": operator.isub,
    "*=": _checked(_check_mul, operator.imul),
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": _guarded_mod,
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
            "sum": _guarded_sum,
            "sorted": sorted,
            "len": len,
            "abs": abs,
            "round": _guarded_round,
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
            "int": SandboxInt,
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
