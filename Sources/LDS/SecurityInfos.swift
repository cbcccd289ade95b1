/// PACEInfo (ICAO 9303-11 §9.2.1): a PACE protocol the chip supports. The session layer maps the protocol
/// and parameter ID to algorithms; this type only names them.
public struct PACEInfo: Sendable, Equatable, Hashable {
    /// id-PACE-{DH,ECDH}-{GM,IM,CAM}-{cipher}.
    public var protocolID: OID
    /// Version (2 in current chips).
    public var version: Int
    /// Standardized domain parameter ID (9303-11 Table 6: 13 is brainpoolP256r1), when present.
    public var parameterID: Int?

    /// A PACEInfo.
    public init(protocolID: OID, version: Int, parameterID: Int?) {
        self.protocolID = protocolID
        self.version = version
        self.parameterID = parameterID
    }
}

/// ChipAuthenticationInfo (ICAO 9303-11 §9.2.5).
public struct ChipAuthenticationInfo: Sendable, Equatable, Hashable {
    /// id-CA-{DH,ECDH}-{cipher}.
    public var protocolID: OID
    /// Version (1 or 2).
    public var version: Int
    /// The key this info applies to, when the chip has several.
    public var keyID: Int?

    /// A ChipAuthenticationInfo.
    public init(protocolID: OID, version: Int, keyID: Int?) {
        self.protocolID = protocolID
        self.version = version
        self.keyID = keyID
    }
}

/// ChipAuthenticationPublicKeyInfo (ICAO 9303-11 §9.2.5): the chip's static key for chip authentication.
public struct ChipAuthenticationPublicKeyInfo: Sendable, Equatable, Hashable {
    /// id-PK-DH or id-PK-ECDH.
    public var protocolID: OID
    /// The public key with its domain parameters.
    public var publicKey: SubjectPublicKeyInfo
    /// The key's identifier, when the chip has several.
    public var keyID: Int?

    /// A ChipAuthenticationPublicKeyInfo.
    public init(protocolID: OID, publicKey: SubjectPublicKeyInfo, keyID: Int?) {
        self.protocolID = protocolID
        self.publicKey = publicKey
        self.keyID = keyID
    }
}

/// TerminalAuthenticationInfo (ICAO 9303-11 §9.2.6).
public struct TerminalAuthenticationInfo: Sendable, Equatable, Hashable {
    /// id-TA.
    public var protocolID: OID
    /// Version.
    public var version: Int
    /// The optional efCVCA FileID, DER-encoded as stored (tag and length included).
    public var efCVCA: [UInt8]?

    /// A TerminalAuthenticationInfo.
    public init(protocolID: OID = .idTA, version: Int, efCVCA: [UInt8]? = nil) {
        self.protocolID = protocolID
        self.version = version
        self.efCVCA = efCVCA
    }
}

/// ActiveAuthenticationInfo (ICAO 9303-11 §9.2.7): the signature algorithm of an ECDSA active
/// authentication key.
public struct ActiveAuthenticationInfo: Sendable, Equatable, Hashable {
    /// id-AA.
    public var protocolID: OID
    /// Version (1).
    public var version: Int
    /// The signature algorithm (ecdsa-plain-SHA*, ecdsa-with-SHA*).
    public var signatureAlgorithm: OID

    /// An ActiveAuthenticationInfo.
    public init(protocolID: OID = .idAA, version: Int, signatureAlgorithm: OID) {
        self.protocolID = protocolID
        self.version = version
        self.signatureAlgorithm = signatureAlgorithm
    }
}

/// One SecurityInfo: `SEQUENCE { protocol OID, requiredData, optionalData OPTIONAL }` (9303-11 §9.2).
public enum SecurityInfo: Sendable, Equatable, Hashable {
    /// PACEInfo.
    case pace(PACEInfo)
    /// ChipAuthenticationInfo.
    case chipAuthentication(ChipAuthenticationInfo)
    /// ChipAuthenticationPublicKeyInfo.
    case chipAuthenticationPublicKey(ChipAuthenticationPublicKeyInfo)
    /// TerminalAuthenticationInfo.
    case terminalAuthentication(TerminalAuthenticationInfo)
    /// ActiveAuthenticationInfo.
    case activeAuthentication(ActiveAuthenticationInfo)
    /// Any other SecurityInfo (domain parameter infos, EF.DIR info, proprietary ones), kept whole.
    case other(protocolID: OID, der: [UInt8])

    /// The protocol identifier.
    public var protocolID: OID {
        switch self {
        case .pace(let i): return i.protocolID
        case .chipAuthentication(let i): return i.protocolID
        case .chipAuthenticationPublicKey(let i): return i.protocolID
        case .terminalAuthentication(let i): return i.protocolID
        case .activeAuthentication(let i): return i.protocolID
        case .other(let p, _): return p
        }
    }
}

/// SecurityInfos: `SET OF SecurityInfo`, the content of EF.CardAccess and (wrapped in `6E`) of DG14
/// (ICAO 9303-11 §9.2).
public struct SecurityInfos: Sendable, Equatable, Hashable {
    /// The infos, in file order.
    public var infos: [SecurityInfo]

    /// SecurityInfos from a list.
    public init(_ infos: [SecurityInfo]) { self.infos = infos }

    /// Parses EF.CardAccess (a bare `SET OF SecurityInfo`).
    public init(cardAccess bytes: [UInt8]) throws(LDSError) {
        infos = try LDSError.parsing(.cardAccess) { () throws(LDSError.Reason) -> [SecurityInfo] in
            let r = FileReader(bytes)
            return try SecurityInfos.parseSet(r, try r.single(.set))
        }
    }

    /// The PACEInfos.
    public var pace: [PACEInfo] { infos.compactMap { if case .pace(let i) = $0 { i } else { nil } } }
    /// The ChipAuthenticationInfos.
    public var chipAuthentication: [ChipAuthenticationInfo] {
        infos.compactMap { if case .chipAuthentication(let i) = $0 { i } else { nil } }
    }
    /// The ChipAuthenticationPublicKeyInfos.
    public var chipAuthenticationPublicKeys: [ChipAuthenticationPublicKeyInfo] {
        infos.compactMap { if case .chipAuthenticationPublicKey(let i) = $0 { i } else { nil } }
    }
    /// The TerminalAuthenticationInfo, if any.
    public var terminalAuthentication: TerminalAuthenticationInfo? {
        infos.lazy.compactMap { if case .terminalAuthentication(let i) = $0 { i } else { nil } }.first
    }
    /// The ActiveAuthenticationInfo, if any.
    public var activeAuthentication: ActiveAuthenticationInfo? {
        infos.lazy.compactMap { if case .activeAuthentication(let i) = $0 { i } else { nil } }.first
    }

    static func parseSet(_ r: FileReader, _ set: TLVElement) throws(LDSError.Reason) -> [SecurityInfo] {
        guard set.tag == .set else { throw .tlv(.unexpectedTag(offset: set.offset, expected: .set, found: set.tag)) }
        var c = try r.children(set)
        var out: [SecurityInfo] = []
        out.reserveCapacity(8)
        while let e = try c.next() {
            out.append(try parseInfo(r, e))
        }
        return out
    }

    private static func parseInfo(_ r: FileReader, _ e: TLVElement) throws(LDSError.Reason) -> SecurityInfo {
        guard e.tag == .sequence else {
            throw .tlv(.unexpectedTag(offset: e.offset, expected: .sequence, found: e.tag))
        }
        var c = try r.children(e)
        let oid = try r.oid(try c.expect(.objectIdentifier))
        func integer() throws(LDSError.Reason) -> Int { try r.integer(try c.expect(.integer)) }
        func optionalInteger() throws(LDSError.Reason) -> Int? {
            guard let i = try c.optional(.integer) else { return nil }
            return try r.integer(i)
        }
        let info: SecurityInfo
        if oid.arcCount(below: .idPACE) == 2 {
            info = .pace(PACEInfo(protocolID: oid, version: try integer(), parameterID: try optionalInteger()))
        } else if oid.arcCount(below: .idCA) == 2 {
            info = .chipAuthentication(ChipAuthenticationInfo(protocolID: oid, version: try integer(),
                                                              keyID: try optionalInteger()))
        } else if oid == .idPKDH || oid == .idPKECDH {
            let keyElement = try c.expect(.sequence)
            let key: SubjectPublicKeyInfo
            do { key = try SubjectPublicKeyInfo(r.reader, keyElement) } catch { throw .tlv(error) }
            info = .chipAuthenticationPublicKey(ChipAuthenticationPublicKeyInfo(
                protocolID: oid, publicKey: key, keyID: try optionalInteger()))
        } else if oid == .idTA {
            let version = try integer()
            let file = try c.next().map { Array(r.encoded($0)) }
            info = .terminalAuthentication(TerminalAuthenticationInfo(protocolID: oid, version: version,
                                                                      efCVCA: file))
        } else if oid == .idAA {
            let version = try integer()
            let algorithm = try r.oid(try c.expect(.objectIdentifier))
            info = .activeAuthentication(ActiveAuthenticationInfo(protocolID: oid, version: version,
                                                                  signatureAlgorithm: algorithm))
        } else {
            return .other(protocolID: oid, der: Array(r.encoded(e)))
        }
        try c.requireEnd()
        return info
    }

    /// The `SET OF SecurityInfo` DER, infos in list order (EF.CardAccess's content).
    public func encoded() -> [UInt8] {
        var w = TLVWriter()
        write(to: &w)
        return w.bytes
    }

    func write(to w: inout TLVWriter) {
        w.append(.set) { w in
            for info in infos {
                switch info {
                case .pace(let i):
                    w.append(.sequence) { w in
                        w.appendOID(i.protocolID)
                        w.appendInteger(i.version)
                        if let p = i.parameterID { w.appendInteger(p) }
                    }
                case .chipAuthentication(let i):
                    w.append(.sequence) { w in
                        w.appendOID(i.protocolID)
                        w.appendInteger(i.version)
                        if let k = i.keyID { w.appendInteger(k) }
                    }
                case .chipAuthenticationPublicKey(let i):
                    w.append(.sequence) { w in
                        w.appendOID(i.protocolID)
                        w.appendEncoded(i.publicKey.der)
                        if let k = i.keyID { w.appendInteger(k) }
                    }
                case .terminalAuthentication(let i):
                    w.append(.sequence) { w in
                        w.appendOID(i.protocolID)
                        w.appendInteger(i.version)
                        if let f = i.efCVCA { w.appendEncoded(f) }
                    }
                case .activeAuthentication(let i):
                    w.append(.sequence) { w in
                        w.appendOID(i.protocolID)
                        w.appendInteger(i.version)
                        w.appendOID(i.signatureAlgorithm)
                    }
                case .other(_, let der):
                    w.appendEncoded(der)
                }
            }
        }
    }
}

/// DG14: the chip's SecurityInfos for chip authentication (and more), `6E { SET OF SecurityInfo }`
/// (ICAO 9303-10 §4.7.14).
public struct DataGroup14: Sendable, Equatable, Hashable {
    /// The SecurityInfos.
    public var securityInfos: SecurityInfos

    /// A DG14 holding the given infos.
    public init(securityInfos: SecurityInfos) { self.securityInfos = securityInfos }

    /// Parses DG14.
    public init(bytes: [UInt8]) throws(LDSError) {
        let infos = try LDSError.parsing(.dataGroup(14)) { () throws(LDSError.Reason) -> [SecurityInfo] in
            let r = FileReader(bytes)
            let outer = try r.single(0x6E)
            var c = try r.children(outer)
            let set = try c.expect(.set)
            try c.requireEnd()
            return try SecurityInfos.parseSet(r, set)
        }
        securityInfos = SecurityInfos(infos)
    }

    /// The DG14 file.
    public func encoded() -> [UInt8] {
        var w = TLVWriter()
        w.append(0x6E) { w in securityInfos.write(to: &w) }
        return w.bytes
    }
}
