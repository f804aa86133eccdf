"""A fake Immich server for tests and benchmarks: a real HTTP server on 127.0.0.1 with
in-memory state, validating every request and response against Immich's OpenAPI spec and
reproducing the behaviours recorded from real servers (see specs/recorded*/INDEX.md).
"""

from tests.fake_immich.server import FakeImmich
from tests.fake_immich.state import FakeAsset, Mode, State

__all__ = ["FakeAsset", "FakeImmich", "Mode", "State"]
