"""What the designer's pages draw and offer from BPMN files: one file's text with the processes it
defines (the web layer renders the SVG), and the processes of the region's effective set, drafts included
(the dry-run form's choices).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.context import Context
from engine.errors import InvalidData, NotFound
from engine.policy import designer_region
from engine.services.designer.files import draft_texts, effective_file
from engine.services.designer.sources import file_kind, overlay_sources
from engine.workflow.namespaces import BPMN_NS
from engine.workflow.xmlsafe import UnsafeXml, parse_xml

_PROCESS = f"{{{BPMN_NS}}}process"


@dataclass(frozen=True)
class PreviewSource:
    filename: str
    text: str
    process_ids: list[str]  # the executable processes the file defines, in file order


def preview(ctx: Context, username: str, region: str, filename: str) -> PreviewSource:
    """The BPMN text to draw (the draft's copy, else the effective file); the web layer renders the SVG."""
    if file_kind(filename) != "bpmn":
        raise NotFound(f"只有 BPMN 文件可以预览：{filename}")
    content = effective_file(ctx, username, region, filename)
    try:
        root = parse_xml(content).getroot()
    except UnsafeXml as exc:
        raise InvalidData("BPMN 文件无法解析", {"file": [f"{filename}：{exc.message}"]}) from None
    process_ids = [p.get("id") or "" for p in root.iter(_PROCESS)]
    return PreviewSource(filename, content.decode("utf-8"), [p for p in process_ids if p])


def process_titles(ctx: Context, username: str, region: str) -> dict[str, str]:
    """The processes the region's effective set (drafts included) defines, id → name, for the dry-run form."""
    region = designer_region(ctx, username, region)
    sources = overlay_sources(ctx, region, draft_texts(ctx, username, region))
    titles: dict[str, str] = {}
    for source in sources.bpmn.values():
        try:
            root = parse_xml(source.content).getroot()
        except UnsafeXml:
            continue
        for process in root.iter(_PROCESS):
            ident = process.get("id") or ""
            if ident and process.get("isExecutable") != "false":
                titles[ident] = (process.get("name") or "").strip() or ident
    return dict(sorted(titles.items()))


def process_ids(ctx: Context, username: str, region: str) -> list[str]:
    return list(process_titles(ctx, username, region))
