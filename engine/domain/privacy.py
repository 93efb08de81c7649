"""What the public may see of a person (docs/rules.md#public-notice: publish nothing unrelated)."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """The surname and, for longer names, the last character; the given name otherwise hidden.

    张三 → 张*, 王小明 → 王*明, 欧阳娜娜 → 欧**娜. Enough for neighbours who know the family to
    recognise the entry, too little to identify a stranger.
    """
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
