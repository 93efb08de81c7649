"""The county's random sample of 特困 cases (特认 Art. 16, docs/tekun-sampling.md): size ceil(ratio × n) with
at least one case, a ratio of at least 30 %, and the same selection for the same seed and population.

The example selections were drawn once with `random.Random(seed).sample(sorted(population), k)` (version-2
str seeding, stable across Python versions) and are written down so that any change to the draw shows here."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.domain.tekun.sampling import draw, read_ratio, sample_size
from engine.errors import InvalidData

TEN = [f"2027-{i:07d}" for i in range(1, 11)]
RATIO = Decimal("0.3")


@pytest.mark.parametrize(("n", "k"), [(0, 0), (1, 1), (3, 1), (10, 3), (11, 4), (100, 30)])
def test_sample_size_is_ceil_of_ratio_times_n_and_at_least_one(n: int, k: int) -> None:
    # 0.3 × 3 = 0.9 → 1; 0.3 × 10 = 3 exactly (Decimal, not 3.0000000000000004 → 4); 0.3 × 11 = 3.3 → 4.
    assert sample_size(n, RATIO) == k


@pytest.mark.parametrize(("n", "k"), [(1, 1), (3, 1), (10, 3), (11, 4)])
def test_draw_selects_k_distinct_cases_from_the_population(n: int, k: int) -> None:
    population = [f"2027-{i:07d}" for i in range(1, n + 1)]
    selected = draw(population, "seed", RATIO)
    assert len(selected) == k == len(set(selected))
    assert set(selected) <= set(population)
    assert selected == sorted(selected)


def test_the_whole_population_at_ratio_one() -> None:
    assert draw(TEN, "any", Decimal("1")) == TEN


def test_documented_example_selections() -> None:
    assert draw(TEN, "a1b2c3d4e5f60718", RATIO) == ["2027-0000001", "2027-0000003", "2027-0000005"]
    assert draw(TEN, "0000000000000000", RATIO) == ["2027-0000001", "2027-0000002", "2027-0000010"]
    assert draw([*TEN, "2027-0000011"], "a1b2c3d4e5f60718", RATIO) == [
        "2027-0000001",
        "2027-0000003",
        "2027-0000005",
        "2027-0000009",
    ]


def test_same_seed_and_population_draw_the_same_whatever_the_order_read() -> None:
    first = draw(TEN, "c0ffee", RATIO)
    assert draw(list(reversed(TEN)), "c0ffee", RATIO) == first
    assert draw(TEN[5:] + TEN[:5], "c0ffee", RATIO) == first


def test_another_seed_may_draw_otherwise() -> None:
    assert draw(TEN, "a1b2c3d4e5f60718", RATIO) != draw(TEN, "0000000000000000", RATIO)


def test_an_empty_population_draws_nothing() -> None:
    assert draw([], "seed", RATIO) == []


def test_a_case_listed_twice_is_refused() -> None:
    with pytest.raises(InvalidData) as refused:
        draw(["2027-0000001", "2027-0000001"], "seed", RATIO)
    assert "不能重复" in refused.value.fields["population"][0]


@pytest.mark.parametrize("value", ["0.3", "0.5", "1", 1, Decimal("0.30")])
def test_ratios_from_30_percent_to_all_are_accepted(value: object) -> None:
    assert Decimal("0.3") <= read_ratio(value) <= 1


@pytest.mark.parametrize("value", ["0.29", "0.1", "1.01", "0", "-0.3", "abc", "NaN", "", 0.3, True, None])
def test_other_ratios_are_refused_naming_the_parameter(value: object) -> None:
    with pytest.raises(InvalidData) as refused:
        read_ratio(value)
    assert "县级随机抽查比例" in refused.value.fields["tekun_sample_ratio"][0]


def test_draw_refuses_a_ratio_below_30_percent() -> None:
    with pytest.raises(InvalidData) as refused:
        draw(TEN, "seed", Decimal("0.29"))
    assert "不得低于 30%" in refused.value.fields["tekun_sample_ratio"][0]
