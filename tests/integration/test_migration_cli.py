"""`dibao processes migrate` (docs/process-migration.md): preview, JSON, migrate, and a refusal's exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.integration.cli_support import demo_cli, ok
from tests.scenarios.migration_flow import v2_text
from web.cli import main

START = Path(__file__).parents[1] / "data" / "walkthrough" / "start.json"
MIGRATE = ["processes", "migrate", "dibao_application", "--region", "default"]


def test_migrate_by_command_line(tmp_path: Path, processes_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli: CliRunner = demo_cli(tmp_path, processes_dir, monkeypatch)
    number = ok(cli.invoke(main, ["cases", "start", "dibao_application", "--as", "clerk1", "--data", str(START)]))
    number = number.strip()
    bpmn = processes_dir / "default" / "dibao_application.bpmn"
    bpmn.write_text(v2_text(bpmn.read_text(encoding="utf-8")), encoding="utf-8")
    assert "新版本" in ok(cli.invoke(main, ["processes", "deploy", "--region", "default"]))

    preview = ok(cli.invoke(main, [*MIGRATE, "--to", "2", "--dry-run", "--map", "first_review=township_review"]))
    assert "迁移预览（未做任何更改）" in preview
    assert "对应步骤：初审（first_review）→ 乡镇初审（township_review）" in preview
    assert "新版本新增的步骤：核对结果复核（verification_review）" in preview
    assert f"{number}\t第 1 版\t受理审查\t受理审查\t受理审查\t—\t—\t可迁移" in preview
    assert "共 1 件：可迁移 1 件，不能迁移 0 件" in preview

    as_json = json.loads(ok(cli.invoke(main, [*MIGRATE, "--to", "2", "--dry-run", "--json"])))
    assert (as_json["movable"], as_json["rows"][0]["number"]) == (1, number)

    done = ok(cli.invoke(main, [*MIGRATE, "--to", "2", "--cases", number, "--as", "designer1"]))
    assert f"{number}\t第 1 版\t受理审查\t受理审查\t受理审查\t—\t—\t已迁移" in done

    back = cli.invoke(main, [*MIGRATE, "--to", "1", "--cases", number])
    assert back.exit_code == 1
    assert f"案件 {number} 已在第 2 版，不能迁移到相同或更早的第 1 版" in back.output
    assert "未做任何更改" in back.output
    bad_map = cli.invoke(main, [*MIGRATE, "--to", "2", "--map", "first_review"])
    assert bad_map.exit_code == 1
    assert "格式应为 原步骤标识=新步骤标识" in bad_map.output
    assert "Traceback" not in back.output + bad_map.output
