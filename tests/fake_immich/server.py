"""The fake Immich HTTP server: routing, authentication, permissions, error shapes, faults."""

from __future__ import annotations

import json
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fake_immich.search import Search, SearchError
from tests.fake_immich.sidecar_writes import SidecarWrites
from tests.fake_immich.spec import Route, find_route, validate
from tests.fake_immich.state import FakeKey, Mode, State, js_time

PROXY_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


class HttpError(Exception):
    def __init__(self, status: int, message: str | list[str], error: str = "Bad Request") -> None:
        super().__init__(str(message))
        self.status, self.message, self.error = status, message, error


@dataclass
class Fault:
    """Misbehaviour injected into matching requests (`skip` matching requests pass first)."""

    path: str  # prefix of the path under /api, e.g. "/search/metadata"
    method: str | None = None
    times: int = 1  # how many requests it affects (-1: all)
    skip: int = 0
    status: int | None = None
    retry_after: str | None = None
    delay_s: float = 0.0
    drop: bool = False  # close the connection without answering
    when: Callable[[Any], bool] | None = None  # only requests whose JSON body satisfies this
    seen: int = 0


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    body: Any
    request: Any = None


@dataclass
class Recorder:
    exchanges: list[Exchange] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def count(self, method: str, path: str) -> int:
        return sum(1 for e in self.exchanges if e.method == method and e.path == path)


class FakeImmich:
    """`with FakeImmich(Mode.V2_7) as immich:` serves on http://127.0.0.1:<port>/api."""

    def __init__(self, mode: Mode = Mode.V2_7, *, validate_spec: bool = True) -> None:
        self.state = State(mode)
        self.sidecar_writes = SidecarWrites(self.state)  # off unless a test turns the race on
        self.search = Search(self.state)
        self.validate_spec = validate_spec
        self.faults: list[Fault] = []
        self.record = Recorder()
        self.restarting_until = 0.0  # monotonic time: a proxy answers 502 HTML until then
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._fault_lock = threading.Lock()
        self.port = 0

    @property
    def mode(self) -> Mode:
        return self.state.mode

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, port: int = 0) -> FakeImmich:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True, kwargs={"poll_interval": 0.05}
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeImmich:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def restart(self, seconds: float) -> None:
        """Immich restarts (10-17 s on a real server): meanwhile the reverse proxy in front
        answers every request with 502 and an HTML page (API-NOTES section 16)."""
        self.restarting_until = time.monotonic() + seconds

    def fault(self, path: str, **kw: Any) -> Fault:
        f = Fault(path, **kw)
        with self._fault_lock:
            self.faults.append(f)
        return f

    def _take_fault(self, method: str, path: str, raw: bytes) -> Fault | None:
        with self._fault_lock:
            for f in self.faults:
                if not path.startswith(f.path) or (f.method and f.method != method):
                    continue
                if f.when is not None:
                    try:
                        body = json.loads(raw) if raw else None
                    except ValueError:
                        body = None
                    if not f.when(body):
                        continue
                f.seen += 1
                if f.seen <= f.skip:
                    continue
                if f.times != -1 and f.seen > f.skip + f.times:
                    continue
                return f
        return None

    # -- dispatch --------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], raw: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        self.sidecar_writes.tick()
        route = find_route(self.mode, method, path)
        if route is None:
            raise HttpError(404, f"Cannot {method} /api{path}", "Not Found")
        key = None if route.permission is None and _public(path) else self._auth(headers)
        if key is not None:
            self._authorize(key, route)
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                raise HttpError(400, "Unexpected token in JSON") from None
        handler = getattr(self, "op_" + _op_name(method, route.template), None)
        if handler is None:
            raise HttpError(404, f"Cannot {method} /api{path}", "Not Found")
        params = route.regex.match(path).groups()  # type: ignore[union-attr]
        return handler(key, body, query, *params)

    def _auth(self, headers: dict[str, str]) -> FakeKey:
        secret = headers.get("x-api-key")
        if not secret:
            raise HttpError(401, "Authentication required", "Unauthorized")
        key = self.state.keys.get(secret)
        if key is None:
            raise HttpError(401, "Invalid API key", "Unauthorized")
        return key

    def _authorize(self, key: FakeKey, route: Route) -> None:
        if route.template.startswith("/sync/"):
            raise HttpError(403, "Sync endpoints cannot be used with API keys", "Forbidden")
        perm = route.permission
        if perm and "all" not in key.permissions and perm not in key.permissions:
            raise HttpError(403, f"Missing required permission: {perm}", "Forbidden")
        if route.admin_only and not self.state.users[key.user_id].is_admin:
            raise HttpError(403, "Forbidden", "Forbidden")

    def error_body(self, err: HttpError) -> tuple[Any, dict[str, str]]:
        correlation = secrets.token_hex(4)
        if self.mode is Mode.V2_7:
            body = {
                "message": err.message,
                "error": err.error,
                "statusCode": err.status,
                "correlationId": correlation,
            }
            return body, {}
        return {"message": err.message}, {"X-Correlation-ID": correlation}

    # -- operations ------------------------------------------------------------------------

    def op_get_server_ping(self, key: Any, body: Any, query: Any) -> Any:
        return 200, {"res": "pong"}, {}

    def op_get_server_version(self, key: Any, body: Any, query: Any) -> Any:
        return 200, self.mode.version, {}

    def op_get_server_about(self, key: FakeKey, body: Any, query: Any) -> Any:
        about = {
            "version": f"v{self.mode.value}",
            "versionUrl": "",
            "licensed": False,
            "nodejs": "v22.0.0",
            "exiftool": "13.0",
            "ffmpeg": "7.0",
            "libvips": "8.16",
            "imagemagick": "7.1",
        }
        return 200, about, {}

    def op_get_api_keys_me(self, key: FakeKey, body: Any, query: Any) -> Any:
        now = js_time(self.state.now())
        return (
            200,
            {
                "id": key.id,
                "name": key.name,
                "permissions": key.permissions,
                "createdAt": now,
                "updatedAt": now,
            },
            {},
        )

    def op_get_users_me(self, key: FakeKey, body: Any, query: Any) -> Any:
        return 200, self.state.user_json(self.state.users[key.user_id]), {}

    def op_post_search_metadata(self, key: FakeKey, body: Any, query: Any) -> Any:
        try:
            return 200, self.search.run(body or {}, key.user_id), {}
        except SearchError as err:
            if self.mode is Mode.V2_7:
                raise HttpError(
                    400, [err.legacy] if err.field != "updatedAfter" else err.legacy
                ) from None
            raise _ZodError(err.field, err.message) from None

    def op_get_assets_id(self, key: FakeKey, body: Any, query: Any, asset_id: str) -> Any:
        asset = self.state.assets.get(asset_id)
        if asset is None or asset.owner_id != key.user_id:
            raise HttpError(400, "Not found or no asset.read access")
        return 200, self.state.detail_json(asset), {}

    def op_get_assets_id_thumbnail(self, key: FakeKey, body: Any, query: Any, asset_id: str) -> Any:
        asset = self.state.assets.get(asset_id)
        if asset is None or asset.owner_id != key.user_id:
            raise HttpError(400, "Not found or no asset.view access")
        if query.get("size", "thumbnail") not in ("thumbnail", "preview", "fullsize", "original"):
            raise HttpError(
                400, ["size must be one of the following values: fullsize, preview, thumbnail"]
            )
        data = self.state.thumbnails.get(asset_id)
        if data is None:  # the thumbnail job failed or has not run (recorded 137)
            raise HttpError(404, "Asset media not found", "Not Found")
        return 200, data, {"Content-Type": "image/jpeg"}

    def op_get_stacks(self, key: FakeKey, body: Any, query: Any) -> Any:
        out = []
        for stack_id, (primary, members) in self.state.stacks.items():
            if self.state.assets[primary].owner_id != key.user_id:
                continue
            out.append(
                {
                    "id": stack_id,
                    "primaryAssetId": primary,
                    "assets": [self.state.asset_json(self.state.assets[m]) for m in members],
                }
            )
        return 200, out, {}

    def op_put_assets(self, key: FakeKey, body: Any, query: Any) -> Any:
        """Bulk update: any unknown id rejects the whole request (recorded 88); a duplicateId
        that is not a UUID reaches the database and fails (recorded 87)."""
        fields = {
            "duplicateId": "duplicate_id",
            "isFavorite": "is_favorite",
            "description": "description",
            "visibility": "visibility",
        }
        with self.state.lock:
            assets = [self.state.assets.get(i) for i in body["ids"]]
            if any(a is None or a.owner_id != key.user_id for a in assets):
                raise HttpError(400, "Not found or no asset.update access")
            dup = body.get("duplicateId")
            if dup is not None and not _is_uuid(dup):
                raise HttpError(500, "Failed to update assets", "Internal Server Error")
            for asset in assets:
                assert asset is not None
                for name, attr in fields.items():
                    if name in body:
                        setattr(
                            asset,
                            attr,
                            body[name]
                            if body[name] is not None or name == "duplicateId"
                            else getattr(asset, attr),
                        )
                self.state.touch(asset)
            self.sidecar_writes.queue(body["ids"])  # asset.service updateAll: SidecarWrite
            return 204, None, {}

    def op_delete_assets(self, key: FakeKey, body: Any, query: Any) -> Any:
        """Trash (any unknown id rejects the whole request, recorded 151). The sidecar must
        never force: that deletes external-library files from disk (recorded 160)."""
        with self.state.lock:
            assets = [self.state.assets.get(i) for i in body["ids"]]
            if any(a is None or a.owner_id != key.user_id for a in assets):
                raise HttpError(400, "Not found or no asset.delete access")
            if body.get("force"):
                self.record.violations.append(f"DELETE /assets with force: {body['ids']}")
                self.state.hard_delete(*body["ids"])
            else:
                self.state.trash(*body["ids"])
            return 204, None, {}

    def op_post_trash_restore_assets(self, key: FakeKey, body: Any, query: Any) -> Any:
        with self.state.lock:
            ids = [
                i
                for i in body["ids"]
                if i in self.state.assets and self.state.assets[i].owner_id == key.user_id
            ]
            self.state.restore(*ids)
            return 200, {"count": len(body["ids"])}, {}  # ids accepted (recorded 154)

    def _stack_json(self, stack_id: str) -> dict[str, Any]:
        primary, members = self.state.stacks[stack_id]
        assets = [self.state.asset_json(self.state.assets[m]) for m in members]
        return {"id": stack_id, "primaryAssetId": primary, "assets": assets}

    def _owned_stack(self, key: FakeKey, stack_id: str, perm: str) -> str:
        found = self.state.stacks.get(stack_id)
        if found is None or self.state.assets[found[0]].owner_id != key.user_id:
            raise HttpError(400, f"Not found or no {perm} access")
        return stack_id

    def op_post_stacks(self, key: FakeKey, body: Any, query: Any) -> Any:
        ids = body["assetIds"]
        with self.state.lock:
            for asset_id in ids:
                asset = self.state.assets.get(asset_id)
                if asset is None or asset.owner_id != key.user_id:
                    raise HttpError(400, "Not found or no asset.update access")
            stack_id = self.state.create_stack(key.user_id, ids)
            return 201, self._stack_json(stack_id), {}

    def op_get_stacks_id(self, key: FakeKey, body: Any, query: Any, stack_id: str) -> Any:
        with self.state.lock:
            return 200, self._stack_json(self._owned_stack(key, stack_id, "stack.read")), {}

    def op_delete_stacks_id(self, key: FakeKey, body: Any, query: Any, stack_id: str) -> Any:
        with self.state.lock:
            self.state.delete_stack(self._owned_stack(key, stack_id, "stack.delete"))
            return 204, None, {}

    def op_delete_stacks(self, key: FakeKey, body: Any, query: Any) -> Any:
        with self.state.lock:  # any unknown id rejects the whole request (recorded 117)
            ids = [self._owned_stack(key, x, "stack.delete") for x in body["ids"]]
            for stack_id in ids:
                self.state.delete_stack(stack_id)
            return 204, None, {}

    def _owned_album(self, key: FakeKey, album_id: str, perm: str) -> Any:
        album = self.state.albums.get(album_id)
        if album is None or album.owner_id != key.user_id:
            raise HttpError(400, f"Not found or no {perm} access")
        return album

    def op_get_albums(self, key: FakeKey, body: Any, query: Any) -> Any:
        """Owned albums; with `shared=true` (3.x: `isShared=true`) the shared ones instead:
        owned and shared with others, or shared with the caller."""
        shared = str(query.get("shared", query.get("isShared", ""))).lower() == "true"
        with self.state.lock:
            out = [
                self.state.album_json(a, with_assets=False)
                for a in self.state.albums.values()
                if (
                    (a.owner_id == key.user_id and bool(a.shared_with))
                    or key.user_id in a.shared_with
                    if shared
                    else a.owner_id == key.user_id
                )
                and query.get("name", a.name) == a.name
                and ("assetId" not in query or query["assetId"] in a.asset_ids)
            ]
            return 200, out, {}

    def op_post_albums(self, key: FakeKey, body: Any, query: Any) -> Any:
        with self.state.lock:
            album = self.state.create_album(
                key.user_id, body["albumName"], body.get("assetIds"), body.get("description") or ""
            )
            return 201, self.state.album_json(album), {}

    def op_get_albums_id(self, key: FakeKey, body: Any, query: Any, album_id: str) -> Any:
        with self.state.lock:
            album = self._owned_album(key, album_id, "album.read")
            return 200, self.state.album_json(album), {}

    def op_delete_albums_id(self, key: FakeKey, body: Any, query: Any, album_id: str) -> Any:
        with self.state.lock:
            album = self._owned_album(key, album_id, "album.delete")
            del self.state.albums[album.id]
            self.state.revision += 1
            return 204, None, {}

    def op_put_albums_id_assets(self, key: FakeKey, body: Any, query: Any, album_id: str) -> Any:
        """Per-item results: `duplicate` when already in the album, `no_permission` for an
        asset the caller cannot see (recorded 29)."""
        with self.state.lock:
            album = self._owned_album(key, album_id, "albumAsset.create")
            out = self._add_each(
                key, body["ids"], album.asset_ids, lambda asset: album.asset_ids.append(asset.id)
            )
            if any(item["success"] for item in out):
                album.updated_at = self.state.now()
            self.state.revision += 1  # album membership is searchable
            return 200, out, {}

    def op_delete_albums_id_assets(self, key: FakeKey, body: Any, query: Any, album_id: str) -> Any:
        with self.state.lock:
            album = self._owned_album(key, album_id, "albumAsset.delete")
            out = self._remove_each(body["ids"], album.asset_ids, album.asset_ids.remove)
            self.state.revision += 1
            return 200, out, {}

    def _add_each(
        self, key: FakeKey, ids: list[str], members: Container[str], add: Callable[[Any], None]
    ) -> list[dict[str, Any]]:
        """Per-item results of a bulk add to an album or tag: `no_permission` for an asset
        the caller cannot see, `duplicate` when already a member."""
        out: list[dict[str, Any]] = []
        for asset_id in ids:
            asset = self.state.assets.get(asset_id)
            if asset is None or asset.owner_id != key.user_id:
                out.append({"id": asset_id, "success": False, "error": "no_permission"})
            elif asset_id in members:
                out.append({"id": asset_id, "success": False, "error": "duplicate"})
            else:
                add(asset)
                out.append({"id": asset_id, "success": True})
        return out

    @staticmethod
    def _remove_each(
        ids: list[str], members: Container[str], remove: Callable[[str], None]
    ) -> list[dict[str, Any]]:
        """Per-item results of a bulk removal: `not_found` for a non-member."""
        out: list[dict[str, Any]] = []
        for asset_id in ids:
            if asset_id in members:
                remove(asset_id)
                out.append({"id": asset_id, "success": True})
            else:
                out.append({"id": asset_id, "success": False, "error": "not_found"})
        return out

    def op_get_tags(self, key: FakeKey, body: Any, query: Any) -> Any:
        with self.state.lock:
            return (
                200,
                [
                    self.state.tag_json(t)
                    for t in self.state.tags.values()
                    if t.owner_id == key.user_id
                ],
                {},
            )

    def op_put_tags(self, key: FakeKey, body: Any, query: Any) -> Any:
        with self.state.lock:
            leaves = [self.state.upsert_tag(key.user_id, v) for v in body["tags"]]
            return 200, [self.state.tag_json(t) for t in leaves], {}

    def _owned_tag(self, key: FakeKey, tag_id: str, perm: str) -> Any:
        tag = self.state.tags.get(tag_id)
        if tag is None or tag.owner_id != key.user_id:
            raise HttpError(400, f"Not found or no {perm} access")
        return tag

    def op_delete_tags_id(self, key: FakeKey, body: Any, query: Any, tag_id: str) -> Any:
        with self.state.lock:
            self.state.delete_tag(self._owned_tag(key, tag_id, "tag.delete").id)
            return 204, None, {}

    def op_put_tags_id_assets(self, key: FakeKey, body: Any, query: Any, tag_id: str) -> Any:
        """Per-item: `duplicate` when already tagged (recorded 165)."""
        with self.state.lock:
            tag = self._owned_tag(key, tag_id, "tag.asset")

            def add(asset: Any) -> None:
                tag.asset_ids.add(asset.id)
                self.state.touch(asset)

            return 200, self._add_each(key, body["ids"], tag.asset_ids, add), {}

    def op_delete_tags_id_assets(self, key: FakeKey, body: Any, query: Any, tag_id: str) -> Any:
        """Per-item: `not_found` for an asset without the tag (recorded 170-171)."""
        with self.state.lock:
            tag = self._owned_tag(key, tag_id, "tag.asset")

            def remove(asset_id: str) -> None:
                tag.asset_ids.discard(asset_id)
                self.state.touch(self.state.assets[asset_id])

            return 200, self._remove_each(body["ids"], tag.asset_ids, remove), {}

    def op_get_duplicates(self, key: FakeKey, body: Any, query: Any) -> Any:
        groups: dict[str, list[Any]] = {}
        with self.state.lock:
            for asset in self.state.assets.values():
                if asset.duplicate_id and asset.owner_id == key.user_id:
                    groups.setdefault(asset.duplicate_id, []).append(asset)
            for members in groups.values():  # singleton clean-up, a side effect of the GET
                if len(members) == 1:
                    members[0].duplicate_id = None
                    self.state.touch(members[0])
        out = [
            {
                "duplicateId": gid,
                "assets": [self.state.asset_json(a) for a in members],
                "suggestedKeepAssetIds": [members[0].id],
            }
            for gid, members in groups.items()
            if len(members) > 1
        ]
        return 200, out, {}

    def op_get_libraries(self, key: FakeKey, body: Any, query: Any) -> Any:
        out = [
            {
                "id": lib.id,
                "name": lib.name,
                "ownerId": lib.owner_id,
                "importPaths": lib.import_paths,
                "exclusionPatterns": lib.exclusion_patterns,
                "assetCount": 0,
                "createdAt": js_time(lib.created_at),
                "updatedAt": js_time(lib.created_at),
                "refreshedAt": None,
            }
            for lib in self.state.libraries.values()
        ]
        return 200, out, {}

    def op_get_libraries_id_statistics(
        self, key: FakeKey, body: Any, query: Any, library_id: str
    ) -> Any:
        if library_id not in self.state.libraries:
            raise HttpError(400, "Not found or no library.statistics access")
        members = [a for a in self.state.assets.values() if a.library_id == library_id]
        photos = sum(1 for a in members if a.type == "IMAGE")
        return (
            200,
            {
                "photos": photos,
                "videos": len(members) - photos,
                "total": len(members),
                "usage": sum(a.file_size for a in members),
            },
            {},
        )


class _ZodError(HttpError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(400, "Validation failed")
        self.zod = {
            "message": "Validation failed",
            "errors": [{"code": "invalid", "path": path.split("."), "message": message}],
        }


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _public(path: str) -> bool:
    return path.startswith("/server/") and not path.startswith("/server/about")


def _op_name(method: str, template: str) -> str:
    cleaned = template.replace("{", "").replace("}", "").replace("-", "_").strip("/")
    return f"{method.lower()}_{cleaned.replace('/', '_')}"


class _Handler(BaseHTTPRequestHandler):
    fake: FakeImmich
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK hold every small response back ~40 ms (Immich's Node server sets
    # no-delay too)
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _serve(self) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        if len(raw) < length:  # the client went away mid-request (a cancelled read-ahead page)
            self.close_connection = True
            return
        path = parts.path.removeprefix("/api") or "/"
        method = self.command
        if time.monotonic() < fake.restarting_until:
            fake.record.exchanges.append(Exchange(method, path, 502, None))
            self._send_raw(502, PROXY_502, "text/html")
            return
        fault = fake._take_fault(method, path, raw)
        if fault is not None:
            if fault.delay_s:
                time.sleep(fault.delay_s)
            if fault.drop:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
        headers = {k.lower(): v for k, v in self.headers.items()}
        query = dict(parse_qsl(parts.query))
        extra: dict[str, str] = {}
        if fault is not None and fault.status is not None:
            status, body = fault.status, {"message": "injected failure", "statusCode": fault.status}
            if fault.retry_after is not None:
                extra["Retry-After"] = fault.retry_after
        else:
            try:
                status, body, extra = fake.handle(method, path, query, headers, raw)
            except _ZodError as err:
                status = err.status
                body, extra = err.zod, {"X-Correlation-ID": secrets.token_hex(4)}
            except HttpError as err:
                status = err.status
                body, extra = fake.error_body(err)
            except Exception as exc:  # noqa: BLE001 - a bug in the fake must fail the test
                fake.record.violations.append(f"fake crashed on {method} {path}: {exc!r}")
                status, body = 500, {"message": "Internal server error"}
        binary = isinstance(body, bytes)
        payload = body if binary else (b"" if body is None else json.dumps(body).encode())
        content_type = extra.pop("Content-Type", "application/json; charset=utf-8")
        if fake.validate_spec and fault is None:
            # the spec declares thumbnails as application/octet-stream; the server sends image/*
            declared = "application/octet-stream" if binary else "application/json"
            problems = validate(
                fake.mode, method, path, query, headers, raw, status, payload, declared
            )
            fake.record.violations.extend(problems)
        try:
            request_json = json.loads(raw) if raw else None
        except ValueError:
            request_json = None
        fake.record.exchanges.append(
            Exchange(method, path, status, None if binary else body, request_json)
        )
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        if payload:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _send_raw(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve
