"""An async client for the Immich endpoints the sidecar uses (Immich 2.x and 3.x).

Each API area is a class of its own module (assets, albums, stacks, tags), all on `ClientBase`
(`base.py`: the request path, the server's version); `ImmichClient` is all of them at once."""

from __future__ import annotations

from types import TracebackType

from sidecar.immich_client.albums import AlbumsApi
from sidecar.immich_client.models import ServerVersion
from sidecar.immich_client.stacks import StacksApi
from sidecar.immich_client.tags import TagsApi
from sidecar.immich_client.transport import RetryPolicy, Transport


class ImmichClient(AlbumsApi, TagsApi, StacksApi):
    """The one client: every API area the sidecar uses, over one transport."""

    @classmethod
    def connect(
        cls,
        url: str,
        api_key: str,
        *,
        connect_timeout_s: float = 10.0,
        request_timeout_s: float = 60.0,
        retry: RetryPolicy | None = None,
        version: ServerVersion | None = None,
    ) -> ImmichClient:
        """A client for `url`; pass a recently probed `version` to skip the probe."""
        transport = Transport(
            url,
            api_key,
            connect_timeout_s=connect_timeout_s,
            request_timeout_s=request_timeout_s,
            retry=retry,
        )
        return cls(transport, version)

    async def __aenter__(self) -> ImmichClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.transport.aclose()


__all__ = ["ImmichClient"]
