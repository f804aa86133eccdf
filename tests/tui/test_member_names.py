"""A member's path in the group view's table: the file name whole, the folder cut in its
middle so that copies in different folders never read alike."""

from __future__ import annotations

import pytest

from sidecar.tui.widgets.member_table import whole_name


@pytest.mark.parametrize(
    ("paths", "width"),
    [
        (["Backup/2019/Summer/astronaut.jpg", "2019/Summer/astronaut.jpg"], 24),
        (["a/b/trip-0/copy1/IMG_0000.jpg", "a/b/trip-0/copy2/IMG_0000.jpg"], 20),
        (["Exports/2019/IMG_1.jpg", "Phone/2019/IMG_1.jpg"], 16),
    ],
)
def test_copies_in_different_folders_read_differently(paths: list[str], width: int) -> None:
    shown = [whole_name(p, width) for p in paths]
    assert len(set(shown)) == len(shown), shown
    for path, cut in zip(paths, shown, strict=True):
        assert len(cut) <= width
        assert cut.endswith("/" + path.rsplit("/", 1)[-1])


def test_a_name_longer_than_the_room_stays_whole() -> None:
    assert whole_name("folder/a_very_long_file_name.jpeg", 10) == "…a_very_long_file_name.jpeg"
    assert whole_name("short.jpg", 30) == "short.jpg"
