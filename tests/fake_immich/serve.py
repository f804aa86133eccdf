"""Run the test Immich as its own process: `python -m tests.fake_immich.serve --assets N`.

Prints one JSON line `{"url": ..., "api_key": ...}` and serves until stdin closes. Used by
benchmarks (so the server does not compete with the client for the GIL) and for trying the
CLI by hand. A line `stats` on stdin is answered with one JSON line on stdout: the requests
answered so far, the process's peak RSS and its CPU time (benchmarks count what a step asked
for).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image

from tests.fake_immich.server import Exchange, FakeImmich
from tests.fake_immich.state import FakeLibrary, Mode


class _Forgotten(list[Exchange]):
    """Keeps no exchange (a long benchmark would hold every page in memory), only their count."""

    answered = 0

    def append(self, item: Exchange) -> None:
        self.answered += 1


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def tie_runs(count: int) -> list[int]:
    """For the first `count` assets, the index whose timestamp each one shares: one run of
    3,300 (an import without EXIF dates, as seen on a real server), then bursts of 2 to 40."""
    out: list[int] = []
    size, burst = min(3300, count), 2
    while len(out) < count:
        start = len(out)
        out += [start] * min(size, count - start)
        size, burst = burst, 2 + (burst - 1) % 39
    return out


MEDIA = {".jpg", ".jpeg", ".png", ".heic", ".dng", ".cr2", ".nef", ".arw", ".mp4", ".mov"}


def import_photos(fake: FakeImmich, library: FakeLibrary, prefix: str, photos: Path) -> None:
    """What an external-library scan of `photos` (seen by Immich as `prefix`) would import,
    each with a thumbnail made from the file when Pillow can read it."""
    for path in sorted(photos.rglob("*")):
        if path.suffix.lower() not in MEDIA or not path.is_file():
            continue
        video = path.suffix.lower() in {".mp4", ".mov"}
        asset = fake.state.import_file(
            library,
            f"{prefix}/{path.relative_to(photos).as_posix()}",
            file_size=path.stat().st_size,
            type="VIDEO" if video else "IMAGE",
        )
        try:
            with Image.open(path) as img:
                img.thumbnail((250, 250))
                out = io.BytesIO()
                img.convert("RGB").save(out, format="JPEG", quality=80)
            fake.state.thumbnails[asset.id] = out.getvalue()
        except OSError:
            continue  # no thumbnail, as Immich for a file it cannot decode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=1000)
    parser.add_argument("--mode", default=Mode.V2_7.value, choices=[m.value for m in Mode])
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--library", default="/mnt/photos/family")
    parser.add_argument(
        "--ties", type=float, default=0.0, help="fraction of assets sharing a timestamp with others"
    )
    parser.add_argument("--ids-file", help="write every asset id here, one a line")
    parser.add_argument(
        "--photos",
        type=Path,
        help="also import every photo under this folder into the library (so groups, keepers "
        "and write-back can be tried; map it with [[libraries]] immich_path = LIBRARY, "
        "local_path = PHOTOS)",
    )
    args = parser.parse_args()
    tied = tie_runs(int(args.assets * args.ties))
    fake = FakeImmich(Mode(args.mode), validate_spec=not args.no_validate)
    exchanges = _Forgotten()
    fake.record.exchanges = exchanges
    user = fake.state.add_user()
    key = fake.state.add_key(user)
    library = fake.state.add_library(user, args.library)
    base = datetime(2015, 1, 1, tzinfo=UTC)
    for i in range(args.assets):
        minute = tied[i] if i < len(tied) else i  # tied assets: the first minute of their run
        fake.state.import_file(
            library,
            f"{args.library}/{2015 + i // 10000}/{i // 100 % 100:02d}/IMG_{i:07d}.JPG",
            taken=base + timedelta(minutes=minute),
            file_size=2_000_000 + i,
        ).updated_at = base + timedelta(days=365, seconds=i)  # last changed long ago
    if args.photos is not None:
        import_photos(fake, library, args.library, args.photos)
    if args.ids_file:
        with open(args.ids_file, "w", encoding="utf-8") as out:
            out.writelines(f"{a}\n" for a in fake.state.assets)
    fake.start()
    sys.stdout.write(json.dumps({"url": fake.url, "api_key": key, "user_id": user.id}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:  # until the parent closes our stdin
        if line.strip() == "stats":
            stats = {
                "requests": exchanges.answered,
                "peak_rss_mb": _peak_rss_mb(),
                "cpu_s": time.process_time(),
            }
            sys.stdout.write(json.dumps(stats) + "\n")
            sys.stdout.flush()
    fake.stop()


if __name__ == "__main__":
    main()
