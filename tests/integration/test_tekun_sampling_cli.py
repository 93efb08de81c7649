"""`dibao tekun sample --as USER` and `dibao tekun verify-sample ID --as USER` (docs/tekun-sampling.md), in-process
against a temp demo database whose 特困 applications were brought to the county's sample by the real BPMN."""

from __future__ import annotations

import re

from click.testing import CliRunner
from freezegun import freeze_time

from engine.context import Context
from tests.integration.cli_support import ok as _ok
from tests.scenarios.flow import Users
from tests.scenarios.tekun_sampling_flow import NOTICE_OVER, waiting_for_sampling
from web.cli import main


def test_sample_and_verify_by_command_line(cli: CliRunner) -> None:
    ctx = Context.from_settings()  # the CLI's own database (DIBAO_DATABASE_URL set by the fixture)
    try:
        apps = waiting_for_sampling(ctx, [(Users(), 4)])
    finally:
        ctx.close()
    with freeze_time(NOTICE_OVER):
        refused = cli.invoke(main, ["tekun", "sample", "--as", "clerk1"])
        assert refused.exit_code == 1
        assert "无权进行特困随机抽查" in refused.output
        out = _ok(cli.invoke(main, ["tekun", "sample", "--as", "county1"]))
    assert out.startswith("抽查号 1（")
    assert re.search(r"^随机种子 [0-9a-f]{16}$", out, re.MULTILINE)
    assert "抽查比例 0.3" in out
    assert "待抽查案件 4 件，抽中 2 件：" in out  # ceil(0.3 × 4) = 2
    selected = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert sorted(selected) == selected
    assert set(selected) <= {app.number for app in apps}
    assert len(selected) == 2
    assert _ok(cli.invoke(main, ["tekun", "verify-sample", "1", "--as", "auditor1"])).strip() == "抽查 1：一致"
    missing = cli.invoke(main, ["tekun", "verify-sample", "9", "--as", "auditor1"])
    assert missing.exit_code == 1
    assert "抽查 9 不存在" in missing.output
    with freeze_time(NOTICE_OVER):
        again = cli.invoke(main, ["tekun", "sample", "--as", "approver1", "--json"])
    assert again.exit_code == 1
    assert "没有等待随机抽查" in again.output
