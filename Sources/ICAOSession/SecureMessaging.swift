import CardIO
import ICAOCrypto

/// The send sequence counter of ICAO 9303-11 §9.8.2: a big-endian integer as long as the cipher's block
/// (8 bytes for 3DES, 16 for AES), incremented before each command and before each response is checked.
public struct SendSequenceCounter: Hashable, Sendable {
    /// The counter's bytes, big-endian.
    public private(set) var bytes: [UInt8]

    /// A counter with the given value.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// A zero counter of `length` bytes (PACE starts at zero, ICAO 9303-11 §9.8.2).
    public static func zero(length: Int) -> SendSequenceCounter {
        SendSequenceCounter([UInt8](repeating: 0, count: length))
    }

    /// Adds one, wrapping around at the counter's width.
    public mutating func increment() {
        var i = bytes.count - 1
        while i >= 0 {
            bytes[i] &+= 1
            if bytes[i] != 0 { return }
            i -= 1
        }
    }
}

extension SendSequenceCounter: CustomStringConvertible {
    /// The width only: the counter is derived from protocol nonces.
    public var description: String { "SendSequenceCounter(\(bytes.count) bytes)" }
}

/// The session keys of a secure messaging session and the cipher they belong to.
public struct SecureMessagingKeys: Hashable, Sendable, CustomStringConvertible {
    /// 3DES (retail MAC) or AES-128/192/256 (CMAC).
    public let cipher: SymmetricCipher
    /// KS_Enc.
    public let encryptionKey: [UInt8]
    /// KS_MAC.
    public let macKey: [UInt8]

    /// Keys for `cipher`; both must have the cipher's key length.
    public init(cipher: SymmetricCipher, encryptionKey: [UInt8], macKey: [UInt8]) throws(SessionError) {
        guard encryptionKey.count == cipher.keyLength, macKey.count == cipher.keyLength else {
            throw .crypto(.invalidKeyLength(algorithm: cipher.description, length: encryptionKey.count),
                          step: .secureMessaging)
        }
        self.cipher = cipher
        self.encryptionKey = encryptionKey
        self.macKey = macKey
    }

    /// KS_Enc = KDF(K, 1) and KS_MAC = KDF(K, 2) from a shared secret (ICAO 9303-11 §9.7.1).
    public init(sharedSecret: [UInt8], cipher: SymmetricCipher) {
        self.cipher = cipher
        encryptionKey = KeyDerivation.derive(sharedSecret: sharedSecret, purpose: .encryption, cipher: cipher)
        macKey = KeyDerivation.derive(sharedSecret: sharedSecret, purpose: .mac, cipher: cipher)
    }

    /// The cipher only: keys never reach a log.
    public var description: String { "SecureMessagingKeys(\(cipher))" }
}

/// ICAO 9303-11 §9.8 secure messaging, the codec: protects commands and checks and opens responses.
///
/// The counter advances exactly as the chip's does: once in ``protect(_:)`` before the command's MAC, once in
/// ``unprotect(_:)`` before the response's. Not `Sendable`: one session, one owner.
public final class SecureMessaging {
    /// The session keys.
    public let keys: SecureMessagingKeys
    /// The current send sequence counter.
    public private(set) var counter: SendSequenceCounter

    /// A session with `keys`, starting at `counter` (BAC: from the nonces; PACE: zero).
    public init(keys: SecureMessagingKeys, counter: SendSequenceCounter) {
        self.keys = keys
        self.counter = counter
    }

    private var blockSize: Int { keys.cipher.blockSize }

    /// ICAO 9303-11 §9.8.6: MAC over the padded input with KS_MAC, 8 bytes: the retail MAC for 3DES, CMAC for AES.
    func mac(_ input: [UInt8]) throws(CryptoError) -> [UInt8] {
        let padded = ISO9797Padding.pad(input, blockSize: blockSize)
        switch keys.cipher {
        case .tripleDES: return try RetailMAC.mac(key: keys.macKey, paddedMessage: padded)
        case .aes128, .aes192, .aes256: return try AESCMAC.mac(key: keys.macKey, message: padded, length: 8)
        }
    }

    /// §9.8.6: 3DES encrypts in CBC with a zero IV; AES in CBC with IV = E(KS_Enc, SSC).
    private func chaining() throws(CryptoError) -> BlockCipher.Mode {
        switch keys.cipher {
        case .tripleDES: return .cbcZeroIV(.tripleDES)
        case .aes128, .aes192, .aes256:
            let iv = try BlockCipher.encrypt(counter.bytes, key: keys.encryptionKey, family: .aes, mode: .ecb)
            return .cbc(iv: iv)
        }
    }

    /// Wraps a plain command (ICAO 9303-11 §9.8.4, Figure 5): CLA with the SM bits, DO'87' (even INS) or DO'85'
    /// (odd INS) holding the padded, encrypted data, DO'97' holding Le, DO'8E' holding the MAC over
    /// SSC ‖ padded header ‖ those objects. The protected command always expects a response (Le' = `00` or `0000`).
    ///
    /// The command is extended when the plain one needed extended lengths (Ne > 256 or Nc > 255) or the wrapped
    /// data outgrows a short Lc.
    public func protect(_ command: CommandAPDU) throws(SessionError) -> CommandAPDU {
        counter.increment()
        do {
            let cla = command.cla | 0x0C
            let header = ISO9797Padding.pad([cla, command.ins, command.p1, command.p2], blockSize: blockSize)
            var objects: [UInt8] = []
            if !command.data.isEmpty {
                let cryptogram = try BlockCipher.encrypt(ISO9797Padding.pad(command.data, blockSize: blockSize),
                                                         key: keys.encryptionKey, family: keys.cipher.family,
                                                         mode: try chaining())
                if command.ins & 0x01 == 1 {
                    objects += DataObject.encode(tag: [0x85], value: cryptogram)
                } else {
                    objects += DataObject.encode(tag: [0x87], value: [0x01] + cryptogram)
                }
            }
            if let ne = command.expectedLength {
                let le: [UInt8]
                if ne > CommandAPDU.maxShortExpectedLength || command.data.count > CommandAPDU.maxShortDataLength {
                    let value = ne == CommandAPDU.maxExtendedExpectedLength ? 0 : ne
                    le = [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
                } else {
                    le = [ne == CommandAPDU.maxShortExpectedLength ? 0 : UInt8(ne)]
                }
                objects += DataObject.encode(tag: [0x97], value: le)
            }
            let checksum = try mac(counter.bytes + header + objects)
            objects += DataObject.encode(tag: [0x8E], value: checksum)
            guard objects.count <= CommandAPDU.maxExtendedDataLength else {
                throw SessionError.secureMessaging(.commandTooLong(objects.count))
            }
            let extended = command.requiresExtendedLength || objects.count > CommandAPDU.maxShortDataLength
            // The same header with the SM bits, the data objects as data, Le' = 00 (or 0000).
            var wrapped = command
            wrapped.cla = cla
            wrapped.data = objects
            wrapped.expectedLength = extended ? CommandAPDU.maxExtendedExpectedLength : CommandAPDU.maxShortExpectedLength
            wrapped.prefersExtendedLength = false
            return wrapped
        } catch let error as CryptoError {
            throw .crypto(error, step: .secureMessaging)
        } catch let error as SessionError {
            throw error
        } catch {
            throw .secureMessaging(.malformedCryptogram)
        }
    }

    /// Checks and opens a protected response (ICAO 9303-11 §9.8.5, Figure 6): the MAC in DO'8E' over
    /// SSC ‖ the other data objects must verify before anything else is looked at; the status word is DO'99''s;
    /// the data is DO'87' (or DO'85') decrypted and unpadded.
    ///
    /// Nothing unprotected is believed: an answer without data objects is a secure messaging failure whatever its
    /// status word — ``SecureMessagingFailure/sessionClosed(_:)`` for the chip's own `6987`/`6988` (the only
    /// status words a chip may send in plain once the session is open, ICAO 9303-11 §9.8.7), and
    /// ``SecureMessagingFailure/unprotectedStatus(_:)`` for any other (`6A82` "file not found" included: anyone
    /// between the terminal and the chip could have sent it). The data objects must come in the order of §9.8.5,
    /// DO'87' (or DO'85'), DO'99', DO'8E', each at most once, DO'8E' last.
    public func unprotect(_ response: ResponseAPDU) throws(SessionError) -> ResponseAPDU {
        counter.increment()
        if response.data.isEmpty {
            switch response.statusWord {
            case .secureMessagingObjectsMissing, .secureMessagingObjectsIncorrect:
                throw .secureMessaging(.sessionClosed(response.statusWord))
            default:
                throw .secureMessaging(.unprotectedStatus(response.statusWord))
            }
        }
        let objects: [DataObject.Element]
        do {
            objects = try DataObject.readAll(response.data)
        } catch {
            switch error {
            case .malformed(let offset): throw .secureMessaging(.malformedDataObject(offset: offset))
            }
        }
        var macInput: [UInt8] = counter.bytes
        var cryptogram: DataObject.Element? = nil
        var status: [UInt8]? = nil
        var checksum: [UInt8]? = nil
        for (index, object) in objects.enumerated() {
            guard object.tag.count == 1 else {
                throw .secureMessaging(.unexpectedDataObject(tag: object.tag[0], offset: object.offset))
            }
            switch object.tag[0] {
            case 0x85, 0x87:
                guard cryptogram == nil, status == nil, checksum == nil else {
                    throw .secureMessaging(.unexpectedDataObject(tag: object.tag[0], offset: object.offset))
                }
                cryptogram = object
                macInput += object.encoded
            case 0x99:
                guard status == nil, checksum == nil else {
                    throw .secureMessaging(.unexpectedDataObject(tag: 0x99, offset: object.offset))
                }
                status = object.value
                macInput += object.encoded
            case 0x8E:
                // The MAC comes last: nothing after it would be authenticated.
                guard index == objects.count - 1 else {
                    throw .secureMessaging(.unexpectedDataObject(tag: 0x8E, offset: object.offset))
                }
                checksum = object.value
            default:
                throw .secureMessaging(.unexpectedDataObject(tag: object.tag[0], offset: object.offset))
            }
        }
        guard let checksum else { throw .secureMessaging(.missingDataObject(tag: 0x8E)) }
        let expected: [UInt8]
        do {
            expected = try mac(macInput)
        } catch {
            throw .crypto(error, step: .secureMessaging)
        }
        guard checksum.count == expected.count, constantTimeEqual(checksum, expected) else {
            throw .secureMessaging(.macMismatch)
        }
        guard let status else { throw .secureMessaging(.missingDataObject(tag: 0x99)) }
        guard status.count == 2 else { throw .secureMessaging(.malformedDataObject(offset: 0)) }
        var data: [UInt8] = []
        if let cryptogram {
            var body = cryptogram.value
            if cryptogram.tag[0] == 0x87 {
                guard body.first == 0x01 else { throw .secureMessaging(.malformedCryptogram) }
                body.removeFirst()
            }
            guard !body.isEmpty, body.count % blockSize == 0 else { throw .secureMessaging(.malformedCryptogram) }
            do {
                let plain = try BlockCipher.decrypt(body, key: keys.encryptionKey, family: keys.cipher.family,
                                                    mode: try chaining())
                data = try ISO9797Padding.unpad(plain, blockSize: blockSize)
            } catch {
                throw .secureMessaging(.malformedCryptogram)
            }
        }
        return ResponseAPDU(data: data, statusWord: StatusWord(sw1: status[0], sw2: status[1]))
    }
}

/// Compares without an early exit, so timing does not tell how much of a MAC matched.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<a.count { difference |= a[i] ^ b[i] }
    return difference == 0
}

/// A `CardIO.CardChannel` that protects every command and opens every response with ICAO 9303-11 secure messaging, so
/// the file reader above works the same with or without it.
///
/// ``send(_:)`` reports failures as a typed ``SessionError``; ``transmit(_:)`` (the `CardIO.CardChannel` requirement)
/// can only throw `CardIO.ChannelError`, so it passes channel errors through and reports secure messaging failures as
/// `CardIO.ChannelError.transport(_:)` with the failure's description, keeping the typed failure in ``lastFailure``.
/// After any secure messaging failure — a MAC that does not verify, an unprotected answer, the chip's own
/// `6987`/`6988` — the session is over: both sides' counters can no longer agree, or the chip has dropped its
/// keys, or someone on the link answers in the chip's place.
public final class SecureMessagingChannel: CardChannel {
    /// The channel underneath (the reader, a replay…).
    public let base: CardChannel
    /// The codec and its counter.
    public let session: SecureMessaging
    /// The last secure messaging failure, if any.
    public private(set) var lastFailure: SessionError?
    /// How many responses have verified under this session's keys (their DO'8E' MAC checked, ICAO 9303-11
    /// §9.8.5): the proof that the chip holds them, which chip authentication waits for.
    public private(set) var verifiedResponseCount = 0
    private var closedBy: SecureMessagingFailure?

    /// Wraps `base` with a session using `keys`, starting at `counter`.
    public init(base: CardChannel, keys: SecureMessagingKeys, counter: SendSequenceCounter) {
        self.base = base
        self.session = SecureMessaging(keys: keys, counter: counter)
    }

    /// The capabilities of the channel underneath, less the room the secure messaging objects take.
    public var capabilities: ChannelCapabilities {
        var c = base.capabilities
        // DO'87' header (up to 4 bytes) + padding (up to one block) + DO'99' (4) + DO'8E' (10).
        c.maxResponseLength = max(0, c.maxResponseLength - (4 + session.keys.cipher.blockSize + 4 + 10))
        return c
    }

    /// Whether the session is still usable.
    public var isOpen: Bool { closedBy == nil }

    /// Sends `command` protected and returns the opened response.
    public func send(_ command: CommandAPDU) throws(SessionError) -> ResponseAPDU {
        if let closedBy { throw .secureMessaging(closedBy) }
        let protected = try session.protect(command)
        let raw: ResponseAPDU
        do {
            raw = try base.transmit(protected)
        } catch {
            throw .channel(error, step: .secureMessaging)
        }
        let response: ResponseAPDU
        do {
            response = try session.unprotect(raw)
        } catch {
            lastFailure = error
            if case .secureMessaging(let failure) = error { closedBy = failure }
            throw error
        }
        // ``SecureMessaging/unprotect(_:)`` returns nothing whose MAC it has not verified.
        verifiedResponseCount += 1
        return response
    }

    public func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU {
        do {
            return try send(command)
        } catch {
            if case .channel(let underlying, _) = error { throw underlying }
            lastFailure = error
            throw .transport(error.description)
        }
    }
}
