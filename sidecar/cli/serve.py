"""`immich-sidecar serve` and `immich-sidecar health`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from sidecar.cli.commands import SUMMARIES
from sidecar.cli.output import add_json_flag, print_json
from sidecar.runtime import open_runtime
from sidecar.scheduler.daemon import Daemon
from sidecar.settings import CONFIG_ENV, Settings, load_settings


def register(sub: Any) -> None:
    p = sub.add_parser(
        "serve",
        help=SUMMARIES["serve"],
        description="Run until SIGTERM/SIGINT: Immich syncs, disk reconciliation and write-back "
        "plans on the [schedule], the analysis after changes, a file watcher over the media "
        "folders, and live config reloads.",
    )
    p.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="one line per record, as text or JSON",
    )
    p.set_defaults(handler=handle_serve)
    p = sub.add_parser(
        "health",
        help=SUMMARIES["health"],
        description="Healthy: the daemon's heartbeat is recent (it is running and its "
        "inventory is writable) and syncs have not been failing for longer than "
        "[schedule] health_max_failing_min.",
    )
    add_json_flag(p)
    p.set_defaults(handler=handle_health)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(out, ensure_ascii=False)


def _logging(fmt: str) -> None:
    root = logging.getLogger()
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root.handlers = [handler]
    for noisy in ("apscheduler", "httpx", "watchfiles"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


async def handle_serve(args: argparse.Namespace, settings: Settings) -> int:
    _logging(args.log_format)
    config = args.config or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    daemon = Daemon(open_runtime, lambda: load_settings(config), settings, config)
    return await daemon.run()


async def handle_health(args: argparse.Namespace, settings: Settings) -> int:
    async with open_runtime(settings) as rt:
        health = await rt.jobs.health()
    if args.json:
        print_json(health.as_json())
    elif health.ok:
        print(f"healthy (heartbeat {health.heartbeat}, watcher {health.watcher})")
    else:
        for reason in health.reasons:
            print(f"unhealthy: {reason}")
    return 0 if health.ok else 1
