"""Region names as people read them. A region is data: its name is the title of its README
(processes/regions/<region>/README.md, "# 烟台（yantai）" → 烟台), so a new region needs no code."""

from __future__ import annotations

import re

from engine.context import Context
from engine.workflow.bundle import DEFAULT_REGION, region_dir

DEFAULT_NAME = "全国默认"
_TITLE = re.compile(r"^#\s+([^（(\n]+)", re.M)


def region_names(ctx: Context) -> dict[str, str]:
    """Region code → name, for every region directory under the processes folder (cached)."""
    cached = ctx.cached("region_names")
    if cached is not None:
        return dict(cached)
    names = {DEFAULT_REGION: DEFAULT_NAME}
    regions = ctx.settings.processes_dir / "regions"
    if regions.is_dir():
        for folder in sorted(p for p in regions.iterdir() if p.is_dir()):
            readme = region_dir(ctx.settings.processes_dir, folder.name) / "README.md"
            match = _TITLE.search(readme.read_text(encoding="utf-8")) if readme.is_file() else None
            names[folder.name] = match.group(1).strip() if match else folder.name
    ctx.cache("region_names", names)
    return dict(names)


def region_name(ctx: Context, region: str | None) -> str:
    if not region:
        return ""
    return region_names(ctx).get(region, region)
