"""Validation problems name elements as the designer sees them: by name, an unnamed flow by what it joins,
an unnamed DMN rule by its number; a file that does not parse names nothing."""

from __future__ import annotations

from pathlib import Path

from engine.workflow.element_names import element_names

PROCESSES = Path(__file__).resolve().parents[2] / "processes" / "default"


def test_bpmn_tasks_lanes_and_unnamed_flows_read_as_the_modeler_shows_them() -> None:
    names = element_names((PROCESSES / "dibao_application.bpmn").read_bytes())
    assert names["first_review"] == "初审"
    assert names["lane_township_clerk"] == "乡镇经办人"  # a lane is named by its role
    assert names["flow_first_review_to_first_review_gateway"] == "「初审」→「初审意见」的连线"


def test_dmn_rules_are_numbered_within_their_table_and_cells_named_by_their_rule() -> None:
    names = element_names((PROCESSES / "reference_approval_level.dmn").read_bytes())
    assert names["rule_township"] == "第 1 条规则（乡镇审批）"
    assert names["rule_county"] == "第 2 条规则（县级审批）"
    assert names["rule_county_level"] == "第 2 条规则（县级审批）的输出"


def test_a_file_that_does_not_parse_names_nothing() -> None:
    assert element_names(b"<bpmn:definitions") == {}
    assert element_names(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x id="a"/>') == {}
