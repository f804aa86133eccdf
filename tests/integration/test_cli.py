"""The command line as a user and a script see it: output contracts and exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.helpers.pictures import noise_contents
from tests.helpers.process import run_process

SCAN_INT_KEYS = ("scanned", "added", "changed", "moved", "removed", "unchanged", "hashed", "errors")


def test_scan_json_contract(cli: Any, photos: Path, state_dir: Path) -> None:
    env = {"IMMICH_SIDECAR_STATE_DIR": str(state_dir)}
    res = cli("scan", str(photos), "--json", env=env)
    assert res.code == 0, res.err
    data = json.loads(res.out)
    for key in SCAN_INT_KEYS:
        assert isinstance(data[key], int), key
    assert isinstance(data["duration_s"], float)
    assert data["error_details"] == []
    assert (data["scanned"], data["added"], data["hashed"]) == (21, 21, 21)


def test_scan_text_summary_and_status(cli: Any, photos: Path, state_dir: Path) -> None:
    env = {"IMMICH_SIDECAR_STATE_DIR": str(state_dir)}
    bad = photos / "Odd names" / "bad\nname.jpg"
    bad.write_bytes(b"")
    bad.chmod(0o000)
    res = cli("scan", str(photos), env=env)
    assert res.code == 0
    assert "Scan: 22 media files in 1 folder, " in res.out
    assert "added 22" in res.out
    status = cli("status", env=env)
    assert status.code == 0
    assert "files on disk 22" in status.out
    assert "#1 scan    ok" in status.out
    assert "22 files, 22 new\n" in status.out  # counts in words, per kind of operation
    assert "photos, 19 fingerprinted, 1 undecodable" in status.out


def test_status_json_contract(cli: Any, photos: Path, state_dir: Path) -> None:
    env = {"IMMICH_SIDECAR_STATE_DIR": str(state_dir)}
    empty = json.loads(cli("status", "--json", env=env).out)
    assert (empty["files"], empty["assets"], empty["operations"]) == (0, 0, [])
    cli("scan", str(photos), "--json", "--no-analyze", env=env)
    (photos / "2021/Sky/hubble.jpg").unlink()
    cli("scan", str(photos), "--json", "--no-analyze", env=env)
    data = json.loads(cli("status", "--json", env=env).out)
    assert (data["files"], data["assets"], data["files_removed"]) == (20, 0, 1)
    ops = data["operations"]
    assert [(o["kind"], o["status"]) for o in ops] == [("scan", "ok"), ("scan", "ok")]
    assert (ops[0]["removed"], ops[1]["added"]) == (1, 21)
    assert all(isinstance(o[k], int) for o in ops for k in SCAN_INT_KEYS)


def test_configured_libraries_are_scanned_without_paths(
    cli: Any, photos: Path, tmp_path: Path
) -> None:
    config = tmp_path / "sidecar.toml"
    config.write_text(
        f'[storage]\nstate_dir = "{tmp_path / "st"}"\n'
        f'[[libraries]]\nimmich_path = "/usr/src/app/upload"\nlocal_path = "{photos}"\n',
        encoding="utf-8",
    )
    data = json.loads(cli("--config", str(config), "scan", "--json").out)
    assert data["scopes"] == [str(photos)]
    assert data["added"] == 21


def test_bad_config_exits_2_with_one_line(cli: Any, tmp_path: Path) -> None:
    config = tmp_path / "sidecar.toml"
    config.write_text("[scan]\nbatch_sise = 10\n", encoding="utf-8")
    res = cli("--config", str(config), "status")
    assert res.code == 2
    assert res.err == (
        f"immich-sidecar: {config}, line 2: unknown key 'scan.batch_sise'; "
        "did you mean 'scan.batch_size'?\n"
    )
    assert res.out == ""


def test_nothing_to_scan_is_a_usage_error(cli: Any, state_dir: Path) -> None:
    res = cli("scan", env={"IMMICH_SIDECAR_STATE_DIR": str(state_dir)})
    assert res.code == 2
    assert res.err.startswith("immich-sidecar: nothing to scan: give a folder")
    assert len(res.err.splitlines()) == 1


def test_unusable_state_dir_exits_1_with_one_line(cli: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    res = cli("status", env={"IMMICH_SIDECAR_STATE_DIR": str(blocker / "state")})
    assert res.code == 1
    assert res.err.startswith("immich-sidecar: cannot create the state folder")
    assert len(res.err.splitlines()) == 1


def test_usage_errors_exit_2(cli: Any) -> None:
    assert cli("frobnicate").code == 2
    assert cli("scan", "--bogus").code == 2
    assert cli("--version").code == 0


def test_missing_scan_path_stops_before_anything_is_recorded(
    cli: Any, photos: Path, state_dir: Path
) -> None:
    env = {"IMMICH_SIDECAR_STATE_DIR": str(state_dir)}
    res = cli("scan", str(photos), str(photos / "nope"), "--json", env=env)
    assert res.code == 2
    assert res.out == ""
    assert json.loads(cli("status", "--json", env=env).out)["roots"] == []


def test_demo_prepares_real_photos_and_scans_them(tmp_path: Path) -> None:
    """The README's first command, as a separate process in a fresh folder."""
    proc = run_process(["demo", "--dir", str(tmp_path / "demo")], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Sample library:" in proc.stdout
    assert "added 24" in proc.stdout  # 21 photos and 3 clips
    assert (tmp_path / "demo/photos/2019/Summer/astronaut.jpg").stat().st_size > 50_000
    assert "a trimmed copy: 0:03.0 of IMG_5001.MOV's 0:06.0" in proc.stdout
    assert "the same clip in another encoding" in proc.stdout
    again = run_process(["demo", "--dir", str(tmp_path / "demo"), "--json"], cwd=tmp_path)
    data = json.loads(again.stdout)
    assert (data["unchanged"], data["hashed"]) == (24, 0)


def test_output_into_a_closed_pipe_ends_quietly(state_dir: Path) -> None:
    """`immich-sidecar ... | head`: the reader goes away, no traceback, SIGPIPE's exit code."""
    env = {**os.environ, "IMMICH_SIDECAR_STATE_DIR": str(state_dir)}
    for args in (["--help"], ["status"]):
        proc = subprocess.Popen(
            [sys.executable, "-m", "sidecar", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert proc.stdout is not None
        assert proc.stderr is not None
        proc.stdout.close()  # before the program writes anything
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=60)
        assert err == "", err
        assert code == (0 if args == ["--help"] else 141)  # argparse ignores the closed pipe


def test_scan_of_a_typo_or_a_file_records_nothing(cli: Any, photos: Path, state_dir: Path) -> None:
    env = {"IMMICH_SIDECAR_STATE_DIR": str(state_dir)}
    typo = photos.parent / "fotos"
    res = cli("scan", str(typo), env=env)
    assert res.code == 2
    assert (
        res.err
        == f"immich-sidecar: {typo}: no such folder; check the path (nothing was recorded)\n"
    )
    one = next(photos.rglob("*.jpg"))
    res = cli("scan", str(one), env=env)
    assert res.code == 2
    assert "is a file, not a folder: give the folder that holds it" in res.err
    status = cli("status", "--json", env=env)
    assert json.loads(status.out)["roots"] == []


def test_forget_a_scanned_folder(cli: Any, photos: Path, state_dir: Path) -> None:
    env = {"IMMICH_SIDECAR_STATE_DIR": str(state_dir)}
    part = photos / "2021"
    assert cli("scan", str(part), "--no-analyze", env=env).code == 0
    res = cli("forget", str(part), "--json", env=env)
    assert res.code == 0, res.err
    assert json.loads(res.out)["records_dropped"] > 0
    assert json.loads(cli("status", "--json", env=env).out)["roots"] == []
    assert any(part.rglob("*.jpg"))  # nothing on disk touched
    again = cli("forget", str(part), env=env)
    assert again.code == 2
    assert "is not a scanned folder (known: none)" in again.err


def test_analyze_shows_progress_and_ctrl_c_ends_it_in_one_line(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the whole process group, workers included) during the analysis: one
    line, exit 130, the operation recorded as stopped by you, no worker tracebacks."""
    photos = tmp_path / "noise"
    noise_contents(photos, 600)  # work enough to interrupt: the line comes as it starts
    env = {**os.environ, "IMMICH_SIDECAR_STATE_DIR": str(tmp_path / "state")}
    assert run_process(["scan", "--no-analyze", str(photos)], env=env).returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "sidecar", "analyze"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()  # progress: the first chunk is fingerprinted
    os.killpg(proc.pid, signal.SIGINT)
    out, rest = proc.communicate(timeout=120)
    assert first.startswith("analysis: fingerprints "), first + rest
    assert proc.returncode == 130, out + rest
    assert rest.strip().splitlines()[-1] == "immich-sidecar: stopped; run it again to resume"
    assert "Traceback" not in rest
    ops = json.loads(run_process(["status", "--json"], env=env).stdout)["operations"]
    assert ops[0]["kind"] == "analyze"
    assert ops[0]["status"] == "interrupted"
    assert ops[0]["error_message"].startswith("stopped by you; ")


def test_tui_without_a_terminal_says_so(state_dir: Path) -> None:
    proc = run_process(
        ["tui"], env={"IMMICH_SIDECAR_STATE_DIR": str(state_dir)}, stdin=subprocess.DEVNULL
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        "immich-sidecar: tui needs a terminal (over SSH: ssh -t; in Docker: docker exec -it)\n"
    )
