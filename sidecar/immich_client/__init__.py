"""Async client for Immich's REST API. Knows nothing of the engine, the UI or settings."""

from sidecar.immich_client.client import ImmichClient
from sidecar.immich_client.errors import (
    ImmichAuthError,
    ImmichError,
    ImmichNotFoundError,
    ImmichPermissionError,
    ImmichProtocolError,
    ImmichRequestError,
    ImmichUnavailableError,
    ImmichUnsupportedError,
)
from sidecar.immich_client.search import AssetQuery
from sidecar.immich_client.transport import RetryPolicy, normalize_base_url

__all__ = [
    "AssetQuery",
    "ImmichAuthError",
    "ImmichClient",
    "ImmichError",
    "ImmichNotFoundError",
    "ImmichPermissionError",
    "ImmichProtocolError",
    "ImmichRequestError",
    "ImmichUnavailableError",
    "ImmichUnsupportedError",
    "RetryPolicy",
    "normalize_base_url",
]
