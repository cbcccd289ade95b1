import ICAOCrypto
import LDS

/// The parts of a CMS SignedData (RFC 5652 §5) that signer verification reads, whether it came from EF.SOD (parsed
/// by LDS's ``EFSOD``) or from a master list (parsed here): one check serves both.
struct SignedContent: Sendable {
    /// One SignerInfo (RFC 5652 §5.3).
    struct Signer: Sendable {
        var identifier: SignerIdentifier
        var digestAlgorithm: AlgorithmIdentifier
        /// The signed attributes as signed (`31` SET OF tag), nil when absent.
        var signedAttributes: [UInt8]?
        var contentTypeAttribute: OID?
        var messageDigestAttribute: [UInt8]?
        var signatureAlgorithm: AlgorithmIdentifier
        var signature: [UInt8]
    }

    var contentType: OID
    var content: [UInt8]
    var certificates: [[UInt8]]
    var signers: [Signer]

    init(sod: EFSOD) {
        contentType = sod.contentType
        content = Array(sod.encapsulatedContent)
        certificates = sod.certificates.map { Array($0.der) }
        signers = sod.signerInfos.map { info in
            Signer(identifier: info.signerIdentifier, digestAlgorithm: info.digestAlgorithm,
                   signedAttributes: info.signedAttributesDER, contentTypeAttribute: info.contentType,
                   messageDigestAttribute: info.messageDigest.map(Array.init),
                   signatureAlgorithm: info.signatureAlgorithm, signature: Array(info.signature))
        }
    }

    /// Parses a CMS `ContentInfo { id-signedData, [0] SignedData }` (DER or BER).
    init(cms bytes: [UInt8]) throws(TLVError) {
        let r = BERReader(bytes, options: .cms)
        var ci = try r.children(of: try r.singleElement(.sequence))
        let type = try ci.expect(.objectIdentifier)
        guard try r.objectIdentifier(type) == .signedData else {
            throw .invalidValue(offset: type.offset, tag: type.tag, expected: "id-signedData")
        }
        var explicit = try r.children(of: try ci.expect(0xA0))
        let signedData = try explicit.expect(.sequence)
        try explicit.requireEnd()
        var sd = try r.children(of: signedData)
        _ = try r.integer(try sd.expect(.integer))
        _ = try sd.expect(.set)  // digestAlgorithms: each SignerInfo names its own
        var encap = try r.children(of: try sd.expect(.sequence))
        contentType = try r.objectIdentifier(try encap.expect(.objectIdentifier))
        var wrapper = try r.children(of: try encap.expect(0xA0))
        let octets = try wrapper.next()
        guard let octets, octets.tag.withConstructed(false) == .octetString else {
            throw .missingElement(offset: signedData.valueStart, expected: .octetString)
        }
        try wrapper.requireEnd()
        try encap.requireEnd()
        content = Array(try r.octetString(octets))
        var certs: [[UInt8]] = []
        if let set = try sd.optional(0xA0) {
            var cc = try r.children(of: set)
            while let cert = try cc.next() {
                guard cert.tag == .sequence else { continue }  // other CertificateChoices are not X.509
                certs.append(Array(r.encoded(cert)))
            }
        }
        certificates = certs
        _ = try sd.optional(0xA1)  // CRLs
        var infos: [Signer] = []
        var sc = try r.children(of: try sd.expect(.set))
        while let s = try sc.next() { infos.append(try SignedContent.signer(r, s)) }
        try sd.requireEnd()
        signers = infos
    }

    private static func signer(_ r: BERReader, _ e: TLVElement) throws(TLVError) -> Signer {
        var c = try r.children(of: e)
        _ = try r.integer(try c.expect(.integer))
        guard let sid = try c.next() else { throw .missingElement(offset: e.valueEnd, expected: .sequence) }
        let identifier: SignerIdentifier
        if sid.tag == .sequence {
            var s = try r.children(of: sid)
            let issuer = r.encoded(try s.expect(.sequence))
            let serial = try r.unsignedIntegerBytes(try s.expect(.integer))
            try s.requireEnd()
            identifier = .issuerAndSerialNumber(issuer: Array(issuer)[...], serialNumber: Array(serial)[...])
        } else if sid.tag == 0x80 {
            identifier = .subjectKeyIdentifier(Array(r.value(of: sid))[...])
        } else {
            throw .unexpectedTag(offset: sid.offset, expected: .sequence, found: sid.tag)
        }
        let digest = try algorithmIdentifier(r, try c.expect(.sequence))
        var attributesDER: [UInt8]?
        var contentType: OID?
        var messageDigest: [UInt8]?
        if let attributes = try c.optional(0xA0) {
            // The signature covers the DER of the attributes: an indefinite length cannot be re-tagged as signed.
            guard !attributes.isIndefiniteLength else {
                throw .indefiniteLengthNotAllowed(offset: attributes.offset, tag: attributes.tag)
            }
            var der = Array(r.encoded(attributes))
            der[0] = 0x31  // RFC 5652 §5.4: signed as a SET OF, not under the [0] tag
            attributesDER = der
            var ac = try r.children(of: attributes)
            while let a = try ac.next() {
                var attribute = try r.children(of: a)
                let oid = try r.objectIdentifier(try attribute.expect(.objectIdentifier))
                var values = try r.children(of: try attribute.expect(.set))
                if oid == .messageDigestAttribute {
                    guard messageDigest == nil else {
                        throw .invalidValue(offset: a.offset, tag: a.tag, expected: "one messageDigest attribute")
                    }
                    messageDigest = Array(try r.octetString(try values.expect(.octetString)))
                    try values.requireEnd()
                } else if oid == .contentTypeAttribute {
                    guard contentType == nil else {
                        throw .invalidValue(offset: a.offset, tag: a.tag, expected: "one contentType attribute")
                    }
                    contentType = try r.objectIdentifier(try values.expect(.objectIdentifier))
                    try values.requireEnd()
                }
            }
        }
        let signatureAlgorithm = try algorithmIdentifier(r, try c.expect(.sequence))
        let signature = Array(try r.octetString(try c.expect(.octetString)))
        _ = try c.optional(0xA1)  // unsignedAttrs
        try c.requireEnd()
        return Signer(identifier: identifier, digestAlgorithm: digest, signedAttributes: attributesDER,
                      contentTypeAttribute: contentType, messageDigestAttribute: messageDigest,
                      signatureAlgorithm: signatureAlgorithm, signature: signature)
    }

    /// Why the signer check failed; `PassiveAuthentication` and `MasterList` turn these into their own terms.
    enum Failure: Sendable, Hashable {
        case signerInfoCount(Int)
        case contentType(String)
        case signedAttributesMissing(String)
        case messageDigestMismatch(String)
        case signerCertificateMissing
        case signerCertificateMalformed(String)
        case algorithmUnsupported(String)
        case signatureInvalid(String)

        var message: String {
            switch self {
            case .signerInfoCount(let n): return "the SignedData has \(n) SignerInfos, where exactly one is required"
            case .contentType(let why), .signedAttributesMissing(let why), .messageDigestMismatch(let why),
                 .signerCertificateMalformed(let why), .algorithmUnsupported(let why), .signatureInvalid(let why):
                return why
            case .signerCertificateMissing: return "no certificate in the SignedData matches the SignerInfo's signer"
            }
        }
    }

    /// The outcome of checking the one SignerInfo: the signer's certificate when found, and every failure.
    struct SignerCheck: Sendable {
        var certificate: Certificate?
        var failures: [Failure]
    }

    /// RFC 5652 §5.6: the content type, the signed attributes' messageDigest against the content's hash, and the
    /// signature over the signed attributes by the key of the certificate the SignerInfo names.
    func checkSigner(expectedContentType: OID) -> SignerCheck {
        var failures: [Failure] = []
        guard signers.count == 1, let signer = signers.first else {
            return SignerCheck(certificate: nil, failures: [.signerInfoCount(signers.count)])
        }
        if contentType != expectedContentType {
            failures.append(.contentType("the encapsulated content type is \(contentType), not \(expectedContentType)"))
        }
        guard let attributes = signer.signedAttributes else {
            failures.append(.signedAttributesMissing("the SignerInfo has no signed attributes"))
            return SignerCheck(certificate: findCertificate(signer).certificate, failures: failures)
        }
        if let type = signer.contentTypeAttribute {
            if type != contentType {
                failures.append(.contentType("the contentType attribute (\(type)) differs from the encapsulated content type"))
            }
        } else {
            failures.append(.signedAttributesMissing("the signed attributes have no contentType"))
        }
        do throws(SignatureScheme.Unsupported) {
            let hash = try SignatureScheme.hash(signer.digestAlgorithm)
            if let digest = signer.messageDigestAttribute {
                if digest != hash.hash(content) {
                    failures.append(.messageDigestMismatch(
                        "the messageDigest attribute is not the \(hash.rawValue) of the encapsulated content"))
                }
            } else {
                failures.append(.signedAttributesMissing("the signed attributes have no messageDigest"))
            }
        } catch {
            failures.append(.algorithmUnsupported("digest: \(error.reason)"))
        }
        let found = findCertificate(signer)
        if let problem = found.failure { failures.append(problem) }
        guard let certificate = found.certificate else { return SignerCheck(certificate: nil, failures: failures) }
        let key: PublicKey
        do throws(CryptoError) { key = try certificate.publicKey() } catch {
            failures.append(.signerCertificateMalformed("the signer's public key cannot be loaded: \(error)"))
            return SignerCheck(certificate: certificate, failures: failures)
        }
        switch SignatureCheck(algorithm: signer.signatureAlgorithm, digestAlgorithm: signer.digestAlgorithm,
                              signature: signer.signature, message: attributes, key: key) {
        case .valid: break
        case .invalid(let why): failures.append(.signatureInvalid(why + " with the key of \(certificate.subject.text)"))
        case .unsupported(let why): failures.append(.algorithmUnsupported(why))
        }
        return SignerCheck(certificate: certificate, failures: failures)
    }

    private func findCertificate(_ signer: Signer) -> (certificate: Certificate?, failure: Failure?) {
        var firstError: Failure?
        for der in certificates {
            let certificate: Certificate
            do throws(VerificationError) { certificate = try Certificate(der: der) } catch {
                firstError = firstError ?? .signerCertificateMalformed("a certificate does not parse: \(error)")
                continue
            }
            switch signer.identifier {
            case .issuerAndSerialNumber(let issuer, let serial):
                guard let name = try? DistinguishedName(der: Array(issuer)), certificate.issuer.matches(name),
                      RevocationList.magnitude(certificate.serialNumber) == RevocationList.magnitude(Array(serial))
                else { continue }
            case .subjectKeyIdentifier(let id):
                guard certificate.extensions.subjectKeyIdentifier == Array(id) else { continue }
            }
            return (certificate, nil)
        }
        return (nil, firstError ?? .signerCertificateMissing)
    }
}
