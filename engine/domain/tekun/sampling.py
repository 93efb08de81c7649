"""The county's random sample of the 特困 cases it confirms (特认 Art. 16: 随机抽查核实，抽查比例不得低于30%).

A draw is a pure function of the population (case numbers), a seed and the ratio, so anyone holding the three
(they are stored with each TekunSample and in its audit event) draws the same selection again: the population is
sorted first, so the order the cases were read in does not matter; `random.Random` seeded with a str uses
version-2 seeding (the text's bytes followed by their SHA-512, as one integer), stable across Python versions,
and `sample` over a sorted list of known length draws the same items for the same seed (docs/tekun-sampling.md).

The generator is not cryptographic on purpose: the seed is drawn by `secrets` and made public with the result;
what the draw must be is repeatable, not unpredictable once the seed is known.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal, InvalidOperation

from engine.errors import InvalidData

RATIO_PARAMETER = "tekun_sample_ratio"
RATIO_LABEL = "县级随机抽查比例"
MINIMUM_RATIO = Decimal("0.3")  # 特认 Art. 16


def read_ratio(value: object) -> Decimal:
    """The parameter's value as a Decimal with 0.3 ≤ r ≤ 1; InvalidData naming 县级随机抽查比例 otherwise.

    Text ("0.3") is the parameter's form; an int (1) is accepted; a float is refused, since 0.1 + 0.2 style
    binary fractions have no place in a ratio the regulation bounds exactly."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise _bad(f'必须是小数（如 "0.3"），而不是 {value!r}')
    try:
        ratio = Decimal(str(value).strip())
    except InvalidOperation:
        raise _bad(f'必须是小数（如 "0.3"），而不是 {value!r}') from None
    if not ratio.is_finite() or ratio < MINIMUM_RATIO or ratio > 1:
        raise _bad(f"必须在 0.3 到 1 之间（特困人员认定办法第十六条：抽查比例不得低于 30%），而不是 {value}")
    return ratio


def _bad(message: str) -> InvalidData:
    return InvalidData(f"参数 {RATIO_PARAMETER}（{RATIO_LABEL}）有误", {RATIO_PARAMETER: [f"{RATIO_LABEL}：{message}"]})


def sample_size(n: int, ratio: Decimal) -> int:
    """ceil(ratio × n), at least 1 when there is anything to draw from, at most n. Decimal arithmetic, so
    0.3 × 10 is exactly 3 (a float would make it 3.0000000000000004 and ceil it to 4)."""
    if n <= 0:
        return 0
    return max(1, min(n, math.ceil(ratio * n)))


def draw(population: list[str], seed: str, ratio: Decimal) -> list[str]:
    """The selected case numbers, sorted: `random.Random(seed).sample(sorted(population), k)`."""
    ratio = read_ratio(ratio)
    ordered = sorted(population)
    if len(set(ordered)) != len(ordered):
        raise InvalidData("抽查范围有误", {"population": ["抽查范围：案件号不能重复"]})
    chosen = random.Random(seed).sample(ordered, sample_size(len(ordered), ratio))  # noqa: S311 (see above)
    return sorted(chosen)
