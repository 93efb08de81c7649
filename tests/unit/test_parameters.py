"""Region parameters: effective dates and layering (a region replaces a parameter's whole history)."""

from __future__ import annotations

from datetime import date

import pytest

from engine.domain.parameters import layered_parameters, parse_parameters
from engine.errors import InvalidData

DEFAULT = """
[notice_days]
2021-07-01 = 7
[urban_standard]
2025-01-01 = "800.00"
2026-07-01 = "850.00"
"""


def test_value_in_force_on_a_date() -> None:
    params = layered_parameters([("default", DEFAULT)])
    assert params.value("urban_standard", date(2026, 6, 30)) == "800.00"
    assert params.value("urban_standard", date(2026, 7, 1)) == "850.00"
    with pytest.raises(KeyError):
        params.value("urban_standard", date(2024, 12, 31))
    with pytest.raises(KeyError):
        params.value("no_such_parameter", date(2026, 1, 1))


def test_region_replaces_a_parameter_and_keeps_the_rest() -> None:
    params = layered_parameters([("default", DEFAULT), ("yantai", "[notice_days]\n2024-01-01 = 5\n")])
    assert params.value("notice_days", date(2026, 1, 1)) == 5
    # The region's history starts in 2024: before it, the region states no value at all.
    with pytest.raises(KeyError):
        params.value("notice_days", date(2023, 1, 1))
    assert params.snapshot(date(2026, 8, 1)) == {"notice_days": 5, "urban_standard": "850.00"}


@pytest.mark.parametrize("text", ["[x]\nnot-a-date = 1\n", "x = 1\n", "[x]\n2021-01-01 = [1, 2]\n", "[x\n"])
def test_bad_files_are_refused_naming_the_file(text: str) -> None:
    with pytest.raises(InvalidData) as refused:
        parse_parameters(text, "regions/bad/parameters.toml")
    assert "regions/bad/parameters.toml" in refused.value.message
