import Foundation
import LDS

/// Why a trust file could not be used: which file, and what is wrong with it.
public struct TrustStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or folder.
    public var path: String
    /// What is wrong.
    public var reason: Reason

    /// What is wrong with a trust file.
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        /// The path does not exist.
        case notFound
        /// The file cannot be read (permissions, I/O, too large).
        case unreadable(String)
        /// The file holds no certificate, CRL or master list in a form this store reads.
        case unrecognized(String)
        /// A certificate in the file does not parse.
        case malformedCertificate(VerificationError)
        /// A CRL in the file does not parse.
        case malformedRevocationList(VerificationError)
        /// A master list that does not parse, whose signature does not verify, or whose signer is not trusted.
        case invalidMasterList(MasterList.Failure)

        public var description: String {
            switch self {
            case .notFound: return "not found"
            case .unreadable(let why): return "cannot be read: \(why)"
            case .unrecognized(let why): return "not a certificate, CRL or master list: \(why)"
            case .malformedCertificate(let error): return "malformed certificate: \(error)"
            case .malformedRevocationList(let error): return "malformed CRL: \(error)"
            case .invalidMasterList(let failure): return "\(failure)"
            }
        }
    }

    /// An error for a path.
    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "trust file \(path): \(reason)" }
}

/// The CSCAs, link certificates and CRLs passive authentication checks document signers against.
///
/// Filled from files (``load(paths:)``): CSCA certificates in PEM or DER (`.pem`, `.crt`, `.cer`, `.der`), ICAO
/// master lists (`.ml`, each verified before its CSCAs are taken), and CRLs (`.crl`, DER or PEM). Only CA
/// certificates count: self-signed ones are trust anchors, the others (link certificates between CSCA
/// generations) are intermediates that must themselves chain to an anchor.
public struct TrustStore: Sendable {
    /// Self-signed CA certificates: the CSCAs trusted as they are.
    public private(set) var anchors: [Certificate] = []
    /// CA certificates that are not self-signed (link certificates): used on a path, never trusted alone.
    public private(set) var intermediates: [Certificate] = []
    /// CRLs, used when their signature verifies with the key of the CSCA they name as issuer.
    public private(set) var revocationLists: [RevocationList] = []
    /// Files and certificates passed over while loading, each with why (not a CA, unknown file type…).
    public private(set) var ignored: [String] = []

    /// An empty store: every chain verdict is then `no-trust-anchor`.
    public init() {}

    /// A store holding the given certificates (classified as by ``add(_:source:)``) and CRLs.
    public init(certificates: [Certificate], revocationLists: [RevocationList] = []) {
        for certificate in certificates { add(certificate, source: "certificate") }
        self.revocationLists = revocationLists
    }

    /// Whether the store holds no trust anchor.
    public var isEmpty: Bool { anchors.isEmpty }

    /// The documented default locations, in the order they are read: `/etc/cccd/trust`, then
    /// `~/.config/cccd/trust` (`$XDG_CONFIG_HOME/cccd/trust` when that is set).
    public static var defaultLocations: [String] {
        let environment = ProcessInfo.processInfo.environment
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return ["/etc/cccd/trust", config + "/cccd/trust"]
    }

    /// The store of the default locations that exist; nil when none does.
    public static func loadDefault() throws(TrustStoreError) -> TrustStore? {
        let existing = defaultLocations.filter { FileManager.default.fileExists(atPath: $0) }
        guard !existing.isEmpty else { return nil }
        return try load(paths: existing)
    }

    /// A store loaded from files and folders (folders recursively; hidden files and unknown extensions skipped).
    public static func load(paths: [String]) throws(TrustStoreError) -> TrustStore {
        var store = TrustStore()
        try store.load(paths: paths)
        return store
    }

    /// Adds files and folders. Certificates and CRLs are taken first, then master lists, so a master list signer
    /// may chain to a CSCA given as a file or listed in another master list. A file named explicitly is read
    /// whatever its extension. After an error the store may hold part of what was read: discard it.
    public mutating func load(paths: [String]) throws(TrustStoreError) {
        var files: [(path: String, explicit: Bool)] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw TrustStoreError(path: path, reason: .notFound)
            }
            if isDirectory.boolValue {
                files += try TrustStore.files(in: path).map { ($0, false) }
            } else {
                files.append((path, true))
            }
        }
        var masterLists: [(path: String, bytes: [UInt8], sniffed: Bool)] = []
        for (path, explicit) in files {
            let kind = TrustStore.kind(ofFile: path)
            if kind == nil && !explicit {
                ignored.append("\(path): not a trust file extension (.pem .crt .cer .der .crl .ml)")
                continue
            }
            let bytes = try TrustStore.read(path)
            switch kind {
            case .masterList: masterLists.append((path, bytes, false))
            case .revocationList: try addRevocationLists(bytes, path: path)
            case .certificate: try addCertificates(bytes, path: path)
            case nil:
                if let blocks = PEM.blocks(in: bytes) {
                    try addPEM(blocks, path: path)
                } else if (try? Certificate(der: bytes)) != nil {
                    try addCertificates(bytes, path: path)
                } else if (try? RevocationList(der: bytes)) != nil {
                    try addRevocationLists(bytes, path: path)
                } else {
                    masterLists.append((path, bytes, true))
                }
            }
        }
        // A master list whose signer chains to a CSCA of another list waits for that list.
        var pending = masterLists
        while !pending.isEmpty {
            var failures: [(path: String, failure: MasterList.Failure, sniffed: Bool)] = []
            for (path, bytes, sniffed) in pending {
                do throws(MasterList.Failure) {
                    let list = try MasterList(der: bytes, trustedAnchors: anchors)
                    for certificate in list.certificates {
                        add(certificate, source: path, selfSigned: list.selfSignedCAs.contains(certificate))
                    }
                    if list.skippedEntries > 0 {
                        ignored.append("\(path): \(list.skippedEntries) listed entries do not parse as certificates")
                    }
                } catch {
                    failures.append((path, error, sniffed))
                }
            }
            guard let first = failures.first else { break }
            if failures.count == pending.count {
                if first.sniffed, case .malformed = first.failure {
                    throw TrustStoreError(path: first.path, reason: .unrecognized("neither PEM nor a DER certificate, "
                                                                                  + "CRL or master list"))
                }
                throw TrustStoreError(path: first.path, reason: .invalidMasterList(first.failure))
            }
            pending = pending.filter { entry in failures.contains { $0.path == entry.path } }
        }
    }

    /// Adds a certificate: a self-signed CA as an anchor, another CA as an intermediate; anything else is ignored
    /// (a document signer's certificate in a trust folder trusts nothing).
    ///
    /// - Returns: whether the certificate was kept.
    @discardableResult
    public mutating func add(_ certificate: Certificate, source: String = "certificate") -> Bool {
        add(certificate, source: source, selfSigned: nil)
    }

    @discardableResult
    private mutating func add(_ certificate: Certificate, source: String, selfSigned: Bool?) -> Bool {
        guard certificate.isCA else {
            ignored.append("\(source): \(certificate.subject.text) is not a CA certificate")
            return false
        }
        if anchors.contains(certificate) || intermediates.contains(certificate) { return true }
        if selfSigned ?? PathBuilder.isSelfSigned(certificate) {
            anchors.append(certificate)
        } else {
            intermediates.append(certificate)
        }
        return true
    }

    /// Adds a CRL.
    public mutating func add(_ revocationList: RevocationList) {
        if !revocationLists.contains(revocationList) { revocationLists.append(revocationList) }
    }

    // MARK: Files

    enum FileKind { case certificate, revocationList, masterList }

    static func kind(ofFile path: String) -> FileKind? {
        switch (path as NSString).pathExtension.lowercased() {
        case "pem", "crt", "cer", "der": return .certificate
        case "crl": return .revocationList
        case "ml": return .masterList
        default: return nil
        }
    }

    static func files(in folder: String) throws(TrustStoreError) -> [String] {
        guard let enumerator = FileManager.default.enumerator(
            at: URL(fileURLWithPath: folder).resolvingSymlinksInPath(), includingPropertiesForKeys: [.isRegularFileKey],
            options: [.skipsHiddenFiles])
        else { throw TrustStoreError(path: folder, reason: .unreadable("the folder cannot be listed")) }
        var files: [String] = []
        for case let url as URL in enumerator {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey])
            if values?.isRegularFile == true { files.append(url.path) }
        }
        return files.sorted()
    }

    static let maximumFileSize = 64 << 20

    static func read(_ path: String) throws(TrustStoreError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw TrustStoreError(path: path, reason: .unreadable("permission denied or not a file"))
        }
        defer { try? handle.close() }
        let data: Data?
        do { data = try handle.read(upToCount: maximumFileSize + 1) } catch {
            throw TrustStoreError(path: path, reason: .unreadable(error.localizedDescription))
        }
        let bytes = [UInt8](data ?? Data())
        guard bytes.count <= maximumFileSize else {
            throw TrustStoreError(path: path, reason: .unreadable("larger than \(maximumFileSize >> 20) MiB"))
        }
        return bytes
    }

    private mutating func addCertificates(_ bytes: [UInt8], path: String) throws(TrustStoreError) {
        if let blocks = PEM.blocks(in: bytes) { return try addPEM(blocks, path: path) }
        do throws(VerificationError) { add(try Certificate(der: bytes), source: path) } catch {
            throw TrustStoreError(path: path, reason: .malformedCertificate(error))
        }
    }

    private mutating func addRevocationLists(_ bytes: [UInt8], path: String) throws(TrustStoreError) {
        if let blocks = PEM.blocks(in: bytes) { return try addPEM(blocks, path: path) }
        do throws(VerificationError) { add(try RevocationList(der: bytes)) } catch {
            throw TrustStoreError(path: path, reason: .malformedRevocationList(error))
        }
    }

    private mutating func addPEM(_ blocks: [PEM.Block], path: String) throws(TrustStoreError) {
        var used = 0
        for block in blocks {
            switch block.label {
            case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
                do throws(VerificationError) { add(try Certificate(der: block.der), source: path) } catch {
                    throw TrustStoreError(path: path, reason: .malformedCertificate(error))
                }
                used += 1
            case "X509 CRL":
                do throws(VerificationError) { add(try RevocationList(der: block.der)) } catch {
                    throw TrustStoreError(path: path, reason: .malformedRevocationList(error))
                }
                used += 1
            default:
                ignored.append("\(path): PEM block \"\(block.label)\" skipped")
            }
        }
        guard used > 0 else {
            throw TrustStoreError(path: path, reason: .unrecognized("no CERTIFICATE or X509 CRL block in the PEM text"))
        }
    }
}

/// RFC 7468 textual encoding: `-----BEGIN LABEL-----`, base64, `-----END LABEL-----`.
enum PEM {
    struct Block {
        var label: String
        var der: [UInt8]
    }

    /// The blocks of a PEM text; nil when the bytes are not PEM at all (DER, for instance).
    static func blocks(in bytes: [UInt8]) -> [Block]? {
        guard let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN ") else { return nil }
        var blocks: [Block] = []
        var label: String?
        var body = ""
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                label = String(line.dropFirst(11).dropLast(5))
                body = ""
            } else if line.hasPrefix("-----END "), line.hasSuffix("-----"), let current = label {
                // Bad base64 becomes an empty body, which then fails to parse with the file named.
                let data = Data(base64Encoded: body, options: .ignoreUnknownCharacters)
                blocks.append(Block(label: current, der: data.map { [UInt8]($0) } ?? []))
                label = nil
            } else if label != nil, !line.contains(":") {
                body += line  // RFC 1421 headers (`Proc-Type: …`) are skipped
            }
        }
        return blocks
    }
}
