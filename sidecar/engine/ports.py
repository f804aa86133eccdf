"""The engine's ports: the protocols services depend on, in one place.

Services take these instead of concrete edges, so the composition root (`sidecar.runtime`)
decides what is plugged in and tests can plug in the real parts against a test server.

- `ClientFactory`: opens an Immich client for one API key (optionally with a known server
  version, so it is not asked again).
"""

from __future__ import annotations

from typing import Protocol

from sidecar.immich_client import ImmichClient
from sidecar.immich_client.models import ServerVersion


class ClientFactory(Protocol):
    """Opens an `ImmichClient` for `api_key`; the caller closes it."""

    def __call__(self, api_key: str, version: ServerVersion | None = None) -> ImmichClient: ...
