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
    /// The portrait JPEG, relative to the description file.
    public var portrait: String
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
        /// Chip authentication: the protocol OID, the curve, and the static private scalar (hex).
        public struct ChipAuthentication: Codable, Sendable, Equatable {
            public var `protocol`: String
            public var parameterId: Int
            public var privateKey: String
        }
        /// Active authentication: `ecdsa` (curve, hash, private scalar in hex) or `rsa` (a PKCS#8 DER key file).
        public struct ActiveAuthentication: Codable, Sendable, Equatable {
            public var algorithm: String
            public var parameterId: Int?
            public var hash: String?
            public var privateKey: String
        }
        /// The document signer: certificate and PKCS#8 private key, DER files relative to the description.
        public struct Signer: Codable, Sendable, Equatable {
            public var certificate: String
            public var privateKey: String
        }
    }
}
