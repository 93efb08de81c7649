"""`dibao referrals list|refer|answer --as USER` (docs/referrals.md), in-process against a temp demo database."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from freezegun import freeze_time

from tests.integration.cli_support import ok as _ok
from web.cli import main


@freeze_time("2026-11-23 01:00:00")
def test_refer_list_and_answer_by_command_line(cli: CliRunner, tmp_path: Path) -> None:
    start = tmp_path / "start.json"
    start.write_text(json.dumps({"village": "demo-village-1-1"}), encoding="utf-8")
    case = _ok(cli.invoke(main, ["cases", "start", "reference_review", "--as", "clerk1", "--data", str(start)])).strip()
    refer = ["referrals", "refer", case, "--as", "clerk1", "--department", "demo-dept-renshe", "--kind", "employment"]
    out = _ok(cli.invoke(main, [*refer, "--reason", "家庭成员失业，申请就业帮扶"]))
    assert "ZJ-2026-000001 县人力资源和社会保障局 就业救助" in out
    assert "反馈期限 2026-12-07" in out
    refused = cli.invoke(main, [*refer[:-4], "--department", "demo-town-2", "--kind", "employment", "--reason", "x"])
    assert refused.exit_code != 0
    assert "河西乡 不是部门，不能接收转介" in refused.output
    listed = json.loads(_ok(cli.invoke(main, ["referrals", "list", "--as", "renshe1", "--status", "open", "--json"])))
    assert [r["number"] for r in listed] == ["ZJ-2026-000001"]
    other = cli.invoke(main, ["referrals", "answer", "ZJ-2026-000001", "--as", "yibao1", "--accept"])
    assert other.exit_code != 0
    assert "无权办理转介 ZJ-2026-000001" in other.output
    assert "办理中" in _ok(cli.invoke(main, ["referrals", "answer", "ZJ-2026-000001", "--as", "renshe1", "--accept"]))
    answer = ["referrals", "answer", "ZJ-2026-000001", "--as", "renshe1", "--answer", "handled"]
    out = _ok(cli.invoke(main, [*answer, "--text", "已登记失业并推荐公益性岗位"]))
    assert "已办结 反馈期限 2026-12-07 反馈：已登记失业并推荐公益性岗位" in out
    twice = cli.invoke(main, [*answer, "--text", "再答"])
    assert twice.exit_code != 0
    assert "不能重复反馈" in twice.output
