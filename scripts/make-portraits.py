#!/usr/bin/env python3
"""Draws the synthetic portraits of the virtual cards (no real person): a face-like figure on a pale backdrop,
with skin texture noise so JPEG sizes land where a chip's DG2 portrait does (15-25 KB). Deterministic per name.
Some chips hold their face as JPEG 2000: the names in JP2_NAMES are written as JP2 files by OpenJPEG's
`opj_compress` (Debian's libopenjp2-tools), near the same size.

Usage: scripts/make-portraits.py  (writes Vectors/cards/portraits/*.jpg and *.jp2)
Needs Pillow and numpy (pip install pillow numpy), and opj_compress for the JP2 portraits.
"""
import io
import pathlib
import subprocess
import tempfile
import zlib

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

OUT = pathlib.Path(__file__).resolve().parent.parent / "Vectors" / "cards" / "portraits"
NAMES = ["nguyen-van-an", "dam-anh-hang", "he-le-khue", "ho-ngoc-to", "truong-thuy-duong", "ly-tu",
         "luc-van-son", "kieu-thi-nga", "quach-minh-tri", "ton-nu-hoa"]
JP2_NAMES = ["mai-thi-dao"]
W, H = 360, 480
TARGET = (17_000, 23_000)


def portrait(name: str) -> Image.Image:
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    backdrop = tuple(int(v) for v in rng.integers(200, 240, 3))
    img = Image.new("RGB", (W, H), backdrop)
    d = ImageDraw.Draw(img)
    skin = tuple(int(v) for v in (rng.integers(190, 235), rng.integers(150, 190), rng.integers(120, 160)))
    hair = tuple(int(v) for v in rng.integers(10, 60, 3))
    shirt = tuple(int(v) for v in rng.integers(20, 200, 3))
    cx = W // 2 + int(rng.integers(-10, 10))
    d.ellipse([cx - 150, 360, cx + 150, 640], fill=shirt)                 # shoulders
    d.rectangle([cx - 35, 300, cx + 35, 380], fill=skin)                  # neck
    d.ellipse([cx - 95, 70, cx + 95, 330], fill=hair)                     # hair
    d.ellipse([cx - 80, 105, cx + 80, 335], fill=skin)                    # face
    for ex in (-38, 38):                                                  # eyes and brows
        d.ellipse([cx + ex - 16, 195, cx + ex + 16, 212], fill=(250, 250, 250))
        d.ellipse([cx + ex - 7, 197, cx + ex + 7, 210], fill=(40, 30, 25))
        d.line([cx + ex - 20, 182, cx + ex + 20, 178], fill=hair, width=5)
    d.line([cx, 205, cx - 8, 258, cx + 6, 262], fill=tuple(max(0, c - 40) for c in skin), width=3)  # nose
    d.arc([cx - 32, 262, cx + 32, 300], 20, 160, fill=(150, 60, 60), width=4)                       # mouth
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    a = np.asarray(img).astype(np.int16)
    a += rng.normal(0, 7, a.shape).astype(np.int16)                       # sensor noise and texture
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def jpeg_near_target(img: Image.Image) -> bytes:
    best = None
    for q in range(95, 20, -3):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=q, optimize=True)
        data = buf.getvalue()
        best = data
        if len(data) <= TARGET[1]:
            break
    return best


def jp2_near_target(img: Image.Image) -> bytes:
    """JPEG 2000 (JP2 file format) from OpenJPEG, the compression ratio raised until the file is in TARGET."""
    with tempfile.TemporaryDirectory() as folder:
        source = pathlib.Path(folder) / "face.png"
        img.save(source)
        best = None
        for ratio in (20, 25, 30, 35, 40, 50, 60, 80):
            out = pathlib.Path(folder) / "face.jp2"
            subprocess.run(["opj_compress", "-i", str(source), "-o", str(out), "-r", str(ratio)],
                           check=True, stdout=subprocess.DEVNULL)
            best = out.read_bytes()
            if len(best) <= TARGET[1]:
                break
        return best


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        data = jpeg_near_target(portrait(name))
        (OUT / f"{name}.jpg").write_bytes(data)
        print(f"{name}.jpg {len(data)} bytes")
    for name in JP2_NAMES:
        data = jp2_near_target(portrait(name))
        (OUT / f"{name}.jp2").write_bytes(data)
        print(f"{name}.jp2 {len(data)} bytes")


if __name__ == "__main__":
    main()
