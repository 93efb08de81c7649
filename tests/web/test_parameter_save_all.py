"""保存为草稿 with nothing changed works for every region (issue 17's bug: 全国默认 and 蚌埠 refused
「参数 gradual_exit_caution_groups 第 1 行：取值不能为空」): the page is submitted as a browser submits it,
and the draft holds the same text and the same effective values as the deployed file."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from engine.context import Context
from engine.domain import parameter_catalogue as catalogue
from engine.domain.parameters import layered_parameters, parse_parameters
from engine.services import designer
from engine.services.designer import parameter_text

REGIONS = [
    ("default", "designer1"),
    ("bengbu", "designer_bengbu"),
    ("huining", "designer_huining"),
    ("shaanxi", "designer_shaanxi"),
    ("taian", "designer_taian"),
    ("yantai", "designer_yantai"),
]


class _Form(HTMLParser):
    """The fields a browser sends for the page's form: inputs with their value, ticked boxes, selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and "name" in a:
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def submitted(page: str) -> dict[str, list[str]]:
    form = _Form()
    form.feed(page)
    data: dict[str, list[str]] = {}
    for name, value in form.fields:
        if name != "csrf_token":
            data.setdefault(name, []).append(value)
    return data


def _file(processes_dir: Path, region: str) -> Path:
    return processes_dir / ("default" if region == "default" else f"regions/{region}") / "parameters.toml"


@pytest.mark.parametrize(("region", "who"), REGIONS)
def test_saving_the_page_unchanged_keeps_every_value(
    make_browser: Any, ctx: Context, processes_dir: Path, region: str, who: str
) -> None:
    browser = make_browser(who)
    page = browser.get(f"/designer/drafts/{region}/parameters")
    assert page.status_code == 200
    reply = browser.post(f"/designer/drafts/{region}/parameters", submitted(page.get_data(as_text=True)))
    assert reply.status_code == 302, reply.get_data(as_text=True)
    before = _file(processes_dir, region).read_text(encoding="utf-8")
    after = designer.effective_file(ctx, who, region, "parameters.toml").decode("utf-8")
    assert after == before
    national = (processes_dir / "default" / "parameters.toml").read_text(encoding="utf-8")
    layers = [("d", national)] if region != "default" else []
    assert layered_parameters([*layers, ("r", after)]) == layered_parameters([*layers, ("r", before)])


@pytest.mark.parametrize(("region", "who"), REGIONS)
def test_every_table_retyped_through_the_form_rewrites_to_the_same_text(
    processes_dir: Path, region: str, who: str
) -> None:
    """Stronger than unchanged: every table read back through the form's typing, then written again."""
    text = _file(processes_dir, region).read_text(encoding="utf-8")
    errors: dict[str, list[str]] = {}
    tables = {
        name: parameter_text.typed_periods(
            name, [(d.isoformat(), catalogue.form_value(v)) for d, v in p.periods], p.periods[-1][1], errors
        )
        for name, p in parse_parameters(text, region).items()
    }
    assert errors == {}
    assert all(list(parse_parameters(text, region)[n].periods) == periods for n, periods in tables.items())
    assert parameter_text.rewrite(text, tables, region) == text


def test_an_empty_value_is_kept_where_empty_is_allowed(ctx: Context) -> None:
    """烟台 stops its caution groups from a date (不设): an empty list is a value, not a missing one."""
    groups = "elderly,disabled,ill,poverty_alleviation"
    rows = {"gradual_exit_caution_groups": [("2021-07-01", groups), ("2027-01-01", "")]}
    designer.save_parameters(ctx, "designer_yantai", "yantai", rows)
    text = designer.effective_file(ctx, "designer_yantai", "yantai", "parameters.toml").decode()
    assert f'[gradual_exit_caution_groups]\n2021-07-01 = "{groups}"\n2027-01-01 = ""' in text
    # Edited back to the national table (2021-07-01 不设), the region's own table goes: 沿用全国默认 again.
    designer.save_parameters(ctx, "designer_yantai", "yantai", {"gradual_exit_caution_groups": [("2021-07-01", "")]})
    text = designer.effective_file(ctx, "designer_yantai", "yantai", "parameters.toml").decode()
    assert "[gradual_exit_caution_groups]" not in text
