"""Write-back benchmark against the test Immich on loopback (in this process, so requests can
be counted; validation off).

1. Mirror --assets assets (default 100,000), then give the inventory an analysis with --pairs
   RAW+JPEG pairs (default 10,000) and --groups exact duplicate groups of two (default 5,000)
   among them (written straight into the analysis tables: decoding 40,000 photos is the
   analysis benchmark's business).
2. Plan and apply: actions/s, requests per action.
3. A no-change re-plan (everything already applied): time, and the requests it makes.
4. Naive baseline in the same run: checking each involved asset with GET /assets/{id} (the
   obvious way to learn its stack), on a sample, extrapolated.

Target (issue 5): a no-change re-plan of 100k assets under 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sidecar.engine.core.models import Member  # noqa: E402
from sidecar.runtime import open_runtime  # noqa: E402
from sidecar.settings import Settings  # noqa: E402
from tests.fake_immich.server import FakeImmich  # noqa: E402
from tests.fake_immich.state import Mode  # noqa: E402

LIB = "/mnt/photos/family"


def make_server(assets: int, pairs: int) -> tuple[FakeImmich, str, list[str]]:
    fake = FakeImmich(Mode.V2_7, validate_spec=False)
    user = fake.state.add_user()
    key = fake.state.add_key(user)
    library = fake.state.add_library(user, LIB)
    base = datetime(2015, 1, 1, tzinfo=UTC)
    ids = []
    for i in range(assets):
        paired = i < pairs * 2  # IMG_n.JPG + IMG_n.DNG
        ext = "DNG" if paired and i % 2 else "JPG"
        n = i // 2 if paired else i
        asset = fake.state.import_file(
            library,
            f"{LIB}/{2015 + i // 10000}/{i // 100 % 100:02d}/IMG_{n:07d}.{ext}",
            taken=base + timedelta(minutes=n),
        )
        asset.updated_at = base + timedelta(days=365, seconds=i)
        ids.append(asset.id)
    return fake.start(), key, ids


def requests(fake: FakeImmich) -> int:
    return len(fake.record.exchanges)


async def run(args: argparse.Namespace) -> None:
    t = time.perf_counter()
    fake, key, ids = make_server(args.assets, args.pairs)
    owner = fake.state.assets[ids[0]].owner_id
    print(f"test Immich with {args.assets:,} assets ({time.perf_counter() - t:.1f} s to build)")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.model_validate(
            {
                "immich": {"url": fake.url, "api_key": key},
                "storage": {"state_dir": tmp},
                "analysis": {"immich_duplicates": False},
            }
        )
        async with open_runtime(settings) as rt:
            t = time.perf_counter()
            await rt.sync.sync()
            print(f"mirror: {time.perf_counter() - t:.1f} s")
            pairs = [
                (
                    "raw+jpeg",
                    owner,
                    ids[2 * n],
                    ["RAW+JPEG pair (benchmark)"],
                    [Member(ids[2 * n + k], f"/p/{2 * n + k}", ids[2 * n + k]) for k in (0, 1)],
                )
                for n in range(args.pairs)
            ]
            start = 2 * args.pairs
            groups = [
                (
                    "exact",
                    owner,
                    ids[start + 2 * n],
                    ["same content (benchmark)"],
                    0,
                    1,
                    [
                        Member(ids[start + 2 * n + k], f"/g/{n}/{k}", ids[start + 2 * n + k])
                        for k in (0, 1)
                    ],
                )
                for n in range(args.groups)
            ]
            await rt.analysis.replace_results(0, groups, pairs)

            t = time.perf_counter()
            planned = await rt.writeback.plan(refresh=False)
            plan_s = time.perf_counter() - t
            n_actions = len(planned.plan.actions)
            print(f"plan: {n_actions:,} actions in {plan_s:.2f} s ({planned.plan.summary()})")
            before = requests(fake)
            t = time.perf_counter()
            report = await rt.writeback.apply(planned)
            apply_s = time.perf_counter() - t
            made = requests(fake) - before
            print(
                f"apply: {report.applied:,} applied, {report.failed} failed in {apply_s:.1f} s"
                f" = {report.applied / apply_s:,.0f} actions/s, {made / n_actions:.2f} "
                f"requests per action"
            )

            for label in (
                "re-plan right after apply (the sync reads the 20k assets the stacks touched)",
                "no-change re-plan",
            ):
                before = requests(fake)
                t = time.perf_counter()
                quiet = await rt.sync.sync()
                sync_s = time.perf_counter() - t
                t = time.perf_counter()
                again = await rt.writeback.plan(refresh=False)
                replan_s = time.perf_counter() - t
                print(
                    f"{label}, {args.assets:,} assets: sync {sync_s:.2f} s "
                    f"({quiet.total('requests')} requests) + plan {replan_s:.2f} s = "
                    f"{sync_s + replan_s:.2f} s, {len(again.plan.actions)} actions, "
                    f"{requests(fake) - before} requests (target < 5 s)"
                )

            involved = [a for p in pairs for a in p[4]] + [a for g in groups for a in g[6]]
            sample = involved[: args.naive_sample]
            t = time.perf_counter()
            async with httpx.AsyncClient(
                base_url=f"{fake.url}/api", headers={"x-api-key": key}
            ) as http:
                for m in sample:
                    (await http.get(f"/assets/{m.asset_id}")).raise_for_status()
            naive_s = (time.perf_counter() - t) / len(sample) * len(involved)
            print(
                f"naive re-plan (GET /assets/{{id}} per involved asset, {len(involved):,} "
                f"assets, extrapolated from {len(sample):,}): {naive_s:.1f} s "
                f"({naive_s / replan_s:.0f}x ours)"
            )
    fake.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS (test Immich included): {peak:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=5_000)
    parser.add_argument("--naive-sample", type=int, default=2_000)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
