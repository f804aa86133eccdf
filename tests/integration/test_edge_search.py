"""The near-pair search of a run with new contents (the index over the new ones, the library
streamed through it in chunks) finds exactly the edges the search over everything finds, on
fingerprints in a real inventory with frames, centre and one-sided views planted near each
other at distances around every threshold, and thumbnails that confirm some candidates."""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest

from sidecar.engine.core.likeness import THUMB_EDGE
from sidecar.engine.core.models import FingerprintRow, NearEdge
from sidecar.engine.imaging import SIDE_VIEWS, ZOOMS
from sidecar.engine.services.analyze import edges, fresh_edges
from sidecar.engine.services.analyze.edges import update_edges
from sidecar.engine.store.analysis import AnalysisStore
from sidecar.engine.store.migrations.prints import PRINT_WORK_0021
from sidecar.runtime import open_runtime
from sidecar.settings import Settings

RAMP = bytes((4 * x + 3 * y) % 256 for y in range(THUMB_EDGE) for x in range(THUMB_EDGE))


def _signed(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def _flip(rng: random.Random, value: int, bits: int) -> int:
    for b in rng.sample(range(64), bits):
        value ^= 1 << b
    return _signed(value)


def corpus(count: int, seed: int) -> list[FingerprintRow]:
    """Random fingerprints, then each of the later ones made near an earlier one: its frame
    near the other's frame, centre view or one-sided view, or one of its own views near the
    other's frame (a distance either side of each threshold), some identical; half share a
    smooth thumbnail (their candidates are confirmed), some lack views."""
    rng = random.Random(seed)
    hashes: list[dict[str, list[int]]] = []
    for _ in range(count):
        hashes.append(
            {
                "frame": [_signed(rng.getrandbits(64)), _signed(rng.getrandbits(64))],
                "zoomed": [_signed(rng.getrandbits(64)) for _ in range(2 * len(ZOOMS))],
                "sided": [_signed(rng.getrandbits(64)) for _ in range(2 * len(SIDE_VIEWS))],
            }
        )
    for j in range(count // 4, count):
        i = rng.randrange(j)
        near, far = hashes[i], hashes[j]
        how = rng.choice(["frame", "frame", "zoomed", "sided", "own-zoomed", "own-sided"])
        bits, dbits = rng.choice([0, 2, 4, 5, 6, 7]), rng.choice([0, 3, 6, 7, 8, 9])
        if how == "frame":
            p, d = near["frame"]
        elif how in ("zoomed", "sided"):
            v = rng.randrange(len(near[how]) // 2)
            p, d = near[how][2 * v], near[how][2 * v + 1]
        else:  # one of j's own views near i's frame
            which = how.removeprefix("own-")
            v = rng.randrange(len(far[which]) // 2)
            far[which][2 * v] = _flip(rng, near["frame"][0], bits)
            far[which][2 * v + 1] = _flip(rng, near["frame"][1], dbits)
            continue
        far["frame"] = [_flip(rng, p, bits), _flip(rng, d, dbits)]
    rows = []
    for n, h in enumerate(hashes):
        zoomed = h["zoomed"] if n % 7 else h["zoomed"][:2]  # some with one centre view
        sided = h["sided"] if n % 5 else ()  # some made before the one-sided views
        thumb = RAMP if n % 2 else rng.randbytes(THUMB_EDGE * THUMB_EDGE)
        error = "unreadable" if n % 23 == 0 else None
        p, d = (None, None) if error else h["frame"]
        rows.append(
            FingerprintRow(
                f"c{n:04d}",
                "sha1",
                p,
                d,
                8,
                4000,
                3000,
                "local-file",
                None,
                None,
                None,
                error,
                tuple(zoomed),
                None,
                None,
                True,
                None,
                tuple(sided),
                thumb,
            )
        )
    return rows


async def db_pages(store: AnalysisStore) -> list[tuple[object, ...]]:
    rows = await store.db.fetchall("SELECT * FROM fingerprint_pages ORDER BY 1")
    return [tuple(r) for r in rows]


def _edge_set(edges: list[NearEdge]) -> set[tuple[object, ...]]:
    return {(e.a, e.b, e.phash, e.dhash, e.zoom, e.side, e.likeness) for e in edges}


@pytest.mark.parametrize(
    ("chunk", "batch", "full_above"),
    [(7, 20_000, 200_000), (50_000, 20_000, 200_000), (50_000, 9, 200_000), (7, 9, 50)],
)
async def test_new_contents_find_the_edges_a_full_search_finds(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, chunk: int, batch: int, full_above: int
) -> None:
    monkeypatch.setattr(fresh_edges, "PAGES", chunk)  # many reads of pages, or one
    monkeypatch.setattr(fresh_edges, "BATCH", batch)  # the new ones at once, or in turns
    monkeypatch.setattr(edges, "FULL_ABOVE", full_above)  # (80 new: everything searched)
    rows = corpus(420, seed=chunk + batch)
    cfg = settings.analysis
    async with open_runtime(settings) as rt:
        store = rt.analysis
        await store.save_fingerprints(rows[:300])
        await update_edges(store, cfg, [r.content_hash for r in rows[:300]])  # the first run
        made = await db_pages(store)
        assert made  # the full search left the pages the later ones read
        await fresh_edges.fresh_pairs(store, [rows[0].content_hash], 4, 6)
        assert await db_pages(store) == made  # none built again
        for start in (300, 380, 419):  # three later runs with new contents
            end = {300: 380, 380: 419, 419: 420}[start]
            await store.save_fingerprints(rows[start:end])
            await update_edges(store, cfg, [r.content_hash for r in rows[start:end]])
        incremental = _edge_set(await store.edges())
        await store.set_edge_plan("other settings")
        await update_edges(store, cfg, [])  # everything searched again
        full = _edge_set(await store.edges())
    assert incremental == full
    kinds = {(zoom > 0, side, likeness > 0) for _, _, _, _, zoom, side, likeness in full}
    assert (False, "", False) in kinds  # whole frames, by the hashes alone
    assert (False, "", True) in kinds  # whole frames, confirmed by thumbnails
    assert (True, "", False) in kinds  # a centre view
    assert any(side and confirmed for _, side, confirmed in kinds)  # a one-sided view
    assert len(full) > 40


def _found(edges_and_maybe: tuple[list[NearEdge], list[fresh_edges.Candidate]]) -> set[object]:
    found_edges, maybe = edges_and_maybe
    return _edge_set(found_edges) | set(maybe)


async def test_the_stored_hash_pages_follow_every_change(settings: Settings) -> None:
    """The search reads the stored hashes from pages built once and kept: after fingerprints
    are added, made again (a REPLACE), deleted, spread over many pages with gaps, or
    renumbered behind the triggers' back, it finds what it finds from pages built afresh."""
    rows = corpus(300, seed=4)
    radius, dradius = settings.analysis.near_threshold, settings.analysis.near_dhash_threshold
    async with open_runtime(settings) as rt:
        store, db = rt.analysis, rt.analysis.db

        async def same_as_afresh(fresh: list[str]) -> None:
            pages = await store.hash_page_count()
            kept_pages = await store.hash_pages(0, pages)
            kept = _found(await fresh_edges.fresh_pairs(store, fresh, radius, dradius))
            async with db.transaction() as conn:
                await conn.execute("DELETE FROM fingerprint_pages")
            assert await store.hash_pages(0, pages) == kept_pages
            afresh = _found(await fresh_edges.fresh_pairs(store, fresh, radius, dradius))
            assert kept == afresh
            assert afresh  # (something found to compare)

        await store.save_fingerprints(rows[:200])
        async with db.transaction() as conn:  # rows over many pages, most of them empty
            await conn.execute("UPDATE fingerprints SET rowid = rowid * 397")
        await fresh_edges.fresh_pairs(store, [], radius, dradius)
        await same_as_afresh([r.content_hash for r in rows[150:200]])
        await store.save_fingerprints(rows[200:260])  # new ones
        await store.save_fingerprints(  # made again: their frames moved
            [replace(r, phash=rows[299].phash, dhash=rows[299].dhash) for r in rows[:40:3]]
        )
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM fingerprints WHERE rowid % 3 = 0 AND rowid < 40000")
        await fresh_edges.fresh_pairs(store, [r.content_hash for r in rows[200:260]], 4, 6)
        assert await db.scalar("SELECT count(*) FROM fingerprint_pages") > 10
        await same_as_afresh([r.content_hash for r in rows])  # (every one: the deleted too)
        update = re.search(
            r"CREATE TRIGGER fingerprint_pages_update .*? END;", PRINT_WORK_0021, re.S
        )
        assert update is not None
        async with db.transaction() as conn:  # renumbered without the triggers (compacted)
            await conn.execute("DROP TRIGGER fingerprint_pages_update")
            ids = [r[0] for r in await db.fetchall("SELECT rowid FROM fingerprints ORDER BY 1")]
            for new_id, old_id in enumerate(ids, start=1):  # compacted, as a VACUUM may
                await conn.execute(
                    "UPDATE fingerprints SET rowid = ? WHERE rowid = ?", (new_id, old_id)
                )
            await conn.execute(update.group(0))
        await store.save_fingerprints(rows[260:])
        await same_as_afresh([r.content_hash for r in rows])
