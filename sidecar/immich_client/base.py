"""What every API area of the client shares: requests, decoding, the server's version and
identity."""

from __future__ import annotations

from typing import Any, TypeVar

from sidecar.immich_client.errors import (
    ImmichProtocolError,
    ImmichRequestError,
    ImmichUnsupportedError,
)
from sidecar.immich_client.models import (
    ApiKeyInfo,
    BulkIdResult,
    ModelError,
    ServerVersion,
    UserInfo,
    decode,
)
from sidecar.immich_client.parsing import describe, parse, parse_list
from sidecar.immich_client.transport import Transport, page_summary

M = TypeVar("M")
OLDEST_SUPPORTED = (2, 0)


class ClientBase:
    """The transport, the one request path every API area uses, and the server's version."""

    def __init__(self, transport: Transport, version: ServerVersion | None = None) -> None:
        self.transport = transport
        self._version = version

    async def _decoded(self, model: type[M], method: str, path: str, **kw: Any) -> M:
        """A model straight from the response bytes (large listings such as all stacks)."""
        response = await self.transport.request(method, path, **kw)
        try:
            return decode(model, response.content)
        except ModelError as exc:
            raise ImmichProtocolError(describe(exc, f"{method} {path}")) from None

    async def _json(self, method: str, path: str, **kw: Any) -> Any:
        response = await self.transport.request(method, path, **kw)
        try:
            return response.json()
        except ValueError:
            raise ImmichProtocolError(
                f"unexpected response from Immich for {method} {path}: not JSON "
                f"(is [immich] url pointing at Immich?)"
            ) from None

    async def _send(self, method: str, path: str, **kw: Any) -> None:
        await self.transport.request(method, path, **kw)

    async def _bulk_ids(
        self, method: str, route: str, item_id: str, asset_ids: list[str]
    ) -> list[BulkIdResult]:
        """Adding or removing assets of one album or tag (`route` such as
        `/albums/{id}/assets`): one result per id; safe to repeat, so retried."""
        path = route.replace("{id}", item_id)
        data = await self._json(method, path, json={"ids": asset_ids}, idempotent=True)
        return parse_list(BulkIdResult, data, f"{method} {route}")

    # -- server and identity ---------------------------------------------------------------

    async def version(self) -> ServerVersion:
        """The server version (no authentication needed); older than 2.0 is refused."""
        if self._version is None:
            version = await self._probe_version()
            if (version.major, version.minor) < OLDEST_SUPPORTED:
                raise ImmichUnsupportedError(
                    f"Immich {version} is too old: immich-sidecar needs Immich 2.0 or newer"
                )
            self._version = version
        return self._version

    async def _probe_version(self) -> ServerVersion:
        """GET /server/version, the first request to a server: whatever answers it in a way
        Immich never does (an HTML page, another web server's 404, JSON of another shape) is
        reported in one line as not looking like Immich."""
        try:
            response = await self.transport.request("GET", "/server/version")
        except ImmichRequestError as exc:  # 4xx: Immich always answers this path
            answer = f"{exc.status} {exc.summary}"
        else:
            try:
                return decode(ServerVersion, response.content)
            except ModelError:
                answer = f"{response.status_code} {page_summary(response)}"
        raise ImmichProtocolError(
            f"{self.transport.base_url} does not look like Immich (GET /server/version "
            f"answered {answer}): check [immich] url, e.g. http://immich-server:2283"
        )

    async def my_key(self) -> ApiKeyInfo:
        """The API key in use and its permissions (GET /api-keys/me needs no permission)."""
        return parse(ApiKeyInfo, await self._json("GET", "/api-keys/me"), "GET /api-keys/me")

    async def me(self) -> UserInfo:
        return parse(UserInfo, await self._json("GET", "/users/me"), "GET /users/me")
