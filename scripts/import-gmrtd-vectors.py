#!/usr/bin/env python3
"""Copies the real-document test DATA published in gmrtd's repository into Vectors/real/ (never its code).

Usage: scripts/import-gmrtd-vectors.py GMRTD_CHECKOUT [COMMIT]

Reads the hex literals of TestNewSod in document/sod_test.go (EF.SOD, document signer and CSCA certificates, the
DG1 and DG2 hashes published beside each) and copies one German master list with the German root CSCA from
cms/master_list/. Then, independently of cccd, it records with the openssl command what the tests assert beyond
the published hashes: the LDSSecurityObject's hash algorithm (from `openssl asn1parse`), a time of reading inside
the signer's and the CSCA's validity (from `openssl x509 -dates`), and the MRZ code of the country (ISO 3166-1
alpha-3 from Debian's iso-codes, D for Germany per ICAO 9303-3). gmrtd is MIT-licensed; the notice is
kept in Vectors/real/LICENSE-gmrtd.
"""
import json, os, re, shutil, subprocess, sys
from datetime import datetime, timezone

MASTER_LIST = "DE_ML_2026-05-28-08-28-45.ml"
ROOT_CSCA = "DE_ROOT_CA_CSCA07.cer"

src = sys.argv[1]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Vectors", "real")
commit = sys.argv[2] if len(sys.argv) > 2 else subprocess.run(["git", "-C", src, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
text = open(os.path.join(src, "document", "sod_test.go")).read()
body = text[text.index("func TestNewSod(t *testing.T)"):]
body = body[:body.index("for _, tc := range testCases")]

# The MRZ's issuing-state code for a certificate's country (ICAO 9303-3 §5: ISO 3166-1 alpha-3, but D for Germany).
ISO = {e["alpha_2"]: e["alpha_3"] for e in json.load(open("/usr/share/iso-codes/json/iso_3166-1.json"))["3166-1"]}
MRZ_CODE = lambda alpha2: "D" if alpha2 == "DE" else ISO[alpha2]

HASH_OIDS = {"sha1": "SHA-1", "sha224": "SHA-224", "sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512"}

def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout

def dates(der):
    text = openssl("x509", "-inform", "DER", "-noout", "-startdate", "-enddate", data=der).decode()
    parse = lambda s: datetime.strptime(s.strip(), "%b %d %H:%M:%S %Y GMT").replace(tzinfo=timezone.utc)
    fields = dict(line.split("=", 1) for line in text.strip().splitlines())
    return parse(fields["notBefore"]), parse(fields["notAfter"])

def hash_algorithm(sod):
    # The LDSSecurityObject is the eContent: the first OCTET STRING holding a SEQUENCE { INTEGER, SEQUENCE { OID.
    cms = sod[sod.index(b"\x30"):]  # skip the 77 application tag and its length
    lines = openssl("asn1parse", "-inform", "DER", data=cms).decode().splitlines()
    for i, line in enumerate(lines):
        m = re.search(r"^\s*(\d+):d=\s*(\d+).*prim: OCTET STRING", line)
        if not m:
            continue
        offset, depth = int(m.group(1)), m.group(2)
        inner = openssl("asn1parse", "-inform", "DER", "-strparse", str(offset), data=cms).decode()
        oids = re.findall(r"OBJECT\s+:(\S+)", inner)
        if oids and oids[0] in HASH_OIDS:
            return HASH_OIDS[oids[0]]
    raise SystemExit("no LDSSecurityObject found")

cases = re.findall(r"\{\s*//\s*([A-Z]{2})\s*\n(.*?)expCountryAlpha2:\s*\"([A-Z]{2})\",\s*\n\s*\}", body, re.S)
index = []
for label, case, alpha2 in cases:
    hexes = dict(re.findall(r"(\w+):\s*utils\.HexToBytes\(\"([0-9A-Fa-f]+)\"\)", case))
    folder = os.path.join(out, "sod", alpha2)
    os.makedirs(folder, exist_ok=True)
    sod, ds, csca = (bytes.fromhex(hexes[k]) for k in ("sodFileBytes", "expCertDSC", "expCertCSCA"))
    for name, data in (("EF.SOD.bin", sod), ("ds.der", ds), ("csca.der", csca)):
        open(os.path.join(folder, name), "wb").write(data)
    ds_from, ds_to = dates(ds)
    ca_from, ca_to = dates(csca)
    start, end = max(ds_from, ca_from), min(ds_to, ca_to)
    read_at = start + (end - start) / 2
    notes = re.findall(r"//\s*(.+)", case)
    expected = {
        "country": alpha2,
        "issuingState": MRZ_CODE(alpha2),
        "hashAlgorithm": hash_algorithm(sod),
        "dg1Hash": hexes["expDg1Hash"].lower(),
        "dg2Hash": hexes["expDg2Hash"].lower(),
        "readAt": read_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "signerValidity": [ds_from.strftime("%Y-%m-%dT%H:%M:%SZ"), ds_to.strftime("%Y-%m-%dT%H:%M:%SZ")],
        "source": f"gmrtd/gmrtd@{commit}:document/sod_test.go TestNewSod, case \"{label}\"",
        "notes": notes,
    }
    json.dump(expected, open(os.path.join(folder, "expected.json"), "w"), indent=2)
    open(os.path.join(folder, "expected.json"), "a").write("\n")
    index.append(alpha2)

os.makedirs(os.path.join(out, "masterlist"), exist_ok=True)
for name in (MASTER_LIST, ROOT_CSCA):
    shutil.copyfile(os.path.join(src, "cms", "master_list", name), os.path.join(out, "masterlist", name))
shutil.copyfile(os.path.join(src, "LICENSE"), os.path.join(out, "LICENSE-gmrtd"))
print(f"{len(index)} documents from gmrtd {commit}: {' '.join(index)}", file=sys.stderr)
