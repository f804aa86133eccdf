"""A photo as coloured text for terminals without graphics: half blocks, two pixel rows per
text row."""

from __future__ import annotations

from rich.text import Text

__all__ = ["half_blocks"]


def half_blocks(grid: list[list[tuple[int, int, int]]] | None) -> Text:
    """Two pixel rows per text row: the upper half block, foreground above, background below."""
    if not grid:
        return Text("(no preview)", style="dim")
    out = Text()
    for y in range(0, len(grid), 2):
        top, bottom = grid[y], grid[y + 1] if y + 1 < len(grid) else None
        for x, (r, g, b) in enumerate(top):
            style = f"rgb({r},{g},{b})"
            if bottom is not None:
                r2, g2, b2 = bottom[x]
                style += f" on rgb({r2},{g2},{b2})"
            out.append("▀", style=style)
        out.append("\n")
    return out
