"""Errors raised by the Immich client. Every message is one line a user can act on, and never
contains the API key.

    ImmichError
    ├── ImmichAuthError          401: the API key is wrong or missing
    ├── ImmichPermissionError    403: the key lacks a permission (named)
    ├── ImmichRequestError       400: unknown id or invalid request (the server's message)
    │   └── ImmichNotFoundError  400 "Not found or no ... access", and 404
    ├── ImmichUnavailableError   connect errors, timeouts, 5xx/429 after retries
    ├── ImmichUnsupportedError   a server version this client cannot speak to
    └── ImmichProtocolError      a response that does not have the expected shape
"""

from __future__ import annotations


class ImmichError(Exception):
    """Root of the client's errors."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ImmichAuthError(ImmichError):
    pass


class ImmichPermissionError(ImmichError):
    def __init__(self, message: str, *, permission: str | None, status: int = 403) -> None:
        super().__init__(message, status=status)
        self.permission = permission


class ImmichRequestError(ImmichError):
    def __init__(self, message: str, *, status: int | None = None, summary: str = "") -> None:
        super().__init__(message, status=status)
        self.summary = summary  # the server's own message, one line


class ImmichNotFoundError(ImmichRequestError):
    pass


class ImmichUnavailableError(ImmichError):
    pass


class ImmichUnsupportedError(ImmichError):
    pass


class ImmichProtocolError(ImmichError):
    pass
