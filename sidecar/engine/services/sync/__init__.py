"""Sync: mirror each user's Immich assets into the inventory (`service`), making each
listing complete (`listing`)."""

from sidecar.engine.services.sync.service import SyncReport, SyncService, UserSync, asset_rows

__all__ = ["SyncReport", "SyncService", "UserSync", "asset_rows"]
