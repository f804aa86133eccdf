"""Pictures for the group view's tests and snapshots: one photo in nine folders (an exact group
of nine), and a photo with its small edits (a near group)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageEnhance

TAKEN = "2021:05:06 07:08:09"


def picture(width: int = 400, height: int = 300) -> Image.Image:
    """A smooth picture with shapes (colour changes across it, so a crop moves edges)."""
    img = Image.new("RGB", (width, height))
    img.putdata(
        [
            ((x * 255) // width, (y * 255) // height, 255 if (x // 40 + y // 40) % 2 else 60)
            for y in range(height)
            for x in range(width)
        ]
    )
    return img


def nine_copies(root: Path) -> list[str]:
    """One JPEG (64x48, EXIF orientation 6: shown 48x64, taken at TAKEN) in nine folders."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8769)[0x9003] = TAKEN
    names = []
    for i in range(9):
        folder = root / f"trip-{i}"
        folder.mkdir(parents=True)
        picture(64, 48).save(folder / f"IMG_000{i}.jpg", exif=exif, quality=90)
        names.append(f"IMG_000{i}.jpg")
    return names


def edits(photos: Path, root: Path) -> None:
    """A photo, the same a little brighter, and the same cropped by 4% on each side."""
    root.mkdir(parents=True)
    with Image.open(photos / "2019/Summer/astronaut.jpg") as img:
        base = img.convert("RGB")
    base.save(root / "base.jpg", quality=95)
    ImageEnhance.Brightness(base).enhance(1.15).save(root / "bright.jpg", quality=95)
    dx, dy = base.width * 4 // 100, base.height * 4 // 100
    cropped = base.crop((dx, dy, base.width - dx, base.height - dy))
    cropped.save(root / "crop.jpg", quality=95)


def noise_contents(root: Path, count: int) -> None:
    """`count` different contents of one large noisy JPEG (a comment apiece): enough
    fingerprinting to stop an analysis in the middle of."""
    import io

    data = io.BytesIO()
    Image.effect_noise((1200, 900), 60).convert("RGB").save(data, "JPEG")
    jpeg = data.getvalue()
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        comment = f"copy {i}".encode()
        marker = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
        (root / f"N{i}.jpg").write_bytes(jpeg[:2] + marker + jpeg[2:])
