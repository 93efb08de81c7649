"""The only way BPMN and DMN bytes become XML trees: a hardened lxml parser (docs/contracts.md#engine).

lxml 6 already refuses external entities and entity bombs, but that depends on the libxml2 build
(docs/spiffworkflow.md#parsers: lxml 4.9 leaked a local file), so we parse ourselves with entities,
DTDs and the network switched off, and refuse any document that carries a DOCTYPE at all.
"""

from __future__ import annotations

from lxml import etree

MAX_XML_BYTES = 2 * 1024 * 1024


class UnsafeXml(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_xml(data: bytes) -> etree._ElementTree:
    if len(data) > MAX_XML_BYTES:
        raise UnsafeXml(f"文件超过大小上限（{MAX_XML_BYTES // 1024} KB）")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnsafeXml("不允许包含 DOCTYPE 或实体声明（可能是 XXE 或实体膨胀攻击）", _line_of(data, b"<!"))
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"XML 格式错误：{exc.msg}", exc.lineno) from None
    if tree.docinfo.doctype:
        raise UnsafeXml("不允许包含 DOCTYPE 声明")
    return tree


def _line_of(data: bytes, needle: bytes) -> int | None:
    index = data.find(needle)
    return None if index < 0 else data.count(b"\n", 0, index) + 1
