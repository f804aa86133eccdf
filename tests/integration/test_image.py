"""What the Docker image does, without a Docker engine: the Dockerfile's install step
(`pip install .` into a fresh virtual environment) and its entrypoint (`immich-sidecar serve`,
and `immich-sidecar health` as the HEALTHCHECK), with the image's environment.

The fresh environment sees the test environment's own dependencies (the same requirements,
resolved by its install), so pip builds and installs the project itself (its modules, package
data and entry point) without installing numpy, scipy, textual ... again (two and a half
minutes of the suite on two loaded cores)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from tests.fake_immich import FakeImmich
from tests.helpers import REPO

# what the fresh environment has of its own (and the project itself, which it must install)
OWN = ("immich_sidecar", "__editable__", "sidecar", "pip", "setuptools", "_distutils_hack")


def share_dependencies(venv: Path, shared: Path) -> None:
    """Make the installed dependencies of this environment importable in `venv` (links in
    `shared`, named by a .pth file), not the project nor pip's own tools."""
    here = Path(sysconfig.get_paths()["purelib"])
    shared.mkdir()
    for entry in here.iterdir():
        if not entry.name.startswith(OWN) and entry.suffix != ".pth":
            (shared / entry.name).symlink_to(entry)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "test-dependencies.pth").write_text(f"{shared}\n")


def test_dockerfile_install_and_entrypoint_in_a_fresh_environment(
    immich_v2: FakeImmich, tmp_path: Path
) -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert 'CMD ["serve"]' in dockerfile
    assert 'CMD ["immich-sidecar", "health"]' in dockerfile
    image_env = dict(re.findall(r"(IMMICH_SIDECAR_\w+)=(\S+)", dockerfile))
    assert image_env == {
        "IMMICH_SIDECAR_CONFIG": "/config/sidecar.toml",
        "IMMICH_SIDECAR_STATE_DIR": "/data",
        "IMMICH_SIDECAR_CONTAINER": "1",
    }

    venv = tmp_path / "opt-sidecar"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    share_dependencies(venv, tmp_path / "dependencies")
    install = subprocess.run(
        [str(venv / "bin/pip"), "install", "--quiet", "--disable-pip-version-check", str(REPO)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-2000:]

    user = immich_v2.state.add_user()
    key = immich_v2.state.add_key(user)
    config, data = tmp_path / "config/sidecar.toml", tmp_path / "data"
    config.parent.mkdir()
    config.write_text(f'[immich]\nurl = "{immich_v2.url}"\n[schedule]\nsync_every_min = 0.05\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMMICH", "VIRTUAL_ENV"))}
    env |= {
        "PATH": f"{venv / 'bin'}:{env.get('PATH', '')}",
        "IMMICH_API_KEY": key,
        "IMMICH_SIDECAR_CONFIG": str(config),
        "IMMICH_SIDECAR_STATE_DIR": str(data),
        "PYTHONUNBUFFERED": "1",
        "IMMICH_SIDECAR_CONTAINER": "1",
        "PUID": str(os.getuid()),
        "PGID": str(os.getgid()),
    }
    entry = str(venv / "bin/immich-sidecar")
    before = subprocess.run(
        [entry, "health"], env=env, capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert before.returncode == 1
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen([entry, "serve"], env=env, cwd=tmp_path, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        healthy = None
        while time.monotonic() < deadline:
            healthy = subprocess.run(
                [entry, "health"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
                cwd=tmp_path,
            )
            if healthy.returncode == 0:
                break
            time.sleep(0.5)
        assert healthy is not None
        assert healthy.returncode == 0, healthy.stdout
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=15) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
    assert (data / "inventory.db").exists()
