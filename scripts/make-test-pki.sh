#!/usr/bin/env bash
# Makes the TEST-ONLY PKI under Vectors/pki/ with the openssl command: country signing CAs (CSCA), document
# signers (DS), a link certificate, a CRL and an ICAO master list. Every key here is public and worthless:
# never trust these certificates outside the tests.
#
#   csca-a        CSCA, brainpoolP384r1 / SHA-384, 2020-01-01 .. 2045-01-01
#   csca-a2       the next CSCA generation (same name, new key); csca-a2-link is its key certified by csca-a,
#                 self-issued, so the CSCA path length of 0 still holds (RFC 5280 §4.2.1.9)
#   csca-b        an unrelated CSCA
#   ds-good       DS, brainpoolP256r1 / ECDSA-SHA-384 by csca-a, 2021-01-01 .. 2036-01-01
#   ds-link       DS issued by csca-a2 (chains to csca-a through the link certificate)
#   ds-expired    DS valid 2020-01-01 .. 2021-01-01 (inside CSCA A's validity, expired since)
#   ds-other      DS issued by csca-b
#   ds-revoked    DS issued by csca-a, listed in csca-a.crl
#   ds-rsapss     DS with an RSA-2048 key, certificate signed with RSA-PSS by csca-rsa (RSA-3072)
#   ds-explicit   DS whose brainpoolP256r1 key is written with explicit curve parameters
#   ml-signer     master list signer under csca-a; masterlist.ml holds csca-a, csca-a2, csca-a2-link, csca-b
#   ds-p256       DS with a NIST P-256 key, issued by csca-a
#   ds-critical   DS under csca-a with an unknown critical extension (1.3.6.1.4.1.55555.1)
#   ds-usage      DS under csca-a whose key usage is keyEncipherment, not digitalSignature
#   csca-explicit a CSCA whose brainpoolP384r1 key has explicit curve parameters (as some countries' CSCAs do);
#                 ds-explicit-ca is a DS it issued
#   ml-rogue      master list signer under csca-b; masterlist-rogue.ml lists csca-a only, so its signer chains to no
#                 CSCA in the list (refused unless csca-b is already trusted)
#   aa-rsa-1024   an RSA key for active authentication (ISO 9796-2)
#
# Added for one-rule-at-a-time tests (issue 17) and the trust decisions (issue 12), each made only when missing:
#   csca-window   CSCA valid 2025-01-01 .. 2030-01-01 only; ds-window (2021 .. 2036) under it, so a reading in 2024
#                 or 2031 finds only the CSCA out of its validity
#   csca-nosign   CA whose key usage is cRLSign only (no keyCertSign); ds-nosign under it
#   csca-critical CA with an unknown critical extension; ds-under-critical under it
#   csca-pl0, csca-pl1   CSCAs with pathLenConstraint 0 and 1, each issuing a sub-CA of another name (sub-pl0, sub-pl1)
#                 that issues a DS (ds-pl0, ds-pl1): one CA below the CSCA, over the limit of 0, at the limit of 1
#   csca-th       a CSCA of another country (C=TH); ds-th (C=TH) and ds-vn-under-th (C=VN) under it
#   ds-rsa1024    DS with an RSA-1024 key under csca-rsa; ds-p224 (secp224r1) and ds-p192 (prime192v1) under csca-a
#   mls-usage     master list signer under csca-a whose key usage is keyEncipherment, not digitalSignature
#   csca-a-outdated.crl   CSCA A's CRL of 2024-01-01, next update 2025-01-01, listing ds-revoked
#   csca-a-link-revoked.crl   CSCA A's CRL listing the A→A2 link certificate (serial 1001)
#   ds-link2      DS under csca-a2 with serial 3001. CSCA A and A2 are one CA (one name, two keys), so a CRL of that
#                 name covers both keys' certificates and their serials must differ (RFC 5280 §4.1.2.2); ds-link,
#                 made earlier, shares 1001 with the link certificate, so the link-revocation test signs with ds-link2
#
# Usage: scripts/make-test-pki.sh          makes what is missing, leaving every existing key and certificate alone
#        scripts/make-test-pki.sh --all    remakes everything from new keys (every test vector and virtual card changes)
# Keys are random and ECDSA signatures are randomised (OpenSSL 3.0 has no deterministic ECDSA), so a file is stable
# because it is kept, not because it is remade the same: the default mode never rewrites one.
set -euo pipefail
cd "$(dirname "$0")/../Vectors/pki"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ec_key() { openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" -pkeyopt ec_param_enc:named_curve -out "$1.key" 2>/dev/null; }

cat >"$work/ext.cnf" <<'CNF'
[csca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[link]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ds]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ds_critical]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
1.3.6.1.4.1.55555.1 = critical, ASN1:NULL
[ds_usage]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[csca_nosign]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[csca_critical]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
1.3.6.1.4.1.55555.2 = critical, ASN1:NULL
[csca_pl0]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[csca_pl1]
basicConstraints = critical, CA:TRUE, pathlen:1
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[sub_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[mls_usage]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = 2.23.136.1.1.3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[mls]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = 2.23.136.1.1.3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF

# A minimal `openssl ca` per issuer, so certificates get exact validity dates.
ca_setup() {
  local name=$1
  mkdir -p "$work/$name/new"
  : >"$work/$name/index.txt"
  echo 1000 >"$work/$name/serial"
  echo 1000 >"$work/$name/crlnumber"
  cat >"$work/$name/ca.cnf" <<CNF
[ca]
default_ca = this
[this]
dir = $work/$name
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = $PWD/$name.pem
private_key = $PWD/$name.key
default_md = ${2:-sha384}
policy = anything
unique_subject = no
copy_extensions = none
default_crl_days = 3650
[anything]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
CNF
}

# issue NAME ISSUER SUBJECT EXT START END [md] [extra openssl ca options...]
issue() {
  local name=$1 issuer=$2 subject=$3 ext=$4 start=$5 end=$6 md=${7:-sha384}
  shift 7 || true
  openssl req -new -key "$name.key" -subj "$subject" -out "$work/$name.csr" 2>/dev/null
  openssl ca -batch -config "$work/$issuer/ca.cnf" -extfile "$work/ext.cnf" -extensions "$ext" -md "$md" \
    -startdate "$start" -enddate "$end" -in "$work/$name.csr" -out "$work/$name.full.pem" "$@" 2>/dev/null
  openssl x509 -in "$work/$name.full.pem" -out "$name.pem"
  openssl x509 -in "$name.pem" -outform DER -out "$name.der"
}

# self_signed NAME SUBJECT [md] [extensions] [start] [end]
self_signed() {
  local name=$1 subject=$2 md=${3:-sha384} ext=${4:-csca} start=${5:-20200101000000Z} end=${6:-20450101000000Z}
  openssl req -new -key "$name.key" -subj "$subject" -out "$work/$name.csr" 2>/dev/null
  ca_setup "$name" "$md"
  # Self-signed through openssl ca so the validity dates are exact.
  openssl ca -batch -selfsign -config "$work/$name/ca.cnf" -keyfile "$name.key" -extfile "$work/ext.cnf" \
    -extensions "$ext" -md "$md" -startdate "$start" -enddate "$end" \
    -in "$work/$name.csr" -out "$work/$name.full.pem" 2>/dev/null
  openssl x509 -in "$work/$name.full.pem" -out "$name.pem"
  openssl x509 -in "$name.pem" -outform DER -out "$name.der"
}

if [ "${1:-}" = "--all" ]; then
rm -f ./*.pem ./*.der ./*.key ./*.crl ./*.ml

ec_key csca-a brainpoolP384r1;  self_signed csca-a "/C=VN/O=cccd TEST ONLY/CN=cccd TEST CSCA A"
ec_key csca-b brainpoolP384r1;  self_signed csca-b "/C=VN/O=cccd TEST ONLY/CN=cccd TEST CSCA B"
ec_key csca-a2 brainpoolP384r1; self_signed csca-a2 "/C=VN/O=cccd TEST ONLY/CN=cccd TEST CSCA A"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out csca-rsa.key 2>/dev/null
self_signed csca-rsa "/C=VN/O=cccd TEST ONLY/CN=cccd TEST CSCA RSA" sha256

# The link certificate: CSCA A2's subject and key, issued by CSCA A.
cp csca-a2.key csca-a2-link.key
issue csca-a2-link csca-a "/C=VN/O=cccd TEST ONLY/CN=cccd TEST CSCA A" link 20240101000000Z 20450101000000Z sha384
rm csca-a2-link.key

ec_key ds-good brainpoolP256r1
issue ds-good csca-a "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS good" ds 20210101000000Z 20360101000000Z sha384
ec_key ds-link brainpoolP256r1
issue ds-link csca-a2 "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS under A2" ds 20240101000000Z 20390101000000Z sha384
ec_key ds-expired brainpoolP256r1
issue ds-expired csca-a "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS expired" ds 20200101000000Z 20210101000000Z sha384
ec_key ds-other brainpoolP256r1
issue ds-other csca-b "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS other CSCA" ds 20210101000000Z 20360101000000Z sha384
ec_key ds-revoked brainpoolP256r1
issue ds-revoked csca-a "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS revoked" ds 20210101000000Z 20360101000000Z sha384
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ds-rsapss.key 2>/dev/null
issue ds-rsapss csca-rsa "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS RSA-PSS" ds 20210101000000Z 20360101000000Z sha256 \
  -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:brainpoolP256r1 -pkeyopt ec_param_enc:explicit \
  -out ds-explicit.key 2>/dev/null
issue ds-explicit csca-a "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS explicit curve" ds 20210101000000Z 20360101000000Z sha384

# Revoke ds-revoked and publish CSCA A's CRL (DER).
openssl ca -batch -config "$work/csca-a/ca.cnf" -revoke ds-revoked.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -batch -config "$work/csca-a/ca.cnf" -gencrl -crldays 3650 -out "$work/csca-a.crl.pem" 2>/dev/null
openssl crl -in "$work/csca-a.crl.pem" -outform DER -out csca-a.crl

# The ICAO master list (9303-12 §9): CMS SignedData, eContentType id-icao-cscaMasterList (2.23.136.1.1.2),
# content CscaMasterList ::= SEQUENCE { version INTEGER (0), certList SET OF Certificate }.
ec_key ml-signer brainpoolP256r1
issue ml-signer csca-a "/C=VN/O=cccd TEST ONLY/CN=cccd TEST master list signer" mls 20210101000000Z 20360101000000Z sha384
python3 - "$work/masterlist.der" csca-a.der csca-a2.der csca-a2-link.der csca-b.der <<'PY'
import sys
def tlv(tag, body):
    n = len(body)
    if n < 0x80: head = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big"); head = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + head + body
certs = sorted(open(p, "rb").read() for p in sys.argv[2:])  # DER SET OF: sorted encodings
content = tlv(0x30, tlv(0x02, b"\x00") + tlv(0x31, b"".join(certs)))
open(sys.argv[1], "wb").write(content)
PY
openssl cms -sign -binary -nodetach -in "$work/masterlist.der" -econtent_type 2.23.136.1.1.2 \
  -signer ml-signer.pem -inkey ml-signer.key -md sha256 -outform DER -out masterlist.ml -nosmimecap 2>/dev/null

# Added later, after everything above so the earlier certificates keep their serial numbers.
ec_key ds-p256 prime256v1
issue ds-p256 csca-a "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS P-256" ds 20210101000000Z 20360101000000Z sha384
ec_key ds-critical brainpoolP256r1
issue ds-critical csca-a "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS critical extension" ds_critical 20210101000000Z 20360101000000Z sha384
ec_key ds-usage brainpoolP256r1
issue ds-usage csca-a "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS wrong key usage" ds_usage 20210101000000Z 20360101000000Z sha384
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:brainpoolP384r1 -pkeyopt ec_param_enc:explicit \
  -out csca-explicit.key 2>/dev/null
self_signed csca-explicit "/C=VN/O=cccd TEST ONLY/CN=cccd TEST CSCA explicit curve"
ec_key ds-explicit-ca brainpoolP256r1
issue ds-explicit-ca csca-explicit "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS under explicit CSCA" ds 20210101000000Z 20360101000000Z sha384
ec_key ml-rogue brainpoolP256r1
issue ml-rogue csca-b "/C=VN/O=cccd TEST ONLY/CN=cccd TEST rogue master list signer" mls 20210101000000Z 20360101000000Z sha384
python3 - "$work/masterlist-rogue.der" csca-a.der <<'PY'
import sys
def tlv(tag, body):
    n = len(body)
    if n < 0x80: head = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big"); head = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + head + body
certs = sorted(open(p, "rb").read() for p in sys.argv[2:])
open(sys.argv[1], "wb").write(tlv(0x30, tlv(0x02, b"\x00") + tlv(0x31, b"".join(certs))))
PY
openssl cms -sign -binary -nodetach -in "$work/masterlist-rogue.der" -econtent_type 2.23.136.1.1.2 \
  -signer ml-rogue.pem -inkey ml-rogue.key -md sha256 -outform DER -out masterlist-rogue.ml -nosmimecap 2>/dev/null

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out aa-rsa-1024.key 2>/dev/null
fi

# --- Additions, each made only when its certificate (or CRL) is missing. ---
# The issuers' databases here are fresh, so every new certificate gets an explicit serial from 0x2000 up: no issuer
# ever repeats a serial number (a CRL names certificates by it).
missing() { [ ! -f "$1" ]; }
# new_ca NAME ISSUER-OF-RECORD: an openssl ca setup for an existing issuer, its serial counter at $2.
use_ca() { ca_setup "$1" "${3:-sha384}"; echo "$2" >"$work/$1/serial"; }

if missing csca-window.pem; then
  ec_key csca-window brainpoolP384r1
  self_signed csca-window "/C=VN/O=cccd TEST ONLY/CN=cccd TEST CSCA window" sha384 csca 20250101000000Z 20300101000000Z
  use_ca csca-window 2001
  ec_key ds-window brainpoolP256r1
  issue ds-window csca-window "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS under window" ds 20210101000000Z 20360101000000Z sha384
fi
if missing csca-nosign.pem; then
  ec_key csca-nosign brainpoolP384r1
  self_signed csca-nosign "/C=VN/O=cccd TEST ONLY/CN=cccd TEST CSCA no keyCertSign" sha384 csca_nosign
  use_ca csca-nosign 2001
  ec_key ds-nosign brainpoolP256r1
  issue ds-nosign csca-nosign "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS under no keyCertSign" ds 20210101000000Z 20360101000000Z sha384
fi
if missing csca-critical.pem; then
  ec_key csca-critical brainpoolP384r1
  self_signed csca-critical "/C=VN/O=cccd TEST ONLY/CN=cccd TEST CSCA critical extension" sha384 csca_critical
  use_ca csca-critical 2001
  ec_key ds-under-critical brainpoolP256r1
  issue ds-under-critical csca-critical "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS under critical" ds 20210101000000Z 20360101000000Z sha384
fi
for n in 0 1; do
  if missing "csca-pl$n.pem"; then
    ec_key "csca-pl$n" brainpoolP384r1
    self_signed "csca-pl$n" "/C=VN/O=cccd TEST ONLY/CN=cccd TEST CSCA path length $n" sha384 "csca_pl$n"
    use_ca "csca-pl$n" 2001
    ec_key "sub-pl$n" brainpoolP384r1
    issue "sub-pl$n" "csca-pl$n" "/C=VN/O=cccd TEST ONLY/CN=cccd TEST sub-CA under path length $n" sub_ca 20200101000000Z 20450101000000Z sha384
    use_ca "sub-pl$n" 2001
    # openssl ca needs the issuer's certificate beside its key, under its name: sub-pl$n.pem is.
    ec_key "ds-pl$n" brainpoolP256r1
    issue "ds-pl$n" "sub-pl$n" "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS path length $n" ds 20210101000000Z 20360101000000Z sha384
  fi
done
if missing csca-th.pem; then
  ec_key csca-th brainpoolP384r1
  self_signed csca-th "/C=TH/O=cccd TEST ONLY/CN=cccd TEST CSCA TH"
  use_ca csca-th 2001
  ec_key ds-th brainpoolP256r1
  issue ds-th csca-th "/C=TH/O=cccd TEST ONLY/CN=cccd TEST DS TH" ds 20210101000000Z 20360101000000Z sha384
  ec_key ds-vn-under-th brainpoolP256r1
  issue ds-vn-under-th csca-th "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS VN under TH" ds 20210101000000Z 20360101000000Z sha384
fi
if missing ds-rsa1024.pem; then
  use_ca csca-rsa 2001 sha256
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out ds-rsa1024.key 2>/dev/null
  issue ds-rsa1024 csca-rsa "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS RSA-1024" ds 20210101000000Z 20360101000000Z sha256
fi
if missing ds-p224.pem; then
  use_ca csca-a 2001
  ec_key ds-p224 secp224r1
  issue ds-p224 csca-a "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS P-224" ds 20210101000000Z 20360101000000Z sha384
  echo 2002 >"$work/csca-a/serial"
  ec_key ds-p192 prime192v1
  issue ds-p192 csca-a "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS P-192" ds 20210101000000Z 20360101000000Z sha384
  echo 2003 >"$work/csca-a/serial"
  ec_key mls-usage brainpoolP256r1
  issue mls-usage csca-a "/C=VN/O=cccd TEST ONLY/CN=cccd TEST master list signer wrong key usage" mls_usage 20210101000000Z 20360101000000Z sha384
fi
if missing ds-link2.pem; then
  use_ca csca-a2 3001
  ec_key ds-link2 brainpoolP256r1
  issue ds-link2 csca-a2 "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS 2 under A2" ds 20240101000000Z 20390101000000Z sha384
fi
# CRLs of CSCA A with fixed dates, from databases that list exactly the revoked certificates.
crl() { # OUT LAST NEXT SERIAL SUBJECT
  use_ca csca-a 2100
  printf 'R\t450101000000Z\t240101000000Z,keyCompromise\t%s\tunknown\t%s\n' "$4" "$5" >"$work/csca-a/index.txt"
  openssl ca -batch -config "$work/csca-a/ca.cnf" -gencrl -crl_lastupdate "$2" -crl_nextupdate "$3" \
    -out "$work/$1.pem" 2>/dev/null
  openssl crl -in "$work/$1.pem" -outform DER -out "$1"
}
if missing csca-a-outdated.crl; then
  crl csca-a-outdated.crl 20240101000000Z 20250101000000Z 1004 "/C=VN/O=cccd TEST ONLY/CN=cccd TEST DS revoked"
fi
if missing csca-a-link-revoked.crl; then
  crl csca-a-link-revoked.crl 20240101000000Z 20450101000000Z 1001 "/C=VN/O=cccd TEST ONLY/CN=cccd TEST CSCA A"
fi

# Private keys also in DER (PKCS#8), which the Swift side loads without a PEM parser.
for k in ./*.key; do
  [ -f "${k%.key}.key.der" ] || openssl pkcs8 -topk8 -nocrypt -in "$k" -outform DER -out "${k%.key}.key.der"
done
echo "test PKI written to $PWD" >&2
