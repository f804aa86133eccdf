"""The test Immich answers recorded requests the way the real servers did (replayed from
tests/fake_immich/specs/recorded*), and our client parses what real servers sent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sidecar.immich_client import ImmichClient, ImmichNotFoundError, ImmichProtocolError
from sidecar.immich_client.models import Asset, DuplicateGroup, Stack
from sidecar.immich_client.parsing import parse
from sidecar.immich_client.transport import server_message
from tests.fake_immich import FakeImmich, Mode
from tests.fake_immich.spec import SPECS

V2, V3 = SPECS / "recorded", SPECS / "recorded-3x"


def recorded(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def seeded(request: pytest.FixtureRequest) -> Iterator[tuple[FakeImmich, str, str]]:
    """A fake with an admin's 'all' key and a key holding only asset.read."""
    fake = FakeImmich(Mode(request.param)).start()
    user = fake.state.add_user()
    full = fake.state.add_key(user)
    limited = fake.state.add_key(user, ["asset.read"], name="limited")
    library = fake.state.add_library(user, "/mnt/photos/family")
    for i in range(3):
        fake.state.import_file(library, f"/mnt/photos/family/IMG_{i}.JPG")
    try:
        yield fake, full, limited
    finally:
        fake.stop()
    assert fake.record.violations == [], "\n".join(fake.record.violations)


CASES = [
    ("2.7.5", V2 / "05-users-me-unauthenticated.json", None),
    ("2.7.5", V2 / "126-auth-wrong-api-key-401.json", "wrong"),
    ("2.7.5", V2 / "124-permission-users-me.json", "limited"),
    ("2.7.5", V2 / "21-asset-detail-not-found.json", "full"),
    ("2.7.5", V2 / "63-search-metadata-size-1001.json", "full"),
    ("2.7.5", V2 / "65-search-metadata-size-0.json", "full"),
    ("2.7.5", V2 / "66-search-metadata-page-0.json", "full"),
    ("2.7.5", V2 / "02-server-version.json", None),
    ("3.1.0", V3 / "004-users-me-unauthenticated.json", None),
    ("3.1.0", V3 / "029-asset-detail-unknown-id.json", "full"),
    ("3.1.0", V3 / "024-search-metadata-size-1001.json", "full"),
    ("3.1.0", V3 / "002-server-version.json", None),
]


@pytest.mark.parametrize(
    ("seeded", "path", "auth"), CASES, indirect=["seeded"], ids=[c[1].name for c in CASES]
)
def test_replayed_exchange_matches_the_real_server(
    seeded: tuple[FakeImmich, str, str], path: Path, auth: str | None
) -> None:
    fake, full, limited = seeded
    rec = recorded(path)
    headers = (
        {}
        if auth is None
        else {"x-api-key": {"full": full, "limited": limited, "wrong": "nope"}[auth]}
    )
    response = httpx.request(
        rec["method"], fake.url + rec["path"], json=rec["request_body"], headers=headers
    )
    assert response.status_code == rec["status"]
    if rec["status"] == 400:  # a deliberately invalid request: the spec says so too
        assert any(v.startswith("request") for v in fake.record.violations) or (
            "assets/" in rec["path"]
        )
        fake.record.violations.clear()
    expected, actual = rec["response_body"], response.json()
    if rec["status"] >= 400:
        assert set(actual) == set(expected)
        assert actual["message"] == expected["message"]
        if "errors" in expected:
            assert [e["path"] for e in actual["errors"]] == [e["path"] for e in expected["errors"]]
        if fake.mode is not Mode.V2_7:
            assert "x-correlation-id" in response.headers
    else:
        assert actual == expected


@pytest.mark.parametrize("seeded", ["2.7.5"], indirect=True)
def test_search_paging_shape_like_the_real_server(seeded: tuple[FakeImmich, str, str]) -> None:
    """nextPage is a string; total and count are the size of the page; a full last page
    already answers null (recorded 19, 149, 191)."""
    fake, full, _ = seeded
    pages = []
    page: int | None = 1
    while page:
        body = httpx.post(
            f"{fake.url}/api/search/metadata",
            json={"size": 1, "page": page},
            headers={"x-api-key": full},
        ).json()["assets"]
        pages.append(body)
        page = int(body["nextPage"]) if body["nextPage"] else None
    assert [p["nextPage"] for p in pages] == ["2", "3", None]
    assert all(p["total"] == p["count"] == 1 for p in pages)


@pytest.mark.parametrize("seeded", ["3.1.0"], indirect=True)
def test_a_3_1_server_ignores_cursor_search(seeded: tuple[FakeImmich, str, str]) -> None:
    """recorded-3x 022: filter/orderBy/cursor are stripped and nextPage comes back."""
    fake, full, _ = seeded
    rec = recorded(V3 / "022-search-metadata-cursor-style-body.json")
    body = httpx.post(
        f"{fake.url}/api/search/metadata", json=rec["request_body"], headers={"x-api-key": full}
    ).json()["assets"]
    assert body["nextPage"] == "2"
    assert "nextCursor" not in body
    # the recorded body is not even valid 3.3 (`cursor: null`, `make` as a plain string)
    assert fake.record.violations
    fake.record.violations.clear()


@pytest.mark.parametrize(
    "path",
    [
        V2 / "18-search-metadata-page1.json",
        V2 / "49-search-metadata-library-assets.json",
        V3 / "018-search-metadata-page1.json",
    ],
)
def test_client_models_parse_real_search_items(path: Path) -> None:
    items = recorded(path)["response_body"]["assets"]["items"]
    assets = [parse(Asset, item, "search") for item in items]
    assert all(a.updated_at.tzinfo is not None for a in assets)
    with_exif = [a for a in assets if a.exif and a.exif.date_time_original]
    assert all(a.exif.date_time_original.tzinfo is not None for a in with_exif)  # type: ignore[union-attr]


def test_client_models_parse_both_timestamp_formats() -> None:
    stack = parse(Stack, recorded(V2 / "23-stacks-get.json")["response_body"], "stack")
    assert stack.assets[0].updated_at.tzinfo is not None  # Postgres "+00:00" form
    groups = recorded(V2 / "41-duplicates-list-with-group.json")["response_body"]
    assert parse(DuplicateGroup, groups[0], "dup").assets


def test_missing_required_field_is_a_protocol_error_naming_it() -> None:
    item = dict(recorded(V2 / "20-asset-detail.json")["response_body"])
    del item["originalPath"]
    with pytest.raises(ImmichProtocolError, match="field 'originalPath' is missing"):
        parse(Asset, item, "GET /assets/{id}")


def test_error_messages_of_both_generations() -> None:
    v2 = httpx.Response(
        400, json=recorded(V2 / "63-search-metadata-size-1001.json")["response_body"]
    )
    assert server_message(v2) == "size must not be greater than 1000"
    v3 = httpx.Response(
        400, json=recorded(V3 / "024-search-metadata-size-1001.json")["response_body"]
    )
    assert server_message(v3) == "Validation failed; size: Too big: expected number to be <=1000"


async def test_unknown_asset_is_not_found(immich: FakeImmich) -> None:
    user = immich.state.add_user()
    key = immich.state.add_key(user)
    async with ImmichClient.connect(immich.url, key) as client:
        with pytest.raises(ImmichNotFoundError, match=r"Not found or no asset\.read access"):
            await client.asset("6b4b733e-2014-4585-b569-53546832c969")


def test_the_test_immich_serves_a_folder_of_photos(
    photos: Path, state_dir: Path, tmp_path: Path
) -> None:
    """`serve --photos DIR`, as the README suggests for trying groups and write-back: the
    photos are Immich assets with thumbnails, and a plan finds something to do."""
    import json
    import subprocess
    import sys

    from tests.helpers import REPO
    from tests.helpers.process import run_process

    srv = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_immich.serve", "--assets", "0", "--photos", str(photos)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert srv.stdout is not None
    assert srv.stdin is not None
    try:
        info = json.loads(srv.stdout.readline())
        config = tmp_path / "sidecar.toml"
        config.write_text(
            f'[immich]\nurl = "{info["url"]}"\napi_key = "{info["api_key"]}"\n'
            f'[storage]\nstate_dir = "{state_dir}"\n[[libraries]]\n'
            f'immich_path = "/mnt/photos/family"\nlocal_path = "{photos}"\n',
            encoding="utf-8",
        )
        assert run_process(["--config", str(config), "scan"]).returncode == 0
        plan = run_process(["--config", str(config), "plan", "--json"])
        assert plan.returncode == 0, plan.stderr
        kinds = {a["kind"] for a in json.loads(plan.stdout)["actions"]}
        assert {"create_stack", "add_to_album"} <= kinds
    finally:
        srv.stdin.close()
        srv.wait(timeout=30)
