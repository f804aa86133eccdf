"""The seeds of a partial regroup, from the rows of the touched-inputs log."""

from __future__ import annotations

from sidecar.engine.core.touched import Touched, seeds


def test_each_kind_of_row_names_its_places_contents_and_keys() -> None:
    found = seeds(
        [
            (Touched.FILE, [1, "2019/Summer", "a.jpg", "c1"]),
            (Touched.FILE, [1, "new", "b.jpg", None]),  # not hashed yet
            (Touched.CONTENT, "c2"),
            (Touched.ASSET, ["asset-1", "/mnt/photos/x.jpg"]),
            (Touched.ASSET, ["asset-2", None]),
            (Touched.KEYS, ["/p/a.jpg", "asset-3"]),
            (Touched.PAIR, ["/p/IMG_1.dng", "/p/IMG_1.jpg"]),
            (Touched.MARK, "asset-4"),
        ]
    )
    assert not found.full
    assert found.places == {(1, "2019/Summer", "a.jpg"), (1, "new", "b.jpg")}
    assert found.contents == {"c1", "c2"}
    assert found.immich_paths == {"/mnt/photos/x.jpg"}
    assert found.keys == {"asset-1", "asset-2", "/p/a.jpg", "asset-3", "asset-4"}
    assert found.assets == {"asset-1", "asset-2"}  # rows of the mirror: decided again
    assert found.pair_keys == {"/p/IMG_1.dng", "/p/IMG_1.jpg"}


def test_a_root_or_a_name_change_or_an_unknown_kind_asks_for_everything() -> None:
    assert seeds([(Touched.CONTENT, "c1"), (Touched.FULL, None)]).full
    assert seeds([("something newer", "x")]).full
    assert not seeds([]).full
