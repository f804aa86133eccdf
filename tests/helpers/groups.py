"""Stored duplicate groups made in bulk, for tests of the lists."""

from __future__ import annotations

from typing import Any

from sidecar.engine.core.models import Member


def many_groups(n: int) -> list[Any]:
    """`n` exact groups of two files (local mode), reclaim n, n - 1, ... 1, as
    `replace_results` takes them."""
    return [
        (
            "exact",
            "local",
            f"/p/{i}/a.jpg",
            ["same content"],
            0,
            n - i,
            [Member(f"/p/{i}/{k}.jpg", f"/p/{i}/{k}.jpg", None, n - i) for k in "ab"],
        )
        for i in range(n)
    ]
