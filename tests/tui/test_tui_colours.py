"""Readability in a 16-colour terminal (e.g. TERM=xterm over SSH): every main screen is drawn
as Textual draws it, each character's colours are reduced to the 16 ANSI colours the way the
terminal gets them, and the text must keep enough contrast against its background, on a dark
and on a light terminal palette. Photos (half-block previews) are pictures, not text, and are
left out."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import textual.constants
from rich.color import Color, ColorSystem, ColorType
from rich.console import Console
from rich.segment import Segment
from rich.terminal_theme import DEFAULT_TERMINAL_THEME, MONOKAI, TerminalTheme

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import SidecarApp
from tests.helpers.tui import SIZE, settle

BLOCKS, BLOCKS_END = "\u2580", "\u259f"  # half blocks (photos), scroll bars: not text
MIN_CONTRAST = 3.0  # WCAG's floor for large text and UI components
PALETTES = {"dark": MONOKAI, "light": DEFAULT_TERMINAL_THEME}
SCREENS = {
    "dashboard": [],
    "groups": ["g"],
    "group": ["g", "enter"],
    "pairs": ["p"],
    "write-back": ["w"],
    "help": ["question_mark"],
    "problem": ["g", "enter", "a"],
}


def rgb(color: Color | None, palette: TerminalTheme, *, foreground: bool) -> tuple[int, ...]:
    """What a 16-colour terminal with `palette` shows for `color` (None: its default)."""
    if color is None or color.type == ColorType.DEFAULT:
        default = palette.foreground_color if foreground else palette.background_color
        return tuple(default)
    reduced = color.downgrade(ColorSystem.STANDARD)
    assert reduced.number is not None
    return tuple(palette.ansi_colors[reduced.number])


def luminance(c: tuple[int, ...]) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def poor_cells(app: SidecarApp, palette: TerminalTheme) -> list[str]:
    """Text characters drawn with too little contrast: 'char' fg/bg ratio, one per style."""
    console = Console(
        width=SIZE[0],
        height=SIZE[1],
        file=io.StringIO(),
        force_terminal=True,
        color_system="standard",
        legacy_windows=False,
    )
    update = app.screen._compositor.render_update(full=True)
    poor = {}
    for segment in console.render(update):
        text, style, control = segment
        if control or style is None or not text.strip() or not isinstance(segment, Segment):
            continue
        visible = "".join(ch for ch in text if not ch.isspace() and not BLOCKS <= ch <= BLOCKS_END)
        if not visible:
            continue
        fg = rgb(style.color, palette, foreground=True)
        bg = rgb(style.bgcolor, palette, foreground=False)
        if style.reverse:
            fg, bg = bg, fg
        ratio = contrast(fg, bg)
        if ratio < MIN_CONTRAST:
            poor[(fg, bg)] = f"{visible[:20]!r} {fg}/{bg} {ratio:.1f}"
    return sorted(poor.values())


@pytest.mark.parametrize("palette", sorted(PALETTES))
async def test_every_screen_is_readable_with_16_colours(
    analysed_photos: Path, settings: Settings, palette: str
) -> None:
    async with open_runtime(settings) as rt:
        problems: dict[str, Any] = {}
        for name, keys in SCREENS.items():
            app = SidecarApp(rt, ansi=True)  # what `tui` picks on a 16-colour terminal
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                for key in keys:
                    await pilot.press(key)
                    await settle(pilot)
                if poor := poor_cells(app, PALETTES[palette]):
                    problems[name] = poor
        assert problems == {}


@pytest.mark.parametrize(
    ("term", "colorterm", "ansi"),
    [
        ("xterm", None, True),
        ("screen", None, True),
        ("xterm-256color", None, False),
        ("xterm", "truecolor", False),
    ],
)
async def test_the_ansi_theme_is_chosen_where_the_terminal_has_16_colours(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    term: str,
    colorterm: str | None,
    ansi: bool,
) -> None:
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "auto")  # TEXTUAL_COLOR_SYSTEM unset
    monkeypatch.setenv("TERM", term)
    if colorterm:
        monkeypatch.setenv("COLORTERM", colorterm)
    else:
        monkeypatch.delenv("COLORTERM", raising=False)
    async with open_runtime(settings) as rt:
        app = SidecarApp(rt, ansi=None)  # `tui --colours auto`
        assert (app.theme == "ansi-dark") is ansi
