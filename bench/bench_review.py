"""Bulk review benchmark: `decide keepers` over --groups exact duplicate groups (default
10,000, two members each) among twice as many Immich assets, mirrored from the test Immich on
loopback (in this process, validation off, as bench_writeback builds it); the groups are
written straight into the analysis tables.

Measured: accepting every suggested keeper at once (one read of the groups, one of the
decisions, one batched write to the trash queue), then the plan `plan --trash-decided` shows
(from the mirror, no refresh). Naive baseline in the same run: the same decisions one group at a
time through the per-group `keep` the TUI uses (each checks the group against the queue), on
--naive groups (default 1,000) and scaled to all of them.

Target (issue 15): bulk accept of 10,000 groups in under 2 s on the 2-core machine.
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

from bench.bench_writeback import make_server  # noqa: E402
from sidecar.engine.core.models import Member  # noqa: E402
from sidecar.runtime import open_runtime  # noqa: E402
from sidecar.settings import Settings  # noqa: E402


async def run(groups: int, naive_n: int) -> None:
    fake, key, ids = make_server(2 * groups, 0)
    owner = fake.state.assets[ids[0]].owner_id
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.model_validate(
            {
                "immich": {"url": fake.url, "api_key": key},
                "storage": {"state_dir": tmp},
                "analysis": {"immich_duplicates": False},
            }
        )
        rows = [
            (
                "exact",
                owner,
                ids[2 * n],
                ["same content (benchmark)"],
                0,
                2_000_000,
                [Member(ids[2 * n + k], f"/g/{n}/{k}", ids[2 * n + k], 2_000_000) for k in (0, 1)],
            )
            for n in range(groups)
        ]
        async with open_runtime(settings) as rt:
            await rt.sync.sync()
            await rt.analysis.replace_results(0, rows, [])
            t = time.perf_counter()
            result = await rt.keepers.accept_keepers("exact")
            bulk = time.perf_counter() - t
            assert result.groups == groups, result.as_json()
            t = time.perf_counter()
            try:
                planned = await rt.writeback.plan(refresh=False, trash_decided=True)
                trash = sum(len(a.asset_ids) for a in planned.plan.actions if a.kind == "trash")
                plan_text = f"{time.perf_counter() - t:.2f} s, {trash:,} assets to the trash"
            except Exception as e:  # noqa: BLE001 - a benchmark reports what it could not do
                plan_text = f"not measured ({e})"
            await rt.keepers.undo_keepers(result.batch or 0)
            some = (await rt.analysis.groups(naive_n, 0, "id", "exact"))[:naive_n]
            t = time.perf_counter()
            for g in some:
                await rt.review.keep(g, g.keeper)
            naive = (time.perf_counter() - t) * groups / max(len(some), 1)
    fake.stop()
    print(f"inventory: {2 * groups:,} Immich assets, {groups:,} exact groups")
    print(
        f"bulk accept: {bulk:.2f} s (target < 2 s): {result.groups:,} groups, "
        f"{len(result.queued):,} assets queued, {result.bytes:,} bytes"
    )
    print(f"plan --trash-decided (no refresh): {plan_text}")
    print(
        f"naive, one group at a time through keep: {naive:.1f} s for {groups:,} groups "
        f"(measured on {len(some):,}, scaled); {naive / bulk:.0f}x the bulk accept"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--naive", type=int, default=1_000)
    args = parser.parse_args()
    asyncio.run(run(args.groups, args.naive))


if __name__ == "__main__":
    main()
