#!/usr/bin/env python3
"""The QR benchmark: per corpus category, for cccd and zxing-cpp on the same files in the same run, the decode rate
and the median, 90th percentile and maximum time per image, image loading included.

    qr-bench.py CCCD_BINARY CORPUS_DIR [-v] [--repeat N]

cccd is timed inside its process (`cccd qr --bench`: file read, decode, the whole ladder, per image); zxing-cpp is
timed around `cv2.imread(..., IMREAD_GRAYSCALE)` + `zxingcpp.read_barcodes` (the same work: file to payload).
A decode counts only if the payload equals the source text byte for byte (UTF-8). In the `no-qr` category there is
nothing to decode: an image counts when the reader returns no text (its times are how fast each gives up).
With --repeat N the corpus is run N times by each reader, the two alternating, and each image's median time kept."""
import collections
import json
import os
import statistics
import subprocess
import sys
import time

import cv2
import zxingcpp


def percentile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    repeat = 1
    if "--repeat" in sys.argv:
        repeat = int(sys.argv[sys.argv.index("--repeat") + 1])
        args.remove(str(repeat))
    binary, root = args[0], args[1]
    images = json.load(open(os.path.join(root, "manifest.json"), encoding="utf-8"))["images"]
    paths = [os.path.join(root, e["image"]) for e in images]

    # The passes alternate (cccd over the corpus, then zxing-cpp over it, N times), so a machine whose load changes
    # during the run slows both alike. cccd: one process per pass; each line has the in-process time of one image.
    cccd_runs, zxing_runs = collections.defaultdict(list), collections.defaultdict(list)
    cccd_text, cccd_step, zxing_texts = {}, {}, {}
    for _ in range(repeat):
        out = subprocess.run([binary, "qr", "--bench", *paths], capture_output=True, text=True).stdout
        for line in out.splitlines():
            r = json.loads(line)
            cccd_runs[r["image"]].append(r["ms"])
            cccd_text[r["image"]] = r.get("text")
            cccd_step[r["image"]] = r.get("step")
        for path in paths:
            t = time.perf_counter()
            img = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
            found = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
            zxing_runs[path].append((time.perf_counter() - t) * 1000)
            zxing_texts[path] = [b.bytes.decode("utf-8", "replace") for b in found]

    results = collections.defaultdict(lambda: {"cccd": [], "zxing": []})
    steps = collections.defaultdict(collections.Counter)
    order = []
    for e, path in zip(images, paths):
        category = e["category"]
        if category not in order:
            order.append(category)
        expected = e.get("text")
        text = cccd_text.get(path)
        results[category]["cccd"].append((text == expected, statistics.median(cccd_runs[path])))
        steps[category][cccd_step.get(path) or "failed"] += 1
        texts = zxing_texts[path]
        ok = (not texts) if expected is None else expected in texts
        results[category]["zxing"].append((ok, statistics.median(zxing_runs[path])))

    def cells(rows):
        rate = sum(ok for ok, _ in rows)
        ms = [t for _, t in rows]
        return (f"{rate:>3}/{len(rows):<3} {100 * rate / len(rows):5.1f}% {statistics.median(ms):8.1f} "
                f"{percentile(ms, 0.9):8.1f} {max(ms):8.1f}")

    head = "decoded     rate   median      p90      max"
    print(f"| {'category':13} | cccd {head} | zxing-cpp {head} |")
    print(f"|{'-' * 15}|{'-' * 49}|{'-' * 54}|")
    totals = {"cccd": [], "zxing": []}
    for category in order:
        r = results[category]
        totals["cccd"] += r["cccd"]
        totals["zxing"] += r["zxing"]
        print(f"| {category:13} |      {cells(r['cccd'])} |           {cells(r['zxing'])} |")
    print(f"| {'all':13} |      {cells(totals['cccd'])} |           {cells(totals['zxing'])} |")
    print("(times in ms per image, image loading included; no-qr: 'decoded' = correctly found nothing)")
    if "-v" in sys.argv:
        for category in order:
            print(category, dict(steps[category]))


if __name__ == "__main__":
    main()
