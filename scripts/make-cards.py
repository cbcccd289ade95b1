#!/usr/bin/env python3
"""Writes the synthetic virtual cards, Vectors/cards/*.json (format cccd-card/1). No real person: every name,
number and address is invented. Keys are TEST-ONLY. The chip keys of a card whose file exists are kept; a new
card's are drawn fresh.

Every card's identity matches its card-front QR text (Vectors/qr/texts.json, the `qr` key here).

Chip knobs beyond the protocol suite (see Sources/VirtualCard/CardDescription.swift): `dg13Layout` (`nested`
for the older DG13 form; real cards' layout otherwise), `domainParameters: explicit` and `curve` for DG14/DG15
keys with explicit parameters, `cardAccess: false`, `extendedLength: false` with `extendedLengthRefusal`, and
`portraitRecord` for a DG2 record whose lengths disagree with its data.
"""
import json
import pathlib
import secrets

ROOT = pathlib.Path(__file__).resolve().parent.parent
ORDERS = {  # ICAO 9303-11 Table 4 parameter ID -> curve order
    12: 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    13: 0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7,
    16: 0x8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7CF3AB6AF6B7FC3103B883202E9046565,
}
PACE = {"aes128": "0.4.0.127.0.7.2.2.4.2.2", "aes256": "0.4.0.127.0.7.2.2.4.2.4", "3des": "0.4.0.127.0.7.2.2.4.2.1"}
CA = {"aes128": "0.4.0.127.0.7.2.2.3.2.2", "aes256": "0.4.0.127.0.7.2.2.3.2.4", "3des": "0.4.0.127.0.7.2.2.3.2.1"}
# RFC 5639 §3.4 brainpoolP256t1: a sound curve outside ICAO 9303-11 Table 4, for keys whose curve has no name
# the reader knows (it must check the parameters and build the group from them).
BRAINPOOL_P256T1 = {
    "name": "RFC 5639 §3.4 brainpoolP256t1",
    "p": "A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377",
    "a": "A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5374",
    "b": "662C61C430D84EA4FE66A7733D0B76B7BF93EBC4AF2F49256AE58101FEE92B04",
    "gx": "A3E8EB3CC1CFE7B7732213B23A656149AFA142C47AAFBC2B79A191562E1305F4",
    "gy": "2D996C823439C56D7F7B22E14644417E69BCB6DE39D027001DABE8F35B25C9BE",
    "n": "A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7",
    "h": "01",
}


def scalar(pid):
    n = ORDERS[pid] if isinstance(pid, int) else int(pid["n"], 16)
    length = (n.bit_length() + 7) // 8
    return (1 + secrets.randbelow(n - 1)).to_bytes(length, "big").hex().upper()


def curve_keys(c):
    """The JSON keys naming a curve: a Table 4 parameter ID, or a curve by its parameters."""
    return {"parameterId": c} if isinstance(c, int) else {"curve": c}


def chip(pace=("aes128", 13), ca=("aes128", 13), aa=("ecdsa", 13, "sha256"), signer="ds-good", hash_="sha256",
         explicit=False, **knobs):
    out = {}
    if pace:
        out["pace"] = {"protocol": PACE[pace[0]], "parameterId": pace[1]}
    out["bac"] = True
    out.update(knobs)
    out["chipAuthentication"] = {"protocol": CA[ca[0]], **curve_keys(ca[1]), "privateKey": scalar(ca[1])}
    if explicit:
        out["chipAuthentication"]["domainParameters"] = "explicit"
    out["hashAlgorithm"] = hash_
    out["signer"] = {"certificate": f"../pki/{signer}.der", "privateKey": f"../pki/{signer}.key.der"}
    if aa[0] == "ecdsa":
        out["activeAuthentication"] = {"algorithm": "ecdsa", **curve_keys(aa[1]), "hash": aa[2],
                                       "privateKey": scalar(aa[1])}
        if explicit:
            out["activeAuthentication"]["domainParameters"] = "explicit"
    elif aa[0] == "rsa":
        out["activeAuthentication"] = {"algorithm": "rsa", "privateKey": "../pki/aa-rsa-1024.key.der"}
    return out


CARDS = {
    "nguyen-van-an-2021": {
        "title": "2021 CCCD: married, parents' names, old CMND; the CCCD's own protocol suite",
        "generation": "cccd-2021",
        "identity": {
            "personalIdNumber": "001099012345", "fullName": "Nguyễn Văn An", "dateOfBirth": "15/03/1999",
            "sex": "Nam", "nationality": "Việt Nam", "ethnicity": "Kinh", "religion": "Không",
            "placeOfOrigin": "Xã Yên Sở, Huyện Hoài Đức, Hà Nội",
            "placeOfResidence": "Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội",
            "identifyingCharacteristics": "Nốt ruồi C:1cm trên trước đầu lông mày phải",
            "dateOfIssue": "01/06/2022", "dateOfExpiry": "15/03/2039",
            "fatherName": "Nguyễn Văn Bình", "motherName": "Trần Thị Cúc", "spouseName": "Lê Thị Dung",
            "oldIdNumber": "123456789", "field16": "0123456789ABCDEF",
        },
        "portrait": "portraits/nguyen-van-an.jpg",
        "qr": "001099012345|123456789|Nguyễn Văn An|15031999|Nam|Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội|01062022",
        "chip": chip(),
    },
    "dam-anh-hang-2021": {
        "title": "2021 CCCD: every tone on a, ă, â and Đ; no old ID, no spouse; RSA active authentication",
        "generation": "cccd-2021",
        "identity": {
            "personalIdNumber": "038190004567",
            "fullName": "Đàm Ánh Ngả Hãn Mạnh Hằng Vắn Trẳng Hẵng Đặng Lầm Tấn Lẩn Mẫn Vận Vân",
            "dateOfBirth": "02/09/1990", "sex": "Nữ", "nationality": "Việt Nam", "ethnicity": "Mường",
            "religion": "Phật giáo", "placeOfOrigin": "Xã Quảng Đức, Huyện Quảng Xương, Thanh Hoá",
            "placeOfResidence": "Thôn Đông, xã Quảng Đức, huyện Quảng Xương, tỉnh Thanh Hoá",
            "identifyingCharacteristics": "Sẹo chấm C:2cm dưới sau mép trái",
            "dateOfIssue": "20/11/2021", "dateOfExpiry": "02/09/2030",
            "fatherName": "Đàm Văn Đức", "motherName": "Hà Thị Ấm",
        },
        "portrait": "portraits/dam-anh-hang.jpg",
        "qr": "038190004567||Đàm Ánh Ngả Hãn Mạnh Hằng Vắn Trẳng Hẵng Đặng Lầm Tấn Lẩn Mẫn Vận Vân|02091990|Nữ|Thôn Đông, xã Quảng Đức, huyện Quảng Xương, tỉnh Thanh Hoá|20112021",
        # The one card whose DG13 keeps the older nested layout, so both layouts stay read.
        "chip": chip(aa=("rsa",), dg13Layout="nested"),
    },
    "he-le-khue-2024": {
        "title": "2024 Căn cước: born on a leap day, tones on e, ê, i; DS under the next CSCA generation (link certificate); SHA-384",
        "generation": "cancuoc-2024",
        "identity": {
            "personalIdNumber": "079204001234", "fullName": "Hè Lé Khẻ Vẽ Mẹ Thề Phế Hể Nễ Hệ Hì Lí Hỉ Nĩ Lị Khuê",
            "dateOfBirth": "29/02/2004", "sex": "Nam", "nationality": "Việt Nam", "ethnicity": "Kinh",
            "religion": "Không", "placeOfOrigin": "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
            "placeOfResidence": "Số 5 đường Nguyễn Huệ, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
            "dateOfIssue": "01/08/2024", "dateOfExpiry": "29/02/2029",
            "fatherName": "Hè Văn Lực", "motherName": "Lê Thị Khánh",
        },
        "portrait": "portraits/he-le-khue.jpg",
        "qr": "079204001234||Hè Lé Khẻ Vẽ Mẹ Thề Phế Hể Nễ Hệ Hì Lí Hỉ Nĩ Lị Khuê|29022004|Nam|Số 5 đường Nguyễn Huệ, Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh|01082024||||",
        "chip": chip(signer="ds-link", hash_="sha384"),
    },
    "ho-ngoc-to-2024": {
        "title": "2024 Căn cước: married, parents, old CMND in the QR's extra fields; tones on o, ô, ơ; PACE on NIST P-256",
        "generation": "cancuoc-2024",
        "identity": {
            "personalIdNumber": "001085000111", "fullName": "Hò Nó Gỏ Võ Ngọc Hồ Tố Thổ Mỗ Lộ Nờ Mới Hở Mỡ Lợi Tô",
            "dateOfBirth": "31/12/1985", "sex": "Nữ", "nationality": "Việt Nam", "ethnicity": "Tày",
            "religion": "Công giáo", "placeOfOrigin": "Phường Dịch Vọng, Quận Cầu Giấy, Hà Nội",
            "placeOfResidence": "Tổ 3, phường Dịch Vọng, quận Cầu Giấy, Hà Nội",
            "dateOfIssue": "15/08/2024", "dateOfExpiry": "31/12/2045",
            "fatherName": "Lê Văn Hùng", "motherName": "Phạm Thị Lan", "spouseName": "Vũ Đức Thắng",
            "oldIdNumber": "012345678",
        },
        "portrait": "portraits/ho-ngoc-to.jpg",
        "qr": "001085000111|012345678|Hò Nó Gỏ Võ Ngọc Hồ Tố Thổ Mỗ Lộ Nờ Mới Hở Mỡ Lợi Tô|31121985|Nữ|Tổ 3, phường Dịch Vọng, quận Cầu Giấy, Hà Nội|15082024|012345678|001085000999|Lê Văn Hùng|Phạm Thị Lan",
        "chip": chip(pace=("aes128", 12), ca=("aes128", 12), aa=("ecdsa", 12, "sha256")),
    },
    "truong-thuy-duong-2021": {
        "title": "2021 CCCD: a very long address (long-form lengths), birth known only as a year; PACE on brainpoolP384r1 with AES-256",
        "generation": "cccd-2021",
        "identity": {
            "personalIdNumber": "092301009876", "fullName": "Trương Thị Thuỳ Dương", "dateOfBirth": "2001",
            "sex": "Nữ", "nationality": "Việt Nam", "ethnicity": "Kinh", "religion": "Không",
            "placeOfOrigin": "Xã Nghĩa Đô, Huyện Từ Liêm, Hà Nội",
            "placeOfResidence": "Căn hộ số 1205, tầng 12, toà nhà CT2B, khu đô thị mới Nghĩa Đô, ngõ 106 đường Hoàng Quốc Việt, tổ dân phố số 18, phường Nghĩa Đô, quận Cầu Giấy, thành phố Hà Nội, Việt Nam",
            "identifyingCharacteristics": "",
            "dateOfIssue": "30/06/2021", "dateOfExpiry": "01/01/2026",
            "fatherName": "Trương Văn Hải", "motherName": "Ngô Thị Mai",
        },
        "portrait": "portraits/truong-thuy-duong.jpg",
        "qr": "092301009876||Trương Thị Thuỳ Dương|01012001|Nữ|Căn hộ số 1205, tầng 12, toà nhà CT2B, khu đô thị mới Nghĩa Đô, ngõ 106 đường Hoàng Quốc Việt, tổ dân phố số 18, phường Nghĩa Đô, quận Cầu Giấy, thành phố Hà Nội, Việt Nam|30062021",
        "chip": chip(pace=("aes256", 16), ca=("aes256", 16), aa=("ecdsa", 16, "sha384")),
    },
    "ly-tu-2024": {
        "title": "2024 Căn cước: no expiry (valid for life), no spouse, no old ID in the chip; 3DES PACE and chip authentication",
        "generation": "cancuoc-2024",
        "identity": {
            "personalIdNumber": "048097000321", "fullName": "Lý Tú", "dateOfBirth": "05/05/1997", "sex": "Nam",
            "nationality": "Việt Nam", "ethnicity": "Hoa", "religion": "Không", "placeOfOrigin": "Đà Nẵng",
            "placeOfResidence": "Đà Nẵng", "dateOfIssue": "10/09/2024", "dateOfExpiry": "Không thời hạn",
            "fatherName": "Lý Văn Phúc", "motherName": "Trịnh Thị Yến",
        },
        "portrait": "portraits/ly-tu.jpg",
        "qr": "048097000321|201234567|Lý Tú|05051997|Nam|Đà Nẵng|10092024||||",
        "chip": chip(pace=("3des", 13), ca=("3des", 13)),
    },
    "mai-thi-dao-2024": {
        "title": "2024 Căn cước: a JPEG 2000 (JP2) face; field 17 (another name, 2024 law) in DG13",
        "generation": "cancuoc-2024",
        "identity": {
            "personalIdNumber": "036302004321", "fullName": "Mai Thị Đào", "dateOfBirth": "18/11/2002",
            "sex": "Nữ", "nationality": "Việt Nam", "ethnicity": "Kinh", "religion": "Không",
            "placeOfOrigin": "Xã Hải Hậu, Huyện Hải Hậu, Nam Định",
            "placeOfResidence": "Số 7 đường Trần Hưng Đạo, Phường Bà Triệu, Thành phố Nam Định, Nam Định",
            "dateOfIssue": "05/09/2024", "dateOfExpiry": "18/11/2027",
            "fatherName": "Mai Văn Hải", "motherName": "Đỗ Thị Huệ",
            "otherFields": {"17": "Đào Mai"},
        },
        "portrait": "portraits/mai-thi-dao.jp2",
        "qr": "036302004321||Mai Thị Đào|18112002|Nữ|Số 7 đường Trần Hưng Đạo, Phường Bà Triệu, Thành phố Nam Định, Nam Định|05092024||||",
        "chip": chip(),
    },
    "luc-van-son-2021": {
        "title": "2021 CCCD: a DG2 record whose lengths disagree with its data and 5 bytes after the JPEG's end, as some chips write it",
        "generation": "cccd-2021",
        "identity": {
            "personalIdNumber": "020088007654", "fullName": "Lục Văn Sơn", "dateOfBirth": "07/04/1988",
            "sex": "Nam", "nationality": "Việt Nam", "ethnicity": "Nùng", "religion": "Không",
            "placeOfOrigin": "Xã Hoàng Đồng, Thành phố Lạng Sơn, Lạng Sơn",
            "placeOfResidence": "Thôn Nà Chuông, xã Hoàng Đồng, thành phố Lạng Sơn, tỉnh Lạng Sơn",
            "identifyingCharacteristics": "Sẹo chấm C:1cm trên mép phải",
            "dateOfIssue": "12/05/2021", "dateOfExpiry": "07/04/2028",
            "fatherName": "Lục Văn Pảo", "motherName": "Hoàng Thị Slao", "spouseName": "Vi Thị Mai",
            "oldIdNumber": "082123456", "field16": "A1B2C3D4E5F60718",
        },
        "portrait": "portraits/luc-van-son.jpg",
        "portraitRecord": {"recordLengthDelta": 6, "imageBlockLengthDelta": -64, "trailingBytes": 5},
        "qr": "020088007654|082123456|Lục Văn Sơn|07041988|Nam|Thôn Nà Chuông, xã Hoàng Đồng, thành phố Lạng Sơn, tỉnh Lạng Sơn|12052021",
        "chip": chip(),
    },
    "kieu-thi-nga-2024": {
        "title": "2024 Căn cước: DG14 and DG15 keys on brainpoolP256r1 written with explicit domain parameters",
        "generation": "cancuoc-2024",
        "identity": {
            "personalIdNumber": "001193012678", "fullName": "Kiều Thị Nga", "dateOfBirth": "23/06/1993",
            "sex": "Nữ", "nationality": "Việt Nam", "ethnicity": "Kinh", "religion": "Phật giáo",
            "placeOfOrigin": "Xã Cam Thượng, Huyện Ba Vì, Hà Nội",
            "placeOfResidence": "Số 3 ngách 15 ngõ 20 phố Huế, Phường Phố Huế, Quận Hai Bà Trưng, Hà Nội",
            "dateOfIssue": "20/07/2024", "dateOfExpiry": "23/06/2033",
            "fatherName": "Kiều Văn Tùng", "motherName": "Nguyễn Thị Hoa", "spouseName": "Phan Văn Long",
        },
        "portrait": "portraits/kieu-thi-nga.jpg",
        "qr": "001193012678||Kiều Thị Nga|23061993|Nữ|Số 3 ngách 15 ngõ 20 phố Huế, Phường Phố Huế, Quận Hai Bà Trưng, Hà Nội|20072024||||",
        "chip": chip(explicit=True),
    },
    "quach-minh-tri-2021": {
        "title": "2021 CCCD: DG14 and DG15 keys on brainpoolP256t1, a curve outside ICAO Table 4, given by its explicit parameters",
        "generation": "cccd-2021",
        "identity": {
            "personalIdNumber": "079095003456", "fullName": "Quách Minh Trí", "dateOfBirth": "11/01/1995",
            "sex": "Nam", "nationality": "Việt Nam", "ethnicity": "Hoa", "religion": "Không",
            "placeOfOrigin": "Phường 11, Quận 5, Thành phố Hồ Chí Minh",
            "placeOfResidence": "Số 210 đường Trần Hưng Đạo, Phường 11, Quận 5, Thành phố Hồ Chí Minh",
            "dateOfIssue": "03/03/2021", "dateOfExpiry": "11/01/2035",
            "fatherName": "Quách Văn Phát", "motherName": "Lâm Thị Mỹ",
            "oldIdNumber": "025678901",
        },
        "portrait": "portraits/quach-minh-tri.jpg",
        "qr": "079095003456|025678901|Quách Minh Trí|11011995|Nam|Số 210 đường Trần Hưng Đạo, Phường 11, Quận 5, Thành phố Hồ Chí Minh|03032021",
        "chip": chip(ca=("aes128", BRAINPOOL_P256T1), aa=("ecdsa", BRAINPOOL_P256T1, "sha256"), explicit=True),
    },
    "ton-nu-hoa-2021": {
        "title": "2021 CCCD on a BAC-only chip: no EF.CardAccess, short APDUs only, 6988 to an extended-length protected command",
        "generation": "cccd-2021",
        "identity": {
            "personalIdNumber": "046170001122", "fullName": "Tôn Nữ Hoà", "dateOfBirth": "14/02/1970",
            "sex": "Nữ", "nationality": "Việt Nam", "ethnicity": "Kinh", "religion": "Phật giáo",
            "placeOfOrigin": "Phường Thuận Thành, Thành phố Huế, Thừa Thiên Huế",
            "placeOfResidence": "Số 9 đường Đinh Tiên Hoàng, Phường Thuận Thành, Thành phố Huế, Thừa Thiên Huế",
            "dateOfIssue": "25/03/2021", "dateOfExpiry": "Không thời hạn",
            "fatherName": "Tôn Thất Lộc", "motherName": "Hồ Thị Xuân",
            "oldIdNumber": "190123456",
        },
        "portrait": "portraits/ton-nu-hoa.jpg",
        "qr": "046170001122|190123456|Tôn Nữ Hoà|14021970|Nữ|Số 9 đường Đinh Tiên Hoàng, Phường Thuận Thành, Thành phố Huế, Thừa Thiên Huế|25032021",
        "chip": chip(pace=None, cardAccess=False, extendedLength=False, extendedLengthRefusal="6988"),
    },
}


def keep_existing_keys(new, old):
    """Keeps the private keys of a card already written, so regenerating the files changes no chip."""
    for role in ("chipAuthentication", "activeAuthentication"):
        a, b = new.get("chip", {}).get(role), old.get("chip", {}).get(role)
        if a and b and a.get("algorithm") == b.get("algorithm") and a.get("parameterId") == b.get("parameterId") \
                and a.get("curve") == b.get("curve"):
            a["privateKey"] = b["privateKey"]

for name, card in CARDS.items():
    document = {"format": "cccd-card/1", **card}
    path = ROOT / "Vectors" / "cards" / f"{name}.json"
    if path.exists():
        keep_existing_keys(document, json.loads(path.read_text(encoding="utf-8")))
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(path.relative_to(ROOT))
