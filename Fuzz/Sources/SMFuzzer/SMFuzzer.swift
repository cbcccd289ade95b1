// libFuzzer entry point for the session layer: secure messaging unwrapping (ICAO 9303-11 §9.8.5), with answers
// as they come and with answers whose MAC the harness makes verify (so the fuzzer reaches the data objects'
// structure, the decryption and the padding), the file reader and PACE over a chip whose answers are the input,
// and active authentication's signature checks. The first byte picks the target; nothing may crash, hang or
// allocate without bound, and an answer secure messaging accepts must be what the harness encrypted.
import CardIO
import FuzzSupport
import ICAOCrypto
import ICAOSession
import LDS

enum Target: UInt8, CaseIterable {
    case unprotectRaw, unprotectSigned, unprotectCryptogram, fileReader, pace, activeAuthentication
}

let ciphers: [SymmetricCipher] = [.tripleDES, .aes128, .aes256]
let keysByCipher: [SymmetricCipher: SecureMessagingKeys] = Dictionary(uniqueKeysWithValues: ciphers.map { cipher in
    (cipher, try! SecureMessagingKeys(cipher: cipher,
                                      encryptionKey: (0..<cipher.keyLength).map { UInt8(truncatingIfNeeded: $0 &* 17) },
                                      macKey: (0..<cipher.keyLength).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 5) }))
})

@inline(never)
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// The codec after sending one command, its counter where the chip's answer is checked.
func codec(_ cipher: SymmetricCipher) -> SecureMessaging {
    let sm = SecureMessaging(keys: keysByCipher[cipher]!, counter: .zero(length: cipher.blockSize))
    _ = try! sm.protect(.readBinary(shortFileIdentifier: 0x01, expectedLength: 0xDF))
    return sm
}

/// The MAC a chip holding the keys puts in DO'8E' (9303-11 §9.8.6) over SSC ‖ `objects`.
func mac(_ cipher: SymmetricCipher, counter: [UInt8], _ objects: [UInt8]) -> [UInt8] {
    let keys = keysByCipher[cipher]!
    let padded = ISO9797Padding.pad(counter + objects, blockSize: cipher.blockSize)
    switch cipher {
    case .tripleDES: return try! RetailMAC.mac(key: keys.macKey, paddedMessage: padded)
    default: return try! AESCMAC.mac(key: keys.macKey, message: padded, length: 8)
    }
}

func counterAfterOneCommand(_ cipher: SymmetricCipher) -> [UInt8] {
    var c = SendSequenceCounter.zero(length: cipher.blockSize)
    c.increment()
    c.increment()
    return c.bytes
}

func length(_ n: Int) -> [UInt8] {
    n < 0x80 ? [UInt8(n)] : n < 0x100 ? [0x81, UInt8(n)] : [0x82, UInt8(n >> 8), UInt8(n & 0xFF)]
}

/// A chip whose answers are the input: two length bytes and the answer, again and again; then it leaves.
final class FuzzedChannel: CardChannel {
    var answers: [[UInt8]]
    init(_ bytes: [UInt8]) {
        var out: [[UInt8]] = []
        var i = 0
        while i + 2 <= bytes.count {
            let n = Int(bytes[i]) << 8 | Int(bytes[i + 1])
            let end = min(bytes.count, i + 2 + n)
            out.append(Array(bytes[(i + 2)..<end]))
            i = end
        }
        answers = out.reversed()
    }
    func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU {
        guard let next = answers.popLast() else { throw .cardRemoved }
        do { return try ResponseAPDU(encoded: next) } catch { throw .transport("short answer") }
    }
}

final class FixedEntropy: EntropySource {
    func draw(_ count: Int) throws(EntropyError) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &+ 0x42) } }
}

/// DG15 of Vectors/icao/aa-vectors.json (the RSA key of Vectors/pki/aa-rsa-1024.key).
let rsaDG15 = try! DataGroup15(bytes: try! [UInt8](hex: "6F81A230819F300D06092A864886F70D010101050003818D0030818902818100FCBFEE6113C767E362A42D850AC7F6BCF0F2BC370856262364E17C3FC042B4BB4952599B50C3DA622A791C3A358B9D711DA41AEE50C897D5A945C79591B17C9F2E8AE848EE6CDB8016B2DD74F7A453E38D60E4AB9AF901AB27145A8D2CCA1271D9D4535CE3949AE6438BA62956C86882C64CCC38986AC25B1C0BF1022C47F7990203010001"))

func fuzz(_ target: Target, _ selector: UInt8, _ bytes: [UInt8]) {
    let cipher = ciphers[Int(selector >> 4) % ciphers.count]
    switch target {
    case .unprotectRaw:
        guard let response = try? ResponseAPDU(encoded: bytes) else { return }
        _ = try? codec(cipher).unprotect(response)
    case .unprotectSigned:
        // The input is the data objects before DO'8E' and the status word: the harness adds the MAC.
        guard bytes.count >= 2 else { return }
        let objects = Array(bytes.dropLast(2))
        let data = objects + [0x8E, 0x08] + mac(cipher, counter: counterAfterOneCommand(cipher), objects)
        _ = try? codec(cipher).unprotect(ResponseAPDU(data: data, statusWord: StatusWord(sw1: bytes[bytes.count - 2],
                                                                                          sw2: bytes[bytes.count - 1])))
    case .unprotectCryptogram:
        // The input is a status word and a plaintext, encrypted whole blocks as they are (no padding added), in
        // DO'87' with DO'99' and a valid MAC: any unpadding must return exactly the plaintext without its padding.
        guard bytes.count >= 2 + cipher.blockSize else { return }
        let status = Array(bytes.prefix(2))
        var plain = Array(bytes.dropFirst(2))
        plain.removeLast(plain.count % cipher.blockSize)
        let keys = keysByCipher[cipher]!
        let counter = counterAfterOneCommand(cipher)
        let mode: BlockCipher.Mode = cipher == .tripleDES ? .cbcZeroIV(.tripleDES)
            : .cbc(iv: try! BlockCipher.encrypt(counter, key: keys.encryptionKey, family: .aes, mode: .ecb))
        let cryptogram = try! BlockCipher.encrypt(plain, key: keys.encryptionKey, family: cipher.family, mode: mode)
        let objects = [0x87] + length(cryptogram.count + 1) + [0x01] + cryptogram + [0x99, 0x02] + status
        let data = objects + [0x8E, 0x08] + mac(cipher, counter: counter, objects)
        let response = ResponseAPDU(data: data, statusWord: StatusWord(sw1: status[0], sw2: status[1]))
        if let opened = try? codec(cipher).unprotect(response) {
            require(ISO9797Padding.pad(opened.data, blockSize: cipher.blockSize) == plain,
                    "secure messaging returned data that is not the plaintext unpadded")
            require(opened.statusWord == StatusWord(sw1: status[0], sw2: status[1]), "status word changed")
        }
    case .fileReader:
        let reader = FileReader(channel: FuzzedChannel(bytes), extendedLength: selector & 0x10 != 0,
                                shortLimit: 0xDF)
        reader.reopen = { () throws(SessionError) -> CardChannel in FuzzedChannel(bytes) }
        for file in [ElementaryFile.com, .dataGroup(1), .dataGroup(2)] {
            if let content = try? reader.read(file) {
                require(content.count <= FileReader.maximumFileLength, "file longer than the reader allows")
            }
        }
    case .pace:
        let oid = ["0.4.0.127.0.7.2.2.4.2.1", "0.4.0.127.0.7.2.2.4.2.2", "0.4.0.127.0.7.2.2.4.2.4"][Int(selector >> 4) % 3]
        _ = try? PACE.establish(over: FuzzedChannel(bytes), key: .can(try! CardAccessNumber("123456")),
                                protocolOID: oid, parameterID: [12, 13, 16][Int(selector >> 6) % 3],
                                entropy: FixedEntropy())
    case .activeAuthentication:
        let challenge: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        _ = ActiveAuthentication.verify(signature: bytes, challenge: challenge, dg15: rsaDG15, signatureAlgorithm: nil)
    }
}

// SwiftPM links an executable's entry point as `SMFuzzer_main`: it hands libFuzzer's driver the harness.
@_cdecl("SMFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { selector, bytes in
        fuzz(Target(rawValue: (selector & 0x0F) % UInt8(Target.allCases.count))!, selector, bytes)
    }
}
