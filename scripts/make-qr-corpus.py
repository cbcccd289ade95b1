#!/usr/bin/env python3
"""Renders the card QR corpus from Vectors/qr/texts.json, deterministically (fixed seeds): card fronts (the 2021
CCCD's QR), card backs (the 2024 Căn cước's QR beside the MRZ), flat scans and photos, and whole cards photographed
at an angle.

    make-qr-corpus.py corpus OUT     the full corpus (hundreds of images, 12 MP photos) + OUT/manifest.json
    make-qr-corpus.py samples OUT    the small committed samples (Vectors/qr/samples) + OUT/manifest.json

Every QR is byte mode, UTF-8, no ECI, error correction M (segno), like the card's. The card around it is
abstract (a tinted card, text lines, a portrait box; on the back, three MRZ lines of OCR-like glyphs) so finders and
binarisers see realistic clutter.
Pinned packages: scripts/requirements-qr.txt.
"""
import io
import json
import math
import os
import sys

import cv2
import numpy as np
import segno
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
TEXTS = os.path.join(HERE, "..", "Vectors", "qr", "texts.json")


def qr_matrix(text):
    qr = segno.make_qr(text, encoding="utf-8", mode="byte", error="m", boost_error=False)
    return np.array(qr.matrix, dtype=np.uint8)  # 1 = dark


def render_qr(text, module_px, quiet=4):
    m = qr_matrix(text)
    m = np.pad(m, quiet)
    img = np.where(m == 1, 20, 250).astype(np.uint8)
    return np.kron(img, np.ones((module_px, module_px), dtype=np.uint8))


def render_card(text, module_px, rng):
    """An RGB card front: 85.6 x 54 proportions, the QR at the top right covering ~20% of the width."""
    qr = render_qr(text, module_px, quiet=2)
    q = qr.shape[0]
    width = int(q * 4.6)
    height = int(width * 54 / 85.6)
    tint = np.array([232, 238, 246]) + rng.integers(-8, 8, 3)
    card = np.ones((height, width, 3), dtype=np.float32) * tint
    # A faint guilloche-like wave pattern, as printed security backgrounds have.
    yy, xx = np.mgrid[0:height, 0:width]
    wave = 6 * np.sin(xx / (width / 37.0) + 3 * np.sin(yy / (height / 5.0)))
    card += wave[..., None]
    card = card.clip(0, 255).astype(np.uint8)
    # Portrait box and text lines.
    px0, py0 = int(width * 0.04), int(height * 0.3)
    cv2.rectangle(card, (px0, py0), (px0 + int(width * 0.22), py0 + int(height * 0.55)), (150, 150, 160), -1)
    cv2.circle(card, (px0 + int(width * 0.11), py0 + int(height * 0.22)), int(width * 0.06), (90, 80, 80), -1)
    y = int(height * 0.12)
    for i in range(9):
        x0 = int(width * 0.3)
        length = int(width * rng.uniform(0.2, 0.4))
        thick = max(2, int(height * 0.025))
        cv2.rectangle(card, (x0, y), (x0 + length, y + thick), (40, 40, 60), -1)
        y += int(height * 0.085)
    # The QR, top right.
    qx, qy = width - q - int(width * 0.03), int(height * 0.06)
    card[qy:qy + q, qx:qx + q] = qr[..., None]
    return card


MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<<<"


def render_card_back(text, module_px, rng):
    """An RGB card back, 2024 Căn cước style: the QR at the top left, text lines to its right, and the three
    30-character MRZ lines across the bottom (dense glyphs: the clutter most like a QR's texture)."""
    qr = render_qr(text, module_px, quiet=2)
    q = qr.shape[0]
    width = int(q * 3.9)
    height = int(width * 54 / 85.6)
    tint = np.array([236, 240, 242]) + rng.integers(-8, 8, 3)
    card = np.ones((height, width, 3), dtype=np.float32) * tint
    yy, xx = np.mgrid[0:height, 0:width]
    card += (5 * np.sin(yy / (height / 23.0) + 2 * np.sin(xx / (width / 7.0))))[..., None]
    card = card.clip(0, 255).astype(np.uint8)
    qx, qy = int(width * 0.04), int(height * 0.06)
    card[qy:qy + q, qx:qx + q] = qr[..., None]
    # Text lines to the right of the QR.
    y = qy + int(height * 0.02)
    x0 = qx + q + int(width * 0.04)
    for i in range(6):
        length = int((width - x0) * rng.uniform(0.45, 0.9))
        thick = max(2, int(height * 0.022))
        cv2.rectangle(card, (x0, y), (x0 + length, y + thick), (45, 45, 60), -1)
        y += int(height * 0.075)
    # The MRZ: three lines of 30 monospaced glyphs in the bottom third.
    glyph_h = height * 0.075
    mrz_top = int(height * 0.66)
    for line in range(3):
        chars = "".join(MRZ_ALPHABET[int(i)] for i in rng.integers(0, len(MRZ_ALPHABET), 30))
        if line == 0:
            chars = "IDVNM" + chars[5:]
        # Drawn large, cut to its ink and fitted to the line's box (OpenCV's text metrics do not match its glyphs).
        canvas = np.full((120, 3000), 255, np.uint8)
        cv2.putText(canvas, chars, (10, 90), cv2.FONT_HERSHEY_PLAIN, 5.0, 0, 5, cv2.LINE_AA)
        ys, xs = np.where(canvas < 128)
        ink = canvas[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
        tw, th = int(width * 0.9), int(height * 0.07)
        glyphs = cv2.resize(ink, (tw, th), interpolation=cv2.INTER_AREA)
        x, y = int((width - tw) / 2), mrz_top + int(line * th * 1.5)
        region = card[y:y + th, x:x + tw]
        region[:] = np.minimum(region, (glyphs[..., None].astype(np.float32) / 255 * region + 30 * (1 - glyphs[..., None] / 255)).astype(np.uint8))
    return card


def on_background(img, pad, rng, shade=None):
    h, w = img.shape[:2]
    shade = shade if shade is not None else rng.integers(60, 140)
    bg = np.full((h + 2 * pad, w + 2 * pad, 3), shade, dtype=np.uint8)
    bg[pad:pad + h, pad:pad + w] = img
    return bg


def rotate(img, angle, border):
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=border)


def perspective(img, strength, rng, border):
    h, w = img.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    d = strength * min(w, h)
    dst = src + rng.uniform(-d, d, (4, 2)).astype(np.float32)
    dst -= dst.min(axis=0)
    size = dst.max(axis=0)
    m = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(img, m, (int(size[0]), int(size[1])), flags=cv2.INTER_LINEAR, borderValue=border)


def motion_blur(img, length, angle):
    k = np.zeros((length, length), dtype=np.float32)
    k[length // 2, :] = 1
    m = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1.0)
    k = cv2.warpAffine(k, m, (length, length))
    k /= k.sum()
    return cv2.filter2D(img, -1, k)


def defocus(img, radius):
    size = 2 * int(math.ceil(radius)) + 1
    yy, xx = np.mgrid[0:size, 0:size] - size // 2
    k = ((xx ** 2 + yy ** 2) <= radius ** 2).astype(np.float32)
    k /= k.sum()
    return cv2.filter2D(img, -1, k)


def add_noise(img, sigma, rng):
    noisy = img.astype(np.float32) + rng.normal(0, sigma, img.shape)
    return noisy.clip(0, 255).astype(np.uint8)


def low_contrast(img, factor, mid):
    out = mid + (img.astype(np.float32) - 128) * factor
    return out.clip(0, 255).astype(np.uint8)


def glare(img, rng, strength):
    h, w = img.shape[:2]
    # Centred over the QR's area (top right of the card) so the glare actually hides modules.
    cx, cy = w * rng.uniform(0.7, 0.85), h * rng.uniform(0.2, 0.35)
    sx, sy = w * rng.uniform(0.06, 0.12), h * rng.uniform(0.08, 0.16)
    yy, xx = np.mgrid[0:h, 0:w]
    spot = np.exp(-(((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2) / 2)
    out = img.astype(np.float32) + strength * spot[..., None]
    return out.clip(0, 255).astype(np.uint8)


def encode(img, fmt, quality=90, exif_orientation=None):
    pil = Image.fromarray(img if img.ndim == 2 else img[..., ::-1].copy())
    buf = io.BytesIO()
    if fmt == "png":
        pil.save(buf, "PNG", optimize=False)
    else:
        kwargs = {"quality": quality}
        if exif_orientation:
            exif = Image.Exif()
            exif[0x0112] = exif_orientation
            kwargs["exif"] = exif.tobytes()
        pil.convert("RGB").save(buf, "JPEG", **kwargs)
    return buf.getvalue()


def to_exif_stored(img, orientation):
    """The stored pixels for a displayed image and an EXIF orientation (the inverse of what a viewer applies)."""
    inverse = {1: lambda a: a, 2: lambda a: a[:, ::-1], 3: lambda a: a[::-1, ::-1], 4: lambda a: a[::-1],
               5: lambda a: a.swapaxes(0, 1), 6: lambda a: np.rot90(a, 1), 7: lambda a: np.rot90(a, 2).swapaxes(0, 1),
               8: lambda a: np.rot90(a, -1)}
    return np.ascontiguousarray(inverse[orientation](img))


def large_photo(text, rng, orientation, card=None, size=(4032, 3024), fill=(0.45, 0.75), tilt=0.0):
    """A phone photo of the card on a desk, 12 MP (4032 x 3024) unless told: the card turned up to 12 degrees,
    its corners jittered, and with `tilt` > 0 photographed at an angle (the far edge shorter by that fraction,
    the near one longer, as a card lying flat looks from a seated officer's phone)."""
    W, H = size
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    base = rng.uniform(70, 130)
    desk = base + 25 * (xx / W) - 15 * (yy / H) + 10 * np.sin(xx / 57.0 + yy / 233.0)
    desk = np.repeat(desk[..., None], 3, axis=2) * np.array([1.0, 0.93, 0.85])
    photo = desk.clip(0, 255).astype(np.uint8)
    card = render_card(text, 6, rng) if card is None else card
    target_w = int(W * rng.uniform(*fill))
    scale = target_w / card.shape[1]
    card = cv2.resize(card, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = card.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    ox, oy = (W - w) / 2 + rng.uniform(-W / 20, W / 20), (H - h) / 2 + rng.uniform(-H / 20, H / 20)
    angle = math.radians(rng.uniform(-12, 12))
    c, s = math.cos(angle), math.sin(angle)
    # Keystone: the top edge narrower and the card foreshortened, before the turn.
    shape = [(0, 0, 1 - tilt / 2), (w, 0, 1 - tilt / 2), (w, h, 1 + tilt / 4), (0, h, 1 + tilt / 4)]
    dst = []
    for x, y, k in shape:
        x, y = (x - w / 2) * k, (y - h / 2) * (1 - tilt / 2)
        dst.append([ox + w / 2 + c * x - s * y, oy + h / 2 + s * x + c * y])
    dst = np.float32(dst) + rng.uniform(-0.04, 0.04, (4, 2)).astype(np.float32) * w
    m = cv2.getPerspectiveTransform(src, dst)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (W, H))
    warped = cv2.warpPerspective(card, m, (W, H))
    photo[mask > 0] = warped[mask > 0]
    photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(0.8, 2.0))
    light = 0.8 + 0.35 * np.exp(-(((xx - W * rng.uniform(0.3, 0.7)) / W) ** 2) * 3)
    photo = (photo.astype(np.float32) * light[..., None]).clip(0, 255)
    photo = add_noise(photo.astype(np.uint8), rng.uniform(3, 8), rng)
    return to_exif_stored(photo, orientation)


# A different base (QR_CORPUS_SEED=n) draws a fresh corpus of the same design, to check that the reader's ladder
# is not fitted to one draw; the committed floors are for the default, 0.
SEED_BASE = int(os.environ.get("QR_CORPUS_SEED", "0")) * 100_000

CATEGORIES = ["clean", "rotated", "perspective", "motion-blur", "defocus-blur", "noise", "low-contrast", "glare",
              "small-modules", "large-photo", "back-scan", "back-photo", "angled-card", "no-qr"]


def make_variant(category, text, variant, rng):
    """Returns (encoded bytes, extension, parameters). variant 0..2 grows harsher."""
    if category == "large-photo":
        orientation = [1, 6][variant % 2]
        photo = large_photo(text, rng, orientation)
        return encode(photo, "jpg", quality=int(rng.integers(85, 93)), exif_orientation=orientation), "jpg", {
            "orientation": orientation}
    if category == "back-scan":
        # A flatbed or document-camera scan of the back: flat, nearly square to the glass, 300-600 dpi.
        module = int(rng.integers(3, 6))
        card = render_card_back(text, module, rng)
        angle = float(rng.uniform(-3, 3))
        img = rotate(on_background(card, 30, rng, shade=245), angle, (245, 245, 245))
        img = cv2.GaussianBlur(img, (0, 0), 0.5 + 0.3 * variant)
        fmt = "png" if variant == 0 else "jpg"
        return encode(add_noise(img, 2, rng), fmt, 90), fmt, {"module": module, "angle": round(angle, 1)}
    if category == "back-photo":
        # A phone photo of the back on a desk (8 MP, the card filling a third to two thirds of the frame).
        card = render_card_back(text, 6, rng)
        orientation = [1, 6][variant]
        photo = large_photo(text, rng, orientation, card=card, size=(3264, 2448), fill=(0.35, 0.65))
        return encode(photo, "jpg", quality=int(rng.integers(85, 93)), exif_orientation=orientation), "jpg", {
            "orientation": orientation}
    if category == "angled-card":
        # The whole card, back or front, photographed at an angle (keystone 20-40%), 12 MP.
        back = variant == 0
        card = render_card_back(text, 6, rng) if back else render_card(text, 6, rng)
        tilt = float(rng.uniform(0.2, 0.4))
        photo = large_photo(text, rng, 1, card=card, fill=(0.5, 0.7), tilt=tilt)
        return encode(photo, "jpg", quality=int(rng.integers(85, 93))), "jpg", {"side": "back" if back else "front",
                                                                               "tilt": round(tilt, 2)}
    if category == "no-qr":
        # Hopeless on purpose, to time how fast a reader gives up: a card whose QR is covered by a sticker, the back
        # of a card with the QR torn off, and a QR defocused over three modules.
        module = int(rng.integers(4, 7))
        if variant == 2:
            img = defocus(on_background(render_card(text, module, rng), 20, rng), 3 * module)
            return encode(img, "jpg", 90), "jpg", {"module": module, "radius": 3 * module}
        card = render_card(text, module, rng) if variant == 0 else render_card_back(text, module, rng)
        q = len(qr_matrix(text)) * module + 4 * module
        h, w = card.shape[:2]
        x0 = w - q - int(w * 0.03) if variant == 0 else int(w * 0.04)
        y0 = int(h * 0.06)
        card[y0:y0 + q, x0:x0 + q] = (200, 205, 215)
        fmt = "png" if variant == 0 else "jpg"
        return encode(on_background(card, 20, rng), fmt, 90), fmt, {"module": module, "covered": True}
    module = 3 if category == "small-modules" else int(rng.integers(4, 7))
    card = render_card(text, module, rng)
    border = tuple(int(v) for v in rng.integers(60, 140, 3))
    params = {"module": module}
    if category == "clean":
        img = on_background(card, 20, rng)
        return encode(img, "png"), "png", params
    if category == "rotated":
        angle = [7, 33, 45, 90, 152, 180, 211, 270, 318][(variant * 3 + int(rng.integers(0, 3))) % 9]
        params["angle"] = angle
        return encode(rotate(card, angle, border), "png"), "png", params
    if category == "perspective":
        strength = [0.08, 0.14, 0.2][variant]
        params["strength"] = strength
        return encode(perspective(card, strength, rng, border), "jpg", 90), "jpg", params
    if category == "motion-blur":
        length = int(module * [1.0, 1.5, 2.0][variant]) + 1
        angle = float(rng.uniform(0, 180))
        params.update(length=length, angle=round(angle, 1))
        return encode(motion_blur(on_background(card, 20, rng), length, angle), "jpg", 90), "jpg", params
    if category == "defocus-blur":
        radius = module * [0.5, 0.75, 1.0][variant]
        params["radius"] = radius
        return encode(defocus(on_background(card, 20, rng), radius), "jpg", 90), "jpg", params
    if category == "noise":
        sigma = [25, 40, 60][variant]
        params["sigma"] = sigma
        return encode(add_noise(on_background(card, 20, rng), sigma, rng), "jpg", 85), "jpg", params
    if category == "low-contrast":
        factor = [0.25, 0.15, 0.09][variant]
        mid = float(rng.uniform(60, 200))
        params.update(factor=factor, mid=round(mid))
        img = add_noise(low_contrast(on_background(card, 20, rng), factor, mid), 2, rng)
        return encode(img, "jpg", 92), "jpg", params
    if category == "glare":
        strength = [140, 200, 260][variant]
        params["strength"] = strength
        return encode(glare(on_background(card, 20, rng), rng, strength), "jpg", 90), "jpg", params
    if category == "small-modules":
        img = on_background(card, 10, rng)
        if variant == 2:
            img = cv2.GaussianBlur(img, (0, 0), 0.6)
        fmt = "png" if variant == 0 else "jpg"
        return encode(img, fmt, 88), fmt, params
    raise ValueError(category)


def make_corpus(out, citizens):
    os.makedirs(out, exist_ok=True)
    manifest = []
    for ci, category in enumerate(CATEGORIES):
        os.makedirs(os.path.join(out, category), exist_ok=True)
        for ti, citizen in enumerate(citizens):
            variants = 2 if category in ("large-photo", "back-photo", "angled-card") else 3
            for v in range(variants):
                rng = np.random.default_rng(SEED_BASE + 1000 * ci + 10 * ti + v)
                data, ext, params = make_variant(category, citizen["text"], v, rng)
                name = f"{category}/{citizen['id']}-{v}.{ext}"
                with open(os.path.join(out, name), "wb") as f:
                    f.write(data)
                # A no-qr image has nothing to decode: a reader that returns any text for it is wrong.
                text = None if category == "no-qr" else citizen["text"]
                manifest.append({"image": name, "category": category, "citizen": citizen["id"],
                                 "text": text, "parameters": params})
        print(f"{category}: done", file=sys.stderr)
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump({"images": manifest}, f, ensure_ascii=False, indent=1)


def make_samples(out, citizens):
    """Small committed images: one card per citizen, a card back, a rotated JPEG, PNG pixel formats, EXIF
    orientations."""
    os.makedirs(out, exist_ok=True)
    manifest = []

    def write(name, data, **info):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        manifest.append({"image": name, **info})

    for ti, citizen in enumerate(citizens):
        rng = np.random.default_rng(ti)
        card = cv2.cvtColor(render_card(citizen["text"], 3, rng), cv2.COLOR_BGR2GRAY)
        write(f"card-{citizen['id']}.png", encode(card, "png"), text=citizen["text"], kind="card")
    back_citizen = next(c for c in citizens if c["format"] == "cancuoc-2024")
    back = cv2.cvtColor(render_card_back(back_citizen["text"], 3, np.random.default_rng(77)), cv2.COLOR_BGR2GRAY)
    write(f"back-{back_citizen['id']}.png", encode(back, "png"), text=back_citizen["text"], kind="card")
    text = citizens[0]["text"]
    rng = np.random.default_rng(99)
    rotated = rotate(render_card(text, 3, rng), 30, (90, 90, 90))
    write("rotated-30.jpg", encode(rotated, "jpg", 85), text=text, kind="card")

    # PNG pixel formats, each holding the QR of the first citizen (3 px modules).
    qr = render_qr(text, 3)
    dark = qr < 128
    h, w = qr.shape
    # RGBA: dark modules opaque black, light ones fully transparent; on white the QR shows, on black it would not.
    rgba = np.zeros((h, w, 4), np.uint8)
    rgba[..., 3] = np.where(dark, 255, 0)
    buf = io.BytesIO(); Image.fromarray(rgba).save(buf, "PNG")
    write("qr-rgba-transparent.png", buf.getvalue(), text=text, kind="png-alpha")
    # Grey + alpha (LA).
    la = np.zeros((h, w, 2), np.uint8)
    la[..., 1] = np.where(dark, 255, 0)
    buf = io.BytesIO(); Image.fromarray(la).save(buf, "PNG")
    write("qr-grey-alpha.png", buf.getvalue(), text=text, kind="png-alpha")
    # 8-bit grey.
    buf = io.BytesIO(); Image.fromarray(qr).save(buf, "PNG")
    write("qr-grey8.png", buf.getvalue(), text=text, kind="png-grey")
    # Palette (P) with a tRNS-free two-colour palette, dark blue on cream.
    pal = Image.fromarray(dark.astype(np.uint8)).convert("P")
    pal.putpalette([250, 245, 225, 20, 30, 110] + [0] * (254 * 3))
    buf = io.BytesIO(); pal.save(buf, "PNG")
    write("qr-palette.png", buf.getvalue(), text=text, kind="png-palette")
    # 16-bit grey.
    qr16 = (qr.astype(np.uint16) * 257)
    buf = io.BytesIO(); Image.fromarray(qr16).save(buf, "PNG")
    write("qr-grey16.png", buf.getvalue(), text=text, kind="png-16bit")

    # JPEG flavours of the same QR: 8-bit grey, progressive, and Adobe CMYK (dark modules as black ink).
    buf = io.BytesIO(); Image.fromarray(qr).save(buf, "JPEG", quality=92)
    write("qr-grey.jpg", buf.getvalue(), text=text, kind="jpeg-grey")
    buf = io.BytesIO(); Image.fromarray(qr).convert("RGB").save(buf, "JPEG", quality=92, progressive=True)
    write("qr-progressive.jpg", buf.getvalue(), text=text, kind="jpeg-progressive")
    buf = io.BytesIO(); Image.fromarray(qr).convert("RGB").convert("CMYK").save(buf, "JPEG", quality=92)
    write("qr-cmyk.jpg", buf.getvalue(), text=text, kind="jpeg-cmyk")

    # EXIF orientations 1..8 of a small asymmetric pattern: displayed, the top-left quadrant is black (0), the
    # top-right white (255), the bottom-left 80 and the bottom-right 170; 48 wide, 32 high.
    disp = np.zeros((32, 48), np.uint8)
    disp[:16, 24:] = 255
    disp[16:, :24] = 80
    disp[16:, 24:] = 170
    for o in range(1, 9):
        stored = to_exif_stored(disp, o)
        data = encode(stored, "jpg", 95, exif_orientation=o)
        from PIL import ImageOps
        shown = np.array(ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("L")).astype(int)
        assert shown.shape == disp.shape and np.abs(shown - disp).max() < 12, f"orientation {o}"
        write(f"exif-orientation-{o}.jpg", data, kind="exif", orientation=o,
              displayed={"width": 48, "height": 32, "topLeft": 0, "topRight": 255, "bottomLeft": 80,
                         "bottomRight": 170})
    # Not images: a text file, and a PNG and a JPEG cut short.
    write("not-an-image.png", "this is not an image\n".encode(), kind="bad")
    card_png = open(os.path.join(out, f"card-{citizens[0]['id']}.png"), "rb").read()
    write("truncated.png", card_png[: len(card_png) // 2], kind="bad")
    jpg = open(os.path.join(out, "rotated-30.jpg"), "rb").read()
    write("truncated.jpg", jpg[: len(jpg) // 3], kind="bad")
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump({"images": manifest}, f, ensure_ascii=False, indent=1)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("corpus", "samples"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    with open(TEXTS, encoding="utf-8") as f:
        citizens = json.load(f)["citizens"]
    (make_corpus if sys.argv[1] == "corpus" else make_samples)(sys.argv[2], citizens)


if __name__ == "__main__":
    main()
