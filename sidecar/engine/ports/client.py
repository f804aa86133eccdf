"""The port to Immich: how services open a client for one API key."""

from __future__ import annotations

from typing import Protocol

from sidecar.immich_client import ImmichClient
from sidecar.immich_client.models import ServerVersion


class ClientFactory(Protocol):
    """Opens an `ImmichClient` for `api_key`; the caller closes it."""

    def __call__(self, api_key: str, version: ServerVersion | None = None) -> ImmichClient: ...
