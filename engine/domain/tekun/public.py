"""What a 特困 公示 may publish of the amount (docs/tekun-exit.md): the basic standard only.

The monthly support is basic + care, and the care part follows the care tier, which follows the person's
failed ADL indicators: publishing the total on a village board would tell every passer-by how far the
person can still eat, dress or wash alone. The basic standard is the same for everyone of the region and
registered type, so it reveals nothing about the person's health."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from engine.domain.parameters import Parameters
from engine.domain.tekun.rules import read_tekun_rules

CENT = Decimal("0.01")


def tekun_basic_standard(parameters: Parameters, on: date, registered_type: str) -> Decimal:
    """tekun_basic_multiplier × the 低保 standard of `registered_type` (urban unless "rural") on `on`, to the cent."""
    rules = read_tekun_rules(parameters, on)
    kind = "rural" if registered_type == "rural" else "urban"
    return (rules.basic_multiplier * rules.dibao_standard(kind)).quantize(CENT, rounding=ROUND_HALF_UP)
