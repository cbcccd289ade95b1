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


def write_dg13_variants(field, real):
    """DG13 variants as real cards and broken ones may have them, each with the values a parser must find,
    written by hand here (cccd/dg13/*.bin and cccd/dg13/expected.json)."""
    out = os.path.join(OUT, "dg13")
    os.makedirs(out, exist_ok=True)
    head = integer(1) + oid("1.0.10646.1.0.8")

    def dg13(*fields, wrap_set=True):
        body = set_(*fields) if wrap_set else b"".join(fields)
        return tlv("6D", seq(head, body))

    base = {1: field(1, printable("001099012345")), 2: field(2, utf8("Nguyễn Văn An")),
            3: field(3, printable("15/03/1999")), 4: field(4, utf8("Nam"))}
    base_values = {"1": "001099012345", "2": "Nguyễn Văn An", "3": "15/03/1999", "4": "Nam"}

    def with_base(*extra):
        return [base[n] for n in sorted(base)] + list(extra)

    cases = {}

    def case(name, data, values, malformed=(), damage=None, unknown=None):
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)
        cases[name] = {"values": values, "malformed": list(malformed), "damage": damage, "unknown": unknown or {}}

    # Parents: sibling SEQUENCEs (real cards), one SEQUENCE holding both, bare strings, only the mother.
    case("parents-siblings", dg13(*with_base(field(13, seq(utf8("Lê Văn Hùng")), seq(utf8("Phạm Thị Lan"))))),
         {**base_values, "father": "Lê Văn Hùng", "mother": "Phạm Thị Lan"})
    case("parents-nested", dg13(*with_base(field(13, seq(utf8("Lê Văn Hùng"), utf8("Phạm Thị Lan"))))),
         {**base_values, "father": "Lê Văn Hùng", "mother": "Phạm Thị Lan"})
    case("parents-bare", dg13(*with_base(field(13, utf8("Lê Văn Hùng"), utf8("Phạm Thị Lan")))),
         {**base_values, "father": "Lê Văn Hùng", "mother": "Phạm Thị Lan"})
    case("parents-mother-only", dg13(*with_base(field(13, seq(), seq(utf8("Phạm Thị Lan"))))),
         {**base_values, "father": None, "mother": "Phạm Thị Lan"})
    # Present with no value: the unmarried holder's spouse (30 03 02 01 0E) and an empty field 10.
    case("empty-fields", dg13(*with_base(field(10), field(14))),
         {**base_values, "10": "", "spouse": ""})
    # Every field as UTF8String (the ID too), and every text field as PrintableString.
    case("utf8-id", dg13(field(1, utf8("001099012345")), field(2, utf8("Nguyen Van An")), field(3, utf8("15/03/1999"))),
         {"1": "001099012345", "2": "Nguyen Van An", "3": "15/03/1999"})
    case("printable-everything", dg13(field(1, printable("001099012345")), field(2, printable("Nguyen Van An")),
                                      field(4, printable("Nam")), field(9, printable("So 12, Ha Noi")),
                                      field(12, printable("15/03/2039")), field(14, seq(printable("Le Thi Dung")))),
         {"1": "001099012345", "2": "Nguyen Van An", "4": "Nam", "9": "So 12, Ha Noi", "12": "15/03/2039",
          "spouse": "Le Thi Dung"})
    # Dates: ddMMyyyy, a bare year, 00/00/yyyy and 00/MM/yyyy keep what is known.
    for name, text, iso in [("date-ddmmyyyy", "15031999", "1999-03-15"), ("date-year", "1999", "1999"),
                            ("date-unknown-day-and-month", "00/00/1950", "1950"),
                            ("date-unknown-day", "00/07/1950", "1950-07"), ("date-unknown-day-compact", "00071950", "1950-07")]:
        case(name, dg13(field(1, printable("001099012345")), field(3, printable(text)), field(11, utf8(text))),
             {"1": "001099012345", "3": text, "3.iso": iso, "11": text})
    # Field 16 and unknown fields are kept: 17 as text, 18 as bytes that are not text.
    case("field16-and-unknown", dg13(*with_base(field(16, printable("0123456789ABCDEF")),
                                                field(17, utf8("Nguyễn Văn Tí")), field(18, tlv("04", b"\x01\x02\x03")))),
         {**base_values, "16": "0123456789ABCDEF"},
         unknown={"17": {"texts": ["Nguyễn Văn Tí"]}, "18": {"value": "0403010203"}})
    # Fields straight in the SEQUENCE, without the SET.
    case("no-set", dg13(*with_base(), wrap_set=False), base_values)
    # Broken fields among good ones: each is kept raw and named, the others parse.
    broken = [
        base[1], base[2],
        field(3, integer(1999)),                          # a date as an INTEGER
        field(5, tlv("0C", b"Vi\xff\xfe")),              # invalid UTF-8
        base[4],
        tlv("04", b"\x00\x01"),                         # not a field SEQUENCE at all
        field(6, seq(seq(utf8("Kinh")))),                 # nested deeper than a DG13 value goes
        seq(utf8("no number")),                            # no field number
        field(7, utf8("Không"), utf8("Phật giáo")),        # two values in a one-value field
        field(11, utf8("32/01/2022")),                     # day 32
        field(9, utf8("Số 12 ngõ 34 Láng Hạ, Hà Nội")),
        field(13, seq(utf8("Lê Văn Hùng")), seq(utf8("Phạm Thị Lan")), seq(utf8("Người thứ ba"))),  # three parents
        field(2, utf8("Nguyễn Văn Bé")),                   # a second field 2: the first is kept
        field(15, printable("123456789")),
    ]
    case("broken-among-good", dg13(*broken),
         {"1": "001099012345", "2": "Nguyễn Văn An", "4": "Nam", "9": "Số 12 ngõ 34 Láng Hạ, Hà Nội", "15": "123456789"},
         malformed=[3, 5, None, 6, None, 7, 11, 13, 2])
    # A field whose inner length runs past the field: kept raw, the next field parses.
    inner_overrun = seq(integer(8), bytes.fromhex("0C20") + "Hà Nội".encode())
    case("inner-length-overrun", dg13(base[1], inner_overrun, base[2]),
         {"1": "001099012345", "2": "Nguyễn Văn An"}, malformed=[8])
    # Truncation: the whole file cut inside field 9 keeps fields 1-8 and names field 9; cut between fields keeps
    # everything before the cut.
    cut9 = real.index(bytes.fromhex("020109")) + 20
    case("truncated-in-field-9", real[:cut9],
         {"1": "001099012345", "2": "Nguyễn Văn An", "3": "15/03/1999", "4": "Nam", "5": "Việt Nam", "6": "Kinh",
          "7": "Không", "8": "Xã Đông Hội, Huyện Đông Anh, Hà Nội"},
         malformed=[9], damage={"number": 9, "kind": "truncated"})
    cut_between = real.index(bytes.fromhex("020105")) - 2  # just before field 5's SEQUENCE
    case("truncated-between-fields", real[:cut_between],
         {"1": "001099012345", "2": "Nguyễn Văn An", "3": "15/03/1999", "4": "Nam"},
         damage={"number": None, "kind": "truncated"})
    # Outer lengths larger than the file (a chip that declared more than it wrote).
    short = dg13(*with_base())
    grown = bytearray(short)
    grown[1] += 5
    case("outer-length-too-long", bytes(grown), base_values, damage={"number": None, "kind": "truncated"})
    # Bytes after the SET.
    case("bytes-after-set", tlv("6D", seq(head, set_(*with_base()), tlv("05", b""))), base_values,
         damage={"number": None, "kind": "trailingBytes"})

    import json
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


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
    # The same face in a record a chip got slightly wrong: the record length 6 too high, the facial record data
    # length 64 too low, and 5 zero bytes after the JPEG's end that both lengths count.
    trailing = b"\x00" * 5
    block = 20 + 12 + len(jpeg) + len(trailing)
    sloppy_info = (block - 64).to_bytes(4, "big") + facial_info[4:]
    sloppy = b"FAC\x00" + b"010\x00" + (14 + block + 6).to_bytes(4, "big") + (1).to_bytes(2, "big") \
        + sloppy_info + image_info + jpeg + trailing
    write("DG2-sloppy.bin", tlv("75", tlv("7F61", integer(1) + tlv("7F60", bht + tlv("5F2E", sloppy)))))

    # DG13: every field of CCCD.md, 2021 card, in the layout read from real cards (CCCD.md): the ID, the dates of
    # birth and issue, the old ID and field 16 as PrintableString, the rest UTF8String, the parents as sibling
    # SEQUENCEs. The names have the UTF-8 lengths of the published prefixes (father 0x17, mother 0x14 bytes).
    def field(n, *values):
        return seq(integer(n), *values)
    father, mother = "Nguyễn Văn Bình Anh", "Trần Thị Cúc An"
    assert len(father.encode()) == 0x17 and len(mother.encode()) == 0x14
    fields = [
        field(1, printable("001099012345")),
        field(2, utf8("Nguyễn Văn An")),
        field(3, printable("15/03/1999")),
        field(4, utf8("Nam")),
        field(5, utf8("Việt Nam")),
        field(6, utf8("Kinh")),
        field(7, utf8("Không")),
        field(8, utf8("Xã Đông Hội, Huyện Đông Anh, Hà Nội")),
        field(9, utf8("Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội")),
        field(10, utf8("Nốt ruồi C:1cm trên trước mép phải")),
        field(11, printable("01/06/2022")),
        field(12, utf8("15/03/2039")),
        field(13, seq(utf8(father)), seq(utf8(mother))),
        field(14),
        field(15, printable("123456789")),
        field(16, printable("0123456789ABCDEF")),
    ]
    dg13 = tlv("6D", seq(integer(1), oid("1.0.10646.1.0.8"), set_(*fields)))
    # CCCD.md's published prefixes, byte for byte.
    for prefix in ["3011020101130C", "303602010D30190C17", "30160C14", "300302010E"]:
        assert bytes.fromhex(prefix) in dg13, prefix
    write("DG13.bin", dg13)

    # The same holder in the older nested layout: every text a UTF8String, both parents in one SEQUENCE, and the
    # spouse field absent.
    nested = [field(n, utf8(v)) for n, v in [
        (1, "001099012345"), (2, "Nguyễn Văn An"), (3, "15/03/1999"), (4, "Nam"), (5, "Việt Nam"), (6, "Kinh"),
        (7, "Không"), (8, "Xã Đông Hội, Huyện Đông Anh, Hà Nội"),
        (9, "Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội"), (10, "Nốt ruồi C:1cm trên trước mép phải"),
        (11, "01/06/2022"), (12, "15/03/2039")]]
    nested += [field(13, seq(utf8(father), utf8(mother))), field(15, utf8("123456789")),
               field(16, utf8("0123456789ABCDEF"))]
    write("DG13-nested.bin", tlv("6D", seq(integer(1), oid("1.0.10646.1.0.8"), set_(*nested))))

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

    write_dg13_variants(field, dg13)

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
    # The same keys with explicit domain parameters (openssl ec -param_enc explicit).
    ca_explicit = open(os.path.join(keys, "test-only-ca-explicit.pub.der"), "rb").read()
    aa_explicit = open(os.path.join(keys, "test-only-aa-explicit.pub.der"), "rb").read()
    write("DG14-explicit.bin", tlv("6E", set_(
        seq(oid("0.4.0.127.0.7.2.2.1.2"), ca_explicit),
        seq(oid("0.4.0.127.0.7.2.2.3.2.2"), integer(1)),
        seq(oid("2.23.136.1.1.5"), integer(1), oid("0.4.0.127.0.7.1.1.4.1.3")),
    )))
    write("DG15-explicit.bin", tlv("6F", aa_explicit))

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
