"""临时救助: the amount, the cap, the approval levels of the DMN tables, the advance payment and the
settlement (docs/rules.md#temporary-assistance and scenarios 11–13 of docs/rules.md#scenarios;
docs/contracts.md#temporary-assistance-json, docs/rules.md#choices). No database.

Parameters as in docs/rules.md#scenarios: S = 800 元/人·月, township limit 4 S = 3,200, months counted ≤ 6.
Each test works its figures out in a comment.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, cast

import pytest
from freezegun import freeze_time
from sqlalchemy.orm import Session

from engine.domain.assessment import ParameterProblem
from engine.domain.parameters import Parameters, layered_parameters
from engine.domain.temporary import DECISION_ID, PARAMETER_NAMES, assess_temporary, settle, temporary_basis
from engine.domain.vocabulary import APPROVAL_LEVELS, HOUSEHOLD_TYPES, TEMPORARY_CAUSES, TEMPORARY_KINDS
from engine.errors import InvalidData, WorkflowFailed
from engine.services.start_enrichment import enrich_start_data
from engine.settings import PROJECT_ROOT
from engine.workflow.bundle import region_sources
from engine.workflow.decisions import evaluate_decision
from engine.workflow.helpers import HELPER_NAMES, build_helpers
from forms import FormDefinition, load_form
from tests.conftest import CALENDAR_DIR

PROCESSES = PROJECT_ROOT / "processes"
DESIGN_KEYS = {"amount", "months_counted", "approval_level", "advance_payment", "explanation"}


def _parameters(region: str = "default", **overrides: str) -> Parameters:
    """The region's parameters as the files state them, with tables replaced by `overrides`."""
    sources = region_sources(PROCESSES, region)
    texts = [(s.origin, s.content.decode("utf-8")) for s in sources.parameters]
    extra = "".join(f"[{name}]\n2021-07-01 = {value}\n" for name, value in overrides.items())
    return layered_parameters([*texts, ("test", extra)] if extra else texts)


def _request(**fields: Any) -> dict[str, Any]:
    return {
        "as_of": "2026-11-23",
        "kind": "emergency",
        "cause": "fire",
        "persons": 3,
        "months": 4,
        "household_type": "other",
        "existing_recipient": False,
        **fields,
    }


def _by_table(region: str) -> Any:
    """The level as the region's temporary_approval_level.dmn decides it (what a case and the CLI use)."""
    sources = region_sources(PROCESSES, region)

    def decide(basis: Mapping[str, Any]) -> Any:
        return evaluate_decision(sources, DECISION_ID, {"grant_basis": dict(basis)}, calendar_dir=CALENDAR_DIR).get(
            "approval_level"
        )

    return decide


def _assess(region: str = "default", parameters: Parameters | None = None, **fields: Any) -> dict[str, Any]:
    return assess_temporary(_request(**fields), parameters or _parameters(region), region, _by_table(region))


# --- the amount and the cap ------------------------------------------------------------------------


def test_scenario_11_amount_is_standard_times_persons_times_months() -> None:
    # 800 × 3 × 4 = 9,600; 9,600 > 3,200 (4 × 800).
    result = _assess("huining")
    assert set(result) >= DESIGN_KEYS
    assert (result["amount"], result["months_counted"], result["township_limit"]) == ("9600.00", 4, "3200.00")
    assert result["explanation"][:6] == [
        "急难型临时救助，事由：火灾；其他家庭",
        "救助标准按城市低保标准 800.00 元/人·月计算",
        "困难持续 4 个月，按 4 个月计算",
        "救助金额 = 800.00 × 3 人 × 4 个月 = 9600.00 元",
        "乡镇审批限额 = 低保标准 800.00 元 × 4 = 3200.00 元；救助金额 9600.00 元超过乡镇审批限额",
        "按本地区审批层级决策表，由县级民政部门审批",
    ]


def test_scenario_12_months_are_capped_at_6() -> None:
    # 8 months → 6 counted: 800 × 3 × 6 = 14,400.
    result = _assess("huining", cause="major_illness", months=8)
    assert (result["amount"], result["months_counted"]) == ("14400.00", 6)
    assert "困难持续 8 个月，超过最长 6 个月，按 6 个月计算" in result["explanation"]


def test_the_cap_and_the_limit_multiplier_are_parameters() -> None:
    # cap 3: 800 × 2 × 3 = 4,800; limit 4.5 × 800 = 3,600 → still above it.
    parameters = _parameters(temporary_months_cap="3", temporary_township_limit_multiplier='"4.5"')
    result = _assess(parameters=parameters, persons=2, months=5, cause="other")
    assert (result["amount"], result["months_counted"], result["township_limit"]) == ("4800.00", 3, "3600.00")
    assert (
        "乡镇审批限额 = 低保标准 800.00 元 × 4.5 = 3600.00 元；救助金额 4800.00 元超过乡镇审批限额"
        in (result["explanation"])
    )


def test_money_is_rounded_half_up_once_at_output() -> None:
    # S = 800.05, limit 4.5 × 800.05 = 3,600.225 → "3600.23" (half-up); amount 800.05 × 1 × 1 exact.
    parameters = _parameters(dibao_standard_urban='"800.05"', temporary_township_limit_multiplier='"4.5"')
    result = _assess(parameters=parameters, persons=1, months=1)
    assert (result["amount"], result["township_limit"], result["advance_payment"]) == (
        "800.05",
        "3600.23",
        "800.05",
    )


# --- approval levels: the DMN tables ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "cause", "persons", "months", "level"),
    [
        # Default (docs/rules.md#choices): ≤ limit township; above it county, committee for the three causes.
        ("default", "fire", 1, 4, "township"),  # 800 × 1 × 4 = 3,200 = the limit: still the township's
        ("default", "fire", 3, 4, "committee"),  # 9,600
        ("default", "traffic_accident", 2, 3, "committee"),  # 4,800
        ("default", "major_illness", 2, 3, "committee"),  # 4,800
        ("default", "disaster", 2, 3, "county"),  # 4,800
        ("default", "other", 2, 3, "county"),  # 4,800
        ("default", "major_illness", 1, 1, "township"),  # 800
        # 会宁 (scenarios 11, 12): fire above the limit → county; sudden major illness → committee always.
        ("huining", "fire", 3, 4, "county"),  # 9,600
        ("huining", "traffic_accident", 3, 4, "county"),  # 9,600
        ("huining", "fire", 1, 2, "township"),  # 1,600
        ("huining", "major_illness", 3, 8, "committee"),  # 14,400
        ("huining", "major_illness", 1, 1, "committee"),  # 800: 一事一议 whatever the amount
        # Regions without their own table use the default one.
        ("bengbu", "fire", 3, 4, "committee"),
    ],
)
def test_levels_come_from_the_region_table(region: str, cause: str, persons: int, months: int, level: str) -> None:
    result = _assess(region, cause=cause, persons=persons, months=months)
    assert result["approval_level"] == level
    assert f"按本地区审批层级决策表，由{APPROVAL_LEVELS[level]}" in result["explanation"]


def test_committee_cases_say_the_formula_does_not_bind() -> None:
    result = _assess("huining", cause="major_illness", months=8)
    assert "一事一议：救助金额不受上述计算公式约束，以协调机制会议纪要核定的金额为准" in result["explanation"]


def test_a_table_that_gives_no_level_is_a_parameter_problem() -> None:
    with pytest.raises(ParameterProblem, match="没有给出有效的审批层级"):
        assess_temporary(_request(), _parameters(), "default", lambda basis: None)


def test_the_basis_is_what_the_table_reads() -> None:
    basis = temporary_basis(_request(), _parameters())
    assert basis == {
        "as_of": "2026-11-23",
        "kind": "emergency",
        "cause": "fire",
        "household_type": "other",
        "existing_recipient": False,
        "persons": 3,
        "months": 4,
        "months_counted": 4,
        "standard": "800.00",
        "amount": "9600.00",
        "township_limit": "3200.00",
        "above_township_limit": True,
    }


# --- advance payment ----------------------------------------------------------------------------


def test_scenario_11_emergency_advance_is_capped_at_the_township_limit() -> None:
    # min(9,600, 3,200) = 3,200 paid first; 9,600 − 3,200 = 6,400 to the county.
    result = _assess("huining")
    assert (result["advance_payment"], result["remainder"]) == ("3200.00", "6400.00")
    assert result["explanation"][-1] == (
        "急难型先行救助：乡镇从备用金先行发放 3200.00 元（以乡镇审批限额为上限），其余 6400.00 元报县级民政部门审批"
    )


def test_an_emergency_within_the_limit_is_paid_in_full_first() -> None:
    # 800 × 2 × 2 = 3,200 ≤ 3,200: the whole amount.
    result = _assess("huining", persons=2, months=2)
    assert (result["advance_payment"], result["remainder"], result["approval_level"]) == (
        "3200.00",
        "0.00",
        "township",
    )
    assert result["explanation"][-1] == "急难型先行救助：乡镇从备用金先行发放全部 3200.00 元，事后补办审批手续"


def test_an_expenditure_request_gets_no_advance() -> None:
    # 支出型: nothing first; 800 × 2 × 3 = 4,800 all to the county (cause "other").
    result = _assess(kind="expenditure", cause="other", persons=2, months=3, household_type="dibao")
    assert (result["advance_payment"], result["remainder"], result["approval_level"]) == ("0.00", "4800.00", "county")
    assert result["explanation"][0] == "支出型临时救助，事由：其他；低保家庭"
    assert result["explanation"][-1] == "支出型临时救助：不先行发放，经调查、乡镇审核和公示后由县级民政部门审批"


def test_an_existing_recipient_is_named() -> None:
    result = _assess(household_type="tekun", existing_recipient=True)
    assert result["explanation"][0] == "急难型临时救助，事由：火灾；特困供养人员家庭，已是本地低保或特困救助对象"


# --- settlement -----------------------------------------------------------------------------------


def test_scenario_11_county_approves_the_rest_after_the_advance() -> None:
    # Formula 9,600 binds the county: 3,200 already paid + 6,400 now.
    settled = settle(_assess("huining"), "3200.00", None, True)
    assert settled["settlement"] == {
        "outcome": "approved",
        "advance_paid": "3200.00",
        "remainder_granted": "6400.00",
        "total_granted": "9600.00",
    }
    assert (
        settled["explanation"][-1]
        == "批准：救助总额 9600.00 元，其中已先行发放 3200.00 元，本次批准发放其余 6400.00 元"
    )


def test_scenario_12_the_committee_fixes_the_total() -> None:
    # 一事一议: 20,000 instead of the formula's 14,400; 20,000 − 3,200 = 16,800 still to pay.
    settled = settle(_assess("huining", cause="major_illness", months=8), "3200.00", "20000.00", True)
    assert (settled["settlement"]["total_granted"], settled["settlement"]["remainder_granted"]) == (
        "20000.00",
        "16800.00",
    )
    assert "协调机制一事一议核定救助总额 20000.00 元" in settled["explanation"]


def test_a_committee_total_below_the_advance_settles_at_the_advance() -> None:
    settled = settle(_assess("huining", cause="major_illness"), "3200.00", "2000.00", True)
    assert (settled["settlement"]["total_granted"], settled["settlement"]["remainder_granted"]) == (
        "3200.00",
        "0.00",
    )
    assert "核定总额低于已先行发放的 3200.00 元，按已发放金额结算" in settled["explanation"]


def test_a_refusal_after_an_advance_keeps_the_advance() -> None:
    settled = settle(_assess("huining"), "3200.00", None, False)
    assert settled["settlement"] == {
        "outcome": "rejected",
        "advance_paid": "3200.00",
        "remainder_granted": "0.00",
        "total_granted": "3200.00",
    }
    assert settled["explanation"][-1] == "不予批准：已先行发放的 3200.00 元计入本案救助金额，不再追加"


def test_a_refusal_without_an_advance_grants_nothing() -> None:
    settled = settle(_assess(kind="expenditure"), "0.00", None, False)
    assert (settled["settlement"]["total_granted"], settled["explanation"][-1]) == ("0.00", "不予救助")


def test_an_approval_without_an_advance() -> None:
    settled = settle(_assess(kind="expenditure", persons=2, months=2), "0.00", None, True)
    assert (settled["settlement"]["total_granted"], settled["explanation"][-1]) == (
        "3200.00",
        "批准：救助金额 3200.00 元",
    )


def test_settle_refuses_a_bad_amount() -> None:
    with pytest.raises(InvalidData) as refused:
        settle(_assess(), "0.00", "-5", True)
    assert "approved_amount" in refused.value.fields


# --- input and parameters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "urgent"),
        ("cause", "flood"),
        ("persons", 0),
        ("persons", 100),
        ("months", 0),
        ("months", True),
        ("household_type", "poor"),
        ("existing_recipient", "yes"),
        ("as_of", "2026-13-01"),
        ("as_of", "20261101"),
    ],
)
def test_bad_input_names_the_field(field: str, value: Any) -> None:
    with pytest.raises(InvalidData) as refused:
        temporary_basis(_request(**{field: value}), _parameters())
    assert field in refused.value.fields


def test_a_missing_parameter_is_named() -> None:
    texts = [(s.origin, s.content.decode("utf-8")) for s in region_sources(PROCESSES, "default").parameters]
    broken = [(o, t.replace("[temporary_months_cap]", "[temporary_months_cap_typo]")) for o, t in texts]
    with pytest.raises(ParameterProblem, match="临时救助测算缺少参数 temporary_months_cap"):
        temporary_basis(_request(), layered_parameters(broken))


def test_an_unusable_cap_is_named() -> None:
    with pytest.raises(ParameterProblem, match="temporary_months_cap"):
        temporary_basis(_request(), _parameters(temporary_months_cap="0"))


def test_every_parameter_exists_in_the_defaults() -> None:
    parameters = _parameters()
    for name in (*PARAMETER_NAMES, "advance_payment_hours", "temporary_paperwork_working_days"):
        parameters.value(name, date(2026, 11, 23))
    assert parameters.value("temporary_skip_investigation_for_recipients", date(2026, 11, 23)) is False
    assert _parameters("bengbu").value("temporary_skip_investigation_for_recipients", date(2026, 11, 23)) is True


def test_the_start_form_offers_the_domain_values() -> None:
    form = load_form("temporary_assistance_start").schema
    properties = form["properties"]
    assert properties["kind"]["enum"] == list(TEMPORARY_KINDS)
    assert properties["cause"]["enum"] == list(TEMPORARY_CAUSES)
    assert properties["household_type"]["enum"] == list(HOUSEHOLD_TYPES)
    assert form["x-enrich"] == ["prior_grants", "committee_members"]  # the 一事一议 members (会签)


# --- the helpers BPMN calls -------------------------------------------------------------------------


def _helpers(region: str = "default") -> dict[str, Any]:
    return build_helpers(_parameters(region), lambda: date(2026, 11, 23), region=region, calendar_dir=CALENDAR_DIR)


def test_the_helpers_are_registered() -> None:
    assert {
        "temporary_basis",
        "temporary_assessment",
        "temporary_settlement",
        "hours_later_iso",
        "working_days_later_iso",
        "deadline_passed",
    } <= HELPER_NAMES


def test_temporary_assessment_helper_takes_the_level_the_process_decided() -> None:
    helpers = _helpers("huining")
    basis = helpers["temporary_basis"](_request())
    assert basis["above_township_limit"] is True
    result = helpers["temporary_assessment"](_request(), "county")
    assert (result["region"], result["approval_level"], result["amount"]) == ("huining", "county", "9600.00")


@freeze_time("2026-11-23 01:00:00")  # Monday 09:00 in Beijing
def test_deadline_helpers() -> None:
    helpers = _helpers()
    assert helpers["hours_later_iso"](24) == "2026-11-24T01:00:00+00:00"
    # 5 working days from Monday 23 November: Monday 30th, 23:59:59 Beijing time.
    assert helpers["working_days_later_iso"](5) == "2026-11-30T15:59:59+00:00"
    assert helpers["deadline_passed"]("2026-11-23T00:59:59+00:00") is True
    assert helpers["deadline_passed"]("2026-11-23T01:00:01+00:00") is False
    assert helpers["deadline_passed"](datetime(2026, 11, 23, 9, 30, tzinfo=UTC).isoformat()) is False


# --- start-data enrichment (the repeat-grant count; scenario 12 runs it against the database) --------


def test_a_start_form_without_enrichment_leaves_the_data_alone() -> None:
    form = FormDefinition.from_dict("plain_start", {"title": "登记", "type": "object", "properties": {}})
    data = {"village": "demo-village-1-1"}
    assert enrich_start_data(cast(Session, None), form, "plain", data) == data
    assert enrich_start_data(cast(Session, None), None, "plain", data) == data


def test_an_unknown_enrichment_is_refused_naming_it() -> None:
    schema = {"title": "登记", "type": "object", "properties": {}, "x-enrich": ["no_such_fact"]}
    form = FormDefinition.from_dict("odd_start", schema)
    with pytest.raises(WorkflowFailed, match="未知的补充项 'no_such_fact'"):
        enrich_start_data(cast(Session, None), form, "odd", {})
