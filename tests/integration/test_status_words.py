"""`status`: what an operation counted, in words, one and many told apart."""

from __future__ import annotations

from sidecar.cli.status import done
from sidecar.engine.core.models.activity import Operation


def op(kind: str, **counts: int) -> Operation:
    return Operation(1, kind, "failed", "2026-12-06T10:00:00Z", None, None, counts, None, {})


def test_one_is_singular_and_many_plural() -> None:
    assert done(op("sync", scanned=1, errors=1)) == "1 asset read, 1 user failed"
    assert done(op("sync", scanned=2, errors=3)) == "2 assets read, 3 users failed"
    assert done(op("scan", scanned=1, added=1)) == "1 file, 1 new"
    assert done(op("analyze", scanned=1, errors=1)) == "1 photo, 1 undecodable"
    assert done(op("analyze", scanned=1_200)) == "1,200 photos"
