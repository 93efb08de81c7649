"""年度调标 classification (engine.domain.recalculation), with amounts worked out by hand under the national
parameters (standard 800.00) and a copy whose standard is 850.00 from 2027."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from engine.domain.parameters import Parameters, layered_parameters
from engine.domain.recalculation import Enrolled, classify
from engine.settings import PROJECT_ROOT
from tests.scenarios.households import household, member

TEXT = (PROJECT_ROOT / "processes" / "default" / "parameters.toml").read_text(encoding="utf-8")
NOW = layered_parameters([("default/parameters.toml", TEXT)])
RAISED = layered_parameters(
    [
        (
            "default/parameters.toml",
            TEXT.replace(
                '[dibao_standard_urban]\n2021-07-01 = "800.00"\n',
                '[dibao_standard_urban]\n2021-07-01 = "800.00"\n2027-01-01 = "850.00"\n',
            ),
        )
    ]
)
JANUARY = date(2027, 1, 1)
FAMILY = household(member("张三", "self", ("wage", "1500.00")), member("李芳", "spouse"), member("张小", "child"))


def _enrolled(
    amount: str, data: dict[str, object] | None = FAMILY, covered: tuple[str, ...] = (), status: str = "active"
) -> Enrolled:
    return Enrolled(status, Decimal(amount), 3, covered, data)


def _outcome(enrolled: Enrolled, parameters: Parameters = RAISED) -> tuple[str, str | None, str | None]:
    result = classify(enrolled, JANUARY, parameters, "default")
    return result.change, f"{result.new_amount:.2f}" if result.new_amount is not None else None, result.reason


def test_a_raise_a_reduction_and_no_change() -> None:
    assert _outcome(_enrolled("900.00")) == ("raise", "1050.00", None)  # (850 − 500) × 3
    assert _outcome(_enrolled("1100.00")) == ("reduce", "1050.00", None)  # paid more than the household gives
    assert _outcome(_enrolled("900.00"), NOW) == ("unchanged", "900.00", None)  # same parameters: (800 − 500) × 3


def test_the_standard_is_read_on_the_effective_months_first_day() -> None:
    december = classify(_enrolled("900.00"), date(2026, 12, 20), RAISED, "default")
    assert (december.change, december.new_amount) == ("unchanged", Decimal("900.00"))


def test_crossing_the_line_is_flagged_not_changed() -> None:
    richer = household(member("张三", "self", ("wage", "2700.00")), member("李芳", "spouse"), member("张小", "child"))
    # 900 each: no longer eligible even at 850, and no member to cover alone.
    assert _outcome(_enrolled("300.00", richer)) == (
        "flagged",
        "0.00",
        "保障方式将由全户保障变为不符合保障条件，需复核",
    )
    disabled = household(
        member("孙八", "self", ("wage", "1650.00")), member("周九", "spouse", disability=(1, "physical"))
    )
    # 825 each: 边缘 at 800 (周九 covered alone), eligible as a household at 850: (850 − 825) × 2 = 50.
    assert _outcome(_enrolled("800.00", disabled, ("周九",))) == (
        "flagged",
        "50.00",
        "保障方式将由单人户保障变为全户保障，需复核",
    )
    assert _outcome(_enrolled("800.00", disabled, ("周九",)), NOW)[0] == "unchanged"
    assert _outcome(_enrolled("800.00", disabled, ("孙八",)), NOW)[2] == "单人户保障成员将变为 周九，需复核"


def test_exiting_stopped_and_unreadable_households() -> None:
    assert _outcome(_enrolled("400.00", status="gradual_exit")) == (
        "skipped",
        None,
        "渐退期内，按渐退安排发放，不参与调标",
    )
    assert _outcome(_enrolled("400.00", status="stopped"))[0] == "skipped"
    assert _outcome(_enrolled("400.00", None)) == ("flagged", None, "没有核实过的家庭数据，无法重新评估，需入户复核")
    change, amount, reason = _outcome(_enrolled("400.00", {"members": []}))
    assert (change, amount) == ("flagged", None)
    assert reason is not None
    assert reason.startswith("家庭数据不完整，无法重新评估")
