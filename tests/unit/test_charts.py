"""web.dashboard.charts: server-drawn SVG bar charts, well-formed, accessible, with every text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from web.dashboard.charts import BLUE, VERMILION, Bar, Series, bar_chart, percent_text

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output, parsed to check it is well-formed


def _bars(root: ET.Element) -> list[ET.Element]:
    # Bars are the rects inside a row group; the legend's swatches sit outside any group.
    return [rect for group in root.iter(f"{SVG}g") for rect in group.iter(f"{SVG}rect")]


def test_a_chart_is_an_accessible_image_with_title_and_a_description_of_every_value() -> None:
    svg = bar_chart("chart-a", "办理中的案件", [Bar("城关镇", (3,)), Bar("河西乡", (1,))], [Series("案件数")])
    assert isinstance(svg, Markup)
    root = _parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-a-title chart-a-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert (title.get("id"), title.text) == ("chart-a-title", "办理中的案件")
    assert desc.text == "城关镇：案件数 3；河西乡：案件数 1"
    assert "<script" not in svg
    assert "style=" not in svg  # the CSP forbids inline styles: colours are attributes


def test_bar_lengths_are_proportional_to_the_largest_value() -> None:
    root = _parse(bar_chart("c", "t", [Bar("甲", (4,)), Bar("乙", (2,)), Bar("丙", (0,))], [Series("n")]))
    widths = [float(rect.get("width") or "nan") for rect in _bars(root)]
    assert widths[0] > 0
    assert widths[1] == pytest.approx(widths[0] / 2)
    assert widths[2] == 0


def test_a_fixed_maximum_scales_shares_and_values_are_shown_as_percentages() -> None:
    svg = bar_chart(
        "share", "比例", [Bar("甲", (0.5,)), Bar("乙", (1.0,))], [Series("比例")], maximum=1.0, value_text=percent_text
    )
    root = _parse(svg)
    widths = [float(rect.get("width") or "nan") for rect in _bars(root)]
    assert widths[0] == pytest.approx(widths[1] / 2)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "50.0%" in texts
    assert "100.0%" in texts


def test_several_series_get_a_legend_and_one_bar_each_in_their_colour() -> None:
    svg = bar_chart(
        "two", "t", [Bar("甲", (3, 1)), Bar("乙", (2, 0))], [Series("办理中", BLUE), Series("超期", VERMILION)]
    )
    root = _parse(svg)
    assert [rect.get("fill") for rect in _bars(root)] == [BLUE, VERMILION, BLUE, VERMILION]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "办理中" in texts
    assert "超期" in texts


def test_text_is_escaped_everywhere() -> None:
    evil = '<script>alert("x")</script>&'
    svg = bar_chart("esc", evil, [Bar(evil, (1, 2))], [Series(evil, '"/><script>'), Series("n")])
    assert "<script>" not in svg
    root = _parse(svg)  # still well-formed XML
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == evil  # escaped in the markup, the same text once parsed
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert evil in texts  # the legend
    assert evil[:11] + "…" in texts  # the shortened row label
    assert _bars(root)[0].get("fill") == '"/><script>'  # an attribute value, not markup


def test_long_labels_are_shortened_with_the_full_text_as_a_tooltip() -> None:
    label = "最低生活保障审核确认·入户调查、信息核对"
    root = _parse(bar_chart("long", "t", [Bar(label, (1,))], [Series("n")]))
    (group,) = list(root.iter(f"{SVG}g"))
    tooltip = group.find(f"{SVG}title")
    assert tooltip is not None
    assert tooltip.text == label
    shown = next(t.text or "" for t in group.iter(f"{SVG}text"))
    assert shown.endswith("…")
    assert len(shown) == 12


def test_an_empty_chart_says_so() -> None:
    root = _parse(bar_chart("empty", "t", [], [Series("n")]))
    assert "暂无数据" in [t.text for t in root.iter(f"{SVG}text")]
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert desc.text == "暂无数据"


@pytest.mark.parametrize("chart_id", ["", "Chart", "a b", 'x" onload="y', "1abc"])
def test_ids_that_could_break_the_markup_are_refused(chart_id: str) -> None:
    with pytest.raises(ValueError, match="chart id"):
        bar_chart(chart_id, "t", [Bar("甲", (1,))], [Series("n")])


def test_each_bar_needs_a_value_per_series() -> None:
    with pytest.raises(ValueError, match="one value per series"):
        bar_chart("c", "t", [Bar("甲", (1, 2))], [Series("n")])
