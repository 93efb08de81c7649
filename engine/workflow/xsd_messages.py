"""libxml2's XML-Schema complaints about a BPMN or DMN file, in Chinese.

Most of what a schema refuses (unknown elements, dialect extensions, missing ids) is refused earlier
by the subset checks with a better message; what remains is the order of child elements and the
types of attribute values, which these patterns cover. Anything else keeps the schema's wording
behind a Chinese lead, since it names the element and attribute exactly.
"""

from __future__ import annotations

import re

_ELEMENT = re.compile(r"^Element '(?P<element>[^']*)'(?:, attribute '(?P<attribute>[^']*)')?: (?P<rest>.*)$", re.DOTALL)
_QNAME = re.compile(r"\{[^}]*\}")
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"This element is not expected\. Expected is (?:one of )?\( (.*) \)\.?"),
        "此处不应出现该元素，应为 {0}",
    ),
    (re.compile(r"This element is not expected\.?"), "此处不应出现该元素"),
    (re.compile(r"Missing child element\(s\)\. Expected is (?:one of )?\( (.*) \)\.?"), "缺少子元素 {0}"),
    (re.compile(r"The attribute '([^']*)' is not allowed\.?"), "不允许属性 {0}"),
    (re.compile(r"The attribute '([^']*)' is required but missing\.?"), "缺少必需的属性 {0}"),
    (
        re.compile(r"'(.*)' is not a valid value of the (?:local )?(?:atomic|union|list) type '([^']*)'\.?"),
        "取值“{0}”不是有效的 {1}",
    ),
    (re.compile(r"\[facet '(\w+)'\] The value '(.*)' is not .*"), "取值“{1}”不符合约束 {0}"),
    (re.compile(r"No matching global declaration available for the validation root\.?"), "不是这种文件的根元素"),
    (re.compile(r"Character content other than whitespace is not allowed.*"), "该元素中不能有文字内容"),
    (
        re.compile(r"The QName value '([^']*)' has no corresponding namespace declaration.*"),
        "{0} 的命名空间前缀没有声明",
    ),
)


def _names(text: str) -> str:
    """'{http://…/MODEL}userTask' reads as 'userTask'; the namespace is the same for all of a file."""
    return _QNAME.sub("", text)


def translate_xsd(message: str) -> str:
    match = _ELEMENT.match(message.strip())
    if match is None:
        return f"不符合 BPMN/DMN 规范（XSD）：{message.strip()}"
    where = f"元素 {_names(match['element'])}"
    if match["attribute"]:
        where += f" 的属性 {match['attribute']}"
    rest = match["rest"].strip().rstrip(".").strip()
    for pattern, chinese in _PATTERNS:
        found = pattern.fullmatch(rest)
        if found:
            return f"不符合 BPMN/DMN 规范（XSD）：{where}：{chinese.format(*(_names(g) for g in found.groups()))}"
    return f"不符合 BPMN/DMN 规范（XSD）：{where}：{_names(rest)}"
