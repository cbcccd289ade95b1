/// An ICAO CSCA master list (ICAO 9303-12 §9): a CMS SignedData whose eContentType is id-icao-cscaMasterList and
/// whose content is `CscaMasterList ::= SEQUENCE { version INTEGER (0), certList SET OF Certificate }`.
///
/// Parsing checks the structure only; whether the list is signed by someone the reader trusts is the
/// verification layer's question. The certificates are parsed in place (slices of the list's bytes). An entry
/// that does not parse as a certificate is passed over and counted: the list is its publisher's, and one CSCA
/// this parser refuses must not hide the others.
public struct CscaMasterList: Sendable {
    /// The CMS SignedData around the list.
    public let signedData: SignedData
    /// The CscaMasterList version (0).
    public let version: Int
    /// The certificates listed (CSCAs and link certificates), in list order.
    public let certificates: [Certificate]
    /// Why each listed entry that was passed over does not parse, in list order.
    public let skippedEntries: [LDSError.Reason]

    /// Parses a master list's DER (or BER).
    public init(der bytes: [UInt8]) throws(PKIError) {
        guard bytes.count <= SignedData.maximumSize else {
            throw PKIError(structure: .masterList, reason: .invalidField(field: "ContentInfo", offset: 0,
                                                                         expected: "at most 64 MiB"))
        }
        let signed: SignedData
        do throws(PKIError) { signed = try SignedData(contentInfo: bytes) } catch {
            throw PKIError(structure: .masterList, reason: error.reason)
        }
        guard signed.contentType == .cscaMasterList else {
            throw PKIError(structure: .masterList, reason: .invalidField(
                field: "eContentType", offset: 0, expected: "id-icao-cscaMasterList (2.23.136.1.1.2), found \(signed.contentType)"))
        }
        signedData = signed
        let parsed = try PKIError.parsing(.masterList) {
            () throws(LDSError.Reason) -> (Int, [Certificate], [LDSError.Reason]) in
            try signed.parseContent(.sequence) { (r, list) throws(LDSError.Reason) in
                var lc = try r.children(list)
                let versionElement = try lc.expect(.integer)
                let version = try r.integer(versionElement)
                guard version == 0 else {
                    throw .invalidField(field: "CscaMasterList.version", offset: versionElement.offset, expected: "0")
                }
                var set = try r.children(try lc.expect(.set))
                try lc.requireEnd()
                var certificates: [Certificate] = []
                var skipped: [LDSError.Reason] = []
                while let element = try set.next() {
                    do throws(LDSError.Reason) { certificates.append(try Certificate(r, element)) } catch {
                        skipped.append(error)
                    }
                }
                return (version, certificates, skipped)
            }
        }
        (version, certificates, skippedEntries) = parsed
    }
}
