"""The CLI's own wording of assessment results (the web pages word some of them differently)."""

from __future__ import annotations

CATEGORY_LABELS = {"dibao": "符合低保条件", "marginal": "低保边缘家庭（不符合低保条件）", "none": "不符合低保条件"}

LEVEL_LABELS = {
    "township": "乡镇人民政府（街道办事处）审批",
    "county": "县级民政部门审批",
    "committee": "县级困难群众基本生活保障工作协调机制一事一议",
}
KIND_LABELS = {"emergency": "急难型", "expenditure": "支出型"}
