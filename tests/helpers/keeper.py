"""Keeper candidates: one camera photo's fields, with the ones a test changes."""

from __future__ import annotations

from datetime import datetime

from sidecar.engine.core.dedup import Candidate

T = datetime(2022, 5, 1, 9, 0)


def cand(path: str, **kw: object) -> Candidate:
    base: dict[str, object] = {
        "width": 4000,
        "height": 3000,
        "size": 3_000_000,
        "format": "jpeg",
        "captured_at": T,
        "camera": "Canon EOS 80D",
        "exif_fields": 3,
    }
    base.update(kw)
    return Candidate(key=path, owner="u", path=path, content_hash=path, **base)  # type: ignore[arg-type]
