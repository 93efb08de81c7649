"""Document templates ("documents/<name>.html") in a version diff: a line diff, as for any text file,
titled with the document's title (its <title>, engine.documents.samples.document_title)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from engine.documents.samples import document_title
from engine.workflow.bundle_diff.changes import ADDED, CHANGED, REMOVED, Change, quote
from engine.workflow.documents import TEMPLATE_PREFIX

MAX_LINES = 400  # of one template's diff on the page; a longer one says how many more there are
_CONTEXT_LINES = 2


def diff_documents(old: Mapping[str, str], new: Mapping[str, str]) -> list[Change]:
    """`old` and `new`: the bundle files under TEMPLATE_PREFIX, by bundle path."""
    old_texts = {k.removeprefix(TEMPLATE_PREFIX): v for k, v in old.items()}
    new_texts = {k.removeprefix(TEMPLATE_PREFIX): v for k, v in new.items()}
    changes: list[Change] = []
    for name in sorted(old_texts.keys() | new_texts.keys()):
        before, after = old_texts.get(name), new_texts.get(name)
        if before == after:
            continue
        title = document_title(name, new_texts if after is not None else old_texts)
        what = f"文书模板{quote(title)}（{TEMPLATE_PREFIX}{name}）"
        lines = line_diff(before or "", after or "")
        added = sum(1 for marker, _ in lines if marker == "+")
        removed = sum(1 for marker, _ in lines if marker == "-")
        if before is None:
            action, sentence = ADDED, f"新增{what}，共 {added} 行"
        elif after is None:
            action, sentence = REMOVED, f"删除{what}"
            lines = []
        else:
            action, sentence = CHANGED, f"修改{what}：增加 {added} 行，删除 {removed} 行"
        changes.append(Change("document", action, f"文书模板 {name}", name, sentence, tuple(_capped(lines))))
    return changes


def line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(marker, line) pairs: "+" added, "-" removed, " " context, "@" the position of a hunk."""
    lines: list[tuple[str, str]] = []
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=_CONTEXT_LINES)
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(("@", _hunk(line)))
        else:
            lines.append((line[:1] or " ", line[1:]))
    return lines


def _hunk(header: str) -> str:
    """ "@@ -3,4 +3,5 @@" → "第 3 行起" (the new version's line)."""
    new_part = next((part for part in header.split() if part.startswith("+")), "+1")
    start = new_part[1:].split(",", 1)[0] or "1"
    return f"第 {start} 行起"


def _capped(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if len(lines) <= MAX_LINES:
        return lines
    return [*lines[:MAX_LINES], ("@", f"另有 {len(lines) - MAX_LINES} 行差异未显示")]
