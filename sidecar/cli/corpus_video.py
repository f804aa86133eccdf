"""A labelled video corpus made with PyAV from real photographs (scikit-image's), for `eval`.

Each family is one filmed moment: a camera original (a pan and zoom over a photograph, 8 s,
1280x720 at 30 fps, a QuickTime file with the camera's make, model and creation time and no
encoder tag), and what happens to such a clip afterwards, each transcoded from the original
(decoded and encoded again, with the Lavf encoder tag a re-encode carries):
- a lower bitrate export at the same size, a messenger's 480p MP4, a 24 fps export (and a
  60 fps one for every other family): duplicates of the original and of each other;
- a trim: a few seconds cut from inside (a variant of every full-length member, never a
  duplicate).
Beside them, clips of the same scene that are other clips (never grouped with anything): the
camera going the other way, the pan played backwards, another zoom, and a static shot.

The clips are small (a few MB in all) and cached: a corpus already made for this seed and
VERSION is reused.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VERSION = 1  # bump when the clips change: a cached corpus of another version is made again
FAMILIES = ("astronaut", "chelsea", "coffee", "rocket")
POOL = (*FAMILIES, "motorcycle_left", "hubble_deep_field", "camera", "retina")
SECONDS = 8.0
SIZE = (1280, 720)  # the originals' (tests make a smaller corpus)
FPS = 30
CAMERA = ("Apple", "iPhone 12 Pro")
TAKEN = "2023-06-0{day}T1{hour}:30:00Z"
_STAMP = "labels.json"

# a view of the scene at time t (0..1): centre x, centre y, width of the window (shares of the
# scene's width)
View = Callable[[float], tuple[float, float, float]]


def _pan(t: float) -> tuple[float, float, float]:
    """The original: left to right and down a little, zooming in."""
    return 0.35 + 0.3 * t, 0.42 + 0.16 * t, 0.62 - 0.14 * t


def _other_way(t: float) -> tuple[float, float, float]:
    """The same scene filmed again: down and to the left, at one zoom."""
    return 0.6 - 0.2 * t, 0.35 + 0.3 * t, 0.55


def _backwards(t: float) -> tuple[float, float, float]:
    return _pan(1 - t)


def _zoom(t: float) -> tuple[float, float, float]:
    """Another zoom: into the middle, from wide to close."""
    return 0.5, 0.5, 0.8 - 0.4 * t


def _static(t: float) -> tuple[float, float, float]:
    return 0.45, 0.5, 0.55


@dataclass
class VideoLabels:
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # relative paths
    variants: list[tuple[str, str]] = field(default_factory=list)  # (trim, full-length member)
    unrelated: list[str] = field(default_factory=list)  # clips never grouped with anything
    # (every full-length file of one family, the members a person would keep)
    keepers: list[tuple[frozenset[str], frozenset[str]]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)  # each file's kind

    def as_json(self) -> dict[str, Any]:
        return {
            "duplicates": self.duplicates,
            "variants": self.variants,
            "unrelated": self.unrelated,
            "keepers": [[sorted(a), sorted(b)] for a, b in self.keepers],
            "kinds": self.kinds,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VideoLabels:
        return cls(
            [(a, b) for a, b in data["duplicates"]],
            [(a, b) for a, b in data["variants"]],
            list(data["unrelated"]),
            [(frozenset(a), frozenset(b)) for a, b in data["keepers"]],
            dict(data["kinds"]),
        )


def place(cache: Path, labels: VideoLabels, target: Path) -> None:
    """The cached clips under `target` (hard links where the file system allows, else
    copies), with their file times."""
    for rel in labels.kinds:
        dst = target / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(cache / rel, dst)
        except OSError:
            shutil.copy2(cache / rel, dst)


def _scene(name: str) -> Any:
    """The photograph as an RGB array, 1920 px wide (the pans crop windows of it)."""
    import numpy as np
    from PIL import Image

    from sidecar.cli.samples import _data_dir

    found = next(_data_dir().glob(f"{name}.*"))
    with Image.open(found) as img:
        rgb = img.convert("RGB")
    return np.asarray(rgb.resize((1920, round(1920 * rgb.height / rgb.width))))


def _frames(scene: Any, view: View, size: tuple[int, int], n: int) -> Iterator[Any]:
    """`n` frames (RGB arrays of `size`) of the window `view` moving over `scene`."""
    from PIL import Image

    img = Image.fromarray(scene)
    aspect = size[1] / size[0]
    for k in range(n):
        cx, cy, share = view(k / max(1, n - 1))
        w = share * img.width
        h = min(w * aspect, img.height)
        w = h / aspect
        x = min(max(0.0, cx * img.width - w / 2), img.width - w)
        y = min(max(0.0, cy * img.height - h / 2), img.height - h)
        yield img.resize(size, Image.Resampling.BILINEAR, box=(x, y, x + w, y + h))


def _open_out(path: Path, camera: dict[str, str] | None) -> Any:
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    if camera is None:  # a re-encode: an MP4 with the Lavf encoder tag
        return av.open(str(path), "w", format="mp4")
    out = av.open(
        str(path),
        "w",
        format="mov",
        options={"movflags": "use_metadata_tags"},
        container_options={"fflags": "+bitexact"},  # no encoder tag: a camera wrote it
    )
    out.metadata.update(camera)
    return out


def _encode(
    path: Path,
    frames: Iterator[Any],
    size: tuple[int, int],
    fps: int,
    bitrate: int,
    camera: dict[str, str] | None = None,
) -> None:
    import av

    with _open_out(path, camera) as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = bitrate
        stream.options = {"preset": "veryfast"}
        for img in frames:
            frame = av.VideoFrame.from_image(img)  # type: ignore[no-untyped-call]
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def _picked(path: Path, indices: Iterator[int]) -> Iterator[Any]:
    """The original's frames at these (non-decreasing) indices, decoded one at a time."""
    import av

    with av.open(str(path)) as src:
        frames = src.decode(video=0)
        at, img = -1, None
        for want in indices:
            while at < want:
                try:
                    img = next(frames).to_image()  # type: ignore[no-untyped-call]
                except StopIteration:
                    break
                at += 1
            if img is not None:
                yield img


def _transcode(
    original: Path,
    path: Path,
    size: tuple[int, int],
    fps: int,
    bitrate: int,
    start: float = 0.0,
    seconds: float = SECONDS,
) -> None:
    """The original decoded and encoded again: another size, bitrate, frame rate or a part of
    it (the source frame showing at each new frame's moment)."""
    from PIL import Image

    indices = (int((start + k / fps) * FPS + 1e-6) for k in range(round(seconds * fps)))
    _encode(
        path,
        (
            f if f.size == size else f.resize(size, Image.Resampling.BILINEAR)
            for f in _picked(original, indices)
        ),
        size,
        fps,
        bitrate,
    )


def _scaled(size: tuple[int, int], share: float) -> tuple[int, int]:
    """`size` times `share`, even (4:2:0 wants even sides)."""
    return (round(size[0] * share / 2) * 2, round(size[1] * share / 2) * 2)


MIN_RATE = 200_000  # bits per second a clip gets at least (the small corpus's tiny frames)


def _rate(bitrate: int, area: float) -> int:
    return max(MIN_RATE, round(bitrate * area))


def _family(
    root: Path,
    labels: VideoLabels,
    n: int,
    name: str,
    rng: random.Random,
    size: tuple[int, int],
) -> None:
    scene = _scene(name)
    # bitrates scale with the frame area (a small corpus for tests: not below a floor)
    area = size[0] * size[1] / (SIZE[0] * SIZE[1])
    stem = f"IMG_{4100 + n}"
    camera = {
        "com.apple.quicktime.make": CAMERA[0],
        "com.apple.quicktime.model": CAMERA[1],
        "com.apple.quicktime.software": "16.5",
        "com.apple.quicktime.creationdate": TAKEN.format(day=n + 1, hour=n),
        "creation_time": TAKEN.format(day=n + 1, hour=n),
    }
    count = round(SECONDS * FPS)
    original = f"originals/{stem}.MOV"
    rate = _rate(6_000_000, area)
    _encode(root / original, _frames(scene, _pan, size, count), size, FPS, rate, camera)
    copies: dict[str, tuple[str, tuple[int, int], int, int]] = {
        f"exports/{stem}_small.mp4": ("low-bitrate", size, FPS, 700_000),
        f"messenger/VID-2023060{n + 1}-WA000{n}.mp4": (
            "messenger-480p",
            _scaled(size, 2 / 3),
            FPS,
            500_000,
        ),
        f"exports/{stem}_24fps.mp4": ("24fps", _scaled(size, 3 / 4), 24, 1_500_000),
    }
    if n % 2 == 0:
        copies[f"exports/{stem}_60fps.mp4"] = ("60fps", _scaled(size, 1 / 2), 60, 1_200_000)
    for rel, (_, dims, fps, bitrate) in copies.items():
        _transcode(root / original, root / rel, dims, fps, _rate(bitrate, area))
    start = rng.choice((1.5, 2.0, 2.5, 3.0))
    length = rng.choice((3.0, 3.5, 4.0))
    trim = f"clips/{stem}_trim.mp4"
    _transcode(root / original, root / trim, size, FPS, _rate(3_000_000, area), start, length)
    family = [original, *copies]
    labels.kinds[original] = "original"
    labels.kinds.update({rel: kind for rel, (kind, *_) in copies.items()})
    labels.kinds[trim] = f"trim@{start:.1f}s"
    labels.duplicates += [(a, b) for i, a in enumerate(family) for b in family[i + 1 :]]
    labels.variants += [(trim, member) for member in family]
    labels.keepers.append((frozenset(family), frozenset([original])))
    others: dict[str, tuple[View, float]] = {
        f"scene/{stem}_other_way.mp4": (_other_way, SECONDS),
        f"scene/{stem}_backwards.mp4": (_backwards, SECONDS),
        f"scene/{stem}_zoom.mp4": (_zoom, SECONDS),
        f"scene/{stem}_static.mp4": (_static, 5.0 + n),
    }
    half = _scaled(size, 1 / 2)
    for rel, (view, seconds) in others.items():
        frames = _frames(scene, view, half, round(seconds * FPS))
        _encode(root / rel, frames, half, FPS, _rate(1_000_000, area))
        labels.kinds[rel] = "unrelated-" + rel.rsplit("_", 1)[-1].removesuffix(".mp4")
        labels.unrelated.append(rel)


def build_video_corpus(
    root: Path, seed: int = 0, families: int = len(FAMILIES), size: tuple[int, int] = SIZE
) -> VideoLabels:
    """The video corpus under `root` and its labels: reused when `root` holds one made the
    same way (seed, families, size, VERSION), else written again (replacing `root`)."""
    stamp = root / _STAMP
    made = {"version": VERSION, "seed": seed, "families": families, "size": list(size)}
    try:
        data = json.loads(stamp.read_text())
        if all(data.get(k) == v for k, v in made.items()):
            return VideoLabels.from_json(data["labels"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(seed)
    names = FAMILIES if seed == 0 else tuple(rng.sample(POOL, len(FAMILIES)))
    labels = VideoLabels()
    for n, name in enumerate(names[:families]):
        _family(root, labels, n, name, rng, size)
    payload = {**made, "labels": labels.as_json()}
    stamp.write_text(json.dumps(payload, indent=1))
    return labels
