"""The parameter catalogue (engine/domain/parameter_catalogue.py): every parameter of every region's file
has an entry, each entry is complete and in Chinese, values are typed by it, and the readable diff names
parameters by their Chinese name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.domain import parameter_catalogue as catalogue
from engine.domain.parameters import parse_parameters
from engine.workflow.bundle_diff import diff_bundles

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
FILES = sorted(PROCESSES.glob("**/parameters.toml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PROCESSES)))
def test_every_parameter_in_every_file_has_an_entry_that_fits_its_values(path: Path) -> None:
    parameters = parse_parameters(path.read_text(encoding="utf-8"), str(path))
    missing = sorted(set(parameters) - set(catalogue.CATALOGUE))
    assert missing == [], f"{path}: 参数目录 engine/domain/parameter_catalogue_data.py 缺少 {missing}"
    for name, parameter in parameters.items():
        item = catalogue.CATALOGUE[name]
        for _, value in parameter.periods:  # each value reads back to itself through the form's typing
            assert catalogue.parse_value(item, catalogue.form_value(value)) == value, (name, value)


def test_six_files_are_checked() -> None:
    assert len(FILES) == 6


@pytest.mark.parametrize("item", catalogue.CATALOGUE.values(), ids=lambda e: e.name)
def test_each_entry_is_complete_and_speaks_chinese(item: catalogue.Entry) -> None:
    assert item.group in catalogue.groups()
    assert item.kind in catalogue.KINDS
    assert re.search(r"[\u4e00-\u9fff]", item.label)
    assert re.search(r"[\u4e00-\u9fff]", item.help)
    assert "domain.md" not in item.help
    assert "§" not in item.help
    assert bool(item.choices) == (item.kind in ("choice", "choices", "level_roles"))
    assert not item.empty_ok or item.kind in ("text", "choices")


def test_labels_are_unique() -> None:
    labels = [item.label for item in catalogue.CATALOGUE.values()]
    assert len(labels) == len(set(labels))


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("dibao_standard_urban", "8o0", "须是不小于 0 的金额"),
        ("dibao_standard_urban", "850.123", "金额最多两位小数"),
        ("dibao_standard_urban", "-1", "须是不小于 0 的金额"),
        ("notice_days", "5.5", "须是不小于 0 的整数（天）"),
        ("marginal_multiplier", "inf", "须是不小于 0 的数"),
        # Once a 500: rounding 1e30 to the cent overflowed the decimal context.
        ("dibao_standard_urban", "1e30", "取值过大：须小于 1,000,000,000"),
        ("marginal_multiplier", "1e999999", "取值过大：须小于 1,000,000,000"),
        ("democratic_review_mode", "sometimes", "“sometimes”不是可选的取值"),
        ("gradual_exit_causes", "employment,lottery", "“lottery”不是可选的取值"),
        ("gradual_exit_causes", "", "至少选择一项"),
        ("renotice_after_objection", "maybe", "请选择“是”或“否”"),
        ("escalation_roles", "", "至少为一个层级选择督办接收的角色"),
        ("escalation_roles", "village:township_head,village:county_clerk", "村级任务选了两次"),
        ("escalation_roles", "town:township_head", "“town:township_head”不是可选的层级和角色"),
    ],
)
def test_a_bad_value_is_refused_in_chinese(name: str, raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        catalogue.parse_value(catalogue.CATALOGUE[name], raw)


def test_values_are_kept_as_the_files_keep_them() -> None:
    entries = catalogue.CATALOGUE
    assert catalogue.parse_value(entries["dibao_standard_urban"], " 850 ") == "850.00"
    assert catalogue.parse_value(entries["notice_days"], "5") == 5
    assert catalogue.parse_value(entries["renotice_after_objection"], "true") is True
    assert catalogue.parse_value(entries["gradual_exit_caution_groups"], "") == ""
    assert catalogue.parse_value(entries["court_name"], " ") == ""
    # Ticked boxes come back in the catalogue's order, the order the files write them in.
    assert catalogue.parse_value(entries["gradual_exit_causes"], "improvement,employment") == "employment,improvement"


def test_values_read_in_chinese() -> None:
    entries = catalogue.CATALOGUE
    assert catalogue.display(entries["dibao_standard_urban"], "800.00") == "800.00 元"
    assert catalogue.display(entries["notice_days"], 7) == "7 天"
    assert catalogue.display(entries["marginal_multiplier"], "1.5") == "1.5倍"
    assert catalogue.display(entries["renotice_after_objection"], False) == "否"
    assert catalogue.display(entries["democratic_review_mode"], "always") == "每案都评议"
    assert catalogue.display(entries["gradual_exit_caution_groups"], "") == "（不设）"
    assert catalogue.display(entries["gradual_exit_causes"], "employment,improvement") == "就业创业、其他条件改善"
    roles = "village:township_head, county:county_approver"
    assert catalogue.display(entries["escalation_roles"], roles) == "村级任务→乡镇负责人；县级任务→县民政审批人"
    assert catalogue.parse_value(entries["escalation_roles"], "county:county_approver,village:township_head") == roles


def test_the_diff_names_the_parameter_by_its_chinese_name_with_the_date() -> None:
    old = {"parameters/0.toml": '[dibao_standard_urban]\n2026-01-01 = "800.00"\n'}
    new = {"parameters/0.toml": '[dibao_standard_urban]\n2026-01-01 = "800.00"\n2027-01-01 = "850.00"\n'}
    assert diff_bundles(old, new).sentences() == [
        "参数「城市低保标准（元/人·月）」自 2027-01-01 起由 800.00 元 改为 850.00 元"
    ]
    mode = {"parameters/0.toml": '[democratic_review_mode]\n2021-07-01 = "on_objection"\n2027-01-01 = "always"\n'}
    before = {"parameters/0.toml": '[democratic_review_mode]\n2021-07-01 = "on_objection"\n'}
    assert diff_bundles(before, mode).sentences() == [
        "参数「民主评议方式」自 2027-01-01 起由 仅在公示有异议时评议 改为 每案都评议"
    ]
