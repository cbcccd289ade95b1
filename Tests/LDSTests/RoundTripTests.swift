import PropertyBased
import Testing
@testable import LDS

// Property-based round trips: parse(encode(x)) == x on generated values (x-sheep/swift-property-based).

typealias RNG = any SeededRandomNumberGenerator

private func int(_ r: ClosedRange<Int>, _ rng: inout RNG) -> Int { Int.random(in: r, using: &rng) }
private func bool(_ rng: inout RNG) -> Bool { Bool.random(using: &rng) }
private func bytes(_ count: ClosedRange<Int>, _ rng: inout RNG) -> [UInt8] {
    (0..<int(count, &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
}
private func chars(_ alphabet: String, _ count: ClosedRange<Int>, _ rng: inout RNG) -> String {
    let a = Array(alphabet)
    return String((0..<int(count, &rng)).map { _ in a[int(0...(a.count - 1), &rng)] })
}
private let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
private let alnum = upper + "0123456789"
private let vietnamese = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ,./0123456789ĐNTHLQ"

private func gen<T>(_ run: @escaping @Sendable (inout RNG) -> T) -> Generator<T, Shrink.None<T>> {
    Generator(run: { rng in run(&rng) })
}

@Suite struct RoundTripTests {
    static let mrz = gen { rng -> MRZ in
        let format = MRZ.Format.allCases[int(0...2, &rng)]
        let names = { (rng: inout RNG, words: ClosedRange<Int>) -> String in
            (0..<int(words, &rng)).map { _ in chars(upper, 1...5, &rng) }.joined(separator: " ")
        }
        var number = chars(alnum, 1...9, &rng)
        var optional1 = ""
        switch format {
        case .td1:
            if bool(&rng) { number += chars(alnum, 1...3, &rng) }
            let room = number.count > 9 ? 15 - (number.count - 9) - 2 : 15
            optional1 = chars(alnum, 0...room, &rng)
        case .td2: optional1 = chars(alnum, 0...7, &rng)
        case .td3: optional1 = chars(alnum, 0...14, &rng)
        }
        return MRZ(format: format, documentCode: chars(upper, 1...2, &rng), issuingState: chars(upper, 3...3, &rng),
                   documentNumber: number, optionalData1: optional1, dateOfBirth: chars("0123456789", 6...6, &rng),
                   sex: [MRZ.Sex.male, .female, .unspecified][int(0...2, &rng)],
                   dateOfExpiry: chars("0123456789", 6...6, &rng), nationality: chars(upper, 3...3, &rng),
                   optionalData2: format == .td1 ? chars(alnum, 0...11, &rng) : "",
                   primaryIdentifier: names(&rng, 1...2), secondaryIdentifier: names(&rng, 0...3))
    }

    @Test func test_mrz_roundTrip() async {
        await propertyCheck(count: 300, input: Self.mrz) { (m) async throws in
            let text = try m.characters()
            #expect(try MRZ(characters: text) == m)
            let dg1 = DataGroup1(mrz: m)
            #expect(try DataGroup1(bytes: try dg1.encoded()) == dg1)
        }
    }

    static let dg13 = gen { rng -> DataGroup13 in
        func text(_ rng: inout RNG, _ n: ClosedRange<Int> = 0...40) -> String? {
            bool(&rng) ? chars(vietnamese, n, &rng) : nil
        }
        // Dates in every form DG13 accepts (a text in none of them is a malformed field, not a date).
        func date(_ rng: inout RNG) -> DG13Date? {
            switch int(0...5, &rng) {
            case 0: return nil
            case 1: return DG13Date(day: int(1...28, &rng), month: int(1...12, &rng), year: int(1900...2100, &rng))
            case 2: return DG13Date(text: String(int(1900...2100, &rng)))
            case 3: return DG13Date(text: "00/00/" + String(int(1900...2100, &rng)))
            case 4:
                let month = int(1...12, &rng)
                return DG13Date(text: (month < 10 ? "000" : "00") + "\(month)\(int(1900...2100, &rng))")
            default: return DG13Date(text: "")
            }
        }
        var unknown: [DG13RawField] = []
        var n = 16
        for _ in 0..<int(0...3, &rng) {
            n += int(1...20, &rng)
            var w = TLVWriter()
            w.appendString(chars(vietnamese, 0...20, &rng))
            unknown.append(DG13RawField(number: n, value: w.bytes))
        }
        return DataGroup13(
            version: bool(&rng) ? int(0...3, &rng) : nil, encoding: bool(&rng) ? .utf8Encoding : nil,
            personalIDNumber: text(&rng, 12...12), fullName: text(&rng), dateOfBirth: date(&rng),
            sex: [nil, DG13Sex.male, .female, .other("X")][int(0...3, &rng)], nationality: text(&rng),
            ethnicity: text(&rng), religion: text(&rng), placeOfOrigin: text(&rng, 0...200),
            placeOfResidence: text(&rng, 0...400), identifyingCharacteristics: text(&rng), dateOfIssue: date(&rng),
            dateOfExpiry: [nil, .unlimited("Không thời hạn"), date(&rng).map(DG13Expiry.date)][int(0...2, &rng)],
            parents: bool(&rng) ? DG13Parents(fatherName: text(&rng), motherName: text(&rng)) : nil,
            spouseName: text(&rng), otherDocumentNumber: text(&rng, 9...12), field16: text(&rng, 16...16),
            unknownFields: unknown)
    }

    @Test func test_dg13_roundTrip_realCardLayout() async {
        await propertyCheck(count: 300, input: Self.dg13) { (dg) async throws in
            #expect(try DataGroup13(bytes: dg.encoded(layout: .realCard)) == dg)
        }
    }

    /// The nested layout writes a left-out parent as an empty string, so it reads back as `""`.
    @Test func test_dg13_roundTrip_nestedLayout() async {
        await propertyCheck(count: 300, input: Self.dg13) { (dg) async throws in
            var expected = dg
            if let p = dg.parents {
                expected.parents = DG13Parents(fatherName: p.fatherName ?? "", motherName: p.motherName ?? "")
            }
            #expect(try DataGroup13(bytes: dg.encoded(layout: .nested)) == expected)
        }
    }

    static let com = gen { rng in
        EFCOM(ldsVersion: chars("0123456789", 4...4, &rng), unicodeVersion: chars("0123456789", 6...6, &rng),
              dataGroupTags: bytes(0...16, &rng))
    }

    @Test func test_efcom_roundTrip() async {
        await propertyCheck(input: Self.com) { (com) async throws in
            #expect(try EFCOM(bytes: com.encoded()) == com)
        }
    }

    static let securityInfos = gen { rng -> SecurityInfos in
        let pace = OID(derContent: OID.idPACE.derContent + [UInt8(int(1...6, &rng)), UInt8(int(1...4, &rng))])!
        let ca = OID(derContent: OID.idCA.derContent + [UInt8(int(1...2, &rng)), UInt8(int(1...4, &rng))])!
        func optional(_ rng: inout RNG) -> Int? { bool(&rng) ? int(0...100_000, &rng) : nil }
        var infos: [SecurityInfo] = []
        for _ in 0..<int(0...6, &rng) {
            switch int(0...5, &rng) {
            case 0: infos.append(.pace(PACEInfo(protocolID: pace, version: int(1...2, &rng), parameterID: optional(&rng))))
            case 1: infos.append(.chipAuthentication(ChipAuthenticationInfo(protocolID: ca, version: int(1...2, &rng), keyID: optional(&rng))))
            case 2:
                let key = SubjectPublicKeyInfo.ec(curve: [.brainpoolP256r1, .secp256r1, .brainpoolP384r1][int(0...2, &rng)],
                                                  point: [0x04] + bytes(64...64, &rng))
                infos.append(.chipAuthenticationPublicKey(ChipAuthenticationPublicKeyInfo(
                    protocolID: bool(&rng) ? .idPKECDH : .idPKDH, publicKey: key, keyID: optional(&rng))))
            case 3:
                var w = TLVWriter()
                w.append(.sequence) { w in w.append(.octetString, value: [0x01, 0x1C]) }
                infos.append(.terminalAuthentication(TerminalAuthenticationInfo(version: int(1...2, &rng), efCVCA: bool(&rng) ? w.bytes : nil)))
            case 4:
                infos.append(.activeAuthentication(ActiveAuthenticationInfo(version: 1, signatureAlgorithm: [.ecdsaPlainSHA256, .ecdsaWithSHA384][int(0...1, &rng)])))
            default:
                let oid = OID(arcs: [1, 3, 6, 1, 4, 1, UInt64(int(1...100_000, &rng))])!
                var w = TLVWriter()
                w.append(.sequence) { w in
                    w.appendOID(oid)
                    w.append(.octetString, value: [1, 2, 3])
                }
                infos.append(.other(protocolID: oid, der: w.bytes))
            }
        }
        return SecurityInfos(infos)
    }

    @Test func test_securityInfos_roundTrip() async {
        await propertyCheck(input: Self.securityInfos) { (infos) async throws in
            #expect(try SecurityInfos(cardAccess: infos.encoded()) == infos)
            let dg14 = DataGroup14(securityInfos: infos)
            #expect(try DataGroup14(bytes: dg14.encoded()) == dg14)
        }
    }

    static let dg15 = gen { rng -> DataGroup15 in
        if bool(&rng) {
            return DataGroup15(publicKey: .rsa(modulus: [0x80 | UInt8(int(0...127, &rng))] + bytes(127...255, &rng),
                                               exponent: [0x01, 0x00, 0x01]))
        }
        return DataGroup15(publicKey: .ec(curve: .brainpoolP256r1, point: [0x04] + bytes(64...64, &rng)))
    }

    @Test func test_dg15_roundTrip() async {
        await propertyCheck(count: 50, input: Self.dg15) { (dg) async throws in
            let parsed = try DataGroup15(bytes: dg.encoded())
            #expect(parsed == dg)
            if dg.publicKey.algorithm == .rsaEncryption {
                #expect(parsed.publicKey.rsaComponents?.exponent == [0x01, 0x00, 0x01])
            }
        }
    }

    static let dg2 = gen { rng -> DataGroup2 in
        var faces: [FaceImage] = []
        for _ in 0..<int(1...3, &rng) {
            // A JPEG's skeleton: SOI, a comment segment of random bytes, EOI (the reader walks JPEG markers to
            // find where the image ends).
            let comment = bytes(0...3000, &rng)
            let image = ([0xFF, 0xD8, 0xFF, 0xFE, UInt8((comment.count + 2) >> 8), UInt8((comment.count + 2) & 0xFF)]
                + comment + [0xFF, 0xD9])[...]
            let header = FaceImage.defaultHeaderTemplate
            if bool(&rng) {
                var info = FacialRecord19794()
                info.gender = UInt8(int(0...255, &rng))
                info.featureMask = UInt32(int(0...0xFF_FFFF, &rng))
                info.expression = UInt16(int(0...0xFFFF, &rng))
                info.poseAngle = bytes(3...3, &rng)
                info.featurePoints = bytes(0...3, &rng).flatMap { _ in bytes(8...8, &rng) }
                info.quality = UInt16(int(0...0xFFFF, &rng))
                faces.append(FaceImage(headerTemplate: header, encoding: .iso19794(info), width: int(0...0xFFFF, &rng),
                                       height: int(0...0xFFFF, &rng), image: image))
            } else {
                let sized = bool(&rng)
                faces.append(FaceImage(headerTemplate: header, encoding: .iso39794,
                                       width: sized ? int(0...0xFFFF, &rng) : nil,
                                       height: sized ? int(0...0xFFFF, &rng) : nil, image: image))
            }
        }
        return DataGroup2(faces: faces)
    }

    @Test func test_dg2_roundTrip() async {
        await propertyCheck(count: 60, input: Self.dg2) { (dg) async throws in
            #expect(try DataGroup2(bytes: try dg.encoded()) == dg)
        }
    }

    static let securityObject = gen { rng -> LDSSecurityObject in
        let hashes = [OID.sha1, .sha224, .sha256, .sha384, .sha512]
        let size = int(20...64, &rng)
        let numbers = Array(Set((0..<int(1...16, &rng)).map { _ in int(1...16, &rng) })).sorted()
        let v1 = bool(&rng)
        return LDSSecurityObject(
            version: v1 ? 1 : 0,
            hashAlgorithm: AlgorithmIdentifier(algorithm: hashes[int(0...4, &rng)], parameters: bool(&rng) ? [0x05, 0x00] : nil),
            dataGroupHashes: numbers.map { DataGroupHash(dataGroupNumber: $0, hashValue: bytes(size...size, &rng)[...]) },
            ldsVersionInfo: v1 ? ("0108", "040000") : nil)
    }

    @Test func test_ldsSecurityObject_roundTrip() async {
        await propertyCheck(input: Self.securityObject) { (so) async throws in
            #expect(try LDSSecurityObject(der: so.encoded()) == so)
        }
    }

    /// A random tree of TLVs: the writer's output is read back node for node.
    indirect enum Node: Equatable, Sendable {
        case primitive(BERTag, [UInt8])
        case constructed(BERTag, [Node])

        var count: Int {
            switch self {
            case .primitive: return 1
            case .constructed(_, let children): return 1 + children.reduce(0) { $0 + $1.count }
            }
        }

        func write(to w: inout TLVWriter) {
            switch self {
            case .primitive(let tag, let value): w.append(tag, value: value)
            case .constructed(let tag, let children): w.append(tag) { w in for c in children { c.write(to: &w) } }
            }
        }

        static func read(_ r: BERReader, _ e: TLVElement) throws -> Node {
            guard e.isConstructed else { return .primitive(e.tag, Array(r.value(of: e))) }
            var c = try r.children(of: e)
            var children: [Node] = []
            while let child = try c.next() { children.append(try read(r, child)) }
            return .constructed(e.tag, children)
        }
    }

    static let tree = gen { rng -> Node in
        func node(_ depth: Int, _ rng: inout RNG) -> Node {
            let primitiveTags: [BERTag] = [0x02, 0x04, 0x0C, 0x5F1F, 0x5F2E, 0x80, 0x9F8101]
            let constructedTags: [BERTag] = [0x30, 0x31, 0x61, 0x7F61, 0xA0, 0xBF8101]
            if depth >= 6 || int(0...2, &rng) == 0 {
                return .primitive(primitiveTags[int(0...6, &rng)], bytes(int(0...1, &rng) == 0 ? 0...5 : 0...400, &rng))
            }
            return .constructed(constructedTags[int(0...5, &rng)], (0..<int(0...4, &rng)).map { _ in node(depth + 1, &rng) })
        }
        return node(0, &rng)
    }

    @Test func test_tlvTree_roundTrip() async {
        await propertyCheck(count: 300, input: Self.tree) { (tree) async throws in
            var w = TLVWriter()
            tree.write(to: &w)
            let r = BERReader(w.bytes)
            #expect(try r.validate() == tree.count)
            #expect(try Node.read(r, try r.singleElement()) == tree)
        }
    }
}
