#!/usr/bin/env python3
"""Decode rate and median time per corpus category: cccd (timed inside the process, `cccd qr --bench`)
side by side with zxing-cpp (timed around image load + read_barcodes, the same work cccd's time covers).

    qr-bench.py CCCD_BINARY CORPUS_DIR

A decode counts only if the payload equals the source text byte for byte (UTF-8)."""
import collections
import json
import os
import statistics
import subprocess
import sys
import time

import cv2
import zxingcpp


def main():
    binary, root = sys.argv[1], sys.argv[2]
    images = json.load(open(os.path.join(root, "manifest.json"), encoding="utf-8"))["images"]
    paths = [os.path.join(root, e["image"]) for e in images]
    # cccd: one process for the whole corpus; each line has the in-process time of one image.
    out = subprocess.run([binary, "qr", "--bench", *paths], capture_output=True, text=True).stdout
    cccd = {}
    for line in out.splitlines():
        r = json.loads(line)
        cccd[r["image"]] = (r.get("text"), r["ms"], r.get("step"))
    results = collections.defaultdict(lambda: {"cccd": [], "zxing": []})
    steps = collections.defaultdict(collections.Counter)
    for e, path in zip(images, paths):
        text, ms, step = cccd[path]
        results[e["category"]]["cccd"].append((text == e["text"], ms))
        steps[e["category"]][step or "failed"] += 1
        t = time.perf_counter()
        img = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
        found = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
        zms = (time.perf_counter() - t) * 1000
        ok = any(b.bytes.decode("utf-8", "replace") == e["text"] for b in found)
        results[e["category"]]["zxing"].append((ok, zms))

    def cell(rows):
        rate = sum(ok for ok, _ in rows)
        return f"{rate:>3}/{len(rows):<3} {100 * rate / len(rows):5.1f}%  {statistics.median(ms for _, ms in rows):7.1f} ms"

    print(f"| category        | cccd decoded     median     | zxing-cpp decoded  median    |")
    print(f"|-----------------|-----------------------------|------------------------------|")
    totals = {"cccd": [], "zxing": []}
    for category in results:
        r = results[category]
        totals["cccd"] += r["cccd"]
        totals["zxing"] += r["zxing"]
        print(f"| {category:15} | {cell(r['cccd'])} | {cell(r['zxing'])}  |")
    print(f"| {'all':15} | {cell(totals['cccd'])} | {cell(totals['zxing'])}  |")
    if "-v" in sys.argv:
        for category, counter in steps.items():
            print(category, dict(counter))


if __name__ == "__main__":
    main()
