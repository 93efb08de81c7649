"""The form editor (/designer/forms, docs/designer-forms.md): save round-trip, 422 beside the field, scope,
the preview rendered like the clerk's task page, and a yantai override reaching yantai's cases through a
real deploy while default-region cases and running cases keep the national form."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time

from engine.context import Context
from engine.errors import InvalidData
from engine.services import designer, tasks
from engine.services.designer import form_editing
from forms.definition import FORMS_DIR
from forms.editing import Row, definition_from_rows, rows_of, text_of
from forms.overrides import merged_problems
from tests.api.conftest import eligible_household
from tests.scenarios.flow import Application, Users
from tests.web.conftest import Browser

EDITOR = "/designer/forms/{region}/dibao_first_review"
START = "2026-11-23 01:00:00"


def _post_data(rows: list[Row], **extra: Any) -> dict[str, Any]:
    """What the editor page posts for these rows (the browser sends the same names)."""
    data: dict[str, Any] = {"row": [r.id for r in rows], **extra}
    for r in rows:
        data.update(
            {
                f"r{r.id}.key": r.key,
                f"r{r.id}.orig": r.orig,
                f"r{r.id}.title": r.title,
                f"r{r.id}.kind": r.kind,
                f"r{r.id}.options": r.options,
                f"r{r.id}.when_field": r.when_field,
                f"r{r.id}.when_values": r.when_values,
                f"r{r.id}.national": "1" if r.national else "",
            }
        )
        if r.required:
            data[f"r{r.id}.required"] = "1"
    return data


def _editor(ctx: Context, who: str, region: str) -> form_editing.FormEditor:
    return form_editing.open_editor(ctx, who, region, "dibao_first_review")


def _with_local_field(ctx: Context, **extra: Any) -> dict[str, Any]:
    editor = _editor(ctx, "designer_yantai", "yantai")
    new = Row("n1", "hukou_checked", "", "已核对户口簿原件", "boolean", True)
    return _post_data([*editor.rows, new], **extra)


@pytest.mark.parametrize("path", sorted(FORMS_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_national_form_survives_the_editor_byte_for_byte(path: Path) -> None:
    """Unchanged rows give back the file's own text: byte for byte (not just equal JSON), because the
    editor keeps the original text whenever the definition it builds equals the parsed original."""
    text = path.read_text(encoding="utf-8")
    raw = json.loads(text)
    rows = rows_of(raw)
    built = definition_from_rows(raw, raw["title"], raw.get("x-check", ""), rows)
    assert not [e for r in rows for e in r.errors]
    assert text_of(built, text) == text


def test_the_national_designer_saves_a_draft_and_an_unchanged_form_stays_byte_for_byte(
    ctx: Context, make_browser: Any
) -> None:
    browser: Browser = make_browser("designer1")
    page = browser.get(EDITOR.format(region="default"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "编辑表单「初审」" in html
    assert "approve=拟予保障" in html
    editor = _editor(ctx, "designer1", "default")
    reply = browser.post(EDITOR.format(region="default"), _post_data(editor.rows, title="初审", check=""))
    assert reply.status_code == 302
    saved = designer.draft_texts(ctx, "designer1", "default")["dibao_first_review.json"]
    assert saved == (FORMS_DIR / "dibao_first_review.json").read_text(encoding="utf-8")
    # A changed label: the draft is the national definition with that label, nothing else changed.
    rows = editor.rows
    rows[1].title = "初审意见说明（详细）"
    assert browser.post(EDITOR.format(region="default"), _post_data(rows, title="初审", check="")).status_code == 302
    changed = json.loads(designer.draft_texts(ctx, "designer1", "default")["dibao_first_review.json"])
    original = json.loads((FORMS_DIR / "dibao_first_review.json").read_text(encoding="utf-8"))
    original["properties"]["opinion"]["title"] = "初审意见说明（详细）"
    assert changed == original
    assert designer.validate_draft(ctx, "designer1", "default").ok


def test_bad_edits_are_refused_with_422_naming_the_field_and_nothing_is_saved(ctx: Context, make_browser: Any) -> None:
    browser: Browser = make_browser("designer1")
    rows = _editor(ctx, "designer1", "default").rows
    rows.append(Row("n1", "bad key", "", "", "text"))
    rows.append(Row("n2", "count", "", "人数", "integer", options="a=甲"))
    rows[1].when_field, rows[1].when_values = "nowhere", "x"
    reply = browser.post(EDITOR.format(region="default"), _post_data(rows, title="初审", check=""))
    assert reply.status_code == 422
    html = reply.get_data(as_text=True)
    assert "表单有误，未保存" in html
    assert "标识只能由英文字母、数字和下划线组成" in html
    assert "字段 bad key：请填写中文名称" in html
    assert "字段「人数」：选项的取值必须是整数" in html
    assert "必填条件中的字段 nowhere 不在本表单中" in html
    assert html.index("选项的取值必须是整数", html.index('id="row-n2"')) > 0  # beside its row too
    assert designer.draft_texts(ctx, "designer1", "default") == {}
    # A problem only the deploy-time checks find (a pattern-free field with bounds it cannot have) is
    # reported too: here an unknown cross-field check sent by a hand-made post.
    rows = _editor(ctx, "designer1", "default").rows
    reply = browser.post(EDITOR.format(region="default"), _post_data(rows, title="初审", check="no_such_check"))
    assert reply.status_code == 422
    assert "未知的 x-check" in reply.get_data(as_text=True)
    assert designer.draft_texts(ctx, "designer1", "default") == {}


def test_scope_a_region_edits_only_its_override_and_a_clerk_nothing(ctx: Context, make_browser: Any) -> None:
    yantai: Browser = make_browser("designer_yantai")
    assert yantai.get(EDITOR.format(region="default")).status_code == 403
    assert yantai.post(EDITOR.format(region="default"), {"row": [], "title": "x"}).status_code == 403
    assert yantai.post(EDITOR.format(region="default") + "/preview", {"row": []}).status_code == 403
    assert yantai.get(EDITOR.format(region="taian")).status_code == 403
    clerk: Browser = make_browser("clerk1")
    assert clerk.get(EDITOR.format(region="yantai")).status_code == 403
    assert clerk.get(EDITOR.format(region="default")).status_code == 403
    assert make_browser("designer1").get(EDITOR.format(region="yantai")).status_code == 403
    # yantai's editor shows the national fields read-only (key and type) with their labels editable.
    html = yantai.get(EDITOR.format(region="yantai")).get_data(as_text=True)
    assert 'name="r0.key" value="decision" maxlength="64" autocapitalize="off" spellcheck="false" readonly' in html
    reply = yantai.post(EDITOR.format(region="yantai"), _with_local_field(ctx))
    assert reply.status_code == 302
    drafts = designer.draft_texts(ctx, "designer_yantai", "yantai")
    assert set(drafts) == {"dibao_first_review.override.json"}
    override = json.loads(drafts["dibao_first_review.override.json"])
    assert override == {"add": {"hukou_checked": {"type": "boolean", "title": "已核对户口簿原件", "required": True}}}
    # The national file never changes, whatever a region posts.
    with pytest.raises(InvalidData, match="表单"):
        designer.save_file(ctx, "designer_yantai", "yantai", "dibao_first_review.json", b"{}")
    assert make_browser("designer_yantai").get("/designer/forms/yantai/no_such_form").status_code == 404


def test_a_region_may_not_reuse_a_national_key(ctx: Context, make_browser: Any) -> None:
    yantai: Browser = make_browser("designer_yantai")
    rows = _editor(ctx, "designer_yantai", "yantai").rows
    reply = yantai.post(EDITOR.format(region="yantai"), _post_data([*rows, Row("n1", "decision", "", "重复", "text")]))
    assert reply.status_code == 422
    assert "标识 decision 与另一字段重复" in reply.get_data(as_text=True)
    assert designer.draft_texts(ctx, "designer_yantai", "yantai") == {}


_CONTROL = re.compile(r'<(input|select|textarea)\b[^>]*\bname="(f\.[^"]+)"[^>]*>')
_LABEL = re.compile(r'<label for="(f-[^"]+)">(.*?)</label>', re.S)


def _controls(html: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in _CONTROL.finditer(html)]


def _labels(html: str) -> list[tuple[str, str]]:
    return [(m.group(1), re.sub(r"<[^>]+>", "", m.group(2)).strip()) for m in _LABEL.finditer(html)]


@freeze_time(START)
def test_an_override_reaches_new_yantai_cases_only_required_and_validated(
    ctx: Context, make_browser: Any, processes_dir: Path
) -> None:
    users = Users.of_region("yantai")
    running = Application(ctx, eligible_household(), users).start().accept().investigate()
    yantai: Browser = make_browser("designer_yantai")
    data = _with_local_field(ctx)
    preview = yantai.post(EDITOR.format(region="yantai") + "/preview", data)
    assert preview.status_code == 200
    assert "已核对户口簿原件" in preview.get_data(as_text=True)
    assert yantai.post(EDITOR.format(region="yantai"), data).status_code == 302
    assert yantai.post("/designer/drafts/yantai/deploy").status_code == 302
    assert (processes_dir / "regions/yantai/forms/dibao_first_review.json").is_file()

    fresh = Application(ctx, eligible_household(), users).start().accept().investigate()
    national = Application(ctx, eligible_household()).start().accept().investigate()
    head = make_browser(users.head)
    page = head.get(f"/tasks/{fresh.task('first_review').id}").get_data(as_text=True)
    assert "已核对户口簿原件" in page
    assert 'name="f.hukou_checked"' in page
    # The preview is the clerk's renderer: the same controls and labels as the task page's form.
    form_html = page[page.index('class="task-form"') :]
    assert (
        _controls(preview.get_data(as_text=True))
        == _controls(form_html)[: len(_controls(preview.get_data(as_text=True)))]
    )
    assert _labels(preview.get_data(as_text=True)) == _labels(form_html)[: len(_labels(preview.get_data(as_text=True)))]
    # Required there, and validated by the merged form.
    with pytest.raises(InvalidData) as refused:
        tasks.complete(ctx, fresh.task("first_review").id, users.head, {"decision": "approve", "opinion": "符合"})
    assert "hukou_checked" in refused.value.fields
    fresh.complete("first_review", users.head, {"decision": "approve", "opinion": "符合", "hukou_checked": True})
    # A default-region case and a yantai case started before the deploy keep the national form.
    default_page = make_browser("head1").get(f"/tasks/{national.task('first_review').id}").get_data(as_text=True)
    assert "已核对户口簿原件" not in default_page
    assert "已核对户口簿原件" not in head.get(f"/tasks/{running.task('first_review').id}").get_data(as_text=True)
    running.first_review()
    national.first_review()
    # The version diff says it in one sentence, marked as the region's.
    diff = yantai.get("/designer/yantai/dibao_application/diff").get_data(as_text=True)
    assert "表单“初审”新增字段“已核对户口簿原件” hukou_checked（是/否，必填）（本地区）" in diff


def test_an_override_naming_an_unknown_field_fails_validation_in_chinese(ctx: Context, processes_dir: Path) -> None:
    bad = {"fields": {"no_such": {"title": "不存在"}}, "add": {"opinion": {"type": "string", "title": "重复"}}}
    text = json.dumps(bad, ensure_ascii=False).encode()
    designer.save_file(ctx, "designer_yantai", "yantai", "dibao_first_review.override.json", text)
    report = designer.validate_draft(ctx, "designer_yantai", "yantai")
    messages = [f"{p.file} {p.message}" for p in report.problems]
    origin = "草稿 regions/yantai/forms/dibao_first_review.json"
    assert any(origin in m and "字段 no_such：全国表单「初审」中没有这个字段" in m for m in messages), messages
    assert any("字段 opinion：全国表单已有同名字段" in m for m in messages), messages
    # The same file on disk fails the region's deploy-time validation (`dibao processes validate`).
    target = processes_dir / "regions/yantai/forms"
    target.mkdir()
    (target / "dibao_first_review.json").write_bytes(text)
    report_on_disk = designer.validate_region(ctx, "designer_yantai", "yantai")
    assert any(p.file == "regions/yantai/forms/dibao_first_review.json" for p in report_on_disk.problems)
    assert not [p for p in report_on_disk.problems if not re.search(r"[\u4e00-\u9fff]", p.message)]


def test_without_javascript_the_buttons_post_the_page_back_unsaved(ctx: Context, make_browser: Any) -> None:
    """添加字段, 上移/下移/删除 and 预览 work as plain posts; the region and drafts pages link the editor."""
    yantai: Browser = make_browser("designer_yantai")
    for page in ("/designer/yantai", "/designer/drafts/yantai"):
        assert f'href="{EDITOR.format(region="yantai")}"' in yantai.get(page).get_data(as_text=True)
    data = _with_local_field(ctx)
    added = yantai.post(EDITOR.format(region="yantai"), {**data, "_op": "add"}).get_data(as_text=True)
    assert [r for r in re.findall(r'id="row-([a-z0-9]+)"', added) if r not in ("tmpl", "template")] == [
        "0",
        "1",
        "n1",
        "n4",
    ]
    previewed = yantai.post(EDITOR.format(region="yantai"), {**data, "_op": "preview"})
    assert previewed.status_code == 200
    preview_html = previewed.get_data(as_text=True)
    assert 'name="f.hukou_checked"' in preview_html[preview_html.index('id="form-preview"') :]
    two = _with_local_field(ctx)
    two["row"].append("n2")
    two.update({"rn2.key": "note", "rn2.title": "备注", "rn2.kind": "text", "rn2.orig": "", "rn2.national": ""})
    moved = yantai.post(EDITOR.format(region="yantai"), {**two, "_op": "up:n2"}).get_data(as_text=True)
    assert moved.index('id="row-n2"') < moved.index('id="row-n1"')
    national_first = yantai.post(EDITOR.format(region="yantai"), {**two, "_op": "up:n1"}).get_data(as_text=True)
    assert national_first.index('id="row-1"') < national_first.index('id="row-n1"')  # national rows stay
    removed = yantai.post(EDITOR.format(region="yantai"), {**two, "_op": "remove:n2"}).get_data(as_text=True)
    assert 'id="row-n2"' not in removed
    assert designer.draft_texts(ctx, "designer_yantai", "yantai") == {}


def test_a_draft_that_is_no_form_object_is_a_chinese_422_not_a_crash(ctx: Context, make_browser: Any) -> None:
    designer.save_file(ctx, "designer1", "default", "dibao_first_review.json", b"[1, 2]")
    reply = make_browser("designer1").get(EDITOR.format(region="default"))
    assert reply.status_code == 422
    assert "草稿不是 JSON 对象" in reply.get_data(as_text=True)


def test_an_override_changes_labels_and_required_flags_and_marks_what_it_touched() -> None:
    base = json.loads((FORMS_DIR / "dibao_first_review.json").read_text(encoding="utf-8"))
    override = {
        "fields": {
            "opinion": {"title": "说明（烟台）", "required": False},
            "decision": {"x-enum-labels": {"approve": "同意"}},
        },
        "add": {"visits": {"type": "integer", "title": "入户次数", "minimum": 1, "required": True}},
    }
    merged, problems = merged_problems(base, override, "yantai")
    assert problems == []
    assert merged is not None
    assert merged["required"] == ["decision", "visits"]
    assert merged["x-order"] == ["decision", "opinion", "visits"]
    assert merged["properties"]["decision"]["x-enum-labels"] == {"approve": "同意", "reject": "拟不予保障"}
    assert merged["properties"]["opinion"]["title"] == "说明（烟台）"
    assert {k for k, v in merged["properties"].items() if v.get("x-region") == "yantai"} == {
        "decision",
        "opinion",
        "visits",
    }
    assert base["required"] == ["decision", "opinion"]  # the national form itself is untouched
    bad = {
        "fields": {"decision": {"type": "integer", "x-enum-labels": {"maybe": "也许"}}},
        "add": {
            "x": {"type": "array", "title": "列表"},
            "y": {"type": "string"},
            "z": {"type": "string", "title": "z", "bogus": 1},
        },
        "remove": ["opinion"],
    }
    merged, problems = merged_problems(base, bad, "yantai")
    assert merged is None
    assert "不支持的键 remove（只能有 fields 和 add）" in problems
    assert "字段 decision：地区只能修改标题、选项文字和是否必填，不能修改 type" in problems
    assert "字段 decision：选项 maybe 不是全国表单中的取值" in problems
    assert any(p.startswith("字段 x：地区新增的字段只能是") for p in problems)
    assert "字段 y：缺少中文标题 title" in problems
    merged, problems = merged_problems(base, {"add": {"z": {"type": "string", "title": "z", "bogus": 1}}}, "yantai")
    assert merged is None
    assert problems
    assert all("bogus" in p for p in problems)
