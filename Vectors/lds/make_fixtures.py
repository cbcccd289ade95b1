#!/usr/bin/env python3
"""Builds the synthetic CCCD sample files under Vectors/lds/cccd/ with an encoder independent of the Swift code.

Everything here is synthetic: the person is CCCD.md's example, the keys are test-only keys made by
make_fixtures.sh with openssl. Run make_fixtures.sh, not this file directly.
"""
import hashlib, io, os, sys
from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cccd")


def length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, value):
    tag = bytes.fromhex(tag) if isinstance(tag, str) else tag
    return tag + length(len(value)) + value


def integer(v):
    n = max(1, (v.bit_length() + 8) // 8)
    return tlv("02", v.to_bytes(n, "big", signed=True))


def oid(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray()
    for i, arc in enumerate([arcs[0] * 40 + arcs[1]] + arcs[2:]):
        groups = [arc & 0x7F]
        arc >>= 7
        while arc:
            groups.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(groups))
    return tlv("06", bytes(out))


def utf8(s):
    return tlv("0C", s.encode("utf-8"))


def printable(s):
    return tlv("13", s.encode("ascii"))


def seq(*parts):
    return tlv("30", b"".join(parts))


def set_(*parts):
    return tlv("31", b"".join(parts))


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    keys = sys.argv[1]  # directory holding the DER public keys made by openssl

    # EF.COM: LDS 1.7, Unicode 4.0.0, DG1 DG2 DG3 DG13 DG14 DG15 (CCCD.md).
    write("EF.COM.bin", tlv("60", tlv("5F01", b"0107") + tlv("5F36", b"040000") + tlv("5C", bytes.fromhex("61756D6E6F63"))))

    # DG1: CCCD.md's TD1 example.
    mrz = ("IDVNM0990123459001099012345<<0" "9903159M3903157VNM<<<<<<<<<<<0" "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<")
    write("DG1.bin", tlv("61", tlv("5F1F", mrz.encode())))

    # DG2: a real 240x320 JPEG in a 19794-5 record.
    img = Image.new("RGB", (240, 320))
    px = img.load()
    for y in range(320):
        for x in range(240):
            px[x, y] = ((x * 7 + y * 3) % 256, (x * y) % 256, (x ^ y) % 256)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=35)
    jpeg = buf.getvalue()
    facial_info = (20 + 12 + len(jpeg)).to_bytes(4, "big") + b"\x00\x00" + bytes([1, 2, 3]) + b"\x00\x00\x00" \
        + b"\x00\x00" + b"\x00\x00\x00" + b"\x00\x00\x00"
    image_info = bytes([1, 0]) + (240).to_bytes(2, "big") + (320).to_bytes(2, "big") + bytes([1, 2]) + b"\x00\x00" + b"\x00\x00"
    record = b"FAC\x00" + b"010\x00" + (14 + len(facial_info) + len(image_info) + len(jpeg)).to_bytes(4, "big") \
        + (1).to_bytes(2, "big") + facial_info + image_info + jpeg
    bht = tlv("A1", tlv("81", b"\x02") + tlv("87", b"\x01\x01") + tlv("88", b"\x00\x08"))
    write("DG2.bin", tlv("75", tlv("7F61", integer(1) + tlv("7F60", bht + tlv("5F2E", record)))))
    write("face.jpg", jpeg)

    # DG13: every field of CCCD.md, 2021 card.
    def field(n, value):
        return seq(integer(n), value)
    fields = [
        field(1, utf8("001099012345")),
        field(2, utf8("Nguyễn Văn An")),
        field(3, utf8("15/03/1999")),
        field(4, utf8("Nam")),
        field(5, utf8("Việt Nam")),
        field(6, utf8("Kinh")),
        field(7, utf8("Không")),
        field(8, utf8("Xã Đông Hội, Huyện Đông Anh, Hà Nội")),
        field(9, utf8("Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội")),
        field(10, utf8("Nốt ruồi C:1cm trên trước mép phải")),
        field(11, utf8("01/06/2022")),
        field(12, utf8("15/03/2039")),
        field(13, seq(utf8("Nguyễn Văn Bình"), utf8("Trần Thị Cúc"))),
        field(14, seq(utf8("Lê Thị Dung"))),
        field(15, utf8("123456789")),
        field(16, utf8("0123456789ABCDEF")),
    ]
    write("DG13.bin", tlv("6D", seq(integer(1), oid("1.0.10646.1.0.8"), set_(*fields))))

    # DG13 of a 2024 card: fields out of order, PrintableString ID, no 10 and no 14, bare-year birth,
    # no expiry, an unknown field 17 and a 300-byte address (three-byte long-form length).
    address = "Thôn Đông, " * 27
    fields24 = [
        field(2, utf8("Trần Thị Bích")),
        field(1, printable("079199012345")),
        field(3, utf8("1999")),
        field(4, utf8("Nữ")),
        field(5, utf8("Việt Nam")),
        field(6, utf8("Kinh")),
        field(7, utf8("Không")),
        field(8, utf8("Phường 1, Quận 3, TP. Hồ Chí Minh")),
        field(9, utf8(address)),
        field(11, utf8("01082024")),
        field(12, utf8("Không thời hạn")),
        field(13, seq(utf8("Trần Văn Cường"), utf8("Lý Thị Đào"))),
        field(17, utf8("extra")),
    ]
    write("DG13-2024.bin", tlv("6D", seq(integer(1), oid("1.0.10646.1.0.8"), set_(*fields24))))

    # DG14: CA info, the CA public key (EC brainpoolP256r1 SPKI from openssl), AA info; DG15: AA key.
    ca_spki = open(os.path.join(keys, "test-only-ca.pub.der"), "rb").read()
    aa_spki = open(os.path.join(keys, "test-only-aa.pub.der"), "rb").read()
    write("DG14.bin", tlv("6E", set_(
        seq(oid("0.4.0.127.0.7.2.2.1.2"), ca_spki),
        seq(oid("0.4.0.127.0.7.2.2.3.2.2"), integer(1)),
        seq(oid("2.23.136.1.1.5"), integer(1), oid("0.4.0.127.0.7.1.1.4.1.3")),
        seq(oid("0.4.0.127.0.7.2.2.4.2.2"), integer(2), integer(13)),
    )))
    write("DG15.bin", tlv("6F", aa_spki))

    # EF.CardAccess: the bytes every CCCD carries (CCCD.md).
    write("EF.CardAccess.bin", bytes.fromhex(
        "3134300d060804007f0007020202020101300f060a04007f000702020302020201013012060a04007f0007020204020202010202010d"))

    # The LDSSecurityObject over the files above (SHA-256), to be signed by openssl.
    def h(name):
        return hashlib.sha256(open(os.path.join(OUT, name), "rb").read()).digest()
    hashes = [seq(integer(n), tlv("04", h(f))) for n, f in
              [(1, "DG1.bin"), (2, "DG2.bin"), (13, "DG13.bin"), (14, "DG14.bin"), (15, "DG15.bin")]]
    lds = seq(integer(0), seq(oid("2.16.840.1.101.3.4.2.1")), seq(*hashes))
    write("LDSSecurityObject.der", lds)
    with open(os.path.join(OUT, "sha256.txt"), "w") as f:
        for name in ["DG1.bin", "DG2.bin", "DG13.bin", "DG14.bin", "DG15.bin", "LDSSecurityObject.der"]:
            f.write(f"{name} {h(name).hex()}\n")


main()
