#!/usr/bin/env python3
"""Writes the synthetic virtual cards, Vectors/cards/*.json (format cccd-card/1). No real person: every name,
number and address is invented. Keys are TEST-ONLY. Run once; the committed files are the reference, and the
chip keys are drawn fresh each time this is run.

Every card's identity matches its card-front QR text (Vectors/qr/texts.json, the `qr` key here).
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


def scalar(pid):
    n = ORDERS[pid]
    length = (n.bit_length() + 7) // 8
    return (1 + secrets.randbelow(n - 1)).to_bytes(length, "big").hex().upper()


def chip(pace=("aes128", 13), ca=("aes128", 13), aa=("ecdsa", 13, "sha256"), signer="ds-good", hash_="sha256"):
    out = {
        "pace": {"protocol": PACE[pace[0]], "parameterId": pace[1]},
        "bac": True,
        "chipAuthentication": {"protocol": CA[ca[0]], "parameterId": ca[1], "privateKey": scalar(ca[1])},
        "hashAlgorithm": hash_,
        "signer": {"certificate": f"../pki/{signer}.der", "privateKey": f"../pki/{signer}.key.der"},
    }
    if aa[0] == "ecdsa":
        out["activeAuthentication"] = {"algorithm": "ecdsa", "parameterId": aa[1], "hash": aa[2],
                                       "privateKey": scalar(aa[1])}
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
        "chip": chip(aa=("rsa",)),
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
}

for name, card in CARDS.items():
    document = {"format": "cccd-card/1", **card}
    path = ROOT / "Vectors" / "cards" / f"{name}.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(path.relative_to(ROOT))
