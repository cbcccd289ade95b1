#!/usr/bin/env python3
"""Renders each virtual card's front (Vectors/cards/fronts/NAME.png) with the QR of its description's `qr` text,
using the QR corpus renderer (scripts/make-qr-corpus.py): byte-mode UTF-8, error correction M, like the card's.
Deterministic; needs the pinned packages of scripts/requirements-qr.txt.
"""
import glob
import importlib.util
import json
import os
import zlib

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("corpus", os.path.join(HERE, "make-qr-corpus.py"))
corpus = importlib.util.module_from_spec(spec)
spec.loader.exec_module(corpus)

CARDS = os.path.join(HERE, "..", "Vectors", "cards")
for path in sorted(glob.glob(os.path.join(CARDS, "*.json"))):
    card = json.load(open(path, encoding="utf-8"))
    name = os.path.splitext(os.path.basename(path))[0]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    img = corpus.render_card(card["qr"], 4, rng)
    out = os.path.join(CARDS, "fronts", name + ".png")
    Image.fromarray(img).save(out, optimize=True)
    print(os.path.relpath(out, os.path.join(HERE, "..")), os.path.getsize(out), "bytes")
