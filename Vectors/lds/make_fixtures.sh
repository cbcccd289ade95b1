#!/bin/sh
# Regenerates the synthetic sample card under Vectors/lds/cccd/. Test-only keys: never use them for anything else.
set -eu
cd "$(dirname "$0")"
K=keys
mkdir -p "$K" cccd
if [ ! -f "$K/test-only-ds.key.pem" ]; then
  openssl ecparam -name brainpoolP256r1 -genkey -noout -out "$K/test-only-ds.key.pem"
  openssl req -new -x509 -key "$K/test-only-ds.key.pem" -sha256 -days 3650 -set_serial 4660 \
    -subj "/C=VN/O=cccd test only/CN=TEST ONLY Document Signer" -out "$K/test-only-ds.cert.pem"
  openssl ecparam -name brainpoolP256r1 -genkey -noout -out "$K/test-only-ca.key.pem"
  openssl ecparam -name prime256v1 -genkey -noout -out "$K/test-only-aa.key.pem"
fi
if [ ! -f "$K/test-only-ds-rsa.key.pem" ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K/test-only-ds-rsa.key.pem"
  openssl req -new -x509 -key "$K/test-only-ds-rsa.key.pem" -sha256 -days 3650 -set_serial 0x00C0FFEE \
    -subj "/C=VN/O=cccd test only/CN=TEST ONLY RSA Document Signer" -out "$K/test-only-ds-rsa.cert.pem"
fi
openssl ec -in "$K/test-only-ca.key.pem" -pubout -outform DER -out "$K/test-only-ca.pub.der" 2>/dev/null
openssl ec -in "$K/test-only-aa.key.pem" -pubout -outform DER -out "$K/test-only-aa.pub.der" 2>/dev/null
# The same keys with explicit domain parameters, as many documents write them in DG14 and DG15.
openssl ec -in "$K/test-only-ca.key.pem" -pubout -param_enc explicit -outform DER -out "$K/test-only-ca-explicit.pub.der" 2>/dev/null
openssl ec -in "$K/test-only-aa.key.pem" -pubout -param_enc explicit -outform DER -out "$K/test-only-aa-explicit.pub.der" 2>/dev/null
openssl x509 -in "$K/test-only-ds.cert.pem" -outform DER -out "$K/test-only-ds.cert.der"
openssl x509 -in "$K/test-only-ds-rsa.cert.pem" -outform DER -out "$K/test-only-ds-rsa.cert.der"
python3 make_fixtures.py "$K"
# EF.SOD: CMS SignedData over the LDSSecurityObject, wrapped in tag 77 (ICAO 9303-10 §4.6.2).
sign() {
  openssl cms -sign -binary -nodetach -outform DER -econtent_type 2.23.136.1.1.1 -md sha256 \
    -in cccd/LDSSecurityObject.der -nosmimecap "$@"
}
EC="-signer $K/test-only-ds.cert.pem -inkey $K/test-only-ds.key.pem"
RSA="-signer $K/test-only-ds-rsa.cert.pem -inkey $K/test-only-ds-rsa.key.pem"
wrap77() {
  python3 -c 'import sys
d=sys.stdin.buffer.read()
n=len(d)
l=bytes([n]) if n<128 else bytes([0x80|((n.bit_length()+7)//8)])+n.to_bytes((n.bit_length()+7)//8,"big")
sys.stdout.buffer.write(b"\x77"+l+d)'
}
sign $EC | wrap77 > cccd/EF.SOD.bin
# The same with -stream: BER indefinite lengths, as some CMS encoders write.
sign $EC -stream | wrap77 > cccd/EF.SOD-indefinite.bin
# The signer named by subjectKeyIdentifier, and an RSASSA-PSS signature (AlgorithmIdentifier with parameters).
sign $EC -keyid | wrap77 > cccd/EF.SOD-keyid.bin
sign $RSA -keyopt rsa_padding_mode:pss | wrap77 > cccd/EF.SOD-rsapss.bin
ls -l cccd
