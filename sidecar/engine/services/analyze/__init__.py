"""Analysis: fingerprint new content (local files in worker processes, Immich-only assets
from their thumbnails), read album and tag marks, then rebuild duplicate groups and pairs
(`service`)."""

from sidecar.engine.services.analyze.service import AnalysisProgress, AnalysisReport, AnalyzeService

__all__ = ["AnalysisProgress", "AnalysisReport", "AnalyzeService"]
