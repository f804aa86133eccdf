"""`immich-sidecar check` against the test Immich: version, key, permissions; writes nothing."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.fake_immich import FakeImmich


def test_check_with_a_full_key(immich_v2: FakeImmich, cli: Any, state_dir: Path) -> None:
    user = immich_v2.state.add_user("Admin")
    key = immich_v2.state.add_key(user, name="sidecar")
    env = {
        "IMMICH_URL": immich_v2.url,
        "IMMICH_API_KEY": key,
        "IMMICH_SIDECAR_STATE_DIR": str(state_dir),
    }
    res = cli("check", env=env)
    assert res.code == 0, res.out + res.err
    assert f"Immich {immich_v2.url}: version 2.7.5" in res.out
    assert "key for 'default': sidecar (user Admin)" in res.out
    assert "read-only use: ok" in res.out
    assert "write-back:    ok" in res.out
    assert {e.method for e in immich_v2.record.exchanges} == {"GET"}  # probes only


def test_check_names_missing_permissions(immich: FakeImmich, cli: Any, state_dir: Path) -> None:
    user = immich.state.add_user("Admin")
    key = immich.state.add_key(user, ["asset.read", "asset.view", "stack.read"], name="narrow")
    env = {
        "IMMICH_URL": immich.url,
        "IMMICH_API_KEY": key,
        "IMMICH_SIDECAR_STATE_DIR": str(state_dir),
    }
    res = cli("check", "--json", env=env)
    assert res.code == 1
    data = json.loads(res.out)
    assert data["version"] == immich.mode.value
    k = data["keys"][0]
    assert k["missing_read"] == ["album.read", "tag.read", "duplicate.read"]
    assert "stack.create" in k["missing_write"]
    assert "user.read" in k["missing_optional"]
    assert k["user_name"] is None  # /users/me is not called without user.read


def test_check_without_configuration(cli: Any, state_dir: Path) -> None:
    res = cli("check", env={"IMMICH_SIDECAR_STATE_DIR": str(state_dir)})
    assert res.code == 2
    assert res.err == (
        "immich-sidecar: no Immich server configured: set [immich] url or IMMICH_URL\n"
    )


class _NotImmich(BaseHTTPRequestHandler):
    """Another web server (or a proxy's error page) where Immich was expected."""

    status = 404
    body = (
        b"<!DOCTYPE html>\n<html>\n<head><title>404 Not Found</title></head>\n<body>\n"
        b"<center><h1>404 Not Found</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
    )

    def _answer(self) -> None:
        self.send_response(self.status)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


class _SinglePage(_NotImmich):
    status = 200
    body = b"<!doctype html><html><head><title>My NAS</title></head><body>hi</body></html>"


class _BadGateway(_NotImmich):
    status = 502
    body = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>...</body></html>"


@contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("handler", "answer"),
    [(_NotImmich, "404 an HTML page '404 Not Found'"), (_SinglePage, "200 an HTML page 'My NAS'")],
)
def test_a_server_that_is_not_immich_is_said_so_in_one_line(
    handler: type[BaseHTTPRequestHandler], answer: str, cli: Any, state_dir: Path
) -> None:
    with _serving(handler) as url:
        env = {"IMMICH_URL": url, "IMMICH_API_KEY": "k", "IMMICH_SIDECAR_STATE_DIR": str(state_dir)}
        for command in ("check", "sync"):
            res = cli(command, env=env)
            assert res.code == 1
            text = res.out + res.err
            expected = (
                f"{url}/api does not look like Immich (GET /server/version answered {answer})"
            )
            assert expected in text, text
            assert "<" not in text
            assert len([line for line in text.splitlines() if "look like Immich" in line]) == 1


def test_a_proxy_error_page_is_one_line(cli: Any, state_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "sidecar.toml"
    config.write_text("[immich]\nretries = 1\nread_retry_s = 1\n", encoding="utf-8")
    with _serving(_BadGateway) as url:
        env = {"IMMICH_URL": url, "IMMICH_API_KEY": "k", "IMMICH_SIDECAR_STATE_DIR": str(state_dir)}
        res = cli("--config", str(config), "sync", env=env)
    assert res.code == 1
    lines = [line for line in (res.out + res.err).splitlines() if "502" in line]
    assert len(lines) == 1, res.out + res.err
    assert "answered 502 an HTML page '502 Bad Gateway'" in lines[0]
    assert "Sync failed (" in res.out
    assert "the inventory keeps the 0 assets of earlier syncs" in res.out
    assert "assets mirrored" not in res.out
