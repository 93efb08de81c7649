"""How the assessment's output and its explanation lines write numbers.

Amounts stay exact Decimals through every rule; `money` is the one place they are rounded (half-up, to
the cent), once, on the way out. Rates and multipliers are written as people write them. Kept apart so
that every rule's line writes a figure the same way the output dict does.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")


def money(amount: Decimal) -> str:
    """Two decimals, rounded half-up; the one rounding every output amount goes through."""
    rounded = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    return f"{rounded.copy_abs() if rounded == 0 else rounded:f}"


def plain(number: Decimal) -> str:
    """A rate or multiplier as people write it: 0.5, 1.5, 0.2 (no trailing zeros, no exponent)."""
    return f"{number.normalize():f}"


def percent(rate: Decimal) -> str:
    return f"{plain(rate * 100)}%"
