#!/usr/bin/env bash
# Makes the JPEG 2000 portrait fixtures of Vectors/qr/portrait (committed; run again only to change them):
# a synthetic face drawn with numpy (no real person), encoded with OpenJPEG's own opj_compress (Debian
# libopenjp2-tools) as a JP2 file and as bare codestreams, and each decoded with opj_decompress into a reference
# PNM that the tests compare the project's decoder with. Also the hostile files: a cut JP2, and codestreams whose
# SIZ marker declares a huge image or a huge tile grid (made by patching the SIZ bytes of a real codestream).
# Needs: opj_compress, opj_decompress, python3 with numpy (scripts/requirements-qr.txt).
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/Vectors/qr/portrait"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
python3 - "$work" <<'PY'
import sys, numpy as np
work = sys.argv[1]
h, w = 120, 96
yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
# A face-like picture: a warm background gradient, an oval face, two eyes, a mouth; every value deterministic.
r = 90 + 100 * xx / w
g = 120 + 60 * yy / h
b = 200 - 80 * xx / w
face = ((xx - 48) / 30) ** 2 + ((yy - 58) / 40) ** 2 <= 1
r[face], g[face], b[face] = 225 - 0.3 * yy[face], 180 - 0.2 * yy[face], 150 - 0.1 * xx[face]
for cx in (36, 60):
    eye = ((xx - cx) / 5) ** 2 + ((yy - 48) / 3) ** 2 <= 1
    r[eye], g[eye], b[eye] = 40, 30, 25
mouth = (np.abs(xx - 48) <= 10) & (np.abs(yy - 80) <= 2)
r[mouth], g[mouth], b[mouth] = 160, 50, 60
rgb = np.stack([r, g, b], axis=2).clip(0, 255).astype(np.uint8)
grey12 = (rgb.astype(np.float64) @ [0.299, 0.587, 0.114] * 4095 / 255).round().astype(">u2")
def pnm(path, magic, arr, maxval):
    hh, ww = arr.shape[:2]
    with open(path, "wb") as f:
        f.write(f"{magic}\n{ww} {hh}\n{maxval}\n".encode())
        f.write(arr.tobytes())
pnm(f"{work}/face.ppm", "P6", rgb, 255)
pnm(f"{work}/face12.pgm", "P5", grey12, 4095)
# Planar Y, Cb, Cr (BT.601 full range, as sYCC), chroma averaged over 2 x 2: the raw input of a 4:2:0 codestream.
f = rgb.astype(np.float64)
y = 0.299 * f[..., 0] + 0.587 * f[..., 1] + 0.114 * f[..., 2]
cb = 128 - 0.168736 * f[..., 0] - 0.331264 * f[..., 1] + 0.5 * f[..., 2]
cr = 128 + 0.5 * f[..., 0] - 0.418688 * f[..., 1] - 0.081312 * f[..., 2]
half = lambda c: c.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
with open(f"{work}/face-ycc.raw", "wb") as fh:
    for plane in (y, half(cb), half(cr)):
        fh.write(plane.round().clip(0, 255).astype(np.uint8).tobytes())
PY
q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; }
# Lossless 5/3 (the default) JP2 of the RGB face; lossy 9/7 bare codestream; 12-bit grey JP2; 4:2:0 codestream.
q opj_compress -i "$work/face.ppm" -o "$out/face-rgb-lossless.jp2"
q opj_compress -i "$work/face.ppm" -o "$out/face-rgb-lossy.j2k" -I -r 20
q opj_compress -i "$work/face12.pgm" -o "$out/face-grey12.jp2"
q opj_compress -i "$work/face-ycc.raw" -o "$out/face-ycc420.j2k" -F 96,120,3,8,u@1x1:2x2:2x2
for name in face-rgb-lossless.jp2 face-rgb-lossy.j2k face-ycc420.j2k; do
    q opj_decompress -i "$out/$name" -o "$out/${name%.*}.reference.ppm"
done
q opj_decompress -i "$out/face-grey12.jp2" -o "$out/face-grey12.reference.pgm"
python3 - "$out" <<'PY'
import sys
out = sys.argv[1]
jp2 = open(f"{out}/face-rgb-lossless.jp2", "rb").read()
open(f"{out}/truncated.jp2", "wb").write(jp2[: len(jp2) * 2 // 3])
cs = bytearray(open(f"{out}/face-rgb-lossy.j2k", "rb").read())
assert cs[:4] == b"\xff\x4f\xff\x51"
# SIZ after SOC and the marker: Lsiz(2) Rsiz(2) Xsiz(4) Ysiz(4) XOsiz(4) YOsiz(4) XTsiz(4) YTsiz(4) ...
def patched(**fields):
    data = bytearray(cs)
    offsets = {"xsiz": 8, "ysiz": 12, "xtsiz": 24, "ytsiz": 28}
    for name, value in fields.items():
        data[offsets[name]:offsets[name] + 4] = value.to_bytes(4, "big")
    return bytes(data)
open(f"{out}/siz-100000x100000.j2k", "wb").write(patched(xsiz=100_000, ysiz=100_000, xtsiz=100_000, ytsiz=100_000))
open(f"{out}/siz-1000000x1.j2k", "wb").write(patched(xsiz=1_000_000, ysiz=1, xtsiz=1_000_000, ytsiz=1))
open(f"{out}/siz-tiny-tiles.j2k", "wb").write(patched(xtsiz=1, ytsiz=1))
PY
echo "portrait fixtures written to $out" >&2
