#!/usr/bin/env python3
"""Active authentication vectors (ICAO 9303-11 §6.1) for Tests/ICAOSessionTests/ActiveAuthenticationTests.swift.

Written for cccd with Python's integers and the `cryptography` package, sharing no code with Sources/. Each RSA
case builds an ISO/IEC 9796-2 scheme 1 message representative F by hand (header, padding, M1, hash, trailer),
one field at a time, and signs it with the raw RSA private operation s = F^d mod n (or (n - F)^d for the
alternative form); each ECDSA case signs the challenge with `cryptography`. The expected outcome of every case is
written next to it: "passed", or the one check that fails.

The genuine RSA key is Vectors/pki/aa-rsa-1024.key (the one the virtual card dam-anh-hang-2021 uses); the clone
keys and the ECDSA keys are generated afresh, so a re-run writes other bytes with the same meaning.

Run: python3 Vectors/icao/make-aa-vectors.py > Vectors/icao/aa-vectors.json
"""
import hashlib, json, os, pathlib
from cryptography.hazmat.primitives import serialization, hashes
from cryptography.hazmat.primitives.asymmetric import rsa, ec, utils

ROOT = pathlib.Path(__file__).resolve().parents[2]
HASH = {"sha1": (hashlib.sha1, 0x33), "sha224": (hashlib.sha224, 0x38), "sha256": (hashlib.sha256, 0x34),
        "sha384": (hashlib.sha384, 0x36), "sha512": (hashlib.sha512, 0x35)}


def der_length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def dg15(public_key):
    spki = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return bytes([0x6F]) + der_length(len(spki)) + spki


def rsa_sign_raw(key, f, alternative=False):
    numbers = key.private_numbers()
    n, d = numbers.public_numbers.n, numbers.d
    k = (n.bit_length() + 7) // 8
    value = int.from_bytes(f, "big")
    assert value < n
    if alternative:
        value = n - value
    return pow(value, d, n).to_bytes(k, "big")


def representative(k, m1, hash_name, challenge, total, padding=0, trailer=None, header=None, tamper_hash=False,
                   terminator=0xBA):
    """header ‖ padding ‖ M1 ‖ H ‖ trailer, k bytes; H over M1 ‖ challenge (partial) or M1 (total)."""
    fn, ident = HASH[hash_name]
    h = bytearray(fn(m1 if total else m1 + challenge).digest())
    if tamper_hash:
        h[-1] ^= 0x01
    if trailer is None:
        trailer = bytes([0xBC]) if hash_name == "sha1" else bytes([ident, 0xCC])
    first_nibble = 0x40 if total else 0x60
    if padding:
        body = bytes([first_nibble | 0x0B]) + bytes([0xBB]) * (padding - 1) + bytes([terminator])
    else:
        body = bytes([first_nibble | 0x0A])
    f = bytearray(body + m1 + bytes(h) + trailer)
    if header is not None:
        f[0] = header
    assert len(f) == k, (len(f), k)
    return bytes(f)


def capacity(k, hash_name, explicit=None):
    fn, _ = HASH[hash_name]
    t = 1 if hash_name == "sha1" and not explicit else 2
    return k - 1 - fn().digest_size - t


def main():
    genuine = serialization.load_pem_private_key((ROOT / "Vectors/pki/aa-rsa-1024.key").read_bytes(), None)
    n = genuine.public_key().public_numbers().n
    k = (n.bit_length() + 7) // 8
    challenge = bytes.fromhex("0123456789ABCDEF")
    other_challenge = bytes.fromhex("FEDCBA9876543210")
    rsa_cases = []

    def case(name, signature, expect, challenge=challenge):
        rsa_cases.append({"name": name, "challenge": challenge.hex().upper(), "signature": signature.hex().upper(),
                          "expect": expect})

    def m1_of(length):
        return os.urandom(length)

    # Partial recovery, the usual form: M1 fills the room, M2 is the challenge.
    for hash_name in ["sha1", "sha224", "sha256", "sha384", "sha512"]:
        m1 = m1_of(capacity(k, hash_name))
        case(f"partial-{hash_name}", rsa_sign_raw(genuine, representative(k, m1, hash_name, challenge, False)), "passed")
    m1 = m1_of(capacity(k, "sha1"))
    f = representative(k, m1, "sha1", challenge, False)
    assert (n - int.from_bytes(f, "big")) & 0x0F != 0x0C  # else n - F would pass for F itself
    case("partial-sha1-alternative-n-minus-F", rsa_sign_raw(genuine, f, alternative=True), "passed")
    # SHA-1 with the explicit trailer 33 CC.
    m1 = m1_of(capacity(k, "sha1", explicit=True))
    case("partial-sha1-explicit-trailer",
         rsa_sign_raw(genuine, representative(k, m1, "sha1", challenge, False, trailer=bytes([0x33, 0xCC]))), "passed")

    # Total recovery: the whole message, ending with the challenge, inside F.
    message = os.urandom(20) + challenge
    pad = capacity(k, "sha1") - len(message)
    case("total-sha1-padded", rsa_sign_raw(genuine, representative(k, message, "sha1", challenge, True, padding=pad)),
         "passed")
    message = os.urandom(capacity(k, "sha1") - 8) + challenge
    case("total-sha1-unpadded", rsa_sign_raw(genuine, representative(k, message, "sha1", challenge, True)), "passed")
    message = os.urandom(12) + challenge
    pad = capacity(k, "sha256") - len(message)
    case("total-sha256-padded",
         rsa_sign_raw(genuine, representative(k, message, "sha256", challenge, True, padding=pad)), "passed")

    # One check fails in each.
    m1 = m1_of(capacity(k, "sha1"))
    case("header-bits-00", rsa_sign_raw(genuine, representative(k, m1, "sha1", challenge, False, header=0x2A)),
         "headerInvalid")
    case("header-nibble-7", rsa_sign_raw(genuine, representative(k, m1, "sha1", challenge, False, header=0x7A)),
         "headerInvalid")
    case("padding-nibble-C", rsa_sign_raw(genuine, representative(k, m1, "sha1", challenge, False, header=0x6C)),
         "paddingInvalid")
    shorter = m1_of(capacity(k, "sha1") - 3)
    case("padding-in-partial-recovery",
         rsa_sign_raw(genuine, representative(k, shorter, "sha1", challenge, False, padding=3)), "paddingInvalid")
    message = os.urandom(20) + challenge
    pad = capacity(k, "sha1") - len(message)
    case("padding-without-terminator",
         rsa_sign_raw(genuine, representative(k, message, "sha1", challenge, True, padding=pad, terminator=0xB9)),
         "paddingInvalid")
    case("trailer-hash-whirlpool",
         rsa_sign_raw(genuine, representative(k, m1_of(capacity(k, "sha1", explicit=True)), "sha1", challenge, False,
                                              trailer=bytes([0x37, 0xCC]))), "trailerHashUnsupported")
    # A last nibble other than C, and n - F without one either.
    f = bytearray(representative(k, m1_of(capacity(k, "sha1")), "sha1", challenge, False))
    f[-1] = next(b for b in range(0xB0, 0xC0)
                 if b & 0x0F != 0x0C and (n - (int.from_bytes(f[:-1], "big") << 8 | b)) & 0x0F != 0x0C)
    case("trailer-missing", rsa_sign_raw(genuine, bytes(f)), "trailerMissing")
    case("hash-bit-flipped",
         rsa_sign_raw(genuine, representative(k, m1, "sha1", challenge, False, tamper_hash=True)), "hashMismatch")
    # RSA's final hash comparison: a correct signature of another challenge (a replayed answer).
    case("hash-of-another-challenge",
         rsa_sign_raw(genuine, representative(k, m1, "sha1", other_challenge, False)), "hashMismatch")
    message = os.urandom(20) + other_challenge
    pad = capacity(k, "sha1") - len(message)
    case("total-without-the-challenge",
         rsa_sign_raw(genuine, representative(k, message, "sha1", challenge, True, padding=pad)), "challengeNotRecovered")
    message = os.urandom(20) + challenge
    case("total-hash-bit-flipped",
         rsa_sign_raw(genuine, representative(k, message, "sha1", challenge, True, padding=capacity(k, "sha1") - 28,
                                              tamper_hash=True)), "hashMismatch")
    case("no-room-for-M1",
         rsa_sign_raw(genuine, representative(k, b"", "sha1", challenge, True, padding=capacity(k, "sha1"))),
         "messageTooShort")
    case("signature-equal-to-n", n.to_bytes(k, "big"), "rsaSignatureOutOfRange")
    case("signature-one-byte-short", rsa_sign_raw(genuine, representative(k, m1, "sha1", challenge, False))[1:],
         "rsaSignatureOutOfRange")
    # A clone: the same representative signed with another key; F as the genuine key opens it is noise.
    clone = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    while True:
        s = rsa_sign_raw(clone, representative(k, m1_of(capacity(k, "sha1")), "sha1", challenge, False))
        if int.from_bytes(s, "big") >= n:
            continue
        opened = pow(int.from_bytes(s, "big"), 65537, n)
        if opened & 0x0F != 0x0C and (n - opened) & 0x0F != 0x0C:
            break
    case("clone", s, "trailerMissing")

    # ECDSA on P-256 (ICAO 9303-11 Table 4 ID 12), plain r ‖ s of 32 bytes each (BSI TR-03111).
    key = ec.generate_private_key(ec.SECP256R1())
    other = ec.generate_private_key(ec.SECP256R1())

    def ecdsa(private, message, digest, plain=True):
        der = private.sign(message, ec.ECDSA(digest))
        if not plain:
            return der
        r, s = utils.decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    ecdsa_plain_sha256 = "0.4.0.127.0.7.1.1.4.1.3"
    ecdsa_cases = []

    def ecase(name, signature, algorithm, expect):
        ecdsa_cases.append({"name": name, "challenge": challenge.hex().upper(), "signature": signature.hex().upper(),
                            "algorithm": algorithm, "expect": expect})

    ecase("plain-sha256", ecdsa(key, challenge, hashes.SHA256()), ecdsa_plain_sha256, "passed")
    ecase("der-sha256", ecdsa(key, challenge, hashes.SHA256(), plain=False), ecdsa_plain_sha256, "passed")
    ecase("plain-sha384", ecdsa(key, challenge, hashes.SHA384()), "0.4.0.127.0.7.1.1.4.1.4", "passed")
    ecase("plain-sha1-x962-oid", ecdsa(key, challenge, hashes.SHA1()), "1.2.840.10045.4.1", "passed")
    ecase("clone", ecdsa(other, challenge, hashes.SHA256()), ecdsa_plain_sha256, "ecdsaSignatureInvalid")
    ecase("another-challenge", ecdsa(key, other_challenge, hashes.SHA256()), ecdsa_plain_sha256,
          "ecdsaSignatureInvalid")
    ecase("digest-other-than-named", ecdsa(key, challenge, hashes.SHA256()), "0.4.0.127.0.7.1.1.4.1.4",
          "ecdsaSignatureInvalid")
    ecase("no-active-authentication-info", ecdsa(key, challenge, hashes.SHA256()), None, "signatureAlgorithmMissing")
    ecase("algorithm-not-ecdsa", ecdsa(key, challenge, hashes.SHA256()), "1.2.840.113549.1.1.11",
          "signatureAlgorithmUnsupported")
    ecase("plain-one-byte-short", ecdsa(key, challenge, hashes.SHA256())[1:], ecdsa_plain_sha256,
          "ecdsaSignatureMalformed")

    print(json.dumps({
        "about": "ICAO 9303-11 §6.1 active authentication vectors, written by Vectors/icao/make-aa-vectors.py",
        "rsa": {"dg15": dg15(genuine.public_key()).hex().upper(), "cases": rsa_cases},
        "ecdsa": {"dg15": dg15(key.public_key()).hex().upper(), "cases": ecdsa_cases},
    }, indent=2))


if __name__ == "__main__":
    main()
