"""Mirror completeness benchmark: --assets assets (default 100,000) of which --ties (20%) share
timestamps (one run of 3,300, then bursts of 2 to 40), served by the test Immich in the 2.7.5
dialect, whose page search orders by fileCreatedAt alone (equal timestamps in a new order on
every request, as on a real server before 3.1).

For each page size, into fresh inventories: two full passes of a naive mirror that trusts the
pages (the same search and store, no repair; its sweep marks what it did not see gone), and
two full passes of ours. Printed: assets missed by each full pass (ours must be 0), live assets
marked gone by the second (ours must be 0), the repeats found, the runs re-read, the requests,
and the time of each. Exits non-zero if ours missed anything.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fake_server import start_fake_immich  # noqa: E402

from sidecar.engine.services.sync import asset_rows  # noqa: E402
from sidecar.engine.store.db import Database  # noqa: E402
from sidecar.immich_client import AssetQuery, ImmichClient  # noqa: E402
from sidecar.runtime import open_runtime  # noqa: E402
from sidecar.settings import Settings  # noqa: E402


def settings_for(info: dict[str, str], state: Path, size: int) -> Settings:
    return Settings.model_validate(
        {
            "immich": {"url": info["url"], "api_key": info["api_key"]},
            "storage": {"state_dir": str(state)},
            "sync": {"page_size": size},
        }
    )


async def naive(info: dict[str, str], state: Path, size: int) -> dict[str, object]:
    """The mirror without the repairs: pages trusted and stored as received (into the same
    inventory tables), and after each full pass whatever it did not see marked gone."""
    times = []
    async with open_runtime(settings_for(info, state, size)) as rt:
        for _ in range(2):
            t0 = time.perf_counter()
            op_id = await rt.sync.operations.start("bench-naive", {})
            async with ImmichClient.connect(info["url"], info["api_key"]) as client:
                async for page in client.search_pages(AssetQuery(size=size)):
                    await rt.assets.upsert(asset_rows(page.items), op_id, "default")
            await rt.assets.mark_gone("default", await rt.assets.unseen("default", op_id))
            await rt.sync.operations.finish(op_id, "ok", {}, 0.0, None)
            times.append(time.perf_counter() - t0)
            if len(times) == 1:
                present = await _present(rt.db)
        gone = int(await rt.db.scalar("SELECT count(*) FROM assets WHERE state = 'gone'"))
    return {"first_s": times[0], "second_s": times[1], "present": present, "gone": gone}


async def _present(db: Database) -> set[str]:
    return {r[0] for r in await db.fetchall("SELECT id FROM assets WHERE state = 'present'")}


async def ours(info: dict[str, str], state: Path, size: int) -> dict[str, object]:
    """Two full passes of the mirror."""
    async with open_runtime(settings_for(info, state, size)) as rt:
        t0 = time.perf_counter()
        first = (await rt.sync.sync(full=True)).as_json()
        first_s = time.perf_counter() - t0
        present = await _present(rt.db)
        t0 = time.perf_counter()
        second = (await rt.sync.sync(full=True)).as_json()
        second_s = time.perf_counter() - t0
        gone = int(await rt.db.scalar("SELECT count(*) FROM assets WHERE state = 'gone'"))
    return {
        "first": first,
        "first_s": first_s,
        "second": second,
        "second_s": second_s,
        "present": present,
        "gone": gone,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--ties", type=float, default=0.2)
    parser.add_argument("--sizes", default="1000,250,50,5", help="page sizes, comma-separated")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        proc, info = start_fake_immich(
            args.assets,
            "--ties",
            str(args.ties),
            "--ids-file",
            str(Path(tmp) / "ids.txt"),
            quiet=True,  # connections the client drops at the end of a listing
        )
        truth = set((Path(tmp) / "ids.txt").read_text(encoding="utf-8").split())
        print(
            f"test Immich (2.7.5: no tie-breaker) with {len(truth):,} assets, "
            f"{args.ties:.0%} sharing timestamps, on {info['url']} "
            f"({time.perf_counter() - t:.1f} s to start)"
        )
        failed = False
        try:
            for size in sizes:
                base = asyncio.run(naive(info, Path(tmp) / f"naive-{size}", size))
                run = asyncio.run(ours(info, Path(tmp) / f"ours-{size}", size))
                first, second = run["first"], run["second"]
                assert isinstance(first, dict)
                assert isinstance(second, dict)
                missed = len(truth - run["present"])  # type: ignore[operator]
                naive_missed = len(truth - base["present"])  # type: ignore[operator]
                failed |= missed > 0 or run["gone"] != 0
                ratio = float(run["first_s"]) / float(base["first_s"])  # type: ignore[arg-type]
                print(f"page size {size}:")
                print(
                    f"  naive (pages trusted): full pass {base['first_s']:6.2f} s, missed "
                    f"{naive_missed:,}; second full pass {base['second_s']:6.2f} s, marked "
                    f"{base['gone']:,} live assets gone"
                )
                print(
                    f"  ours:                  full pass {run['first_s']:6.2f} s, missed "
                    f"{missed:,}; second full pass {run['second_s']:6.2f} s, marked "
                    f"{run['gone']:,} gone"
                )
                print(
                    f"  ours: {first['repeats']:,} repeats, {first['windows']:,} runs re-read, "
                    f"{first['requests']:,} requests for {first['pages']:,} pages, "
                    f"{second['checked']:,} checked one by one on the second pass; "
                    f"time {ratio:.2f}x the naive pass"
                )
        finally:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait(timeout=30)
    if failed:
        raise SystemExit("the mirror missed assets or marked live ones gone")


if __name__ == "__main__":
    main()
