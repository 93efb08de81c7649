"""The backup manifest (engine/domain/backup_manifest.py): read back as written, and every way it can be wrong
refused with a Chinese message, never a KeyError; a directory compared with it names each difference."""

from __future__ import annotations

import json

import pytest

from engine.domain import backup_manifest as m

SHA = "a" * 64


def _manifest() -> m.Manifest:
    return m.Manifest(
        created_at="2026-12-06T02:30:00Z",
        database_kind="sqlite",
        database_schema=None,
        alembic_revision="e5c9a4b1f65c",
        audit_head_seq=3,
        audit_head_hash="b" * 64,
        audit_head_seal="c" * 64,
        audit_key=m.KEY_INCLUDED,
        files=(m.FileEntry(f"attachments/aa/{SHA}", 5, SHA), m.FileEntry(m.DATABASE_SQLITE, 10, SHA)),  # sorted
    )


def test_a_manifest_reads_back_as_written() -> None:
    assert m.parse(_manifest().to_json()) == _manifest()


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda d: d.update(format_version=2), "版本"),
        (lambda d: d.update(format="zip"), "format"),
        (lambda d: d["database"].update(kind="mysql"), "mysql"),
        (lambda d: d["files"].append({"path": "../etc/passwd", "size": 1, "sha256": SHA}), "../etc/passwd"),
        (lambda d: d["files"].append({"path": "/etc/passwd", "size": 1, "sha256": SHA}), "/etc/passwd"),
        (lambda d: d["files"][0].update(sha256="xyz"), "sha256"),
        (lambda d: d["files"][0].update(size=-1), "大小"),
        (lambda d: d["files"].append(dict(d["files"][0])), "重复"),
        (lambda d: d.update(files=[f for f in d["files"] if f["path"] != m.DATABASE_SQLITE]), m.DATABASE_SQLITE),
        (lambda d: d.pop("audit"), "字段"),
    ],
)
def test_a_wrong_manifest_is_refused_naming_what_is_wrong(change: object, said: str) -> None:
    data = json.loads(_manifest().to_json())
    change(data)  # type: ignore[operator]
    with pytest.raises(m.ManifestError, match=said.replace(".", r"\.")):
        m.parse(json.dumps(data))


def test_unreadable_json_is_refused() -> None:
    with pytest.raises(m.ManifestError, match="不是合法的 JSON"):
        m.parse("{")


def test_differences_name_every_file() -> None:
    found = {m.DATABASE_SQLITE: (10, "d" * 64), "extra.txt": (1, SHA)}
    assert m.differences(_manifest(), found) == [
        f"缺少文件：attachments/aa/{SHA}",
        f"内容被改动（sha256 不符）：{m.DATABASE_SQLITE}",
        "清单外的多余文件：extra.txt",
    ]
    assert m.differences(_manifest(), {m.DATABASE_SQLITE: (10, SHA), f"attachments/aa/{SHA}": (5, SHA)}) == []
