"""The modeler's reading and writing of our BPMN files: every .bpmn under processes/ read by bpmn-moddle
(the library inside bpmn-js) with our spiffworkflow descriptor (web/static/modeler/src/spiffworkflow.json)
and written back keeps every spiffworkflow property (name, value), calledDecisionId, messageVariable
and the multi-instance collections named by variable; the engine's deploy-time validation still passes
on the written files. Runs `node` on tests/web/modeler_js/roundtrip.mjs; skipped without node or
without `make modeler-assets` (node_modules)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from engine.settings import PROJECT_ROOT
from engine.workflow.bundle import list_regions, region_sources
from engine.workflow.catalog import validate_sources

SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
FILES = sorted(PROJECT_ROOT.glob("processes/**/*.bpmn"))


def _exported() -> dict[str, dict[str, object]]:
    node = shutil.which("node")
    if node is None or not (PROJECT_ROOT / "node_modules" / "bpmn-moddle").is_dir():
        pytest.skip("node 或 node_modules 缺失（make modeler-assets 未运行）")
    names = [str(f.relative_to(PROJECT_ROOT)) for f in FILES]
    done = subprocess.run(
        [node, "tests/web/modeler_js/roundtrip.mjs", *names],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
        timeout=120,
    )
    result: dict[str, dict[str, object]] = json.loads(done.stdout)
    return result


def _spiff_facts(xml: bytes) -> list[tuple[str, str, str, str]]:
    """(owner id, kind, name, value) of every spiffworkflow element and named multi-instance collection."""
    root = etree.fromstring(xml)
    facts: list[tuple[str, str, str, str]] = []
    for element in root.iter(f"{{{SPIFF}}}property"):
        owner = next(a for a in element.iterancestors() if a.get("id"))
        facts.append((owner.get("id", ""), "property", element.get("name", ""), element.get("value", "")))
    for tag in ("calledDecisionId", "messageVariable"):
        for element in root.iter(f"{{{SPIFF}}}{tag}"):
            owner = next(a for a in element.iterancestors() if a.get("id"))
            facts.append((owner.get("id", ""), tag, "", (element.text or "").strip()))
    for tag in ("loopDataInputRef", "loopDataOutputRef"):
        for element in root.iter(f"{{{BPMN}}}{tag}"):
            owner = next(a for a in element.iterancestors() if a.get("id"))
            facts.append((owner.get("id", ""), tag, "", (element.text or "").strip()))
    return sorted(facts)


def test_every_process_file_keeps_its_spiffworkflow_extensions_and_still_validates(tmp_path: Path) -> None:
    exported = _exported()
    assert len(exported) == len(FILES) >= 8
    copy = shutil.copytree(PROJECT_ROOT / "processes", tmp_path / "processes")
    for name, result in exported.items():
        assert result["warnings"] == [], name
        assert result["untyped"] == 0, name  # read as the descriptor's types, not as unknown elements
        xml = str(result["xml"]).encode("utf-8")
        original = (PROJECT_ROOT / name).read_bytes()
        assert _spiff_facts(xml) == _spiff_facts(original), name
        (copy / Path(name).relative_to("processes")).write_bytes(xml)
    assert sum(int(str(r["typed"])) for r in exported.values()) > 50
    forms_dir = PROJECT_ROOT / "forms" / "definitions"
    for region in list_regions(copy):
        validated = validate_sources(region_sources(copy, region), forms_dir)
        assert list(validated.problems) == [], region
        assert validated.bundles, region
