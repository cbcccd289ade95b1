import CardIO
import Foundation
import ICAOCrypto
import LDS

/// Why a card description could not be turned into a chip.
public enum PersonalizationError: Error, Equatable, CustomStringConvertible {
    /// The description file could not be read.
    case unreadable(path: String, reason: String)
    /// The description is not valid `cccd-card/1` JSON.
    case invalidDescription(String)
    /// A value in the description is not usable; the key path names it.
    case invalidValue(field: String, reason: String)

    /// One line naming the file or the key path at fault, and why.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read card description \(path): \(reason)"
        case .invalidDescription(let why): return "card description is invalid: \(why)"
        case .invalidValue(let field, let reason): return "card description field \(field): \(reason)"
        }
    }
}

/// A personalised card: the files and secrets a chip is built from, and what the card front shows.
public struct PersonalizedCard {
    /// The description it was made from.
    public var description: CardDescription
    /// Every elementary file by identifier, as the chip serves it.
    public var files: [UInt16: [UInt8]]
    /// The card access number (last six digits of the ID).
    public var cardAccessNumber: CardAccessNumber
    /// The MRZ of DG1.
    public var mrz: MRZ
    /// ICAO 9303-11 §9.7.2.1 MRZ_information for BAC and PACE with the MRZ.
    public var mrzInformation: String
    /// The chip configuration, ready for ``EMRTDChip``.
    public var configuration: ChipConfiguration

    /// A fresh chip for this card.
    public func makeChip(entropy: EntropySource = SystemEntropy()) -> EMRTDChip {
        var configuration = self.configuration
        configuration.entropy = entropy
        return EMRTDChip(configuration: configuration)
    }
}

/// Builds a card's files from its description: EF.CardAccess, EF.COM, DG1 (TD1 MRZ with check digits), DG2
/// (ISO/IEC 19794-5 around the JPEG), DG13, DG14, DG15, and an EF.SOD signed by the document signer.
public enum Personalization {
    /// EF.CardAccess's file identifier, `011C` (the LDS1 file identifiers: ICAO 9303-10 §4.6.1).
    public static let cardAccessFID: UInt16 = 0x011C
    /// EF.COM's file identifier, `011E`.
    public static let comFID: UInt16 = 0x011E
    /// EF.SOD's file identifier, `011D`.
    public static let sodFID: UInt16 = 0x011D
    /// The FID of data group `n`.
    public static func dataGroupFID(_ n: Int) -> UInt16 { 0x0100 | UInt16(n) }

    /// Reads and personalises a description file; paths inside it are relative to its folder.
    public static func load(_ url: URL) throws(PersonalizationError) -> PersonalizedCard {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        let description: CardDescription
        do {
            description = try JSONDecoder().decode(CardDescription.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw .invalidDescription("missing \(path)")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .invalidDescription("wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch {
            throw .invalidDescription("not JSON")
        }
        return try personalize(description, base: url.deletingLastPathComponent())
    }

    /// Personalises a description; `base` resolves its relative file paths.
    public static func personalize(_ card: CardDescription, base: URL) throws(PersonalizationError) -> PersonalizedCard {
        guard card.format == "cccd-card/1" else {
            throw .invalidDescription("format \"\(card.format)\" is not cccd-card/1")
        }
        let id = card.identity.personalIdNumber
        guard id.count == 12, id.allSatisfy(\.isASCIIDigit) else {
            throw .invalidValue(field: "identity.personalIdNumber", reason: "not 12 digits")
        }
        func file(_ relative: String, _ field: String) throws(PersonalizationError) -> [UInt8] {
            do {
                return Array(try Data(contentsOf: base.appendingPathComponent(relative)))
            } catch {
                throw .invalidValue(field: field, reason: "cannot read \(relative)")
            }
        }
        func hex(_ text: String, _ field: String) throws(PersonalizationError) -> [UInt8] {
            do { return try [UInt8](hex: text) } catch { throw .invalidValue(field: field, reason: error.description) }
        }
        func curve(_ id: Int?, _ given: CardDescription.Chip.Curve?, _ field: String) throws(PersonalizationError) -> EllipticCurve {
            if let given {
                let p = try hex(given.p, field + ".curve.p")
                func element(_ text: String, _ name: String) throws(PersonalizationError) -> [UInt8] {
                    let v = try hex(text, field + ".curve." + name).drop(while: { $0 == 0 })
                    guard v.count <= p.count else { throw .invalidValue(field: field + ".curve." + name, reason: "longer than p") }
                    return [UInt8](repeating: 0, count: p.count - v.count) + v
                }
                do {
                    return try EllipticCurve(prime: p, a: element(given.a, "a"), b: element(given.b, "b"),
                                             generator: [0x04] + element(given.gx, "gx") + element(given.gy, "gy"),
                                             order: hex(given.n, field + ".curve.n"),
                                             cofactor: hex(given.h, field + ".curve.h"))
                } catch let error as PersonalizationError {
                    throw error
                } catch {
                    throw .invalidValue(field: field + ".curve", reason: "\(error)")
                }
            }
            guard let id else { throw .invalidValue(field: field + ".parameterId", reason: "missing (or give curve)") }
            do { return try EllipticCurve(standardizedDomainParameterID: id) } catch {
                throw .invalidValue(field: field + ".parameterId", reason: "\(id) is not a standardized domain parameter ID")
            }
        }
        /// The key's SubjectPublicKeyInfo: the curve by name, or by its explicit parameters.
        func publicKeyInfo(_ curve: EllipticCurve, _ point: ECPoint, form: String?,
                           _ field: String) throws(PersonalizationError) -> SubjectPublicKeyInfo {
            switch form ?? "named" {
            case "named":
                guard let named = curve.namedCurve else {
                    throw .invalidValue(field: field + ".domainParameters", reason: "a curve given by parameters has no name: write \"explicit\"")
                }
                return .ec(curve: curveOID(named.rawValue), point: point.uncompressed)
            case "explicit":
                return .ec(parameters: Personalization.explicitParameters(curve), point: point.uncompressed)
            default:
                throw .invalidValue(field: field + ".domainParameters", reason: "not named or explicit")
            }
        }
        func oid(_ text: String, _ field: String) throws(PersonalizationError) -> OID {
            guard let value = OID(dotted: text) else { throw .invalidValue(field: field, reason: "not an OID") }
            return value
        }

        // The MRZ (TD1) and its BAC password.
        let mrz = try makeMRZ(card)
        let mrzText: String
        do { mrzText = try mrz.characters() } catch {
            throw .invalidValue(field: "mrz", reason: "\(error)")
        }
        let chars = Array(mrzText)
        // TD1 line 1: document number 5..<14 and its check digit 14; line 2: birth 30..<37, expiry 38..<45.
        let mrzInformation = String(chars[5..<15]) + String(chars[30..<37]) + String(chars[38..<45])

        var files: [UInt16: [UInt8]] = [:]
        var infos: [SecurityInfo] = [.terminalAuthentication(TerminalAuthenticationInfo(version: 1))]

        // Chip authentication.
        var caKey: ChipAuthenticationKey?
        var caPublicInfo: SecurityInfo?
        if let ca = card.chip.chipAuthentication {
            let protocolOID = try oid(ca.protocol, "chip.chipAuthentication.protocol")
            let c = try curve(ca.parameterId, ca.curve, "chip.chipAuthentication")
            let scalar = try hex(ca.privateKey, "chip.chipAuthentication.privateKey")
            let key = ChipAuthenticationKey(protocolOID: protocolOID, curve: c, privateScalar: scalar)
            let point: ECPoint
            do { point = try key.publicPoint() } catch {
                throw .invalidValue(field: "chip.chipAuthentication.privateKey", reason: "not a key on the curve")
            }
            caKey = key
            infos.append(.chipAuthentication(ChipAuthenticationInfo(protocolID: protocolOID, version: 1, keyID: nil)))
            caPublicInfo = .chipAuthenticationPublicKey(ChipAuthenticationPublicKeyInfo(
                protocolID: .idPKECDH,
                publicKey: try publicKeyInfo(c, point, form: ca.domainParameters, "chip.chipAuthentication"),
                keyID: nil))
        }

        // PACE.
        var pace: PACESettings?
        if let p = card.chip.pace {
            let protocolOID = try oid(p.protocol, "chip.pace.protocol")
            guard let named = NamedCurve(rawValue: p.parameterId) else {
                throw .invalidValue(field: "chip.pace.parameterId", reason: "not a standardized curve")
            }
            pace = PACESettings(protocolOID: protocolOID, curve: named)
            guard pace?.cipher != nil else {
                throw .invalidValue(field: "chip.pace.protocol", reason: "not a PACE-ECDH-GM protocol")
            }
            infos.append(.pace(PACEInfo(protocolID: protocolOID, version: 2, parameterID: p.parameterId)))
        }
        files[cardAccessFID] = SecurityInfos(infos).encoded()

        // Active authentication.
        var aaKey: ActiveAuthenticationKey?
        var dg15: DataGroup15?
        var aaInfo: SecurityInfo?
        if let aa = card.chip.activeAuthentication {
            switch aa.algorithm {
            case "ecdsa":
                let c = try curve(aa.parameterId, aa.curve, "chip.activeAuthentication")
                let digest = try hashAlgorithm(aa.hash ?? "sha256", "chip.activeAuthentication.hash")
                let key: ECPrivateKey
                do { key = try ECPrivateKey(curve: c, privateKey: hex(aa.privateKey, "chip.activeAuthentication.privateKey")) }
                catch { throw .invalidValue(field: "chip.activeAuthentication.privateKey", reason: "\(error)") }
                aaKey = .ecdsa(key, digest: digest)
                dg15 = DataGroup15(publicKey: try publicKeyInfo(c, key.publicPoint, form: aa.domainParameters,
                                                                "chip.activeAuthentication"))
                aaInfo = .activeAuthentication(ActiveAuthenticationInfo(version: 1,
                                                                        signatureAlgorithm: plainECDSAOID(digest)))
            case "rsa":
                let der = try file(aa.privateKey, "chip.activeAuthentication.privateKey")
                let key: RSAPrivateKey
                do { key = try RSAPrivateKey(derEncoded: der) } catch {
                    throw .invalidValue(field: "chip.activeAuthentication.privateKey", reason: "\(error)")
                }
                aaKey = .rsa(key)
                do {
                    dg15 = DataGroup15(publicKey: try SubjectPublicKeyInfo(der: key.publicKey.subjectPublicKeyInfo))
                } catch {
                    throw .invalidValue(field: "chip.activeAuthentication.privateKey", reason: "\(error)")
                }
            default:
                throw .invalidValue(field: "chip.activeAuthentication.algorithm", reason: "not ecdsa or rsa")
            }
        }

        // DG1, DG2, DG13, DG14, DG15, EF.COM.
        do {
            files[dataGroupFID(1)] = try DataGroup1(mrz: mrz).encoded()
        } catch {
            throw .invalidValue(field: "mrz", reason: "\(error)")
        }
        let portrait = try file(card.portrait, "portrait")
        var record = FacialRecord19794()
        record.gender = identityGender(card.identity.sex)
        let size: (width: Int, height: Int)
        if let jpeg = JPEGSize(portrait) {
            size = jpeg
        } else if let jp2 = JP2Size(portrait) {
            size = jp2
            record.imageDataType = 1  // ISO/IEC 19794-5 Table 6: JPEG 2000
        } else {
            throw .invalidValue(field: "portrait", reason: "neither a JPEG nor a JPEG 2000 (JP2) image")
        }
        files[dataGroupFID(2)] = try makeDG2(portrait, size: size, record: record, quirks: card.portraitRecord)
        let layout: DataGroup13.Layout
        switch card.chip.dg13Layout ?? "real-card" {
        case "real-card": layout = .realCard
        case "nested": layout = .nested
        default: throw .invalidValue(field: "chip.dg13Layout", reason: "not real-card or nested")
        }
        files[dataGroupFID(13)] = try makeDG13(card.identity, layout: layout).encoded(layout: layout)
        var dg14Infos: [SecurityInfo] = []
        if let caPublicInfo { dg14Infos.append(caPublicInfo) }
        dg14Infos += infos.filter { if case .chipAuthentication = $0 { return true } else { return false } }
        dg14Infos += infos.filter { if case .pace = $0 { return true } else { return false } }
        dg14Infos += infos.filter { if case .terminalAuthentication = $0 { return true } else { return false } }
        if let aaInfo { dg14Infos.append(aaInfo) }
        var dataGroups = [1, 2, 3, 13]
        if !dg14Infos.isEmpty {
            files[dataGroupFID(14)] = DataGroup14(securityInfos: SecurityInfos(dg14Infos)).encoded()
            dataGroups.append(14)
        }
        if let dg15 {
            files[dataGroupFID(15)] = dg15.encoded()
            dataGroups.append(15)
        }
        files[comFID] = EFCOM(dataGroups: dataGroups).encoded()

        // EF.SOD over every data group on the chip.
        let digest = try hashAlgorithm(card.chip.hashAlgorithm, "chip.hashAlgorithm")
        let hashes = dataGroups.filter { files[dataGroupFID($0)] != nil }.map { n in
            DataGroupHash(dataGroupNumber: n, hashValue: digest.hash(files[dataGroupFID(n)]!)[...])
        }
        let securityObject = LDSSecurityObject(hashAlgorithm: AlgorithmIdentifier(algorithm: digestOID(digest)),
                                               dataGroupHashes: hashes).encoded()
        let certificate = try file(card.chip.signer.certificate, "chip.signer.certificate")
        let signerKey = try file(card.chip.signer.privateKey, "chip.signer.privateKey")
        files[sodFID] = try signSecurityObject(securityObject, digest: digest, certificate: certificate,
                                               privateKey: signerKey)

        if card.chip.cardAccess == false {
            guard pace == nil else {
                throw .invalidValue(field: "chip.cardAccess", reason: "a PACE chip needs EF.CardAccess")
            }
            files[cardAccessFID] = nil
        }
        var refusal = ExtendedLengthRefusal.wrongLength
        if let text = card.chip.extendedLengthRefusal {
            let sw = try hex(text, "chip.extendedLengthRefusal")
            guard sw.count == 2 else { throw .invalidValue(field: "chip.extendedLengthRefusal", reason: "not a status word") }
            refusal = .underSecureMessaging(StatusWord(sw1: sw[0], sw2: sw[1]))
        }

        let can: CardAccessNumber
        do {
            can = try CardAccessNumber(personalIdNumber: id)
        } catch {
            throw .invalidValue(field: "identity.personalIdNumber", reason: error.description)
        }
        let configuration = ChipConfiguration(
            files: files, cardAccessNumber: can.digits, mrzInformation: mrzInformation, pace: pace,
            supportsBAC: card.chip.bac ?? true, chipAuthentication: caKey, activeAuthentication: aaKey,
            acceptsExtendedLength: card.chip.extendedLength ?? true, extendedLengthRefusal: refusal)
        return PersonalizedCard(description: card, files: files, cardAccessNumber: can, mrz: mrz,
                                mrzInformation: mrzInformation, configuration: configuration)
    }

    /// Signs an LDSSecurityObject as EF.SOD (RFC 5652 SignedData, ICAO 9303-10 §4.6.2) with a document signer's
    /// PKCS#8 key: ECDSA (DER signature) for EC keys, PKCS#1 v1.5 for RSA keys.
    public static func signSecurityObject(_ securityObject: [UInt8], digest: HashAlgorithm, certificate: [UInt8],
                                          privateKey: [UInt8]) throws(PersonalizationError) -> [UInt8] {
        let attributes = EFSOD.signedAttributes(messageDigest: digest.hash(securityObject))
        let signature: [UInt8]
        let algorithm: AlgorithmIdentifier
        do {
            if let ec = try? pkcs8ECKey(privateKey) {
                signature = try ec.sign(message: attributes, digest: digest, encoding: .der)
                algorithm = AlgorithmIdentifier(algorithm: ecdsaOID(digest))
            } else {
                let rsa = try RSAPrivateKey(derEncoded: privateKey)
                signature = try rsa.rawPrivateOperation(emsaPKCS1v15(digest: digest, message: attributes,
                                                                     length: rsa.modulusLength))
                algorithm = AlgorithmIdentifier(algorithm: rsaOID(digest), parameters: [0x05, 0x00])
            }
        } catch {
            throw .invalidValue(field: "chip.signer.privateKey", reason: "cannot sign: \(error)")
        }
        do {
            return try EFSOD.encode(encapsulatedContent: securityObject,
                                    digestAlgorithm: AlgorithmIdentifier(algorithm: digestOID(digest)),
                                    signedAttributes: attributes, signatureAlgorithm: algorithm,
                                    signature: signature, certificate: certificate)
        } catch {
            throw .invalidValue(field: "chip.signer.certificate", reason: "\(error)")
        }
    }

    // MARK: Pieces

    /// ISO/IEC 19794-5 gender: 1 male, 2 female, 0 unspecified.
    static func identityGender(_ sex: String) -> UInt8 { sex == "Nam" ? 1 : sex == "Nữ" ? 2 : 0 }

    /// RFC 8017 §9.2 EMSA-PKCS1-v1_5: 00 01 FF…FF 00 DigestInfo, `length` bytes.
    static func emsaPKCS1v15(digest: HashAlgorithm, message: [UInt8], length: Int) -> [UInt8] {
        var info = TLVWriter()
        info.append(.sequence) { w in
            w.append(.sequence) { w in
                w.appendOID(digestOID(digest))
                w.appendNull()
            }
            w.append(.octetString, value: digest.hash(message))
        }
        let t = info.bytes
        return [0x00, 0x01] + [UInt8](repeating: 0xFF, count: max(8, length - t.count - 3)) + [0x00] + t
    }

    static func makeMRZ(_ card: CardDescription) throws(PersonalizationError) -> MRZ {
        let identity = card.identity
        let overrides = card.mrz
        let birth: String
        if let given = overrides?.dateOfBirth {
            birth = given
        } else {
            birth = try mrzDate(identity.dateOfBirth, field: "identity.dateOfBirth")
        }
        let expiry: String
        if let given = overrides?.dateOfExpiry {
            expiry = given
        } else if let text = identity.dateOfExpiry, text.lowercased() != "không thời hạn" {
            expiry = try mrzDate(text, field: "identity.dateOfExpiry")
        } else {
            expiry = "991231"  // valid for life (shared/CCCD.md, unconfirmed)
        }
        let words = MRZ.transliteratedWords(identity.fullName).split(separator: " ").map(String.init)
        let primary = overrides?.primaryIdentifier ?? words.first ?? ""
        var secondary = overrides?.secondaryIdentifier ?? words.dropFirst().joined(separator: " ")
        // ICAO 9303-3 §4.6.3: a name longer than the field is truncated, the last character kept a letter.
        let room = 30 - primary.count - 2
        if secondary.count > room {
            secondary = String(secondary.prefix(max(0, room))).trimmingCharacters(in: .whitespaces)
        }
        let sex: MRZ.Sex = identity.sex == "Nam" ? .male : identity.sex == "Nữ" ? .female : .unspecified
        // CCCD.md: line 1 ends with the 12-digit ID, `<<` and the ID's check digit.
        let optional = MRZ.cccdOptionalData(personalIDNumber: identity.personalIdNumber) ?? identity.personalIdNumber
        return MRZ(format: .td1, documentCode: "ID", issuingState: "VNM",
                   documentNumber: overrides?.documentNumber ?? String(identity.personalIdNumber.suffix(9)),
                   optionalData1: optional, dateOfBirth: birth, sex: sex, dateOfExpiry: expiry,
                   nationality: "VNM",
                   primaryIdentifier: primary, secondaryIdentifier: secondary)
    }

    /// `dd/MM/yyyy`, `ddMMyyyy` or a bare year as the MRZ's YYMMDD; an unknown month or day (`00`, or a bare
    /// year) is `<<` (ICAO 9303-3 §4.3).
    static func mrzDate(_ text: String, field: String) throws(PersonalizationError) -> String {
        let digits = text.filter(\.isASCIIDigit)
        if digits.count == 4 { return String(digits.suffix(2)) + "<<<<" }
        guard digits.count == 8 else { throw .invalidValue(field: field, reason: "not dd/MM/yyyy or a year") }
        let d = Array(digits)
        let month = String(d[2...3]), day = String(d[0...1])
        return String(d[6...7]) + (month == "00" ? "<<<<" : month + (day == "00" ? "<<" : day))
    }

    /// DG13 from the identity. In the real-card layout an unmarried holder's spouse field is present with no value
    /// (`30 03 02 01 0E`), as real cards write it; the older nested layout leaves it out.
    static func makeDG13(_ i: CardDescription.Identity, layout: DataGroup13.Layout) throws(PersonalizationError) -> DataGroup13 {
        var unknown: [DG13RawField] = []
        for (key, text) in (i.otherFields ?? [:]).sorted(by: { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }) {
            guard let n = Int(key), n > 16 else {
                throw .invalidValue(field: "identity.otherFields.\(key)", reason: "not a field number above 16")
            }
            var w = TLVWriter()
            w.appendString(text)
            unknown.append(DG13RawField(number: n, value: w.bytes))
        }
        let parents: DG13Parents? = i.fatherName == nil && i.motherName == nil
            ? nil : DG13Parents(fatherName: i.fatherName, motherName: i.motherName)
        return DataGroup13(
            personalIDNumber: i.personalIdNumber, fullName: i.fullName, dateOfBirth: DG13Date(text: i.dateOfBirth),
            sex: DG13Sex(text: i.sex), nationality: i.nationality, ethnicity: i.ethnicity, religion: i.religion,
            placeOfOrigin: i.placeOfOrigin, placeOfResidence: i.placeOfResidence,
            identifyingCharacteristics: i.identifyingCharacteristics, dateOfIssue: i.dateOfIssue.map(DG13Date.init),
            dateOfExpiry: i.dateOfExpiry.map(DG13Expiry.init), parents: parents,
            spouseName: i.spouseName ?? (layout == .realCard ? "" : nil), otherDocumentNumber: i.oldIdNumber,
            field16: i.field16, unknownFields: unknown)
    }

    /// DG2: one ISO/IEC 19794-5 record around the portrait, its lengths then made as wrong as `quirks` says.
    static func makeDG2(_ image: [UInt8], size: (width: Int, height: Int), record: FacialRecord19794,
                        quirks: CardDescription.PortraitRecord?) throws(PersonalizationError) -> [UInt8] {
        let trailing = [UInt8](repeating: 0, count: max(0, quirks?.trailingBytes ?? 0))
        var bytes: [UInt8]
        do {
            bytes = try DataGroup2(faces: [
                FaceImage(encoding: .iso19794(record), width: size.width, height: size.height,
                          image: (image + trailing)[...]),
            ]).encoded()
        } catch {
            throw .invalidValue(field: "portrait", reason: "\(error)")
        }
        guard let quirks, quirks.recordLengthDelta != nil || quirks.imageBlockLengthDelta != nil else { return bytes }
        // The record starts at the biometric data block's value: 75 { 7F61 { 02, 7F60 { A1, 5F2E } } }.
        let r = BERReader(bytes)
        guard let outer = try? r.singleElement(0x75), var c = try? r.children(of: outer), let group = try? c.expect(0x7F61),
              var g = try? r.children(of: group), (try? g.expect(.integer)) != nil, let bit = try? g.expect(0x7F60),
              var b = try? r.children(of: bit), (try? b.expect(0xA1)) != nil, let bdb = try? b.expect(0x5F2E) else {
            throw .invalidValue(field: "portraitRecord", reason: "DG2 has no 19794-5 record")
        }
        func add(_ delta: Int?, at offset: Int) {
            guard let delta else { return }
            let v = UInt32(truncatingIfNeeded: (Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16
                | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])) + delta)
            bytes[offset..<(offset + 4)] = [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
        }
        add(quirks.recordLengthDelta, at: bdb.valueStart + 8)  // §5.4.3 record length
        add(quirks.imageBlockLengthDelta, at: bdb.valueStart + 14)  // §5.5.1 facial record data length
        return bytes
    }

    /// Explicit domain parameters (version 1, prime field) of a curve, as documents write them.
    static func explicitParameters(_ curve: EllipticCurve) -> ExplicitECDomainParameters {
        ExplicitECDomainParameters(prime: curve.prime, a: curve.a, b: curve.b,
                                   generator: curve.generator.uncompressed, order: curve.order,
                                   cofactor: curve.cofactor)
    }

    static func hashAlgorithm(_ name: String, _ field: String) throws(PersonalizationError) -> HashAlgorithm {
        switch name.lowercased().replacingOccurrences(of: "-", with: "") {
        case "sha1": return .sha1
        case "sha224": return .sha224
        case "sha256": return .sha256
        case "sha384": return .sha384
        case "sha512": return .sha512
        default: throw .invalidValue(field: field, reason: "\(name) is not a SHA-1/SHA-2 name")
        }
    }

    static func digestOID(_ digest: HashAlgorithm) -> OID {
        switch digest {
        case .sha1: return .sha1
        case .sha224: return .sha224
        case .sha256: return .sha256
        case .sha384: return .sha384
        case .sha512: return .sha512
        }
    }

    static func ecdsaOID(_ digest: HashAlgorithm) -> OID {
        switch digest {
        case .sha1: return .ecdsaWithSHA1
        case .sha224: return .ecdsaWithSHA224
        case .sha256: return .ecdsaWithSHA256
        case .sha384: return .ecdsaWithSHA384
        case .sha512: return .ecdsaWithSHA512
        }
    }

    static func rsaOID(_ digest: HashAlgorithm) -> OID {
        switch digest {
        case .sha1: return .sha1WithRSAEncryption
        case .sha224: return .sha224WithRSAEncryption
        case .sha256: return .sha256WithRSAEncryption
        case .sha384: return .sha384WithRSAEncryption
        case .sha512: return .sha512WithRSAEncryption
        }
    }

    static func plainECDSAOID(_ digest: HashAlgorithm) -> OID {
        switch digest {
        case .sha1: return .ecdsaPlainSHA1
        case .sha224: return .ecdsaPlainSHA224
        case .sha256: return .ecdsaPlainSHA256
        case .sha384: return .ecdsaPlainSHA384
        case .sha512: return .ecdsaPlainSHA512
        }
    }

    /// The named-curve OID of a standardized domain parameter ID (ICAO 9303-11 Table 4).
    static func curveOID(_ id: Int) -> OID { OID.standardizedCurves[id] ?? .secp521r1 }

    /// Reads a PKCS#8 EC private key (RFC 5915 inside RFC 5208) with a named curve into an ``ECPrivateKey``.
    static func pkcs8ECKey(_ der: [UInt8]) throws -> ECPrivateKey {
        let reader = BERReader(der)
        let outer = try reader.singleElement(.sequence)
        var c = try reader.children(of: outer)
        _ = try c.expect(.integer)
        let algorithm = try c.expect(.sequence)
        var a = try reader.children(of: algorithm)
        let algorithmOID = OID(derContent: reader.value(of: try a.expect(.objectIdentifier)))
        guard algorithmOID == .ecPublicKey else { throw PersonalizationError.invalidValue(field: "key", reason: "not EC") }
        let parameters = try a.next()
        let wrapped = try c.expect(.octetString)
        let inner = BERReader(Array(reader.value(of: wrapped)))
        let key = try inner.singleElement(.sequence)
        var k = try inner.children(of: key)
        _ = try k.expect(.integer)
        let scalar = Array(inner.value(of: try k.expect(.octetString)))
        let curve: EllipticCurve
        if let parameters, parameters.tag == .objectIdentifier,
           let curveOID = OID(derContent: reader.value(of: parameters)),
           let id = curveOID.standardizedDomainParameterID {
            curve = try EllipticCurve(standardizedDomainParameterID: id)
        } else if let parameters, parameters.tag == .sequence {
            curve = try explicitCurve(reader, parameters)
        } else {
            throw PersonalizationError.invalidValue(field: "key", reason: "unknown curve")
        }
        return try ECPrivateKey(curve: curve, privateKey: scalar)
    }

    /// RFC 3279 SpecifiedECDomain, parsed by LDS and recognised or checked by ICAOCrypto.
    static func explicitCurve(_ reader: BERReader, _ element: TLVElement) throws -> EllipticCurve {
        let p = try ExplicitECDomainParameters(der: Array(reader.encoded(element)))
        return try EllipticCurve(recognizing: p.prime, a: p.a, b: p.b, generator: p.generator, order: p.order,
                                 cofactor: p.cofactor)
    }
}

/// The width and height in a JP2 file's image header box (ISO/IEC 15444-1 §I.5.3.1: `jp2h` { `ihdr` { HEIGHT,
/// WIDTH, … } }).
func JP2Size(_ jp2: [UInt8]) -> (width: Int, height: Int)? {
    func u32(_ i: Int) -> Int { Int(jp2[i]) << 24 | Int(jp2[i + 1]) << 16 | Int(jp2[i + 2]) << 8 | Int(jp2[i + 3]) }
    func find(_ type: String, from start: Int, to end: Int) -> Range<Int>? {
        var i = start
        while i + 8 <= end {
            let length = u32(i)
            guard length >= 8, i + length <= end else { return nil }
            if jp2[(i + 4)..<(i + 8)].elementsEqual(type.utf8) { return (i + 8)..<(i + length) }
            i += length
        }
        return nil
    }
    guard FaceImageType(signatureOf: jp2) == .jpeg2000, let header = find("jp2h", from: 0, to: jp2.count),
          let ihdr = find("ihdr", from: header.lowerBound, to: header.upperBound), ihdr.count >= 8 else { return nil }
    return (u32(ihdr.lowerBound + 4), u32(ihdr.lowerBound))
}

/// The width and height in a JPEG's start-of-frame segment.
func JPEGSize(_ jpeg: [UInt8]) -> (width: Int, height: Int)? {
    guard jpeg.count > 4, jpeg[0] == 0xFF, jpeg[1] == 0xD8 else { return nil }
    var i = 2
    while i + 9 < jpeg.count {
        guard jpeg[i] == 0xFF else { return nil }
        let marker = jpeg[i + 1]
        let length = Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3])
        if (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
            let height = Int(jpeg[i + 5]) << 8 | Int(jpeg[i + 6])
            let width = Int(jpeg[i + 7]) << 8 | Int(jpeg[i + 8])
            return (width, height)
        }
        i += 2 + length
    }
    return nil
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
