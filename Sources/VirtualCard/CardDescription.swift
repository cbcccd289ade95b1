import Foundation

/// A virtual card's description file (`Vectors/cards/*.json`, format `cccd-card/1`): who the holder is, the
/// portrait, the card-front QR text, and the chip's protocols and keys. ``Personalization`` turns it into a chip.
public struct CardDescription: Codable, Sendable, Equatable {
    /// Always `cccd-card/1`.
    public var format: String
    /// What the card is for, in a sentence.
    public var title: String?
    /// `cccd-2021` or `cancuoc-2024`.
    public var generation: String
    /// The holder as DG13 writes it (dates `dd/MM/yyyy`, a bare year, or "Không thời hạn").
    public var identity: Identity
    /// Overrides for the MRZ where it cannot be derived from the identity.
    public var mrz: MRZOverrides?
    /// The portrait, JPEG or JPEG 2000 (JP2), relative to the description file.
    public var portrait: String
    /// How DG2's ISO/IEC 19794-5 record gets its lengths wrong, as some real chips do; nil for a correct record.
    public var portraitRecord: PortraitRecord?
    /// The text of the QR printed on the card front.
    public var qr: String?
    /// Protocols and keys.
    public var chip: Chip

    /// The holder's data, one property per DG13 field of `shared/CCCD.md`.
    public struct Identity: Codable, Sendable, Equatable {
        /// Field 1: the 12-digit personal ID number (also the MRZ's optional data; its last nine digits are the document number).
        public var personalIdNumber: String
        /// Field 2: the full name with diacritics (transliterated into the MRZ).
        public var fullName: String
        /// Field 3: the date of birth, `dd/MM/yyyy` or a bare year.
        public var dateOfBirth: String
        /// Field 4: `Nam` or `Nữ`.
        public var sex: String
        /// Field 5: the nationality as written (`Việt Nam`).
        public var nationality: String?
        /// Field 6: the ethnicity.
        public var ethnicity: String?
        /// Field 7: the religion.
        public var religion: String?
        /// Field 8: the place of origin.
        public var placeOfOrigin: String?
        /// Field 9: the place of residence.
        public var placeOfResidence: String?
        /// Field 10: identifying characteristics.
        public var identifyingCharacteristics: String?
        /// Field 11: the date of issue, `dd/MM/yyyy`.
        public var dateOfIssue: String?
        /// Field 12: the date of expiry, `dd/MM/yyyy` or "Không thời hạn".
        public var dateOfExpiry: String?
        /// Field 13: the father's name.
        public var fatherName: String?
        /// Field 13: the mother's name.
        public var motherName: String?
        /// Field 14: the spouse's name.
        public var spouseName: String?
        /// Field 15: the old 9-digit ID (CMND).
        public var oldIdNumber: String?
        /// Field 16: a 16-character value of unconfirmed meaning, as text.
        public var field16: String?
        /// DG13 fields numbered 17 and up (CCCD.md: not seen yet), by number as text ("17"), each one string.
        public var otherFields: [String: String]?
    }

    /// Quirks of DG2's 19794-5 record (the image itself is unchanged).
    public struct PortraitRecord: Codable, Sendable, Equatable {
        /// Added to the record length in the facial record header (ISO/IEC 19794-5 §5.4.3).
        public var recordLengthDelta: Int?
        /// Added to the facial record data length of the image's block (§5.5.1).
        public var imageBlockLengthDelta: Int?
        /// Zero bytes after the image, inside its block (the lengths count them).
        public var trailingBytes: Int?
    }

    /// MRZ fields given explicitly.
    public struct MRZOverrides: Codable, Sendable, Equatable {
        /// The document number; by default the ID number's last nine digits.
        public var documentNumber: String?
        /// The date of birth, YYMMDD; by default from the identity's.
        public var dateOfBirth: String?
        /// The date of expiry, YYMMDD; by default from the identity's (`991231` for a card valid for life).
        public var dateOfExpiry: String?
        /// The primary identifier; by default the transliterated name's first word.
        public var primaryIdentifier: String?
        /// The secondary identifier; by default the transliterated name's other words.
        public var secondaryIdentifier: String?
    }

    /// The chip's protocols and keys (TEST-ONLY keys).
    public struct Chip: Codable, Sendable, Equatable {
        /// PACE, when the chip offers it (its PACEInfo in EF.CardAccess).
        public var pace: PACE?
        /// Whether the chip runs BAC (default true).
        public var bac: Bool?
        /// Whether the chip has EF.CardAccess (default true); a BAC-only chip may have none.
        public var cardAccess: Bool?
        /// Whether the chip takes extended-length APDUs (default true).
        public var extendedLength: Bool?
        /// How a chip without extended length refuses an extended APDU under secure messaging: a status word in hex
        /// (`"6988"`); plain extended APDUs are then answered as short ones. Absent: every extended APDU gets 6700.
        public var extendedLengthRefusal: String?
        /// DG13's layout: `real-card` (default, as real cards are read) or `nested` (the older form).
        public var dg13Layout: String?
        /// Chip authentication, when the chip runs it (DG14).
        public var chipAuthentication: ChipAuthentication?
        /// Active authentication, when the chip runs it (DG15).
        public var activeAuthentication: ActiveAuthentication?
        /// The SOD's hash algorithm: `sha1`, `sha224`, `sha256`, `sha384` or `sha512`.
        public var hashAlgorithm: String
        /// The document signer that signs EF.SOD.
        public var signer: Signer

        /// PACE: the protocol OID and the standardized domain parameter ID.
        public struct PACE: Codable, Sendable, Equatable {
            /// The PACE protocol OID, dotted.
            public var `protocol`: String
            /// The standardized domain parameter ID of the curve (ICAO 9303-11 Table 4).
            public var parameterId: Int
        }
        /// Chip authentication: the protocol OID, the curve (a standardized domain parameter ID, or explicit
        /// parameters in `curve`), how DG14 writes the curve, and the static private scalar (hex).
        public struct ChipAuthentication: Codable, Sendable, Equatable {
            /// The chip authentication protocol OID, dotted.
            public var `protocol`: String
            /// The standardized domain parameter ID of the curve; nil when `curve` gives it.
            public var parameterId: Int?
            /// A curve given by its parameters instead of `parameterId` (one outside ICAO 9303-11 Table 4).
            public var curve: Curve?
            /// `named` (default: the curve's OID) or `explicit` (the curve's parameters, as many documents do).
            public var domainParameters: String?
            /// The static private scalar, hex.
            public var privateKey: String
        }
        /// Active authentication: `ecdsa` (curve, hash, private scalar in hex) or `rsa` (a PKCS#8 DER key file).
        public struct ActiveAuthentication: Codable, Sendable, Equatable {
            /// `ecdsa` or `rsa`.
            public var algorithm: String
            /// For `ecdsa`: the standardized domain parameter ID of the curve; nil when `curve` gives it.
            public var parameterId: Int?
            /// A curve given by its parameters instead of `parameterId`.
            public var curve: Curve?
            /// `named` (default) or `explicit`, how DG15 writes the curve.
            public var domainParameters: String?
            /// For `ecdsa`: the hash signed (default `sha256`).
            public var hash: String?
            /// For `ecdsa`, the private scalar in hex; for `rsa`, a PKCS#8 DER key file relative to the description.
            public var privateKey: String
        }
        /// An elliptic curve over GF(p) by its parameters, big-endian hex: y² = x³ + ax + b, generator (x, y) of
        /// order n, cofactor h.
        public struct Curve: Codable, Sendable, Equatable {
            /// Where the parameters come from (e.g. "RFC 5639 §3.4 brainpoolP256t1").
            public var name: String?
            /// The field prime p.
            public var p: String
            /// The coefficient a.
            public var a: String
            /// The coefficient b.
            public var b: String
            /// The generator's x-coordinate.
            public var gx: String
            /// The generator's y-coordinate.
            public var gy: String
            /// The generator's order n.
            public var n: String
            /// The cofactor h.
            public var h: String
        }
        /// The document signer: certificate and PKCS#8 private key, DER files relative to the description.
        public struct Signer: Codable, Sendable, Equatable {
            /// The certificate, DER.
            public var certificate: String
            /// The private key, PKCS#8 DER.
            public var privateKey: String
        }
    }
}
