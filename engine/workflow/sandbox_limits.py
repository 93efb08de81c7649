"""The size limits of the script sandbox, shared by its operator, builtin and method guards.

A trace function stops a script between Python-level events, never inside one C-level operation, so
each operation whose single call can run long or allocate much is checked before it runs. The limits
are far above anything a procedure computes (amounts of money, counts of days, a household's
members) and far below what makes one operation take longer than the time budget on this hardware.
"""

from __future__ import annotations

# Integers: one multiplication or division of two 64,000-bit numbers takes milliseconds; one of
# 1,000,000-bit numbers takes seconds (CPython divides in quadratic time).
MAX_INT_BITS = 64_000
# Items of a sequence or characters of a string one operation may produce (about 4 MB of text).
MAX_ITEMS = 1_000_000
# Modular exponentiation costs about bits(exponent) × bits(modulus)^1.6: 2,048 × 2,048 bits takes
# tens of milliseconds, 25,000 × 25,000 bits took 21 seconds.
MAX_MODPOW_BITS_PRODUCT = 2048 * 2048
# Widths and precisions in format specs (f"{x:>N}", "%Ns") and digits to round to.
MAX_FORMAT_WIDTH = 10_000


class SandboxLimitExceeded(ValueError):
    """An operation was refused before it ran because its result would exceed a limit here."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def too_big(what: str) -> SandboxLimitExceeded:
    return SandboxLimitExceeded(f"{what}的结果过大，沙箱拒绝计算")
