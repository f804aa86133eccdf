"""Start-up inside the container image, the way Immich users know it: the image starts as
root, gives the data folder to the unprivileged user (`PUID`/`PGID`, default 10001), reads the
API key secret while it still can, then drops privileges for good.

Runs first in every `immich-sidecar` command of the image (the daemon, `docker exec ...`, the
HEALTHCHECK), so no command ever writes the inventory as root. Outside the image
(`IMMICH_SIDECAR_CONTAINER` unset) it does nothing. Standard library only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from pathlib import Path

CONTAINER_ENV = "IMMICH_SIDECAR_CONTAINER"
DEFAULT_ID = 10001
# Secrets read as root and handed on in the environment: `<NAME>_FILE` -> `<NAME>`.
SECRET_FILES = ("IMMICH_API_KEY_FILE",)


class StartupError(Exception):
    """The container cannot run as configured; the message is one line saying what to do."""


def prepare(environ: MutableMapping[str, str] | None = None) -> None:
    """Fix ownership, read secrets and drop privileges (as root), then make sure the state
    folder is writable; does nothing outside the image."""
    env = os.environ if environ is None else environ
    if env.get(CONTAINER_ENV) != "1":
        return
    state = Path(env.get("IMMICH_SIDECAR_STATE_DIR") or "/data")
    uid, gid = _id(env, "PUID"), _id(env, "PGID")
    if os.geteuid() == 0:
        _give(state, uid, gid)
        read_secrets(env)
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        env["HOME"] = str(state)
    check_writable(state)


def read_secrets(env: MutableMapping[str, str]) -> None:
    """`IMMICH_API_KEY_FILE=/run/secrets/x` becomes `IMMICH_API_KEY=<its content>` (the file
    is often root-owned and 0600, unreadable once privileges are dropped)."""
    for name in SECRET_FILES:
        path = env.get(name)
        if not path:
            continue
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise StartupError(
                f"cannot read the secret {path} ({name}): {exc.strerror}; check the "
                "secret's file in the compose file"
            ) from None
        if not value:
            raise StartupError(f"the secret {path} ({name}) is empty: put the API key in it")
        env[name.removesuffix("_FILE")] = value
        del env[name]


def check_writable(state: Path) -> None:
    """One line naming the folder, the user and the fix when the inventory cannot be written."""
    try:
        state.mkdir(parents=True, exist_ok=True)
        probe = state / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        uid, gid = os.getuid(), os.getgid()
        raise StartupError(
            f"cannot write to {state} as uid {uid} (gid {gid}): on the host, run "
            f"'chown -R {uid}:{gid}' on the folder mounted at {state}, or set PUID/PGID to "
            "its owner"
        ) from None


def _give(state: Path, uid: int, gid: int) -> None:
    """chown the state folder and everything in it to uid:gid (only what differs; a folder
    that cannot be changed, e.g. a root-squashed share, is left to `check_writable`)."""
    try:
        state.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    for path in [state, *state.rglob("*")]:
        try:
            st = path.lstat()
            if (st.st_uid, st.st_gid) != (uid, gid):
                os.lchown(path, uid, gid)
        except OSError:
            continue


def _id(env: MutableMapping[str, str], name: str) -> int:
    text = env.get(name) or str(DEFAULT_ID)
    if not text.isdigit():
        raise StartupError(f"{name} must be a number (a user or group id), not {text!r}")
    return int(text)


def main_prepare() -> None:
    """`prepare()` for the command line: a failure is one line on stderr and exit status 1."""
    try:
        prepare()
    except StartupError as exc:
        sys.stderr.write(f"immich-sidecar: {exc}\n")
        sys.exit(1)
