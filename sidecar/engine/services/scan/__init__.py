"""Scan: bring the inventory in line with the media folders (`service`), one walk of a
scope at a time (`run`); the diff itself is `engine.core.reconcile`."""

from sidecar.engine.services.scan.run import ProgressCallback, ScanProgress
from sidecar.engine.services.scan.service import ScanReport, ScanService

__all__ = ["ProgressCallback", "ScanProgress", "ScanReport", "ScanService"]
