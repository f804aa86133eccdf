"""Real video files for tests, made with PyAV from a real photograph: a slow pan (and zoom)
over it, so frames at different moments differ as in a filmed clip."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from PIL import Image


def _scene(name: str, edge: int) -> np.ndarray:
    import skimage

    found = next((Path(skimage.__file__).parent / "data").glob(f"{name}.*"))
    with Image.open(found) as img:
        return np.asarray(img.convert("RGB").resize((edge, edge)))


def make_clip(
    path: Path,
    *,
    seconds: float = 4.0,
    size: tuple[int, int] = (320, 240),
    fps: int = 24,
    start: float = 0.0,
    length: float | None = None,
    bitrate: int | None = None,
    codec: str = "libx264",
    scene: str = "astronaut",
    reverse: bool = False,
    metadata: dict[str, str] | None = None,
) -> Path:
    """A clip of a pan over `scene` lasting `seconds` in all; `start` and `length` cut a part
    of it (a trim); `reverse` pans the other way (another clip of the same scene)."""
    img = _scene(scene, 768)
    length = seconds - start if length is None else length
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as out:
        if metadata:
            out.metadata.update(metadata)
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        if bitrate:
            stream.bit_rate = bitrate
        first = round(start * fps)
        for k in range(first, first + round(length * fps)):
            t = k / (seconds * fps)
            t = 1 - t if reverse else t
            x, y = int(t * 250), int(t * 120)
            crop = np.ascontiguousarray(img[y : y + 576, x : x + 768 - 250])
            frame = av.VideoFrame.from_ndarray(crop, format="rgb24").reformat(
                width=size[0], height=size[1]
            )
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def still_image(path: Path) -> Path:
    """A JPEG under whatever name is given (a photo named like a video)."""
    Image.new("RGB", (64, 48), (200, 30, 30)).save(path, format="JPEG")
    return path
