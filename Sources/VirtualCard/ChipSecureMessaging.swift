import CardIO
import ICAOCrypto
import LDS

/// The chip's half of secure messaging (ICAO 9303-11 §9.8): it unwraps protected commands and protects responses.
///
/// Written from the specification on the card's side, independently of the terminal's implementation in
/// `ICAOSession`, so that a shared misreading of the spec shows up as a failed exchange instead of agreeing with
/// itself. Both are held to ICAO 9303-11 Appendix D.4 and G.
final class ChipSecureMessaging {
    let cipher: SymmetricCipher
    private let encryptionKey: [UInt8]
    private let macKey: [UInt8]
    /// The send sequence counter, 8 bytes for 3DES and 16 for AES (ICAO 9303-11 §9.8.2).
    private(set) var sendSequenceCounter: [UInt8]

    init(cipher: SymmetricCipher, encryptionKey: [UInt8], macKey: [UInt8], sendSequenceCounter: [UInt8]) {
        self.cipher = cipher
        self.encryptionKey = encryptionKey
        self.macKey = macKey
        self.sendSequenceCounter = sendSequenceCounter
    }

    /// Why a protected command was refused; the chip answers the status word in plain and ends the session.
    enum Refusal: Error {
        case missingObjects  // 6987
        case incorrectObjects  // 6988
    }

    private var blockSize: Int { cipher.blockSize }

    private func incrementCounter() {
        var i = sendSequenceCounter.count - 1
        while i >= 0 {
            sendSequenceCounter[i] &+= 1
            if sendSequenceCounter[i] != 0 { break }
            i -= 1
        }
    }

    /// §9.8.6.2: the MAC over pad(SSC ‖ data): retail MAC for 3DES, CMAC truncated to 8 bytes for AES.
    private func mac(_ data: [UInt8]) throws -> [UInt8] {
        let input = ISO9797Padding.pad(sendSequenceCounter + data, blockSize: blockSize)
        switch cipher {
        case .tripleDES:
            return try RetailMAC.mac(key: macKey, paddedMessage: input)
        default:
            return try AESCMAC.mac(key: macKey, message: input, length: 8)
        }
    }

    /// §9.8.6.1: 3DES-CBC with a zero IV; AES-CBC with IV = E(K_enc, SSC).
    private func iv() throws -> [UInt8] {
        switch cipher {
        case .tripleDES:
            return [UInt8](repeating: 0, count: 8)
        default:
            return try BlockCipher.encrypt(sendSequenceCounter, key: encryptionKey, family: .aes, mode: .ecb)
        }
    }

    /// Unwraps a protected command, checking its MAC under the next SSC; returns the plain command.
    func unwrap(_ command: CommandAPDU) throws(Refusal) -> CommandAPDU {
        guard command.cla & 0x0C == 0x0C else { throw .missingObjects }
        incrementCounter()
        var cryptogram: (tag: UInt8, bytes: [UInt8])?
        var le: [UInt8]?
        var checksum: [UInt8]?
        var macInput: [UInt8] = []
        do {
            let reader = BERReader(command.data)
            var cursor = reader.topLevel()
            while let element = try cursor.next() {
                let value = Array(reader.value(of: element))
                switch element.tag.rawValue {
                case 0x87, 0x85:
                    guard cryptogram == nil, checksum == nil else { throw Refusal.incorrectObjects }
                    cryptogram = (UInt8(element.tag.rawValue), value)
                    macInput += reader.encoded(element)
                case 0x97:
                    guard le == nil, checksum == nil, value.count <= 2 else { throw Refusal.incorrectObjects }
                    le = value
                    macInput += reader.encoded(element)
                case 0x8E:
                    guard checksum == nil, value.count == 8 else { throw Refusal.incorrectObjects }
                    checksum = value
                default:
                    throw Refusal.incorrectObjects
                }
            }
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw .incorrectObjects
        }
        guard let checksum else { throw .missingObjects }
        let header = ISO9797Padding.pad([command.cla, command.ins, command.p1, command.p2], blockSize: blockSize)
        guard let expected = try? mac(header + macInput), expected == checksum else { throw .incorrectObjects }

        var plain = CommandAPDU(cla: command.cla & ~0x0C, ins: command.ins, p1: command.p1, p2: command.p2,
                                prefersExtendedLength: command.prefersExtendedLength)
        if let cryptogram {
            var encrypted = cryptogram.bytes
            if cryptogram.tag == 0x87 {
                // DO'87' starts with the padding-content indicator 01.
                guard encrypted.first == 0x01 else { throw .incorrectObjects }
                encrypted.removeFirst()
            }
            guard !encrypted.isEmpty, encrypted.count % blockSize == 0,
                  let padded = try? BlockCipher.decrypt(encrypted, key: encryptionKey, family: cipher.family,
                                                        mode: .cbc(iv: iv())),
                  let data = try? ISO9797Padding.unpad(padded, blockSize: blockSize)
            else { throw .incorrectObjects }
            plain.data = data
        }
        if let le {
            let value = le.reduce(0) { $0 << 8 | Int($1) }
            plain.expectedLength = value == 0 ? (le.count == 1 ? 256 : 65536) : value
            plain.prefersExtendedLength = le.count == 2
        }
        return plain
    }

    /// Protects a response: DO'87' (or DO'85' for an odd INS) with the encrypted data, DO'99' with the status word,
    /// DO'8E' with the MAC under the next SSC.
    func wrap(data: [UInt8], status: StatusWord, oddInstruction: Bool) throws -> [UInt8] {
        incrementCounter()
        var objects = TLVWriter()
        if !data.isEmpty {
            let encrypted = try BlockCipher.encrypt(ISO9797Padding.pad(data, blockSize: blockSize),
                                                    key: encryptionKey, family: cipher.family, mode: .cbc(iv: iv()))
            if oddInstruction {
                objects.append(BERTag(rawValue: 0x85), value: encrypted)
            } else {
                objects.append(BERTag(rawValue: 0x87), value: [0x01] + encrypted)
            }
        }
        objects.append(BERTag(rawValue: 0x99), value: [status.sw1, status.sw2])
        let checksum = try mac(objects.bytes)
        objects.append(BERTag(rawValue: 0x8E), value: checksum)
        return objects.bytes + [status.sw1, status.sw2]
    }
}
