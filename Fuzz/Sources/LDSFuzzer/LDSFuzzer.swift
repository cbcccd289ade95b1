// libFuzzer entry point for every LDS parser. The first input byte picks the parser (modulo the number of
// targets), the rest is the file. A parser may reject any input with an error; it must never crash, hang or
// allocate without bound. Inputs a parser accepts are re-encoded, and the re-encoding must parse to a value
// that encodes the same way again (the round trip's idempotence), so encoder traps are found too.
import FuzzSupport
import LDS

enum Target: UInt8, CaseIterable {
    case tlvDataGroup, tlvCMS, com, dg1, dg2, dg13, dg14, dg15, cardAccess, sod, securityObject, certificate, mrz,
         subjectPublicKeyInfo
}

@inline(never)
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("round trip broken: \(message())") }
}

/// Walks a parsed value's tree the way a caller would, touching every element.
func walk(_ reader: BERReader) {
    _ = try? reader.validate()
    var cursor = reader.topLevel()
    while let e = try? cursor.next() {
        if e.isConstructed, var c = try? reader.children(of: e) {
            while let child = try? c.next() { _ = reader.value(of: child).count }
        }
    }
}

func fuzz(_ target: Target, _ bytes: [UInt8]) {
    switch target {
    case .tlvDataGroup:
        let reader = BERReader(bytes)
        walk(reader)
        if let first = try? reader.topLevel().peek(),
           let length = try? BERReader.encodedLength(ofElementStartingWith: bytes.prefix(8)) {
            require(length == first.end, "encodedLength disagrees with the decoder")
        }
    case .tlvCMS: walk(BERReader(bytes, options: .cms))
    case .com:
        if let v = try? EFCOM(bytes: bytes) { require((try? EFCOM(bytes: v.encoded())) == v, "EF.COM") }
    case .dg1:
        if let v = try? DataGroup1(bytes: bytes) {
            guard let e1 = try? v.encoded() else { return require(false, "DG1 does not re-encode") }
            require((try? DataGroup1(bytes: e1)) == v, "DG1")
        }
    case .dg2:
        if let v = try? DataGroup2(bytes: bytes) {
            guard let e1 = try? v.encoded(), let v2 = try? DataGroup2(bytes: e1) else {
                return require(false, "DG2 does not re-encode")
            }
            // A record read despite its lengths re-encodes as a well-formed one: the images stay, the warnings go
            // (a face found by its signature alone has no stated size, which is written as 0).
            require(v2.faces.map(\.image) == v.faces.map(\.image) && v2.warnings.isEmpty, "DG2")
            if v.warnings.isEmpty { require(v2 == v, "DG2") }
        }
    case .dg13:
        if let v = try? DataGroup13(bytes: bytes) {
            for layout in [DataGroup13.Layout.realCard, .nested] {
                let e1 = v.encoded(layout: layout)
                guard let v2 = try? DataGroup13(bytes: e1) else { return require(false, "DG13 does not re-parse") }
                require(v2.encoded(layout: layout) == e1, "DG13")
            }
            for f in v.unknownFields { _ = f.texts }
            for f in v.malformedFields { _ = f.error.description }
        }
    case .dg14:
        if let v = try? DataGroup14(bytes: bytes) { require((try? DataGroup14(bytes: v.encoded())) == v, "DG14") }
    case .dg15:
        if let v = try? DataGroup15(bytes: bytes) {
            require((try? DataGroup15(bytes: v.encoded())) == v, "DG15")
            _ = v.publicKey.rsaComponents
            _ = v.publicKey.namedCurve
            explicitParameters(v.publicKey)
        }
    case .cardAccess:
        if let v = try? SecurityInfos(cardAccess: bytes) {
            require((try? SecurityInfos(cardAccess: v.encoded())) == v, "EF.CardAccess")
            for info in v.infos { _ = info.protocolID.description }
        }
    case .sod:
        if let v = try? EFSOD(bytes: bytes) {
            for s in v.signerInfos { _ = s.signedAttributesDER }
            require((try? LDSSecurityObject(der: v.securityObject.encoded())) == v.securityObject, "LDSSecurityObject")
        }
    case .securityObject:
        if let v = try? LDSSecurityObject(der: bytes) {
            require((try? LDSSecurityObject(der: v.encoded())) == v, "LDSSecurityObject")
        }
    case .certificate:
        _ = try? Certificate(der: bytes)
    case .mrz:
        if let text = String(validating: bytes, as: UTF8.self), let v = try? MRZ(characters: text) {
            guard let e1 = try? v.characters() else { return require(false, "MRZ does not re-encode") }
            require((try? MRZ(characters: e1)) == v, "MRZ")
        }
    case .subjectPublicKeyInfo:
        if let v = try? SubjectPublicKeyInfo(der: bytes) {
            _ = v.rsaComponents
            _ = v.namedCurve
            _ = v.algorithm.description
            explicitParameters(v)
        }
    }
}

/// Explicit EC parameters, when a key has them: parsed, and their encoding parsed back to the same value.
func explicitParameters(_ key: SubjectPublicKeyInfo) {
    guard case .explicit(let p)? = try? key.ecParameters() else { return }
    require((try? ExplicitECDomainParameters(der: p.encoded())) == p, "ECParameters")
}

// SwiftPM links an executable's entry point as `LDSFuzzer_main`: the harness hands control to libFuzzer's driver.
@_cdecl("LDSFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { selector, bytes in
        fuzz(Target(rawValue: selector % UInt8(Target.allCases.count))!, bytes)
    }
}
