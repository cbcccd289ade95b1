import LDS

/// An ICAO CSCA master list (ICAO 9303-12 §9): a CMS SignedData whose eContentType is id-icao-cscaMasterList
/// (2.23.136.1.1.2) and whose content is `CscaMasterList ::= SEQUENCE { version INTEGER (0), certList SET OF
/// Certificate }`, signed by a master list signer whose certificate is issued by a CSCA.
///
/// A master list is only accepted whole: its signature must verify, and its signer must chain to a CSCA in the
/// list itself or to one already trusted. The list says who its publisher trusts; the file is only as trustworthy
/// as the channel it came by, which is why a desk installs it deliberately. The signer's validity period is not
/// checked: master lists stay in use after their signer's certificate expires, and loading has no time of reading.
public struct MasterList: Sendable {
    /// The certificates listed (CSCAs and link certificates), in list order.
    public let certificates: [Certificate]
    /// The master list signer's certificate.
    public let signer: Certificate
    /// How many listed entries were skipped because they do not parse as certificates.
    public let skippedEntries: Int
    /// The listed CA certificates that are self-signed (the others are link certificates), found once here so the
    /// trust store does not verify every signature again.
    let selfSignedCAs: Set<Certificate>

    /// id-icao-cscaMasterList.
    public static let contentType: OID = "2.23.136.1.1.2"

    /// Why a master list was refused.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The CMS structure or the CscaMasterList content does not parse.
        case malformed(String)
        /// The signed attributes or the signature do not verify.
        case invalidSignature(String)
        /// The signer's certificate does not chain to a CSCA in the list or already trusted.
        case untrustedSigner(String)

        public var description: String {
            switch self {
            case .malformed(let why): return "malformed master list: \(why)"
            case .invalidSignature(let why): return "master list signature: \(why)"
            case .untrustedSigner(let why): return "master list signer: \(why)"
            }
        }
    }

    /// Parses and verifies a master list's DER.
    ///
    /// - Parameter trustedAnchors: CSCAs already trusted, to which the signer may chain instead of to one in the list.
    public init(der bytes: [UInt8], trustedAnchors: [Certificate] = []) throws(Failure) {
        guard bytes.count <= 64 << 20 else { throw .malformed("larger than 64 MiB") }
        let signed: SignedContent
        do throws(TLVError) { signed = try SignedContent(cms: bytes) } catch {
            throw .malformed("CMS SignedData: \(error)")
        }
        guard signed.contentType == MasterList.contentType else {
            throw .malformed("the eContentType is \(signed.contentType), not id-icao-cscaMasterList")
        }
        var listed: [Certificate] = []
        var skipped = 0
        do throws(TLVError) {
            let r = BERReader(signed.content, options: .cms)
            var list = try r.children(of: try r.singleElement(.sequence))
            let version = try r.integer(try list.expect(.integer))
            guard version == 0 else {
                throw TLVError.invalidValue(offset: 0, tag: .integer, expected: "CscaMasterList version 0")
            }
            var set = try r.children(of: try list.expect(.set))
            try list.requireEnd()
            while let element = try set.next() {
                do throws(VerificationError) { listed.append(try Certificate(der: Array(r.encoded(element)))) } catch {
                    skipped += 1
                }
            }
        } catch {
            throw .malformed("CscaMasterList: \(error)")
        }
        let check = signed.checkSigner(expectedContentType: MasterList.contentType)
        if let failure = check.failures.first {
            switch failure {
            case .signerCertificateMissing, .signerCertificateMalformed: throw .untrustedSigner(failure.message)
            default: throw .invalidSignature(failure.message)
            }
        }
        guard let signer = check.certificate else { throw .untrustedSigner("no signer certificate") }
        if let purposes = signer.extensions.extendedKeyUsage, !purposes.contains(Certificate.masterListSigningKeyPurpose) {
            throw .untrustedSigner("\(signer.subject.text) lacks the extended key usage id-icao-cscaMasterListSigningKey")
        }
        if let usage = signer.extensions.keyUsage, !usage.contains(.digitalSignature) {
            throw .untrustedSigner("\(signer.subject.text)'s key usage does not allow digitalSignature")
        }
        let cas = listed.filter(\.isCA)
        let selfSigned = cas.filter(PathBuilder.isSelfSigned)
        let builder = PathBuilder(anchors: selfSigned + trustedAnchors,
                                  intermediates: cas.filter { !selfSigned.contains($0) })
        switch builder.search(from: signer) {
        case .anchored: break
        case .noIssuer(let certificate):
            throw .untrustedSigner("no CSCA in the list or the trust store issued \(certificate.subject.text)")
        case .badSignature(let certificate, let issuer, let reason):
            throw .untrustedSigner("\(certificate.subject.text) is not verified by \(issuer.subject.text): \(reason)")
        case .unsupported(let certificate, let reason):
            throw .untrustedSigner("\(certificate.subject.text): \(reason)")
        }
        certificates = listed
        selfSignedCAs = Set(selfSigned)
        self.signer = signer
        skippedEntries = skipped
    }
}
