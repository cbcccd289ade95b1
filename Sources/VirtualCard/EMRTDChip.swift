import CardIO
import Foundation
import ICAOCrypto
import LDS

/// How an ``EMRTDChip`` is personalised and how it behaves on the link.
public struct ChipConfiguration {
    /// Elementary files by file identifier: EF.CardAccess `011C`, EF.COM `011E`, EF.SOD `011D`, DG*n* `01`*0n*.
    public var files: [UInt16: [UInt8]]
    /// The card access number PACE accepts, if any.
    public var cardAccessNumber: String?
    /// ICAO 9303-11 §9.7.2.1 MRZ_information (document number, birth, expiry, each with its check digit), the
    /// password of BAC and of PACE with the MRZ.
    public var mrzInformation: String?
    /// The PACE protocol and domain parameters the chip runs (from its EF.CardAccess); `nil` for a BAC-only chip.
    public var pace: PACESettings?
    /// Whether BAC is offered besides PACE.
    public var supportsBAC: Bool
    /// Chip authentication: the chip's static key and the protocol of its DG14.
    public var chipAuthentication: ChipAuthenticationKey?
    /// Active authentication: the chip's key for INTERNAL AUTHENTICATE (its public half is in DG15).
    public var activeAuthentication: ActiveAuthenticationKey?
    /// Files that need terminal authentication (DG3, DG4): always `6982`.
    public var filesNeedingTerminalAuthentication: Set<UInt16>
    /// Whether extended-length APDUs are accepted; a short-only chip refuses them as ``extendedLengthRefusal`` says.
    public var acceptsExtendedLength: Bool
    /// How a short-only chip refuses an extended-length APDU.
    public var extendedLengthRefusal: ExtendedLengthRefusal
    /// The most plain data one READ BINARY returns, whatever Le asks for.
    public var maxReadLength: Int
    /// The chip's own randomness: nonces, challenges, ephemeral keys.
    public var entropy: EntropySource

    /// A chip with the given files and secrets; PACE as on the CCCD unless told otherwise.
    public init(files: [UInt16: [UInt8]], cardAccessNumber: String? = nil, mrzInformation: String? = nil,
                pace: PACESettings? = PACESettings(protocolOID: .idPACEECDHGMAESCBCCMAC128, curve: .brainpoolP256r1),
                supportsBAC: Bool = true, chipAuthentication: ChipAuthenticationKey? = nil,
                activeAuthentication: ActiveAuthenticationKey? = nil,
                filesNeedingTerminalAuthentication: Set<UInt16> = [0x0103, 0x0104],
                acceptsExtendedLength: Bool = true, extendedLengthRefusal: ExtendedLengthRefusal = .wrongLength,
                maxReadLength: Int = 65536, entropy: EntropySource = SystemEntropy()) {
        self.files = files
        self.cardAccessNumber = cardAccessNumber
        self.mrzInformation = mrzInformation
        self.pace = pace
        self.supportsBAC = supportsBAC
        self.chipAuthentication = chipAuthentication
        self.activeAuthentication = activeAuthentication
        self.filesNeedingTerminalAuthentication = filesNeedingTerminalAuthentication
        self.acceptsExtendedLength = acceptsExtendedLength
        self.extendedLengthRefusal = extendedLengthRefusal
        self.maxReadLength = maxReadLength
        self.entropy = entropy
    }
}

/// How a chip without extended length (``ChipConfiguration/acceptsExtendedLength`` false) answers an
/// extended-length APDU.
public enum ExtendedLengthRefusal: Sendable, Equatable {
    /// Every extended-length APDU, plain or protected, gets `6700` (wrong length) and changes nothing.
    case wrongLength
    /// Plain extended-length APDUs are answered as short ones (at most 256 bytes), so probing with the plain
    /// EF.CardAccess learns nothing; an extended-length APDU under secure messaging gets this status word and, when
    /// it is a `69xx` secure-messaging error (a CCCD seen answers `6988`), ends the session as real chips do.
    case underSecureMessaging(StatusWord)
}

/// The PACE protocol a chip runs: a generic-mapping ECDH protocol OID and its standardized curve.
public struct PACESettings: Sendable {
    /// `id-PACE-ECDH-GM-*` (ICAO 9303-11 §9.2.1).
    public var protocolOID: OID
    /// The standardized domain parameters (ICAO 9303-11 Table 4).
    public var curve: NamedCurve

    /// Creates PACE settings.
    public init(protocolOID: OID, curve: NamedCurve) {
        self.protocolOID = protocolOID
        self.curve = curve
    }

    /// The secure messaging cipher the OID names.
    public var cipher: SymmetricCipher? { EMRTDChip.cipher(forProtocol: protocolOID) }
}

/// The chip's chip-authentication key pair (ICAO 9303-11 §6.2).
public struct ChipAuthenticationKey {
    /// `id-CA-ECDH-*`: the cipher of the new session.
    public var protocolOID: OID
    /// The curve of the static key.
    public var curve: EllipticCurve
    /// The static private scalar; its public half is the ChipAuthenticationPublicKeyInfo in DG14.
    public var privateScalar: [UInt8]
    /// The key identifier, when the chip has several keys.
    public var keyID: Int?

    /// Creates a chip authentication key.
    public init(protocolOID: OID, curve: EllipticCurve, privateScalar: [UInt8], keyID: Int? = nil) {
        self.protocolOID = protocolOID
        self.curve = curve
        self.privateScalar = privateScalar
        self.keyID = keyID
    }

    /// The public point published in DG14.
    public func publicPoint() throws(CryptoError) -> ECPoint { try curve.publicKey(privateKey: privateScalar) }
}

/// The chip's active-authentication key (ICAO 9303-11 §6.1).
public enum ActiveAuthenticationKey {
    /// ECDSA over the challenge with this digest, the signature in plain r ‖ s form.
    case ecdsa(ECPrivateKey, digest: HashAlgorithm)
    /// RSA with ISO/IEC 9796-2 digital signature scheme 1 (SHA-1, trailer `BC`).
    case rsa(RSAPrivateKey)
}

/// An ICAO LDS1 eMRTD chip as the CCCD is one: EF.CardAccess at the MF, the eMRTD application, BAC and PACE,
/// secure messaging (3DES and AES), chip and active authentication, and the status words a real card gives.
public final class EMRTDChip: VirtualChip {
    /// The ISO/IEC 7816-4 ATR a contactless card shows through PC/SC.
    public let atr: [UInt8]
    /// The eMRTD application identifier (ICAO 9303-10).
    public static let applicationID: [UInt8] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]

    /// The personalisation and link behaviour.
    public var configuration: ChipConfiguration

    private var applicationSelected = false
    private var selectedFile: UInt16?
    private var session: ChipSecureMessaging?
    private var accessGranted = false
    private var challenge: [UInt8]?
    private var pace: PACEState?
    private var caProtocol: (oid: OID, keyID: Int?)?
    /// How the current session was opened: `BAC`, `PACE`, and `+CA` after chip authentication.
    public private(set) var sessionKind: String?
    /// How many times a wrong password has been presented; the chip does not lock, it only counts.
    public private(set) var failedAuthentications = 0

    /// Creates a chip.
    public init(configuration: ChipConfiguration) {
        self.configuration = configuration
        var atr: [UInt8] = [0x3B, 0x88, 0x80, 0x01] + Array("CCCD-EMU".utf8)
        atr.append(atr.dropFirst().reduce(0, ^))
        self.atr = atr
    }

    public func powerOn() {
        applicationSelected = false
        selectedFile = nil
        endSession()
    }

    public func powerOff() { powerOn() }

    private func endSession() {
        session = nil
        accessGranted = false
        challenge = nil
        pace = nil
        caProtocol = nil
        sessionKind = nil
    }

    // MARK: Dispatch

    public func process(_ bytes: [UInt8]) -> [UInt8]? {
        guard var command = try? CommandAPDU(encoded: bytes) else { return plain(.wrongLength) }
        let isProtected = command.cla & 0x0C == 0x0C
        if command.prefersExtendedLength || command.requiresExtendedLength, !configuration.acceptsExtendedLength {
            switch configuration.extendedLengthRefusal {
            case .wrongLength:
                return plain(.wrongLength)
            case .underSecureMessaging(let status):
                if isProtected {
                    if status.sw1 == 0x69 { endSession() }
                    return plain(status)
                }
                guard command.data.count <= 255 else { return plain(.wrongLength) }
                command = CommandAPDU(cla: command.cla, ins: command.ins, p1: command.p1, p2: command.p2,
                                      data: command.data, expectedLength: command.expectedLength.map { min($0, 256) })
            }
        }
        if let session {
            guard isProtected else {
                // ICAO 9303-11 §9.8.4: a plain command ends the secure messaging session.
                endSession()
                return handle(command, protected: false)
            }
            let inner: CommandAPDU
            do {
                inner = try session.unwrap(command)
            } catch {
                endSession()
                return plain(error == .missingObjects ? .secureMessagingObjectsMissing : .secureMessagingObjectsIncorrect)
            }
            return handle(inner, protected: true)
        }
        if isProtected { return plain(.secureMessagingObjectsMissing) }
        return handle(command, protected: false)
    }

    private func handle(_ command: CommandAPDU, protected: Bool) -> [UInt8] {
        let (data, status) = execute(command, protected: protected)
        guard protected, let session = self.session else { return plain(status, data) }
        let odd = command.ins & 0x01 == 1 && command.ins != 0x87  // B1 answers in DO'85'
        guard let wrapped = try? session.wrap(data: data, status: status, oddInstruction: odd) else {
            return plain(.noPreciseDiagnosis)
        }
        // The protected answer must fit the outer Le: 256 bytes on a short APDU.
        let outerLimit = command.prefersExtendedLength ? 65538 : 258
        if wrapped.count > outerLimit { return plain(.wrongLength) }
        if let (key, point) = pendingChipAuthentication {
            pendingChipAuthentication = nil
            completeChipAuthentication(key: key, terminalPoint: point)
        }
        return wrapped
    }

    private func plain(_ status: StatusWord, _ data: [UInt8] = []) -> [UInt8] {
        data + [status.sw1, status.sw2]
    }

    private func execute(_ command: CommandAPDU, protected: Bool) -> ([UInt8], StatusWord) {
        switch command.ins {
        case 0xA4: return ([], select(command, protected: protected))
        case 0xB0, 0xB1: return readBinary(command, protected: protected)
        case 0x84: return getChallenge(command)
        case 0x82: return externalAuthenticate(command)
        case 0x22: return ([], manageSecurityEnvironment(command, protected: protected))
        case 0x86: return generalAuthenticate(command, protected: protected)
        case 0x88: return internalAuthenticate(command, protected: protected)
        default: return ([], .instructionNotSupported)
        }
    }

    // MARK: Files

    private func select(_ command: CommandAPDU, protected: Bool) -> StatusWord {
        switch command.p1 {
        case 0x04:
            guard command.data == Self.applicationID else { return .fileNotFound }
            applicationSelected = true
            selectedFile = nil
            return .success
        case 0x00, 0x02:
            guard command.data.count == 2 else { return .wrongLength }
            let fid = UInt16(command.data[0]) << 8 | UInt16(command.data[1])
            if fid == 0x3F00 { return .instructionNotSupported }  // the CCCD does not know SELECT MF
            if fid == 0x011C {
                guard configuration.files[fid] != nil else { return .fileNotFound }
                selectedFile = fid
                return .success
            }
            guard applicationSelected else { return .fileNotFound }
            if configuration.filesNeedingTerminalAuthentication.contains(fid) {
                return protected ? .securityStatusNotSatisfied : .securityStatusNotSatisfied
            }
            guard configuration.files[fid] != nil else { return .fileNotFound }
            guard protected && accessGranted else { return .securityStatusNotSatisfied }
            selectedFile = fid
            return .success
        default:
            return .incorrectP1P2
        }
    }

    private func readBinary(_ command: CommandAPDU, protected: Bool) -> ([UInt8], StatusWord) {
        var fid = selectedFile
        let offset: Int
        if command.ins == 0xB0 {
            if command.p1 & 0x80 != 0 {
                // Short file identifier: select and read in one command (ICAO 9303-10 §3.6.2).
                let sfi = UInt16(command.p1 & 0x1F)
                let target = 0x0100 | sfi
                if configuration.filesNeedingTerminalAuthentication.contains(target) {
                    return ([], .securityStatusNotSatisfied)
                }
                guard configuration.files[target] != nil else { return ([], .fileNotFound) }
                if target != 0x011C {
                    guard applicationSelected else { return ([], .fileNotFound) }
                    guard protected && accessGranted else { return ([], .securityStatusNotSatisfied) }
                }
                fid = target
                selectedFile = target
                offset = Int(command.p2)
            } else {
                offset = Int(command.p1 & 0x7F) << 8 | Int(command.p2)
            }
        } else {
            let d = command.data
            guard d.count >= 3, d[0] == 0x54, Int(d[1]) == d.count - 2, d.count - 2 <= 3 else {
                return ([], .incorrectData)
            }
            offset = d[2...].reduce(0) { $0 << 8 | Int($1) }
        }
        guard let fid, let content = configuration.files[fid] else { return ([], .conditionsNotSatisfied) }
        if fid != 0x011C && !(protected && accessGranted) { return ([], .securityStatusNotSatisfied) }
        guard offset < content.count else { return ([], .wrongParameters) }
        let ne = min(command.expectedLength ?? 256, configuration.maxReadLength)
        let room: Int
        if command.ins == 0xB1 {
            room = ne - (ne - 2 < 0x80 ? 2 : ne - 3 < 0x100 ? 3 : 4)
        } else {
            room = ne
        }
        let available = content.count - offset
        let slice = Array(content[offset..<(offset + min(room, available))])
        let status: StatusWord = room > available ? .endOfFileBeforeNe : .success
        if command.ins == 0xB1 {
            var wrapped = TLVWriter()
            wrapped.append(BERTag(rawValue: 0x53), value: slice)
            return (wrapped.bytes, status)
        }
        return (slice, status)
    }

    // MARK: BAC (ICAO 9303-11 §4.3)

    private func getChallenge(_ command: CommandAPDU) -> ([UInt8], StatusWord) {
        guard command.expectedLength == 8 else { return ([], .wrongLength) }
        guard configuration.supportsBAC, configuration.mrzInformation != nil else {
            return ([], .conditionsNotSatisfied)
        }
        guard let rnd = try? configuration.entropy.draw(8) else { return ([], .noPreciseDiagnosis) }
        challenge = rnd
        return (rnd, .success)
    }

    private func externalAuthenticate(_ command: CommandAPDU) -> ([UInt8], StatusWord) {
        guard let rndICC = challenge, let mrz = configuration.mrzInformation else {
            return ([], .conditionsNotSatisfied)
        }
        challenge = nil
        guard command.data.count == 40 else { return ([], .wrongLength) }
        let seed = Array(HashAlgorithm.sha1.hash(Array(mrz.utf8)).prefix(16))
        let kEnc = KeyDerivation.derive(sharedSecret: seed, purpose: .encryption, cipher: .tripleDES)
        let kMac = KeyDerivation.derive(sharedSecret: seed, purpose: .mac, cipher: .tripleDES)
        let eIFD = Array(command.data[0..<32])
        let mIFD = Array(command.data[32..<40])
        guard let mac = try? RetailMAC.mac(key: kMac, message: eIFD), mac == mIFD,
              let s = try? BlockCipher.decrypt(eIFD, key: kEnc, family: .tripleDES, mode: .cbcZeroIV(.tripleDES)),
              Array(s[8..<16]) == rndICC
        else {
            failedAuthentications += 1
            return ([], .securityStatusNotSatisfied)
        }
        let rndIFD = Array(s[0..<8])
        let kIFD = Array(s[16..<32])
        guard let kICC = try? configuration.entropy.draw(16),
              let eICC = try? BlockCipher.encrypt(rndICC + rndIFD + kICC, key: kEnc, family: .tripleDES,
                                                   mode: .cbcZeroIV(.tripleDES)),
              let mICC = try? RetailMAC.mac(key: kMac, message: eICC)
        else { return ([], .noPreciseDiagnosis) }
        let sessionSeed = zip(kIFD, kICC).map { $0 ^ $1 }
        session = ChipSecureMessaging(
            cipher: .tripleDES,
            encryptionKey: KeyDerivation.derive(sharedSecret: sessionSeed, purpose: .encryption, cipher: .tripleDES),
            macKey: KeyDerivation.derive(sharedSecret: sessionSeed, purpose: .mac, cipher: .tripleDES),
            sendSequenceCounter: Array(rndICC[4..<8]) + Array(rndIFD[4..<8]))
        accessGranted = true
        sessionKind = "BAC"
        return (eICC + mICC, .success)
    }

    // MARK: PACE (ICAO 9303-11 §4.4) and chip authentication (§6.2)

    private struct PACEState {
        var cipher: SymmetricCipher
        var curve: EllipticCurve
        var protocolOID: OID
        var passwordKey: [UInt8]
        var nonce: [UInt8]?
        var mapping: [UInt8]?  // SK_map,IC
        var mappedCurve: EllipticCurve?
        var ephemeral: [UInt8]?  // SK_eph,IC
        var ephemeralPublic: ECPoint?
        var terminalEphemeral: ECPoint?
        var terminalMapping: ECPoint?
        var sessionKeys: (enc: [UInt8], mac: [UInt8])?
    }

    static func cipher(forProtocol oid: OID) -> SymmetricCipher? {
        switch oid {
        case .idPACEECDHGM3DESCBCCBC, .idCAECDH3DESCBCCBC: return .tripleDES
        case .idPACEECDHGMAESCBCCMAC128, .idCAECDHAESCBCCMAC128: return .aes128
        case .idPACEECDHGMAESCBCCMAC192, .idCAECDHAESCBCCMAC192: return .aes192
        case .idPACEECDHGMAESCBCCMAC256, .idCAECDHAESCBCCMAC256: return .aes256
        default: return nil
        }
    }

    private func manageSecurityEnvironment(_ command: CommandAPDU, protected: Bool) -> StatusWord {
        var fields: [UInt32: [UInt8]] = [:]
        do {
            let reader = BERReader(command.data)
            var cursor = reader.topLevel()
            while let element = try cursor.next() { fields[element.tag.rawValue] = Array(reader.value(of: element)) }
        } catch {
            return .incorrectData
        }
        switch (command.p1, command.p2) {
        case (0xC1, 0xA4):  // MSE:Set AT for PACE
            guard let settings = configuration.pace, let oidBytes = fields[0x80],
                  let oid = OID(derContent: oidBytes), oid == settings.protocolOID,
                  let cipher = settings.cipher
            else { return .referencedDataNotFound }
            if let parameter = fields[0x84], parameter != [UInt8(settings.curve.rawValue)] {
                return .referencedDataNotFound
            }
            let password: [UInt8]
            switch fields[0x83] {
            case [0x01]?:
                guard let mrz = configuration.mrzInformation else { return .referencedDataNotFound }
                password = HashAlgorithm.sha1.hash(Array(mrz.utf8))
            case [0x02]?:
                guard let can = configuration.cardAccessNumber else { return .referencedDataNotFound }
                password = Array(can.utf8)
            default:
                return .referencedDataNotFound
            }
            guard let curve = try? EllipticCurve(settings.curve) else { return .noPreciseDiagnosis }
            endSession()
            pace = PACEState(cipher: cipher, curve: curve, protocolOID: oid,
                             passwordKey: KeyDerivation.derive(sharedSecret: password, purpose: .password,
                                                               cipher: cipher))
            return .success
        case (0x41, 0xA4):  // MSE:Set AT for chip authentication (AES), under secure messaging
            guard protected, accessGranted, let key = configuration.chipAuthentication,
                  let oidBytes = fields[0x80], let oid = OID(derContent: oidBytes), oid == key.protocolOID
            else { return .referencedDataNotFound }
            if let id = fields[0x84], key.keyID != id.reduce(0, { $0 << 8 | Int($1) }) { return .referencedDataNotFound }
            caProtocol = (oid, key.keyID)
            return .success
        case (0x41, 0xA6):  // MSE:Set KAT: chip authentication with 3DES in one step
            guard protected, accessGranted, let key = configuration.chipAuthentication,
                  key.protocolOID == .idCAECDH3DESCBCCBC, let point = fields[0x91]
            else { return .referencedDataNotFound }
            guard (try? key.curve.decodePoint(point)) != nil else { return .incorrectData }
            // The answer travels under the old keys; the new ones apply from the next command on.
            pendingChipAuthentication = (key, point)
            return .success
        default:
            return .incorrectP1P2
        }
    }

    private func generalAuthenticate(_ command: CommandAPDU, protected: Bool) -> ([UInt8], StatusWord) {
        // The dynamic authentication data object 7C with one inner object.
        let inner: (tag: UInt32, value: [UInt8])?
        do {
            let reader = BERReader(command.data)
            let outer = try reader.singleElement(BERTag(rawValue: 0x7C))
            var cursor = try reader.children(of: outer)
            if let element = try cursor.next() {
                inner = (element.tag.rawValue, Array(reader.value(of: element)))
                try cursor.requireEnd()
            } else {
                inner = nil
            }
        } catch {
            return ([], .incorrectData)
        }
        if caProtocol != nil, protected {
            guard let key = configuration.chipAuthentication, let inner, inner.tag == 0x80 else {
                return ([], .incorrectData)
            }
            // The answer travels under the old keys; the new ones apply from the next command on.
            let point = inner.value
            caProtocol = nil
            pendingChipAuthentication = (key, point)
            return ([0x7C, 0x00], .success)
        }
        guard var state = pace else { return ([], .conditionsNotSatisfied) }
        func fail(_ status: StatusWord) -> ([UInt8], StatusWord) {
            pace = nil
            return ([], status)
        }
        do {
            switch (state.nonce, state.mappedCurve, state.sessionKeys) {
            case (nil, _, _):
                guard inner == nil else { return fail(.incorrectData) }
                let s = try configuration.entropy.draw(state.cipher.blockSize)
                let z = try BlockCipher.encrypt(s, key: state.passwordKey, family: state.cipher.family,
                                                mode: .cbcZeroIV(state.cipher.family))
                state.nonce = s
                pace = state
                return (dynamicData(0x80, z), .success)
            case (let s?, nil, _):
                guard let inner, inner.tag == 0x81 else { return fail(.incorrectData) }
                let terminalMap = try state.curve.decodePoint(inner.value)
                let sk = try drawScalar(state.curve)
                let pk = try state.curve.publicKey(privateKey: sk)
                let h = try state.curve.multiply(terminalMap, by: sk)
                let mapped = try state.curve.add(try state.curve.multiplyGenerator(by: s), h)
                state.mapping = sk
                state.terminalMapping = terminalMap
                state.mappedCurve = try state.curve.withGenerator(mapped)
                pace = state
                return (dynamicData(0x82, pk.uncompressed), .success)
            case (_, let mapped?, nil):
                guard let inner, inner.tag == 0x83 else { return fail(.incorrectData) }
                let terminalEphemeral = try mapped.decodePoint(inner.value)
                // ICAO 9303-11 §4.4.3.3.3: the chip checks the terminal's ephemeral key is not its mapping key.
                if terminalEphemeral == state.terminalMapping { return fail(.incorrectData) }
                let sk = try drawScalar(mapped)
                let pk = try mapped.publicKey(privateKey: sk)
                let shared = try mapped.sharedSecret(privateKey: sk, peer: terminalEphemeral)
                state.ephemeral = sk
                state.ephemeralPublic = pk
                state.terminalEphemeral = terminalEphemeral
                state.sessionKeys = (
                    KeyDerivation.derive(sharedSecret: shared, purpose: .encryption, cipher: state.cipher),
                    KeyDerivation.derive(sharedSecret: shared, purpose: .mac, cipher: state.cipher))
                pace = state
                return (dynamicData(0x84, pk.uncompressed), .success)
            case (_, _, let keys?):
                guard let inner, inner.tag == 0x85, let chipPublic = state.ephemeralPublic,
                      let terminalPublic = state.terminalEphemeral
                else { return fail(.incorrectData) }
                let expected = try authenticationToken(cipher: state.cipher, macKey: keys.mac,
                                                       oid: state.protocolOID, point: chipPublic)
                guard expected == inner.value else {
                    failedAuthentications += 1
                    return fail(.authenticationFailed)
                }
                let token = try authenticationToken(cipher: state.cipher, macKey: keys.mac,
                                                    oid: state.protocolOID, point: terminalPublic)
                pace = nil
                session = ChipSecureMessaging(cipher: state.cipher, encryptionKey: keys.enc, macKey: keys.mac,
                                              sendSequenceCounter: [UInt8](repeating: 0,
                                                                           count: state.cipher.blockSize))
                accessGranted = true
                applicationSelected = false
                sessionKind = "PACE"
                return (dynamicData(0x86, token), .success)
            }
        } catch {
            return fail(.incorrectData)
        }
    }

    private var pendingChipAuthentication: (ChipAuthenticationKey, [UInt8])?

    /// Switches to the chip-authentication keys (ICAO 9303-11 §6.2.4): K = x(SK_IC · PK_IFD), SSC = 0.
    @discardableResult
    private func completeChipAuthentication(key: ChipAuthenticationKey, terminalPoint: [UInt8]) -> Bool {
        guard let cipher = Self.cipher(forProtocol: key.protocolOID),
              let peer = try? key.curve.decodePoint(terminalPoint),
              let shared = try? key.curve.sharedSecret(privateKey: key.privateScalar, peer: peer)
        else { return false }
        session = ChipSecureMessaging(
            cipher: cipher,
            encryptionKey: KeyDerivation.derive(sharedSecret: shared, purpose: .encryption, cipher: cipher),
            macKey: KeyDerivation.derive(sharedSecret: shared, purpose: .mac, cipher: cipher),
            sendSequenceCounter: [UInt8](repeating: 0, count: cipher.blockSize))
        sessionKind = (sessionKind ?? "") + "+CA"
        return true
    }

    private func drawScalar(_ curve: EllipticCurve) throws -> [UInt8] {
        for _ in 0..<16 {
            let candidate = curve.maskedScalar(try configuration.entropy.draw(curve.orderLength))
            if (try? curve.validatePrivateKey(candidate)) != nil { return candidate }
        }
        throw CryptoError.invalidPoint("no valid scalar drawn")
    }

    /// ICAO 9303-11 §4.4.3.4: T = MAC(K_mac, public key data object 7F49 { 06 OID, 86 point }).
    private func authenticationToken(cipher: SymmetricCipher, macKey: [UInt8], oid: OID,
                                     point: ECPoint) throws -> [UInt8] {
        var inner = TLVWriter()
        inner.appendOID(oid)
        inner.append(BERTag(rawValue: 0x86), value: point.uncompressed)
        var object = TLVWriter()
        object.append(BERTag(rawValue: 0x7F49), value: inner.bytes)
        switch cipher {
        case .tripleDES:
            return try RetailMAC.mac(key: macKey, message: object.bytes)
        default:
            return try AESCMAC.mac(key: macKey, message: object.bytes, length: 8)
        }
    }

    private func dynamicData(_ tag: UInt8, _ value: [UInt8]) -> [UInt8] {
        var inner = TLVWriter()
        inner.append(BERTag(rawValue: UInt32(tag)), value: value)
        var outer = TLVWriter()
        outer.append(BERTag(rawValue: 0x7C), value: inner.bytes)
        return outer.bytes
    }

    // MARK: Active authentication (ICAO 9303-11 §6.1)

    private func internalAuthenticate(_ command: CommandAPDU, protected: Bool) -> ([UInt8], StatusWord) {
        guard protected, accessGranted else { return ([], .securityStatusNotSatisfied) }
        guard let key = configuration.activeAuthentication else { return ([], .instructionNotSupported) }
        guard command.data.count == 8 else { return ([], .wrongLength) }
        do {
            switch key {
            case .ecdsa(let privateKey, let digest):
                return (try privateKey.sign(message: command.data, digest: digest, encoding: .plain), .success)
            case .rsa(let privateKey):
                // ISO/IEC 9796-2 scheme 1, partial recovery: 6A ‖ M1 ‖ SHA-1(M1 ‖ M2) ‖ BC, M2 the challenge.
                let k = privateKey.modulusLength
                let m1Length = k - 1 - 20 - 1
                let m1 = try configuration.entropy.draw(m1Length)
                let representative = [0x6A] + m1 + HashAlgorithm.sha1.hash(m1 + command.data) + [0xBC]
                return (try privateKey.rawPrivateOperation(representative), .success)
            }
        } catch {
            return ([], .noPreciseDiagnosis)
        }
    }
}
