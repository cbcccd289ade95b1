/// The commands an eMRTD terminal sends, built in one place (ISO/IEC 7816-4 and ICAO 9303-10/-11).
///
/// Every layer above asks for a command by what it does (`readBinary(shortFileIdentifier:…)`,
/// `mseSetATForPACE(…)`) rather than writing header bytes, so a command's encoding is decided, cited and tested
/// once. Secure messaging wraps these plain commands; the builders never see keys.
extension CommandAPDU {
    // MARK: Selection

    /// SELECT of an elementary file by its file identifier, no response data: `00 A4 02 0C 02 FID`.
    ///
    /// ISO/IEC 7816-4 SELECT (P1 `02`: EF under the current DF; P2 `0C`: no FCI returned); ICAO 9303-10 §3.6.3
    /// selects the LDS files this way, and ICAO 9303-11 Appendix D.4 shows `00 A4 02 0C 02 01 1E` for EF.COM.
    public static func selectFile(_ fileIdentifier: UInt16) -> CommandAPDU {
        CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x02, p2: 0x0C,
                    data: [UInt8(fileIdentifier >> 8), UInt8(fileIdentifier & 0xFF)])
    }

    /// SELECT of EF.CardAccess (FID `011C`) at the master file (ICAO 9303-10 §3.11.3, ICAO 9303-11 §4.4.4:
    /// readable before any access control): `00 A4 02 0C 02 01 1C`.
    public static let selectCardAccess = selectFile(0x011C)

    /// SELECT of an application by its identifier (DF name), no response data: `00 A4 04 0C Lc AID`.
    ///
    /// ISO/IEC 7816-4 SELECT (P1 `04`: by DF name; P2 `0C`: no FCI); ICAO 9303-10 §3.6.3 selects the eMRTD
    /// application `A0 00 00 02 47 10 01` this way.
    public static func selectApplication(_ applicationIdentifier: [UInt8]) -> CommandAPDU {
        CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x04, p2: 0x0C, data: applicationIdentifier)
    }

    // MARK: Reading

    /// READ BINARY by short file identifier: selects the file and reads from `offset` in one command,
    /// `00 B0 (80|SFI) offset Le`.
    ///
    /// ISO/IEC 7816-4 READ BINARY (INS `B0`): with bit 8 of P1 set, bits 5–1 are the SFI and P2 is an offset of
    /// 0…255. ICAO 9303-10 §3.6.2 reads the LDS files by SFI; `extendedLength` asks for the extended Le form
    /// even where the short one would do (a probe of the link, or Ne = 65536 for a whole file).
    public static func readBinary(shortFileIdentifier: UInt8, offset: UInt8 = 0, expectedLength: Int,
                                  extendedLength: Bool = false) -> CommandAPDU {
        CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x80 | (shortFileIdentifier & 0x1F), p2: offset,
                    expectedLength: expectedLength, prefersExtendedLength: extendedLength)
    }

    /// READ BINARY of the selected file at an offset of at most 32767 (15 bits in P1–P2):
    /// `00 B0 offset(2) Le` (ISO/IEC 7816-4 READ BINARY, INS `B0`, bit 8 of P1 clear; ICAO 9303-11 Appendix D.4
    /// shows `00 B0 00 04 12`).
    ///
    /// An offset beyond 32767 needs the odd INS, ``readBinary(beyond:expectedLength:extendedLength:)``: this
    /// builder takes 0…32767 and clamps anything else into that range.
    public static func readBinary(offset: Int, expectedLength: Int, extendedLength: Bool = false) -> CommandAPDU {
        let offset = min(max(offset, 0), 0x7FFF)
        return CommandAPDU(cla: 0x00, ins: 0xB0, p1: UInt8(offset >> 8), p2: UInt8(offset & 0xFF),
                           expectedLength: expectedLength, prefersExtendedLength: extendedLength)
    }

    /// READ BINARY with the odd INS `B1`: the offset in DO'54' of the command data (two bytes up to 65535,
    /// three beyond), the answer in DO'53' (ISO/IEC 7816-4 READ BINARY, INS `B1`; ICAO 9303-10 §3.6.2 for files
    /// larger than 32767 bytes): `00 B1 00 00 Lc 54 L offset Le`.
    ///
    /// `expectedLength` counts DO'53''s header as well as the data.
    public static func readBinary(beyond offset: Int, expectedLength: Int, extendedLength: Bool = false) -> CommandAPDU {
        let offset = min(max(offset, 0), 0xFF_FFFF)
        let offsetBytes: [UInt8] = offset > 0xFFFF
            ? [UInt8(offset >> 16), UInt8((offset >> 8) & 0xFF), UInt8(offset & 0xFF)]
            : [UInt8(offset >> 8), UInt8(offset & 0xFF)]
        return CommandAPDU(cla: 0x00, ins: 0xB1, p1: 0x00, p2: 0x00,
                           data: BERDataObject.encode(tag: [0x54], value: offsetBytes),
                           expectedLength: expectedLength, prefersExtendedLength: extendedLength)
    }

    // MARK: Basic access control and active authentication

    /// GET CHALLENGE for an 8-byte nonce: `00 84 00 00 08` (ISO/IEC 7816-4 GET CHALLENGE; ICAO 9303-11 §4.3.4.1,
    /// Appendix D.3: RND.IC).
    public static func getChallenge(length: Int = 8) -> CommandAPDU {
        CommandAPDU(cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, expectedLength: length)
    }

    /// EXTERNAL AUTHENTICATE with BAC's E_IFD ‖ M_IFD, expecting E_IC ‖ M_IC: `00 82 00 00 28 data 28`
    /// (ISO/IEC 7816-4 EXTERNAL AUTHENTICATE; ICAO 9303-11 §4.3.4.1 and Appendix D.3, the mutual authenticate of
    /// BAC: 40 bytes each way).
    public static func externalAuthenticate(_ cryptogram: [UInt8], expectedLength: Int = 40) -> CommandAPDU {
        CommandAPDU(cla: 0x00, ins: 0x82, p1: 0x00, p2: 0x00, data: cryptogram, expectedLength: expectedLength)
    }

    /// INTERNAL AUTHENTICATE with active authentication's challenge: `00 88 00 00 Lc challenge Le`
    /// (ISO/IEC 7816-4 INTERNAL AUTHENTICATE; ICAO 9303-11 §6.1: an 8-byte challenge, the signature as answer).
    /// Le is 256 short (`00`) or, with `extendedLength`, 65536 (`00 00`), so any signature length comes back.
    public static func internalAuthenticate(_ challenge: [UInt8], extendedLength: Bool = false) -> CommandAPDU {
        CommandAPDU(cla: 0x00, ins: 0x88, p1: 0x00, p2: 0x00, data: challenge,
                    expectedLength: extendedLength ? maxExtendedExpectedLength : maxShortExpectedLength,
                    prefersExtendedLength: extendedLength)
    }

    // MARK: PACE and chip authentication

    /// MSE:Set AT for PACE (mutual authentication template): `00 22 C1 A4 Lc {80 OID} {83 ref} [{84 param}]`.
    ///
    /// ICAO 9303-11 §4.4.4.1 (and Appendix G.1): DO'80' the protocol OID's content bytes, DO'83' the password
    /// reference (1 MRZ, 2 CAN), DO'84' the standardized domain parameter ID or the chip's reference to explicit
    /// parameters, when there is one.
    public static func mseSetATForPACE(protocolOID: [UInt8], passwordReference: UInt8,
                                       domainParameterReference: Int?) -> CommandAPDU {
        var data = BERDataObject.encode(tag: [0x80], value: protocolOID)
        data += BERDataObject.encode(tag: [0x83], value: [passwordReference])
        if let domainParameterReference {
            data += BERDataObject.encode(tag: [0x84], value: BERDataObject.integerContent(domainParameterReference))
        }
        return CommandAPDU(cla: 0x00, ins: 0x22, p1: 0xC1, p2: 0xA4, data: data)
    }

    /// MSE:Set AT for chip authentication with AES (internal authentication template):
    /// `00 22 41 A4 Lc {80 OID} [{84 keyID}]` (ICAO 9303-11 §6.2.4.2; DO'84' only when DG14 names the key).
    public static func mseSetATForChipAuthentication(protocolOID: [UInt8], keyID: Int?) -> CommandAPDU {
        var data = BERDataObject.encode(tag: [0x80], value: protocolOID)
        if let keyID { data += BERDataObject.encode(tag: [0x84], value: BERDataObject.integerContent(keyID)) }
        return CommandAPDU(cla: 0x00, ins: 0x22, p1: 0x41, p2: 0xA4, data: data)
    }

    /// MSE:Set KAT, chip authentication with 3DES (key agreement template): `00 22 41 A6 Lc {91 PK} [{84 keyID}]`
    /// (ICAO 9303-11 §6.2.4.1: DO'91' the terminal's ephemeral public key, DO'84' only when DG14 names the key).
    public static func mseSetKAT(ephemeralPublicKey: [UInt8], keyID: Int?) -> CommandAPDU {
        var data = BERDataObject.encode(tag: [0x91], value: ephemeralPublicKey)
        if let keyID { data += BERDataObject.encode(tag: [0x84], value: BERDataObject.integerContent(keyID)) }
        return CommandAPDU(cla: 0x00, ins: 0x22, p1: 0x41, p2: 0xA6, data: data)
    }

    /// GENERAL AUTHENTICATE with dynamic authentication data `7C { objects }`, Le 256 (`00`):
    /// `(00|10) 86 00 00 Lc 7C … 00`.
    ///
    /// ISO/IEC 7816-4 GENERAL AUTHENTICATE with command chaining (CLA bit 5, `10`) for every step but the last;
    /// ICAO 9303-11 §4.4.4.2 (PACE: steps 1–3 chained, mutual authentication not; Appendix G.1) and §6.2.4.2
    /// (chip authentication: one unchained command).
    public static func generalAuthenticate(_ objects: [UInt8], chained: Bool) -> CommandAPDU {
        CommandAPDU(cla: chained ? 0x10 : 0x00, ins: 0x86, p1: 0x00, p2: 0x00,
                    data: BERDataObject.encode(tag: [0x7C], value: objects),
                    expectedLength: maxShortExpectedLength)
    }

    // MARK: Transmission

    /// GET RESPONSE for the `xx` bytes a `61xx` announced (`00` meaning 256): `0x C0 00 00 Le`, on the logical
    /// channel of the command it follows (ISO/IEC 7816-4 GET RESPONSE and §5.3.4 response chaining; the class
    /// keeps only the logical channel bits b2–b1, since secure messaging and chaining bits do not apply).
    public static func getResponse(expectedLength: Int, logicalChannelOf cla: UInt8 = 0x00) -> CommandAPDU {
        CommandAPDU(cla: cla & 0x03, ins: 0xC0, p1: 0x00, p2: 0x00,
                    expectedLength: min(max(expectedLength, 1), maxShortExpectedLength))
    }
}

/// BER-TLV data objects as command data carries them (ISO/IEC 7816-4 §6.3): one- or two-byte tags and definite
/// lengths up to `82 xx xx`. The one encoder of the access protocols and secure messaging.
public enum BERDataObject {
    /// A BER definite length: short form below 128, `81 xx` below 256, `82 xx xx` up to 65535.
    public static func encodeLength(_ length: Int) -> [UInt8] {
        switch length {
        case ..<0x80: return [UInt8(length)]
        case ..<0x100: return [0x81, UInt8(length)]
        default: return [0x82, UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
        }
    }

    /// Tag ‖ length ‖ value.
    public static func encode(tag: [UInt8], value: [UInt8]) -> [UInt8] {
        tag + encodeLength(value.count) + value
    }

    /// The content of a DER INTEGER: big-endian two's complement, minimal (so `13` is `0D`, `128` is `00 80`,
    /// `-1` is `FF`).
    public static func integerContent(_ value: Int) -> [UInt8] {
        var octets: [UInt8] = []
        var v = value
        repeat {
            octets.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        } while !(v == 0 && octets.last! & 0x80 == 0) && !(v == -1 && octets.last! & 0x80 != 0)
        return octets.reversed()
    }
}
