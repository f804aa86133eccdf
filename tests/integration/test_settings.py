from __future__ import annotations

from pathlib import Path

import pytest

from sidecar.settings import SettingsError, load_settings
from tests.helpers import REPO

EXAMPLE = REPO / "config" / "sidecar.example.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sidecar.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_loads_and_documents_every_key() -> None:
    settings = load_settings(EXAMPLE, environ={})
    assert settings.immich.url == "http://immich-server:2283"
    assert settings.libraries[0].immich_path == "/data"  # Immich 2.x: its uploads at /data
    text = EXAMPLE.read_text(encoding="utf-8")
    sections = {
        "immich": settings.immich,
        "storage": settings.storage,
        "scan": settings.scan,
        "sync": settings.sync,
        "analysis": settings.analysis,
        "libraries": settings.libraries[0],
        "immich.users": settings.immich.users[0],
    }
    for name, section in sections.items():
        for key in type(section).model_fields:
            documented = f"{key} =" in text or f"[[{name}.{key}]]" in text
            assert documented, f"{name}.{key} is not documented in the example"


def test_defaults_without_a_file() -> None:
    settings = load_settings(None, environ={})
    assert settings.scan.hash_algorithm == "sha1"
    assert settings.libraries == []
    assert settings.source == "<defaults>"


def test_unknown_key_names_file_key_and_closest(tmp_path: Path) -> None:
    path = write(tmp_path, '[immich]\nurl = "http://x:2283"\napi_kye = "k"\n')
    with pytest.raises(SettingsError) as err:
        load_settings(path, environ={})
    assert str(err.value) == (
        f"{path}, line 3: unknown key 'immich.api_kye'; did you mean 'immich.api_key'?"
    )


def test_unknown_key_in_library_table(tmp_path: Path) -> None:
    path = write(tmp_path, '[[libraries]]\nlocal_path = "/m"\nimmich_pth = "/u"\n')
    with pytest.raises(
        SettingsError,
        match=r"libraries\[0\]\.immich_pth'; did you mean "
        r"'libraries\[0\]\.immich_path'",
    ):
        load_settings(path, environ={})


def test_unknown_section(tmp_path: Path) -> None:
    path = write(tmp_path, "[storge]\nstate_dir = '/d'\n")
    with pytest.raises(SettingsError, match="unknown key 'storge'; did you mean 'storage'"):
        load_settings(path, environ={})


def test_bad_value_says_what_is_expected(tmp_path: Path) -> None:
    path = write(tmp_path, '[scan]\nhash_algorithm = "md5"\nconcurrency = 0\n')
    with pytest.raises(SettingsError) as err:
        load_settings(path, environ={})
    lines = str(err.value).splitlines()
    assert len(lines) == 2
    assert "bad value for 'scan.hash_algorithm' ('md5')" in lines[0]
    assert "'sha1' or 'sha256'" in lines[0]
    assert "bad value for 'scan.concurrency' (0)" in lines[1]
    assert "greater than or equal to 1" in lines[1]


def test_bad_url(tmp_path: Path) -> None:
    path = write(tmp_path, '[immich]\nurl = "immich-server:2283"\n')
    with pytest.raises(SettingsError, match="expected a URL starting with http"):
        load_settings(path, environ={})


def test_missing_required_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[[libraries]]\nimmich_path = "/u"\n')
    with pytest.raises(SettingsError, match=r"missing required key 'libraries\[0\]\.local_path'"):
        load_settings(path, environ={})


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[immich\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(path, environ={})
    with pytest.raises(SettingsError, match="config file not found"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_environment_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, '[immich]\nurl = "http://a:1"\napi_key = "from-file"\n')
    key_file = tmp_path / "key"
    key_file.write_text("secret-from-file\n", encoding="utf-8")
    env = {
        "IMMICH_SIDECAR_CONFIG": str(path),
        "IMMICH_URL": "http://immich-server:2283/api",
        "IMMICH_SIDECAR_STATE_DIR": str(tmp_path / "state"),
    }
    settings = load_settings(None, environ=env)
    assert settings.immich.url == "http://immich-server:2283/api"
    assert settings.storage.db_path == tmp_path / "state" / "inventory.db"
    assert settings.api_key() == "from-file"
    env2 = {"IMMICH_API_KEY_FILE": str(key_file)}
    assert load_settings(None, environ=env2).api_key() == "secret-from-file"
    env3 = {"IMMICH_API_KEY_FILE": str(tmp_path / "missing")}
    with pytest.raises(SettingsError, match="cannot read the API key file"):
        load_settings(None, environ=env3).api_key()


def test_path_mapping_longest_prefix(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[libraries]]\nimmich_path = "/usr/src/app/upload"\nlocal_path = "/immich-upload"\n'
        '[[libraries]]\nimmich_path = "/usr/src/app/upload/library/anna"\n'
        'local_path = "/mnt/anna"\n'
        '[[libraries]]\nimmich_path = "/mnt/nas/photos/"\nlocal_path = "/photos"\n',
    )
    s = load_settings(path, environ={})
    assert s.map_immich_path("/usr/src/app/upload/upload/u1/ab/x.jpg") == Path(
        "/immich-upload/upload/u1/ab/x.jpg"
    )
    assert s.map_immich_path("/usr/src/app/upload/library/anna/2020/a.jpg") == Path(
        "/mnt/anna/2020/a.jpg"
    )
    assert s.map_immich_path("/mnt/nas/photos/a b/c.jpg") == Path("/photos/a b/c.jpg")
    assert s.map_immich_path("/mnt/nas/photos2/c.jpg") is None
    # the inverse: the Immich paths that map to a local path
    assert s.immich_paths_of("/mnt/anna/2020/a.jpg") == [
        "/usr/src/app/upload/library/anna/2020/a.jpg"
    ]
    assert s.immich_paths_of("/photos/a b/c.jpg") == ["/mnt/nas/photos/a b/c.jpg"]
    assert s.immich_paths_of("/immich-upload/upload/u1/ab/x.jpg") == [
        "/usr/src/app/upload/upload/u1/ab/x.jpg"
    ]
    assert s.immich_paths_of("/elsewhere/x.jpg") == []
    for local in ("/mnt/anna/2020/a.jpg", "/photos/a b/c.jpg"):
        assert all(s.local_path_of(i) == local for i in s.immich_paths_of(local))


def test_a_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    path = write(tmp_path, '[immich]\nurl = "http://a:1"\n')
    with pytest.raises(SettingsError) as err:
        load_settings(path, environ={"IMMICH_URL": "immich-server:2283"})
    assert str(err.value).startswith("environment variable IMMICH_URL: bad value for 'immich.url'")
    assert "line" not in str(err.value)
    # an empty variable overrides nothing; the file's value stands
    assert load_settings(path, environ={"IMMICH_URL": ""}).immich.url == "http://a:1"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:99999", "http://localhost:abc", "http://:2283", "http://h:0"]
)
def test_a_url_without_a_usable_host_or_port_is_refused(url: str) -> None:
    with pytest.raises(SettingsError, match="with a port from 1 to 65535"):
        load_settings(None, environ={"IMMICH_URL": url})
