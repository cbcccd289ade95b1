import Foundation
import ICAOSession

/// What a desk is given to open a card, as a keyboard-wedge scanner or a person types it: the QR text, a 12-digit
/// ID number, a 6-digit CAN, or the MRZ key `DOCNUMBER,YYMMDD,YYMMDD`.
public struct CardInput: Sendable {
    /// The key that opens the chip.
    public var key: AccessKey
    /// The QR, when the input was one: the chip is cross-checked with it.
    public var qr: CardQRCode?

    /// A key, and the QR it came from.
    public init(key: AccessKey, qr: CardQRCode? = nil) {
        self.key = key
        self.qr = qr
    }

    /// Recognises one line of input; a scanner's byte-order mark and line ends are stripped.
    ///
    /// - Throws: ``CCCDError/invalidQRText(_:)`` for a text with `|` that is not a CCCD QR,
    ///   ``CCCDError/invalidAccessKey(_:)`` for a malformed MRZ key, ``CCCDError/unrecognizedInput`` otherwise.
    public init(parsing line: String) throws(CCCDError) {
        let text = String(line.unicodeScalars.filter { $0 != "\u{FEFF}" })
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if text.contains("|") {
            let qr: CardQRCode
            do {
                qr = try CardQRCode(text: text)
            } catch {
                throw .invalidQRText(error)
            }
            self.init(key: try Self.can(personalIdNumber: qr.personalIdNumber), qr: qr)
            return
        }
        let digits = text.filter { $0 != " " }
        if digits.allSatisfy(\.isASCIIDigit), digits.count == 12 {
            self.init(key: try Self.can(personalIdNumber: digits))
            return
        }
        if digits.allSatisfy(\.isASCIIDigit), digits.count == 6 {
            self.init(key: try Self.can(digits))
            return
        }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        if parts.count == 3 {
            self.init(key: try Self.mrzKey(parts.map(String.init)))
            return
        }
        throw .unrecognizedInput
    }

    /// A CAN given on its own: six digits.
    public static func can(_ text: String) throws(CCCDError) -> AccessKey {
        do {
            return .can(try CardAccessNumber(text))
        } catch {
            throw .invalidAccessKey(error)
        }
    }

    /// An ID number given on its own: twelve digits, whose last six are the CAN (`CardIO.CardAccessNumber`).
    public static func can(personalIdNumber text: String) throws(CCCDError) -> AccessKey {
        do {
            return .can(try CardAccessNumber(personalIdNumber: text))
        } catch {
            throw .invalidAccessKey(error)
        }
    }

    /// The MRZ key from `DOCNUMBER,YYMMDD,YYMMDD` (document number, birth, expiry).
    public static func mrzKey(_ text: String) throws(CCCDError) -> AccessKey {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { throw .mrzKeyForm }
        return try mrzKey(parts)
    }

    private static func mrzKey(_ parts: [String]) throws(CCCDError) -> AccessKey {
        let fields = parts.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        do {
            return .mrz(try MRZKey(documentNumber: fields[0], dateOfBirth: fields[1], dateOfExpiry: fields[2]))
        } catch {
            throw .invalidAccessKey(error)
        }
    }
}

extension Character {
    /// `0` … `9` only (not other scripts' digits).
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
