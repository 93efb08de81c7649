"""Text in a drawing: widths estimated per character (no font metrics on the server), line breaking that
works for Chinese, and numbers written the short way SVG attributes and path data take them."""

from __future__ import annotations


def _char_width(ch: str, size: float) -> float:
    if ch == " ":
        return size * 0.3
    if ord(ch) < 0x2E80:  # Latin, digits, punctuation: about half an em
        return size * (0.62 if ch.isupper() or ch.isdigit() else 0.52)
    return size  # CJK and full-width forms: one em


def text_width(text: str, size: float) -> float:
    return sum(_char_width(ch, size) for ch in text)


def wrap(text: str, max_width: float, size: float) -> list[str]:
    """Greedy line breaking that works for Chinese (any character may end a line) and breaks Latin
    words at a space where it can. Names are cut at 300 characters: nobody reads more in a box."""
    lines: list[str] = []
    for paragraph in text[:300].splitlines() or [""]:
        current, width = "", 0.0
        for ch in paragraph:
            w = _char_width(ch, size)
            if current and width + w > max_width:
                cut = current.rfind(" ")
                if ch != " " and ord(ch) < 0x2E80 and ord(current[-1]) < 0x2E80 and cut > 0:
                    lines.append(current[:cut])
                    current = current[cut + 1 :]
                else:
                    lines.append(current.rstrip())
                    current = ""
                width = text_width(current, size)
                if ch == " " and not current:
                    continue
            current += ch
            width += w
        lines.append(current)
    return lines


def fit(lines: list[str], max_lines: int, max_width: float, size: float) -> list[str]:
    """At most `max_lines` lines; the last one kept ends in "…" when some were cut."""
    if len(lines) <= max_lines:
        return lines
    kept = lines[: max(max_lines, 1)]
    last = kept[-1]
    while last and text_width(last + "…", size) > max_width:
        last = last[:-1]
    kept[-1] = last + "…"
    return kept


def fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def path(*commands: tuple[str, float, float]) -> str:
    """SVG path data from (command, x, y) steps, e.g. ("M", 0, 0), ("L", 10, 5)."""
    return " ".join(f"{c}{fmt(x)},{fmt(y)}" for c, x, y in commands)


def points(*corners: tuple[float, float]) -> str:
    return " ".join(f"{fmt(x)},{fmt(y)}" for x, y in corners)
