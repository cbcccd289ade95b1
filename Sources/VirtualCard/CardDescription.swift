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
        public var personalIdNumber: String
        public var fullName: String
        public var dateOfBirth: String
        public var sex: String
        public var nationality: String?
        public var ethnicity: String?
        public var religion: String?
        public var placeOfOrigin: String?
        public var placeOfResidence: String?
        public var identifyingCharacteristics: String?
        public var dateOfIssue: String?
        public var dateOfExpiry: String?
        public var fatherName: String?
        public var motherName: String?
        public var spouseName: String?
        public var oldIdNumber: String?
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
        public var documentNumber: String?
        public var dateOfBirth: String?
        public var dateOfExpiry: String?
        public var primaryIdentifier: String?
        public var secondaryIdentifier: String?
    }

    /// The chip's protocols and keys (TEST-ONLY keys).
    public struct Chip: Codable, Sendable, Equatable {
        public var pace: PACE?
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
        public var chipAuthentication: ChipAuthentication?
        public var activeAuthentication: ActiveAuthentication?
        /// The SOD's hash algorithm: `sha1`, `sha224`, `sha256`, `sha384` or `sha512`.
        public var hashAlgorithm: String
        public var signer: Signer

        /// PACE: the protocol OID and the standardized domain parameter ID.
        public struct PACE: Codable, Sendable, Equatable {
            public var `protocol`: String
            public var parameterId: Int
        }
        /// Chip authentication: the protocol OID, the curve (a standardized domain parameter ID, or explicit
        /// parameters in `curve`), how DG14 writes the curve, and the static private scalar (hex).
        public struct ChipAuthentication: Codable, Sendable, Equatable {
            public var `protocol`: String
            public var parameterId: Int?
            /// A curve given by its parameters instead of `parameterId` (one outside ICAO 9303-11 Table 4).
            public var curve: Curve?
            /// `named` (default: the curve's OID) or `explicit` (the curve's parameters, as many documents do).
            public var domainParameters: String?
            public var privateKey: String
        }
        /// Active authentication: `ecdsa` (curve, hash, private scalar in hex) or `rsa` (a PKCS#8 DER key file).
        public struct ActiveAuthentication: Codable, Sendable, Equatable {
            public var algorithm: String
            public var parameterId: Int?
            /// A curve given by its parameters instead of `parameterId`.
            public var curve: Curve?
            /// `named` (default) or `explicit`, how DG15 writes the curve.
            public var domainParameters: String?
            public var hash: String?
            public var privateKey: String
        }
        /// An elliptic curve over GF(p) by its parameters, big-endian hex: y² = x³ + ax + b, generator (x, y) of
        /// order n, cofactor h.
        public struct Curve: Codable, Sendable, Equatable {
            /// Where the parameters come from (e.g. "RFC 5639 §3.4 brainpoolP256t1").
            public var name: String?
            public var p: String
            public var a: String
            public var b: String
            public var gx: String
            public var gy: String
            public var n: String
            public var h: String
        }
        /// The document signer: certificate and PKCS#8 private key, DER files relative to the description.
        public struct Signer: Codable, Sendable, Equatable {
            public var certificate: String
            public var privateKey: String
        }
    }
}
