"""Reads ride out an Immich restart (a proxy answering 502 HTML meanwhile), bounded by
`[immich] read_retry_s`; writes keep their attempt limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from sidecar.immich_client import ImmichClient, RetryPolicy
from sidecar.immich_client.errors import ImmichUnavailableError
from tests.fake_immich import FakeImmich
from tests.helpers.sync import seed, settings_for, sync


def statuses(fake: FakeImmich, status: int) -> int:
    return sum(1 for e in fake.record.exchanges if e.status == status)


async def test_a_sync_rides_out_a_restart(immich: FakeImmich, state_dir: Path) -> None:
    _, key, _ = seed(immich, files=6)
    # a short restart and a short backoff keep the test quick; the defaults are 60 s and 8 s
    window = {"read_retry_s": 20}
    settings = settings_for(immich, state_dir, key, immich=window, sync={"page_size": 3})
    immich.restart(2.5)  # long enough to be met twice on a loaded machine too
    report = (await sync(settings)).as_json()
    assert report["errors"] == []
    assert report["added"] == 7
    assert statuses(immich, 502) >= 2  # it did wait through the restart


async def test_a_read_gives_up_at_the_end_of_its_window_in_one_line(
    immich_v2: FakeImmich, state_dir: Path
) -> None:
    _, key, _ = seed(immich_v2, files=2)
    settings = settings_for(immich_v2, state_dir, key, immich={"read_retry_s": 0.5})
    immich_v2.restart(30)
    report = (await sync(settings)).as_json()
    assert len(report["errors"]) == 1
    error = report["errors"][0]
    assert "is unavailable: answered 502 an HTML page '502 Bad Gateway'" in error
    assert "<" not in error  # the proxy's page is not pasted
    assert "\n" not in error


async def test_a_retry_after_beyond_the_window_ends_the_read_at_once(
    immich_v2: FakeImmich,
) -> None:
    user = immich_v2.state.add_user()
    key = immich_v2.state.add_key(user)
    immich_v2.fault("/users/me", status=503, retry_after="120", times=-1)
    policy = RetryPolicy(read_window_s=30)
    async with ImmichClient.connect(immich_v2.url, key, retry=policy) as client:
        with pytest.raises(ImmichUnavailableError, match=r"after 1 attempt\(s\)"):
            await client.me()
    assert immich_v2.record.count("GET", "/users/me") == 1


async def test_writes_keep_their_attempt_limit(immich_v2: FakeImmich) -> None:
    user = immich_v2.state.add_user()
    key = immich_v2.state.add_key(user)
    immich_v2.fault("/tags", method="PUT", status=503, times=-1)
    policy = RetryPolicy(attempts=3, base_delay_s=0.01, read_window_s=600)
    async with ImmichClient.connect(immich_v2.url, key, retry=policy) as client:
        with pytest.raises(ImmichUnavailableError, match=r"after 3 attempt\(s\)"):
            await client.upsert_tags(["a/b"])
    assert immich_v2.record.count("PUT", "/tags") == 3
