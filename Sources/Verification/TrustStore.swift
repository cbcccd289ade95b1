import Foundation
import ICAOCrypto
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
        case malformedCertificate(PKIError)
        /// A CRL in the file does not parse.
        case malformedRevocationList(PKIError)
        /// A master list that does not parse, whose signature does not verify, or whose signer is not trusted.
        case invalidMasterList(MasterList.Failure)

        /// One line saying what is wrong with the file.
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

    /// The file, then the reason.
    public var description: String { "trust file \(path): \(reason)" }
}

/// The CSCAs, link certificates, master lists and CRLs passive authentication checks document signers against.
///
/// Two kinds of certificates, kept apart (ICAO 9303-12 §5 and §9; the README's "Trust" section):
/// - **Installed** by the configuration (trust files, ``add(_:source:)``): self-signed CSCAs are the trust
///   **anchors**; other CA certificates (link certificates between CSCA generations) are ``intermediates``, used on a
///   path but never trusted alone; a certificate with the extended key usage id-icao-cscaMasterListSigningKey is a
///   configured master list signer (``masterListSigners``), trusted to sign master lists and nothing else.
/// - **Learnt** from a master list (``addMasterList(der:source:at:)``, `.ml` files), once the list's signature
///   verifies and its signer chains to an installed anchor or is a configured signer: the listed CSCAs
///   (``learntCSCAs``) anchor document signers' paths like installed ones, the listed link certificates
///   (``learntLinks``) are intermediates. A learnt certificate never makes another master list trusted: only
///   installed certificates do, so no list can vouch for itself or for another.
///
/// Certificates are indexed by subject, so building a path looks up a certificate's issuer instead of scanning the
/// store (a master list holds several hundred CSCAs). Installed self-signed CSCAs have their self-signature
/// checked; a master list's CSCAs are classified by their names and key identifiers (self-issued, with no
/// authority key identifier or one equal to their subject key identifier): the list's signature vouches for their
/// keys, and RFC 5280 §6.1.1 uses a trust anchor's name and key, not its self-signature.
public struct TrustStore: Sendable {
    /// Installed self-signed CA certificates: the CSCAs trusted as they are.
    public private(set) var anchors: [Certificate] = []
    /// Installed CA certificates that are not self-signed (link certificates): used on a path, never trusted alone.
    public private(set) var intermediates: [Certificate] = []
    /// Installed master list signer certificates: a master list they sign is trusted without a path.
    public private(set) var masterListSigners: [Certificate] = []
    /// CSCAs learnt from verified master lists: they anchor document signers' paths, never a master list's.
    public private(set) var learntCSCAs: [Certificate] = []
    /// Link certificates learnt from verified master lists.
    public private(set) var learntLinks: [Certificate] = []
    /// The master lists loaded, each verified.
    public private(set) var masterLists: [MasterList] = []
    /// CRLs. Passive authentication applies one only when its signature verifies with the key of a CSCA of the path
    /// (or of the store, of the same name); one that does not is reported (`CRL_SIGNATURE_INVALID`).
    public private(set) var revocationLists: [RevocationList] = []
    /// Files and certificates passed over while loading, each with why (not a CA, unknown file type, a listed entry
    /// that does not parse, a warning about a master list's algorithms…).
    public private(set) var ignored: [String] = []

    /// Every CA certificate, indexed: the installed and learnt CSCAs as anchors, the links as intermediates.
    private(set) var pool = CertificatePool()
    /// The installed certificates only, indexed: what master lists are verified against.
    private var installedPool = CertificatePool()
    private var crlsByIssuer: [String: [Int]] = [:]

    /// An empty store: every chain verdict is then `no-trust-anchor`.
    public init() {}

    /// A store holding the given certificates, installed (classified as by ``add(_:source:)``), and CRLs.
    public init(certificates: [Certificate], revocationLists: [RevocationList] = []) {
        for certificate in certificates { add(certificate, source: "certificate") }
        for list in revocationLists { add(list) }
    }

    /// Whether the store holds no trust anchor, installed or learnt.
    public var isEmpty: Bool { anchors.isEmpty && learntCSCAs.isEmpty }

    /// Where a certificate of the store comes from; nil when the store does not hold it.
    public func source(of certificate: Certificate) -> TrustSource? { pool.member(certificate)?.source }

    /// The documented default locations, in the order they are read: `/etc/cccd/trust`, then
    /// `~/.config/cccd/trust` (`$XDG_CONFIG_HOME/cccd/trust` when that is set).
    public static var defaultLocations: [String] {
        let environment = ProcessInfo.processInfo.environment
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return ["/etc/cccd/trust", config + "/cccd/trust"]
    }

    /// The store of the default locations that exist; nil when none does.
    public static func loadDefault(at date: Date = Date()) throws(TrustStoreError) -> TrustStore? {
        let existing = defaultLocations.filter { FileManager.default.fileExists(atPath: $0) }
        guard !existing.isEmpty else { return nil }
        return try load(paths: existing, at: date)
    }

    /// A store loaded from files and folders (folders recursively; hidden files and unknown extensions skipped).
    ///
    /// - Parameter paths: files and folders of CSCA and link certificates, master lists and CRLs.
    /// - Parameter date: the time of loading, at which master list signers must be valid.
    public static func load(paths: [String], at date: Date = Date()) throws(TrustStoreError) -> TrustStore {
        var store = TrustStore()
        try store.load(paths: paths, at: date)
        return store
    }

    /// Adds files and folders. Certificates and CRLs are installed first, then the master lists are verified against
    /// the installed certificates only, so the outcome does not depend on the order of the files. A file named
    /// explicitly is read whatever its extension. After an error the store may hold part of what was read: discard
    /// it.
    public mutating func load(paths: [String], at date: Date = Date()) throws(TrustStoreError) {
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
        for (path, bytes, sniffed) in masterLists {
            do throws(MasterList.Failure) { try addMasterList(der: bytes, source: path, at: date) } catch {
                if sniffed, case .malformed = error {
                    throw TrustStoreError(path: path, reason: .unrecognized("neither PEM nor a DER certificate, CRL "
                                                                            + "or master list"))
                }
                throw TrustStoreError(path: path, reason: .invalidMasterList(error))
            }
        }
    }

    /// Installs a certificate: a self-signed CA as an anchor, another CA as an intermediate, a master list signer
    /// (extended key usage id-icao-cscaMasterListSigningKey) as a configured master list signer; anything else is
    /// ignored (a document signer's certificate in a trust folder trusts nothing).
    ///
    /// - Returns: whether the certificate was kept.
    @discardableResult
    public mutating func add(_ certificate: Certificate, source: String = "certificate") -> Bool {
        guard certificate.isCA else {
            if certificate.extensions.extendedKeyUsage?.contains(.cscaMasterListSigningKey) == true {
                if !masterListSigners.contains(certificate) { masterListSigners.append(certificate) }
                return true
            }
            ignored.append("\(source): \(certificate.subject.text) is not a CA certificate")
            return false
        }
        if installedPool.member(certificate) != nil { return true }
        let isAnchor = certificate.isSelfSigned
        installedPool.insert(certificate, isAnchor: isAnchor, source: .installed(source))
        if isAnchor { anchors.append(certificate) } else { intermediates.append(certificate) }
        if let learnt = pool.member(certificate), case .masterList = learnt.source {
            // Installed after a master list listed it: it stays in the pool with the list's role; the installed role
            // matters only for verifying master lists, which uses the installed pool.
            return true
        }
        pool.insert(certificate, isAnchor: isAnchor, source: .installed(source))
        return true
    }

    /// Verifies a master list against the installed certificates (never the learnt ones) and learns its CA
    /// certificates: self-issued ones whose key identifiers do not say otherwise as CSCAs, the others as links.
    ///
    /// - Parameters:
    ///   - bytes: the list's DER.
    ///   - source: its name (a file path), for ``source(of:)`` and messages.
    ///   - date: the time of loading, at which its signer must be valid.
    /// - Returns: the verified list.
    @discardableResult
    public mutating func addMasterList(der bytes: [UInt8], source: String,
                                       at date: Date = Date()) throws(MasterList.Failure) -> MasterList {
        let list = try MasterList(der: bytes, anchors: anchors, links: intermediates, signers: masterListSigners,
                                  at: date)
        var notCA = 0
        for certificate in list.certificates {
            guard certificate.isCA else { notCA += 1; continue }
            let isAnchor = TrustStore.isListedCSCA(certificate)
            guard pool.insert(certificate, isAnchor: isAnchor, source: .masterList(source)) else { continue }
            if isAnchor { learntCSCAs.append(certificate) } else { learntLinks.append(certificate) }
        }
        masterLists.append(list)
        if notCA > 0 { ignored.append("\(source): \(notCA) listed certificates are not CA certificates") }
        if list.skippedEntries > 0 {
            ignored.append("\(source): \(list.skippedEntries) listed entries do not parse as certificates")
        }
        for warning in list.warnings { ignored.append("\(source): \(warning)") }
        return list
    }

    /// Whether a listed CA certificate is a CSCA (a root) rather than a link: self-issued, and with no authority
    /// key identifier, or one equal to its subject key identifier.
    static func isListedCSCA(_ certificate: Certificate) -> Bool {
        guard certificate.isSelfIssued else { return false }
        guard let aki = certificate.extensions.authorityKeyIdentifier,
              let ski = certificate.extensions.subjectKeyIdentifier else { return true }
        return aki.elementsEqual(ski)
    }

    /// Adds a CRL.
    public mutating func add(_ revocationList: RevocationList) {
        guard !revocationLists.contains(revocationList) else { return }
        crlsByIssuer[revocationList.issuer.matchingKey, default: []].append(revocationLists.count)
        revocationLists.append(revocationList)
    }

    /// The CRLs whose issuer matches `name`.
    func revocationLists(issuedBy name: DistinguishedName) -> [RevocationList] {
        (crlsByIssuer[name.matchingKey] ?? []).map { revocationLists[$0] }
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
        var seen = 0
        for case let url as URL in enumerator {
            // A trust folder holds a few CSCAs, lists and CRLs: a huge tree is a mistake (or a trap), refused
            // before anything in it is read.
            seen += 1
            guard seen <= maximumFolderEntries else {
                throw TrustStoreError(path: folder, reason: .unreadable(
                    "more than \(maximumFolderEntries) entries: give the folder of CSCA certificates, lists and CRLs"))
            }
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey])
            if values?.isRegularFile == true { files.append(url.path) }
        }
        return files.sorted()
    }

    /// The most entries (files and folders) a trust folder may hold, at any depth.
    static let maximumFolderEntries = 10_000

    static let maximumFileSize = 64 << 20

    static func read(_ path: String) throws(TrustStoreError) -> [UInt8] {
        // The size first, so an oversize file costs no memory at all.
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maximumFileSize {
            throw TrustStoreError(path: path, reason: .unreadable("larger than \(maximumFileSize >> 20) MiB"))
        }
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
        do throws(PKIError) { add(try Certificate(der: bytes), source: path) } catch {
            throw TrustStoreError(path: path, reason: .malformedCertificate(error))
        }
    }

    private mutating func addRevocationLists(_ bytes: [UInt8], path: String) throws(TrustStoreError) {
        if let blocks = PEM.blocks(in: bytes) { return try addPEM(blocks, path: path) }
        do throws(PKIError) { add(try RevocationList(der: bytes)) } catch {
            throw TrustStoreError(path: path, reason: .malformedRevocationList(error))
        }
    }

    private mutating func addPEM(_ blocks: [PEM.Block], path: String) throws(TrustStoreError) {
        var used = 0
        for block in blocks {
            switch block.label {
            case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
                do throws(PKIError) { add(try Certificate(der: block.der), source: path) } catch {
                    throw TrustStoreError(path: path, reason: .malformedCertificate(error))
                }
                used += 1
            case "X509 CRL":
                do throws(PKIError) { add(try RevocationList(der: block.der)) } catch {
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
