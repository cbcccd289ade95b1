import ArgumentParser
import CCCD
import CCCDConfiguration
import CCCDQR
import Foundation

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

    @Option(name: .customLong("qr"), help: ArgumentHelp("A photo or scan of the card's QR side; its ID gives the CAN.",
                                                       valueName: "IMAGE"))
    var qrImage: String?

    /// The QR, when one was given: parsed from the text, or decoded from the image.
    func qrCode() throws -> CardQRCode? {
        if let qrText {
            do {
                return try CardQRCode(text: qrText)
            } catch {
                throw CCCDError.invalidQRText(error)
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

    /// The key and the QR; a missing or malformed key is bad usage (exit 2).
    func input() throws -> CardInput {
        let qr = try qrCode()
        let given = [can, id, mrz].compactMap { $0 }.count
        guard given <= 1 else { throw CommandFailure(.usage, "give one of --can, --id, --mrz") }
        if let can { return CardInput(key: try CardInput.can(can), qr: qr) }
        if let id { return CardInput(key: try CardInput.can(personalIdNumber: id), qr: qr) }
        if let mrz { return CardInput(key: try CardInput.mrzKey(mrz), qr: qr) }
        if let qr { return CardInput(key: try CardInput.can(personalIdNumber: qr.personalIdNumber), qr: qr) }
        throw CommandFailure(.usage, "give the access key: --can, --id, --mrz, --qr-text or --qr")
    }
}

/// The CSCAs to verify against.
struct TrustOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("CSCA certificates (PEM/DER), master lists (.ml) and CRLs (.crl): a folder or a file (repeatable). Default: the configuration's trust, else /etc/cccd/trust and ~/.config/cccd/trust.", valueName: "PATH"))
    var trust: [String] = []

    @Flag(name: .customLong("allow-unverified"), help: "Accept a chip whose signer chains to no trusted CSCA (exit 0, level-1 status \"unverified\").")
    var allowUnverified = false

    /// The trust store: the `--trust` paths, else the configuration's `trust` (by default the locations that
    /// exist); nil when there is none. A malformed trust file exits 6, as does a malformed configuration.
    func load() throws -> TrustStore? {
        let paths = try CCCDConfiguration.load(overrides: .init(trust: trust)).trustPaths
        guard !paths.isEmpty else { return nil }
        do {
            return try TrustStore.load(paths: paths)
        } catch {
            throw CCCDError.trust(error)
        }
    }
}

/// What every command that reads a card shares.
struct ReadingOptions: ParsableArguments {
    @Option(name: .long, help: "Files to read: a comma list of com,sod,dg1,dg2,dg13,dg14,dg15.")
    var files: String?

    @Flag(name: .customLong("no-portrait"), help: "Leave the portrait's base64 out of the JSON.")
    var noPortrait = false

    @Flag(name: .long, help: "Log each step and every APDU on stderr (never the access key or session keys).")
    var verbose = false

    /// The read options, with `--files` parsed.
    func readOptions(record: Bool = false) throws -> ReadOptions? {
        guard let files else { return record ? ReadOptions(record: true) : nil }
        return ReadOptions(files: try ReadOptions.files(from: files), record: record)
    }
}

/// `--reader`: a name, a unique part of one, or an index; the first reader with a card when absent.
struct ReaderOption: ParsableArguments {
    @Option(name: .long, help: "The reader: a name, a unique part of one, or an index (default: the first with a card).")
    var reader: String?

    /// `--reader`, else the configuration's `reader`.
    func selection() throws -> ReaderSelection {
        ReaderSelection(try CCCDConfiguration.load(overrides: .init(reader: reader)).reader.value)
    }
}
