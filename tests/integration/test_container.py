"""Start-up in the container image: a root-owned data folder is given to PUID:PGID, a
root-owned 0600 secret is read before privileges are dropped, and a folder that still cannot
be written is one line naming it, the uid and the fix. The image itself, the compose example
and .dockerignore are checked here too (scripts/container-check.sh runs the real image)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sidecar.container import StartupError, check_writable, prepare
from tests.fake_immich import FakeImmich
from tests.helpers import REPO
from tests.helpers.process import run_process

as_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root, as the image starts")


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A folder any user can reach (pytest's tmp_path is private to its owner)."""
    path = Path(tempfile.mkdtemp(prefix="sidecar-container-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def prepared(env: dict[str, str]) -> dict[str, object]:
    """Run `prepare` in a forked child (it drops privileges for good) and report back."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read)
        try:
            prepare(env)
            out = {"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "env": env}
        except StartupError as exc:
            out = {"error": str(exc)}
        os.write(write, json.dumps(out).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    result: dict[str, object] = json.loads(data)
    return result


def secret(folder: Path, text: str = "the-key\n") -> Path:
    path = folder / "immich_api_key"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)  # as Compose mounts a secret: root-owned, 0600
    return path


@as_root
def test_root_start_gives_data_to_puid_reads_the_secret_and_drops(open_dir: Path) -> None:
    data = open_dir / "data"
    (data / "backups").mkdir(parents=True)
    (data / "inventory.db").write_bytes(b"")  # as an engine-created, root-owned folder
    key = secret(open_dir)
    env = {
        "IMMICH_SIDECAR_CONTAINER": "1",
        "IMMICH_SIDECAR_STATE_DIR": str(data),
        "PUID": "10001",
        "PGID": "10002",
        "IMMICH_API_KEY_FILE": str(key),
    }
    out = prepared(env)
    assert "error" not in out, out
    assert (out["uid"], out["gid"], out["groups"]) == (10001, 10002, [])
    handed_on = {k: v for k, v in env.items() if k != "IMMICH_API_KEY_FILE"}
    assert out["env"] == handed_on | {"IMMICH_API_KEY": "the-key", "HOME": str(data)}
    for path in (data, data / "backups", data / "inventory.db"):
        assert (path.stat().st_uid, path.stat().st_gid) == (10001, 10002)
    assert (key.stat().st_uid, key.stat().st_mode & 0o777) == (0, 0o600)  # left as it was


@as_root
def test_a_folder_the_user_cannot_write_is_one_line_with_the_fix(open_dir: Path) -> None:
    locked = open_dir / "locked"
    locked.mkdir(mode=0o700)  # uid 10001 cannot even reach data/ inside it
    data = locked / "data"
    out = prepared({"IMMICH_SIDECAR_CONTAINER": "1", "IMMICH_SIDECAR_STATE_DIR": str(data)})
    assert out == {
        "error": f"cannot write to {data} as uid 10001 (gid 10001): on the host, "
        f"run 'chown -R 10001:10001' on the folder mounted at {data}, or set "
        "PUID/PGID to its owner"
    }


@as_root
def test_an_unreadable_or_empty_secret_is_one_line(open_dir: Path) -> None:
    base = {"IMMICH_SIDECAR_CONTAINER": "1", "IMMICH_SIDECAR_STATE_DIR": str(open_dir / "d")}
    missing = prepared(base | {"IMMICH_API_KEY_FILE": str(open_dir / "nope")})
    assert missing["error"] == (
        f"cannot read the secret {open_dir / 'nope'} "
        "(IMMICH_API_KEY_FILE): No such file or directory; check the "
        "secret's file in the compose file"
    )
    empty = prepared(base | {"IMMICH_API_KEY_FILE": str(secret(open_dir, "\n"))})
    assert "is empty: put the API key in it" in str(empty["error"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_non_root_start_that_cannot_write_says_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o500)
    with pytest.raises(StartupError, match=rf"cannot write to {data} as uid {os.getuid()}"):
        check_writable(data)


def test_outside_the_image_nothing_changes(tmp_path: Path) -> None:
    env = {"IMMICH_SIDECAR_STATE_DIR": str(tmp_path / "d"), "IMMICH_API_KEY_FILE": "/x"}
    prepare(env)
    assert env == {"IMMICH_SIDECAR_STATE_DIR": str(tmp_path / "d"), "IMMICH_API_KEY_FILE": "/x"}
    assert not (tmp_path / "d").exists()


def test_the_command_line_runs_with_the_secret_read_at_start(
    immich_v2: FakeImmich, open_dir: Path
) -> None:
    """`immich-sidecar check` in container mode: the key comes from the secret file read at
    start (as the current user here: PUID/PGID are our own ids)."""
    user = immich_v2.state.add_user()
    key = immich_v2.state.add_key(user)
    env = {
        "IMMICH_SIDECAR_CONTAINER": "1",
        "IMMICH_SIDECAR_STATE_DIR": str(open_dir / "data"),
        "PUID": str(os.getuid()),
        "PGID": str(os.getgid()),
        "IMMICH_URL": immich_v2.url,
        "IMMICH_API_KEY_FILE": str(secret(open_dir, key)),
    }
    res = run_process(["check"], env=env)
    assert res.returncode == 0, res.stderr
    assert "read-only use: ok" in res.stdout
    bad = run_process(["check"], env=env | {"PUID": "me"})
    assert (bad.returncode, bad.stderr) == (
        1,
        "immich-sidecar: PUID must be a number (a user or group id), not 'me'\n",
    )


def test_the_image_and_its_compose_example() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert "\nUSER " not in dockerfile  # starts as root; sidecar/container.py drops
    assert "IMMICH_SIDECAR_CONTAINER=1" in dockerfile
    assert "pip uninstall --yes pip setuptools" in dockerfile
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert ignored[ignored.index("*") :][:5] == [
        "*",
        "!pyproject.toml",
        "!README.md",
        "!sidecar/",
        "!config/",
    ]
    compose = (REPO / "docker-compose.example.yml").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "build: ./immich-sidecar" in compose
    assert "build: ." not in compose.replace("build: ./", "")
    assert "IMMICH_API_KEY_FILE: /run/secrets/immich_api_key" in compose
    # the README shows the same, one example
    service = compose[compose.index("services:") :].strip()
    assert service in readme
