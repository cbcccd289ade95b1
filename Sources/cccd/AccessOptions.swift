import ArgumentParser
import CardIO
import CCCD
import CCCDQR
import Foundation
import ICAOSession

/// ACCESS of `shared/CLI.md`: `--can`, `--id`, `--mrz`, or the QR (`--qr-text` / `--qr`), whose ID gives the CAN.
struct AccessOptions: ParsableArguments {
    @Option(name: .long, help: "The card access number (the last six digits of the 12-digit ID number).")
    var can: String?

    @Option(name: .long, help: "The 12-digit ID number; its last six digits are the CAN.")
    var id: String?

    @Option(name: .long, help: "The MRZ key: DOCNUMBER,YYMMDD,YYMMDD (document number, birth, expiry).")
    var mrz: String?

    @Option(name: .customLong("qr-text"), help: "The card's QR text (from a keyboard-wedge scanner); the ID gives the CAN.")
    var qrText: String?

    @Option(name: .customLong("qr"), help: "A photo or scan of the card front; its QR's ID gives the CAN.")
    var qrImage: String?

    /// The QR, when one was given: decoded, parsed, or a failure with its exit code.
    func qrCode() throws -> CardQRCode? {
        if let qrText {
            do {
                return try CardQRCode(text: qrText)
            } catch {
                throw CommandFailure(.usage, "--qr-text: \(error)")
            }
        }
        if let qrImage {
            do {
                return try CardQRReader().read(path: qrImage).code
            } catch {
                throw CommandFailure(.badInput, "\(qrImage): \(error)")
            }
        }
        return nil
    }

    /// The key, checked for form; exit 2 for a malformed or missing one.
    func accessKey(qr: CardQRCode?) throws -> AccessKey {
        let given = [can, id, mrz].compactMap { $0 }.count
        guard given <= 1 else { throw CommandFailure(.usage, "give one of --can, --id, --mrz") }
        do {
            if let can { return .can(try CardAccessNumber(can)) }
            if let id { return .can(try CardAccessNumber(personalIdNumber: id)) }
            if let mrz {
                let parts = mrz.split(separator: ",", omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces).uppercased()
                }
                guard parts.count == 3 else { throw CommandFailure(.usage, "--mrz takes DOCNUMBER,YYMMDD,YYMMDD") }
                let key = try MRZKey(documentNumber: parts[0], dateOfBirth: parts[1], dateOfExpiry: parts[2])
                if key.documentNumberIsFromPersonalIdNumber {
                    Standard.error("cccd: --mrz: a 12-digit ID number was given; its last 9 digits are the document number")
                }
                return .mrz(key)
            }
            if let qr { return .can(try CardAccessNumber(personalIdNumber: qr.personalIdNumber)) }
        } catch let error as AccessKeyError {
            let option = can != nil ? "--can" : id != nil ? "--id" : mrz != nil ? "--mrz" : "the QR's ID number"
            throw CommandFailure(.usage, "\(option): \(error)")
        }
        throw CommandFailure(.usage, "give the access key: --can, --id, --mrz, --qr-text or --qr")
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
