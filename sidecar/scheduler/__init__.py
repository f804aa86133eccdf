"""APScheduler jobs for the daemon (filled by the daemon issue)."""
