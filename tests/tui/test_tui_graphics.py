"""Terminal graphics end to end: the real `tui` command runs in a pseudo-terminal, and this test
plays the terminal. It answers textual-image's capability query as a sixel terminal (DA1 with
attribute 4) or as a kitty terminal (graphics query answered OK), and as a plain terminal (no
answers). Opening a duplicate group must then draw its previews as sixel images, kitty graphics,
or half blocks respectively, and the app must quit cleanly."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers.terminal import Terminal

SIXEL = re.compile(rb"\x1bP[0-9;]*q\"?[0-9;]*#")  # DCS ... q, raster attributes, a colour
KITTY_IMAGE = re.compile(rb"\x1b_Gi=\d+,m=[01],f=100[^;]*;[A-Za-z0-9+/]{16}")  # PNG data sent
KITTY_PLACED = re.compile(rb"\x1b_Ga=p,i=\d+")  # ... and placed (unicode placeholders)


def tui_in_a_terminal(
    settings: Settings, tmp_path: Path, kind: str, *, pixels: bool = True
) -> Terminal:
    """The real `tui` command in a pseudo-terminal playing `kind`, on the inventory in the
    state folder of `settings` (the sample photos analysed: `analysed_photos`)."""
    config = tmp_path / "sidecar.toml"
    config.write_text(f'[storage]\nstate_dir = "{settings.storage.state_dir}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMMICH", "TEXTUAL"))}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8")
    argv = [sys.executable, "-m", "sidecar", "--config", str(config), "tui"]
    return Terminal(argv, env, kind, pixels=pixels)


@pytest.mark.parametrize("kind", ["sixel", "kitty", "plain"])
async def test_previews_use_the_terminals_graphics(
    analysed_photos: Path, settings: Settings, tmp_path: Path, kind: str
) -> None:
    term = tui_in_a_terminal(settings, tmp_path, kind)
    try:
        assert term.wait_for(b"Inventory"), term.output[-2000:]
        term.send(b"g")
        assert term.wait_for(b"reclaim"), term.output[-2000:]
        before = len(term.output)
        term.send(b"\r")  # open the first group: two previews
        assert term.wait_for(b"keeper"), term.output[-2000:]
        # previews are drawn by a worker: wait for them (a busy machine is slow), then a little
        expected = {"sixel": SIXEL, "kitty": KITTY_PLACED}.get(kind, "▀".encode())
        term.wait_for(expected)
        term.pump(1.0)
        drawn = term.output[before:]
        sixel, kitty = SIXEL.search(drawn), KITTY_IMAGE.search(drawn)
        if kind == "sixel":
            assert sixel
            assert not kitty
        elif kind == "kitty":
            assert kitty
            assert KITTY_PLACED.search(drawn)
            assert not sixel
        else:
            assert not sixel
            assert not kitty
            assert "▀".encode() in drawn  # half blocks
        term.send(b"q")  # back to the list
        term.pump(0.5)
        term.send(b"q")  # quit
        term.pump(3.0)
    finally:
        code = term.close()
    assert code == 0, term.output[-2000:]


SIXEL_SIZE = re.compile(rb'\x1bP[0-9;]*q"1;1;(\d+);(\d+)')  # a sixel image's pixel size


@pytest.mark.parametrize("kind", ["sixel", "kitty"])
async def test_compare_draws_at_the_terminals_resolution(
    analysed_photos: Path, settings: Settings, tmp_path: Path, kind: str
) -> None:
    """c in a group: the member, then (f) the keeper, each as a terminal image filling the
    screen, larger than the previews."""
    expected = {"sixel": SIXEL, "kitty": KITTY_PLACED}[kind]
    term = tui_in_a_terminal(settings, tmp_path, kind)
    try:
        assert term.wait_for(b"Inventory"), term.output[-2000:]
        term.send(b"g")
        assert term.wait_for(b"reclaim"), term.output[-2000:]
        before = len(term.output)
        term.send(b"\r")
        assert term.wait_for(b"keeper", since=before), term.output[-2000:]
        term.wait_for(expected, since=before)
        term.pump(1.0)
        previews = term.output[before:]
        for key, title in ((b"c", b"f: the keeper"), (b"f", b"f: the member")):
            before = len(term.output)
            term.send(key)
            assert term.wait_for(title, since=before), term.output[-2000:]
            term.wait_for(expected, since=before)
            term.pump(1.0)
            drawn = term.output[before:]
            assert expected.search(drawn), key
            if kind == "sixel":
                widths = [int(m.group(1)) for m in SIXEL_SIZE.finditer(drawn)]
                assert max(widths) > max(int(m.group(1)) for m in SIXEL_SIZE.finditer(previews))
        for key, shown in ((b"q", b"Skip"), (b"q", b"Pairs")):  # to the group, the list
            before = len(term.output)
            term.send(key)
            assert term.wait_for(shown, since=before), term.output[-2000:]
        term.send(b"q")  # then quit
        term.pump(3.0)
    finally:
        code = term.close()
    assert code == 0, term.output[-2000:]


@pytest.mark.parametrize("kind", ["sixel", "plain"])
async def test_a_terminal_without_pixel_sizes_gets_no_traceback(
    analysed_photos: Path, settings: Settings, tmp_path: Path, kind: str
) -> None:
    """As `docker exec -it` gives: the terminal reports its size in cells but not in pixels
    and does not answer the pixel-size query. textual-image falls back to default cell sizes;
    none of its warnings may reach the screen."""
    term = tui_in_a_terminal(settings, tmp_path, kind, pixels=False)
    try:
        assert term.wait_for(b"Inventory"), term.output[-2000:]
        term.send(b"g")
        assert term.wait_for(b"reclaim"), term.output[-2000:]
        term.send(b"\r")
        assert term.wait_for(b"keeper"), term.output[-2000:]
        if kind == "sixel":  # previews are drawn by a worker: on a busy machine, later
            term.wait_for(SIXEL)
        term.pump(2.0)
        term.send(b"q")
        term.pump(0.5)
        term.send(b"q")
        term.pump(3.0)
    finally:
        code = term.close()
    assert code == 0, term.output[-2000:]
    assert b"Traceback" not in term.output
    assert b"Failed to get cell size" not in term.output
    assert (SIXEL.search(term.output) is not None) == (kind == "sixel")


async def test_analysis_from_the_real_tui_uses_worker_processes(
    photos: Path, settings: Settings, tmp_path: Path
) -> None:
    """`A` on the dashboard fingerprints in worker processes while Textual holds the screen
    (its stderr capture has no file descriptor: the pool must not depend on one)."""
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([photos])  # scanned, not analysed
    term = tui_in_a_terminal(settings, tmp_path, "plain")
    try:
        assert term.wait_for(b"press N to analyse"), term.output[-2000:]
        term.send(b"N")
        assert term.wait_for(b"Analysis: ", 60), term.output[-3000:]
        assert b"Analysis failed" not in term.output
        term.send(b"q")
        term.pump(3.0)
    finally:
        code = term.close()
    assert code == 0
    async with open_runtime(settings) as rt:
        assert (await rt.analysis.group_counts()).get("exact") == 2
