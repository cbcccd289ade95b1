#!/usr/bin/env python3
"""Independent check of the ICAO 9303-11 Appendix D/G, RFC 4493 and SP 800-38A values quoted in the Swift tests.

Written for cccd with Python's `cryptography` package and plain integer EC arithmetic, sharing no code with
Sources/: every line printed must start with OK. Run: python3 Vectors/icao/verify-icao-vectors.py
"""
import hashlib, warnings
warnings.filterwarnings("ignore")
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.cmac import CMAC
try:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:
    TripleDES = algorithms.TripleDES
H = bytes.fromhex
def tdes_cbc(k, d, enc=True, iv=bytes(8)):
    c = Cipher(TripleDES(k), modes.CBC(iv)); o = c.encryptor() if enc else c.decryptor(); return o.update(d)+o.finalize()
def des_ecb(k, d, enc=True):
    c = Cipher(TripleDES(k+k+k), modes.ECB()); o = c.encryptor() if enc else c.decryptor(); return o.update(d)+o.finalize()
def aes(k, d, enc=True, iv=bytes(16), ecb=False):
    c = Cipher(algorithms.AES(k), modes.ECB() if ecb else modes.CBC(iv)); o = c.encryptor() if enc else c.decryptor(); return o.update(d)+o.finalize()
def pad(d, bs): d = d + b"\x80"; return d + bytes((-len(d)) % bs)
def retail(k, d):
    k1, k2 = k[:8], k[8:16]; h = bytes(8)
    for i in range(0, len(d), 8):
        h = des_ecb(k1, bytes(a^b for a,b in zip(h, d[i:i+8])))
    return des_ecb(k1, des_ecb(k2, h, False))
def cmac(k, d):
    c = CMAC(algorithms.AES(k)); c.update(d); return c.finalize()
def parity(k): return bytes((b & 0xFE) | ((bin(b>>1).count("1")+1) & 1) for b in k)
def kdf(k, c, alg="3DES", n=16):
    ctr = c.to_bytes(4, "big")
    if alg == "3DES": return parity(hashlib.sha1(k+ctr).digest()[:16])
    if n == 16: return hashlib.sha1(k+ctr).digest()[:16]
    return hashlib.sha256(k+ctr).digest()[:n]
def chk(name, got, exp):
    print(("OK  " if got == exp else "FAIL"), name, got.hex().upper() if isinstance(got, bytes) else got)
# RFC 4493
K = H("2b7e151628aed2a6abf7158809cf4f3c")
M = H("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")
for n, e in [(0,"bb1d6929e95937287fa37d129b756746"),(16,"070a16b46b4d4144f79bdd9dd04a287c"),(40,"dfa66747de9ae63030ca32611497c827"),(64,"51f0bebf7e3b9d92fc49741779363cfe")]:
    chk("rfc4493 %d"%n, cmac(K, M[:n]), H(e))
# SP800-38A F.2.1 CBC-AES128
chk("sp800-38a cbc128", aes(K, M, iv=H("000102030405060708090a0b0c0d0e0f")), H("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"))
# D.2
mi = b"L898902C<369080619406236"
kseed = hashlib.sha1(mi).digest()[:16]
chk("D.2 kseed", kseed, H("239AB9CB282DAF66231DC5A4DF6BFBAE"))
kenc = kdf(kseed,1); kmac = kdf(kseed,2)
chk("D.2 kenc", kenc, H("AB94FDECF2674FDFB9B391F85D7F76F2"))
chk("D.2 kmac", kmac, H("7962D9ECE03D1ACD4C76089DCE131543"))
chk("D.2 kenc raw", hashlib.sha1(kseed+b"\0\0\0\1").digest()[:16], H("AB94FCEDF2664EDFB9B291F85D7F77F2"))
chk("D.2 kmac raw", hashlib.sha1(kseed+b"\0\0\0\2").digest()[:16], H("7862D9ECE03C1BCD4D77089DCF131442"))
# D.3
S = H("781723860C06C2264608F919887022120B795240CB7049B01C19B33E32804F0B")
eifd = tdes_cbc(kenc, S)
chk("D.3 EIFD", eifd, H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"))
chk("D.3 MIFD", retail(kmac, pad(eifd,8)), H("5F1448EEA8AD90A7"))
resp = H("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449")
chk("D.3 MIC", retail(kmac, pad(resp[:32],8)), resp[32:])
R = tdes_cbc(kenc, resp[:32], False)
chk("D.3 R", R, H("4608F91988702212781723860C06C2260B4F80323EB3191CB04970CB4052790B"))
kicc = R[16:]
ks = bytes(a^b for a,b in zip(kicc, H("0B795240CB7049B01C19B33E32804F0B")))
chk("D.3 Kseed", ks, H("0036D272F5C350ACAC50C3F572D23600"))
ksenc, ksmac = kdf(ks,1), kdf(ks,2)
chk("D.3 KSenc", ksenc, H("979EC13B1CBFE9DCD01AB0FED307EAE5"))
chk("D.3 KSmac", ksmac, H("F1CB1F1FB5ADF208806B89DC579DC1F8"))
# D.4 select
ssc = 0x887022120C06C226
def s8(x): return x.to_bytes(8,"big")
ssc+=1
enc = tdes_cbc(ksenc, pad(H("011E"),8))
chk("D.4 enc", enc, H("6375432908C044F6"))
N = pad(s8(ssc)+pad(H("0CA4020C"),8)+H("870901")+enc, 8)
chk("D.4 mac sel", retail(ksmac, N), H("BF8B92D635FF24F8"))
ssc+=1
chk("D.4 rmac sel", retail(ksmac, pad(s8(ssc)+H("99029000"),8)), H("FA855A5D4C50A8ED"))
ssc+=1
chk("D.4 mac rb4", retail(ksmac, pad(s8(ssc)+pad(H("0CB00000"),8)+H("970104"),8)), H("ED6705417E96BA55"))
ssc+=1
chk("D.4 rmac rb4", retail(ksmac, pad(s8(ssc)+H("8709019FF0EC34F9922651")+H("99029000"),8)), H("AD55CC17140B2DED"))
chk("D.4 dec rb4", tdes_cbc(ksenc, H("9FF0EC34F9922651"), False), pad(H("60145F01"),8))
ssc+=1
chk("D.4 mac rb18", retail(ksmac, pad(s8(ssc)+pad(H("0CB00004"),8)+H("970112"),8)), H("2EA28A70F3C7B535"))
ssc+=1
r = H("871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D74")
chk("D.4 rmac rb18", retail(ksmac, pad(s8(ssc)+r[:-10],8)), r[-8:])
chk("D.4 dec rb18", tdes_cbc(ksenc, r[3:27], False), pad(H("04303130365F36063034303030305C026175"),8))
# G.1
mrz = b"T22000129364081251010318"
Kp = hashlib.sha1(mrz).digest()
chk("G K", Kp, H("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD"))
kpi = kdf(Kp, 3, "AES", 16)
chk("G Kpi", kpi, H("89DED1B26624EC1E634C1989302849DD"))
s = aes(kpi, H("95A3A016522EE98D01E76CB6B98B42C3"), False)
chk("G s", s, H("3F00C4D39D153F2B2A214A078D899B22"))
p=0xA9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377
a=0x7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9
G=(0x8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262,0x547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997)
def add(P,Q):
    if P is None: return Q
    if Q is None: return P
    if P[0]==Q[0]:
        if (P[1]+Q[1])%p==0: return None
        l=(3*P[0]*P[0]+a)*pow(2*P[1],-1,p)%p
    else: l=(Q[1]-P[1])*pow(Q[0]-P[0],-1,p)%p
    x=(l*l-P[0]-Q[0])%p; return (x,(l*(P[0]-x)-P[1])%p)
def mul(k,P):
    R=None
    while k:
        if k&1: R=add(R,P)
        P=add(P,P); k>>=1
    return R
def enc(P): return b"\x04"+P[0].to_bytes(32,"big")+P[1].to_bytes(32,"big")
def dec(b): return (int.from_bytes(b[1:33],"big"), int.from_bytes(b[33:],"big"))
skm = 0x7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99
chk("G pkmap ifd", enc(mul(skm,G)), H("047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"))
pkmic = H("04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54")
chk("G pkmap ic from chip priv", enc(mul(0x498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560,G)), pkmic)
Hp = mul(skm, dec(pkmic))
chk("G H", enc(Hp), H("0460332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD50840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181"))
Gm = add(mul(int.from_bytes(s,"big"),G), Hp)
chk("G Gmapped", enc(Gm), H("048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E28C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522"))
ske = 0xA73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595
pkifd = enc(mul(ske,Gm))
chk("G pk ifd", pkifd, H("042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"))
pkic = H("049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094")
chk("G pk ic from chip priv", enc(mul(0x107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A,Gm)), pkic)
sh = mul(ske, dec(pkic))[0].to_bytes(32,"big")
chk("G shared", sh, H("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925"))
ke, km = kdf(sh,1,"AES"), kdf(sh,2,"AES")
chk("G KSenc", ke, H("F5F0E35C0D7161EE6724EE513A0D9A7F"))
chk("G KSmac", km, H("FE251C7858B356B24514B3BD5F4297D1"))
oid = H("04007F00070202040202")
def tok(pk):
    inner = b"\x06"+bytes([len(oid)])+oid+b"\x86"+bytes([len(pk)])+pk
    return cmac(km, b"\x7F\x49"+bytes([len(inner)])+inner)[:8]
chk("G T_IFD", tok(pkic), H("C2B0BD78D94BA866"))
chk("G T_IC", tok(pkifd), H("3ABB9674BCE93C08"))

# ---------------------------------------------------------------------------------------------------------------
# Secure messaging exchanges that no appendix publishes, computed here independently of the Swift code from the
# rules of ICAO 9303-11 §9.8 (used by Tests/ICAOSessionTests/SecureMessagingTests.swift).
def ber_len(n):
    return bytes([n]) if n < 0x80 else (bytes([0x81, n]) if n < 0x100 else bytes([0x82]) + n.to_bytes(2, "big"))
def tlv(tag, v): return bytes([tag]) + ber_len(len(v)) + v
class SM:
    def __init__(self, aes_mode, kenc, kmac, ssc):
        self.aes, self.kenc, self.kmac, self.ssc, self.bs = aes_mode, kenc, kmac, ssc, (16 if aes_mode else 8)
    def ssc_b(self): return self.ssc.to_bytes(self.bs, "big")
    def mac(self, d): return cmac(self.kmac, pad(d, 16))[:8] if self.aes else retail(self.kmac, pad(d, 8))
    def enc(self, d, e=True):
        if self.aes: return aes(self.kenc, d, e, iv=aes(self.kenc, self.ssc_b(), ecb=True))
        return tdes_cbc(self.kenc, d, e)
    def wrap(self, cla, ins, p1, p2, data, le):
        self.ssc += 1
        ext = (data is not None and len(data) > 255) or (le is not None and le > 256)
        dos = b""
        if data:
            c = self.enc(pad(data, self.bs))
            dos += tlv(0x85, c) if ins & 1 else tlv(0x87, b"\x01" + c)
        if le is not None:
            dos += tlv(0x97, (le % 65536).to_bytes(2, "big") if ext else bytes([le % 256]))
        dos += tlv(0x8E, self.mac(self.ssc_b() + pad(bytes([cla | 0x0C, ins, p1, p2]), self.bs) + dos))
        ext = ext or len(dos) > 255
        if ext: return bytes([cla | 0x0C, ins, p1, p2, 0]) + len(dos).to_bytes(2, "big") + dos + b"\x00\x00"
        return bytes([cla | 0x0C, ins, p1, p2, len(dos)]) + dos + b"\x00"
    def respond(self, data, sw):
        self.ssc += 1
        dos = tlv(0x87, b"\x01" + self.enc(pad(data, self.bs))) if data else b""
        dos += tlv(0x99, sw)
        return dos + tlv(0x8E, self.mac(self.ssc_b() + dos)) + sw
print("AES SM after G.1 (KSEnc/KSMAC of G.1, SSC 0):")
t = SM(True, H("F5F0E35C0D7161EE6724EE513A0D9A7F"), H("FE251C7858B356B24514B3BD5F4297D1"), 0)
print("  SELECT eMRTD AID   ", t.wrap(0, 0xA4, 4, 0x0C, H("A0000002471001"), None).hex().upper(), t.respond(b"", H("9000")).hex().upper())
print("  READ BINARY EF.COM ", t.wrap(0, 0xB0, 0x9E, 0, None, 4).hex().upper(), t.respond(H("60145F01"), H("9000")).hex().upper())
print("  READ BINARY 6282   ", t.wrap(0, 0xB0, 0, 4, None, 0x20).hex().upper(), t.respond(H("04303130365F36063034303030305C026175"), H("6282")).hex().upper())
print("3DES SM, extended Le (D.3 session keys, SSC 0):")
t = SM(False, H("979EC13B1CBFE9DCD01AB0FED307EAE5"), H("F1CB1F1FB5ADF208806B89DC579DC1F8"), 0)
print("  READ BINARY Le=1000", t.wrap(0, 0xB0, 0, 0, None, 1000).hex().upper())
print("AES-256 SM, odd INS (test keys KSEnc = 00..1F, KSMAC = 20..3F, SSC 0):")
t = SM(True, bytes(range(32)), bytes(range(32, 64)), 0)
print("  READ BINARY B1     ", t.wrap(0, 0xB1, 0, 0, H("54020100"), 256).hex().upper())

# ---------------------------------------------------------------------------------------------------------------
# A PACE-ECDH-GM-3DES session on NIST P-256 with CAN 123456 (no appendix covers 3DES PACE or P-256): the chip side
# computed here from fixed scalars, the terminal's private keys being the trace's entropy draws. Used by
# Tests/ICAOSessionTests/PACETests.swift. P-256 arithmetic is cross-checked against `cryptography`.
from cryptography.hazmat.primitives.asymmetric import ec as _ec
P256 = dict(p=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
            b=0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
            G=(0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
               0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5))
def c_add(P, Q, p, a):
    if P is None: return Q
    if Q is None: return P
    if P[0] == Q[0]:
        if (P[1] + Q[1]) % p == 0: return None
        l = (3 * P[0] * P[0] + a) * pow(2 * P[1], -1, p) % p
    else: l = (Q[1] - P[1]) * pow(Q[0] - P[0], -1, p) % p
    x = (l * l - P[0] - Q[0]) % p
    return (x, (l * (P[0] - x) - P[1]) % p)
def c_mul(k, P, p, a):
    R = None
    while k:
        if k & 1: R = c_add(R, P, p, a)
        P = c_add(P, P, p, a); k >>= 1
    return R
pp, aa = P256["p"], P256["p"] - 3
def penc(P): return b"\x04" + P[0].to_bytes(32, "big") + P[1].to_bytes(32, "big")
_k = 0x1111111111111111111111111111111111111111111111111111111111111111
_n = _ec.derive_private_key(_k, _ec.SECP256R1()).public_key().public_numbers()
chk("P-256 arithmetic vs cryptography", penc(c_mul(_k, P256["G"], pp, aa)), penc((_n.x, _n.y)))
oid3 = H("04007F00070202040201")  # id-PACE-ECDH-GM-3DES
kpi3 = kdf(b"123456", 3)  # 3DES K_pi, parity adjusted
s3 = H("0123456789ABCDEFFEDCBA9876543210")
z3 = tdes_cbc(kpi3, s3)
sk_map_ifd3 = 0x2222222222222222222222222222222222222222222222222222222222222222
sk_map_ic3 = 0x3333333333333333333333333333333333333333333333333333333333333333
sk_ifd3 = 0x4444444444444444444444444444444444444444444444444444444444444444
sk_ic3 = 0x5555555555555555555555555555555555555555555555555555555555555555
pk_map_ifd3, pk_map_ic3 = c_mul(sk_map_ifd3, P256["G"], pp, aa), c_mul(sk_map_ic3, P256["G"], pp, aa)
h3 = c_mul(sk_map_ic3, pk_map_ifd3, pp, aa)
g3 = c_add(c_mul(int.from_bytes(s3, "big"), P256["G"], pp, aa), h3, pp, aa)
pk_ifd3, pk_ic3 = c_mul(sk_ifd3, g3, pp, aa), c_mul(sk_ic3, g3, pp, aa)
shared3 = c_mul(sk_ic3, pk_ifd3, pp, aa)[0].to_bytes(32, "big")
ksmac3 = kdf(shared3, 2)
def tok3(pk): return retail(ksmac3, pad(b"\x7F\x49" + ber_len(len(oid3) + len(pk) + 4) + tlv(0x06, oid3) + tlv(0x86, pk), 8))
t_ifd3, t_ic3 = tok3(penc(pk_ic3)), tok3(penc(pk_ifd3))
def ga(cla, inner): d = tlv(0x7C, inner); return (bytes([cla, 0x86, 0, 0, len(d)]) + d + b"\x00").hex().upper()
print("PACE-ECDH-GM-3DES P-256 CAN 123456:")
print("  entropy", "%064X" % sk_map_ifd3, "%064X" % sk_ifd3)
for c, r in [("0022C1A412800A" + oid3.hex().upper() + "83010284010C", "9000"),
             (ga(0x10, b""), (tlv(0x7C, tlv(0x80, z3)) + H("9000")).hex().upper()),
             (ga(0x10, tlv(0x81, penc(pk_map_ifd3))), (tlv(0x7C, tlv(0x82, penc(pk_map_ic3))) + H("9000")).hex().upper()),
             (ga(0x10, tlv(0x83, penc(pk_ifd3))), (tlv(0x7C, tlv(0x84, penc(pk_ic3))) + H("9000")).hex().upper()),
             (ga(0x00, tlv(0x85, t_ifd3)), (tlv(0x7C, tlv(0x86, t_ic3)) + H("9000")).hex().upper())]:
    print('  ("%s",\n   "%s"),' % (c, r))
print("  KSEnc", kdf(shared3, 1).hex().upper(), "KSMAC", ksmac3.hex().upper())

print("3DES SM, 240 data bytes -> extended Lc (D.3 session keys, SSC 0):")
t = SM(False, H("979EC13B1CBFE9DCD01AB0FED307EAE5"), H("F1CB1F1FB5ADF208806B89DC579DC1F8"), 0)
print("  UPDATE BINARY      ", t.wrap(0, 0xD6, 0, 0, bytes((i * 3) & 0xFF for i in range(240)), None).hex().upper())
