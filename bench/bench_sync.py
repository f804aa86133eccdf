"""Asset-mirror benchmark against the test Immich on loopback (in its own process).

1. A full mirror of --assets assets (default 100,000; 1000 per page, with EXIF): assets/s,
   time per page in our code vs waiting on the server, peak RSS of this process.
2. A no-change incremental run.
3. A naive baseline in the same run: the same pages fetched with httpx and written with one
   INSERT and one COMMIT per asset through sqlite3.

Targets (issue 3): our own overhead under 25% of the full mirror; the no-change run under
1 s; peak RSS under 300 MB at 100k assets.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fake_server import start_fake_immich  # noqa: E402

from sidecar.runtime import open_runtime  # noqa: E402
from sidecar.settings import Settings  # noqa: E402


async def ours(info: dict[str, str], state: Path) -> tuple[dict[str, object], ...]:
    settings = Settings.model_validate(
        {
            "immich": {"url": info["url"], "api_key": info["api_key"]},
            "storage": {"state_dir": str(state)},
        }
    )
    results = []
    async with open_runtime(settings) as rt:
        for _ in range(2):  # full, then no-change incremental
            t0 = time.perf_counter()
            report = await rt.sync.sync()
            total = time.perf_counter() - t0
            results.append({"total": total, "report": report.as_json()})
    return tuple(results)


def server_only(info: dict[str, str]) -> float:
    """The floor: the same pages fetched and discarded (server time plus transfer)."""
    t0 = time.perf_counter()
    page: int | None = 1
    with httpx.Client(headers={"x-api-key": info["api_key"]}, timeout=120) as http:
        while page:
            raw = http.post(
                f"{info['url']}/api/search/metadata",
                json={"page": page, "size": 1000, "withExif": True, "withDeleted": True},
            ).content
            marker = raw.rfind(b'"nextPage":')
            tail = raw[marker + 11 :].split(b"}")[0].strip()
            page = None if tail == b"null" else int(tail.strip(b'"'))
    return time.perf_counter() - t0


def naive(info: dict[str, str], db_path: Path) -> float:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE assets (id TEXT PRIMARY KEY, body TEXT)")
    t0 = time.perf_counter()
    page: int | None = 1
    with httpx.Client(headers={"x-api-key": info["api_key"]}, timeout=120) as http:
        while page:
            body = http.post(
                f"{info['url']}/api/search/metadata",
                json={"page": page, "size": 1000, "withExif": True, "withDeleted": True},
            ).json()["assets"]
            for item in body["items"]:
                conn.execute(
                    "INSERT OR REPLACE INTO assets VALUES (?, ?)", (item["id"], json.dumps(item))
                )
                conn.commit()
            page = int(body["nextPage"]) if body["nextPage"] else None
    conn.close()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--skip-naive", action="store_true", help="skip the slow naive baseline")
    args = parser.parse_args()
    t = time.perf_counter()
    proc, info = start_fake_immich(args.assets)
    print(
        f"test Immich (2.7.5 dialect) with {args.assets:,} assets on {info['url']} "
        f"({time.perf_counter() - t:.1f} s to start)"
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            floor = server_only(info)
            full, quiet = asyncio.run(ours(info, Path(tmp) / "state"))
            naive_s = naive(info, Path(tmp) / "naive.db") if not args.skip_naive else float("nan")
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)
    rep = full["report"]
    assert isinstance(rep, dict)
    total = float(full["total"])  # type: ignore[arg-type]
    busy = float(rep["busy_s"])
    pages = int(rep["pages"])
    rate = rep["added"] / total  # type: ignore[operator]
    print(
        f"full mirror: {rep['added']:,} assets in {total:.2f} s = {rate:,.0f} assets/s, "
        f"{pages} pages, {rep['requests']} requests"
    )
    own = max(total - floor, 0.0)
    print(
        f"  per page: {floor / pages * 1e3:.0f} ms for the server to answer it (pages fetched "
        f"and discarded), {own / pages * 1e3:.0f} ms more in our code"
    )
    print(
        f"  our own overhead: {own / total:.0%} of the total beyond the server alone (target < 25%)"
    )
    print(
        f"  time with no request in flight (the server waiting on us): {total - busy:.2f} s "
        f"= {(total - busy) / total:.0%} of the total"
    )
    quiet_rep = quiet["report"]
    assert isinstance(quiet_rep, dict)
    print(
        f"no-change incremental run: {float(quiet['total']):.3f} s, "  # type: ignore[arg-type]
        f"{quiet_rep['requests']} request(s) (target < 1 s)"
    )
    print(
        f"naive baseline (httpx + one INSERT/COMMIT per asset): {naive_s:.2f} s "
        f"({naive_s / total:.1f}x our full mirror)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the sidecar process: {peak:,.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    main()
