import CardIO
import CCCD
import Foundation
import ICAOCrypto
import ICAOSession
import LDS
import Testing
import Verification
import VirtualCard

/// The whole read (CardReader) against variations of the virtual chip, in process: every PACE curve, every SM
/// cipher, big files, the link knobs, and the verdicts of genuine, altered and cloned chips.
@Suite struct ReadPipelineTests {
    static let trust = try! TrustStore.load(paths: [Repository.root.appendingPathComponent("Vectors/pki/csca-a.pem").path])

    /// PACE generic mapping on every standardized curve (ICAO 9303-11 Table 4, IDs 8…18).
    @Test(arguments: Array(8...18))
    func pace_onEveryStandardizedCurve(_ parameterID: Int) throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        let named = try #require(NamedCurve(rawValue: parameterID))
        configuration.pace = PACESettings(protocolOID: .idPACEECDHGMAESCBCCMAC128, curve: named)
        var infos = try SecurityInfos(cardAccess: card.files[0x011C]!).infos.filter {
            if case .pace = $0 { return false } else { return true }
        }
        infos.append(.pace(PACEInfo(protocolID: .idPACEECDHGMAESCBCCMAC128, version: 2, parameterID: parameterID)))
        configuration.files[0x011C] = SecurityInfos(infos).encoded()
        let channel = InProcessChannel(chip: EMRTDChip(configuration: configuration))
        let opened = try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        #expect(opened.access == .pace("PACE-ECDH-GM-AES-CBC-CMAC-128"))
        #expect(try opened.fileReader().read(.dataGroup(1)) == card.files[0x0101])
    }

    /// Secure messaging with every cipher PACE names: 3DES, AES-128, AES-192, AES-256.
    @Test(arguments: [OID.idPACEECDHGM3DESCBCCBC, .idPACEECDHGMAESCBCCMAC128, .idPACEECDHGMAESCBCCMAC192,
                      .idPACEECDHGMAESCBCCMAC256])
    func secureMessaging_withEveryCipher(_ protocolOID: OID) throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        configuration.pace = PACESettings(protocolOID: protocolOID, curve: .brainpoolP256r1)
        configuration.files[0x011C] = SecurityInfos([.pace(PACEInfo(protocolID: protocolOID, version: 2,
                                                                    parameterID: 13))]).encoded()
        configuration.acceptsExtendedLength = false
        let channel = InProcessChannel(chip: EMRTDChip(configuration: configuration))
        let opened = try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        #expect(try opened.fileReader().read(.dataGroup(2)) == card.files[0x0102])
    }

    /// A file past offset 32767 on a short-only link: the odd-INS READ BINARY (B1, DO'54'/DO'85'/DO'53') under
    /// secure messaging.
    @Test(arguments: [true, false])
    func bigFile_pastOffset32767_readsWithOddINS(_ aes: Bool) throws {
        let card = try Repository.card(aes ? "nguyen-van-an-2021.json" : "ly-tu-2024.json")
        var configuration = card.configuration
        configuration.acceptsExtendedLength = false
        // A 48 KB DG2: the same structure with a bigger image.
        var big = Array(card.files[0x0102]!)
        let extra = 48_000 - big.count
        var dg2 = try DataGroup2(bytes: big)
        let image = Array(dg2.faces[0].image) + [UInt8](repeating: 0xAB, count: extra)
        dg2 = DataGroup2(faces: [FaceImage(encoding: dg2.faces[0].encoding, width: dg2.faces[0].width,
                                           height: dg2.faces[0].height, image: image[...])])
        big = try dg2.encoded()
        configuration.files[0x0102] = big
        let chip = EMRTDChip(configuration: configuration)
        let recorder = RecordingChannel(wrapping: InProcessChannel(chip: chip))
        let opened = try ChipAccess.open(over: recorder, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        #expect(try opened.fileReader().read(.dataGroup(2)) == big)
        #expect(recorder.exchanges.contains { $0.command.count > 1 && $0.command[1] == 0xB1 })
    }

    @Test func chipThatReturnsLessThanAsked_isReadInItsSteps() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        configuration.maxReadLength = 1000
        let channel = InProcessChannel(chip: EMRTDChip(configuration: configuration))
        let result = try CardReader.read(over: channel, key: .can(card.cardAccessNumber))
        #expect(result.files[.dataGroup(2)] == card.files[0x0102])
    }

    @Test func latencyAndStall_inProcess_areWaitedOut() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let chip = FaultInjectingChip(wrapping: card.makeChip(),
                                      plan: .init(stall: (exchange: 9, seconds: 0.3), latencyMicros: 1000))
        let start = Date()
        let result = try CardReader.read(over: InProcessChannel(chip: chip), key: .can(card.cardAccessNumber))
        #expect(Date().timeIntervalSince(start) >= 0.3)
        #expect(result.files[.dataGroup(2)] == card.files[0x0102])
    }

    @Test func genuineCard_everyCheckPasses() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let result = try CardReader.read(over: InProcessChannel(chip: card.makeChip()),
                                         key: .can(card.cardAccessNumber), trust: Self.trust)
        #expect(result.checks.passive.verdict == .passed)
        #expect(result.checks.chipAuthentication == .passed)
        #expect(result.checks.activeAuthentication == .passed)
        #expect(result.link.commands == 17)
        #expect(result.verdict == .accept)
    }

    @Test func clonedChip_failsChipAndActiveAuthentication_butPassesPassive() throws {
        // Every file copied onto a chip with other keys: the data verifies, the chip does not.
        let card = try Repository.card("nguyen-van-an-2021.json")
        let other = try Repository.card("ho-ngoc-to-2024.json")
        var configuration = card.configuration
        configuration.chipAuthentication = other.configuration.chipAuthentication
        configuration.activeAuthentication = other.configuration.activeAuthentication
        let result = try CardReader.read(over: InProcessChannel(chip: EMRTDChip(configuration: configuration)),
                                         key: .can(card.cardAccessNumber), trust: Self.trust)
        #expect(result.checks.passive.verdict == .passed)
        if case .failed = result.checks.chipAuthentication {} else { Issue.record("CA: \(result.checks.chipAuthentication)") }
        if case .failed = result.checks.activeAuthentication {} else { Issue.record("AA: \(result.checks.activeAuthentication)") }
        #expect(result.verdict.reasons.map(\.code) == ["CHIP_AUTHENTICATION_FAILED", "ACTIVE_AUTHENTICATION_FAILED"])
    }

    @Test func sodSignedByTheWrongKey_failsPassiveAuthentication() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        let sod = try EFSOD(bytes: card.files[0x011D]!)
        let pki = Repository.root.appendingPathComponent("Vectors/pki")
        configuration.files[0x011D] = try Personalization.signSecurityObject(
            Array(sod.encapsulatedContent), digest: .sha256,
            certificate: Array(try Data(contentsOf: pki.appendingPathComponent("ds-good.der"))),
            privateKey: Array(try Data(contentsOf: pki.appendingPathComponent("ds-other.key.der"))))
        let result = try CardReader.read(over: InProcessChannel(chip: EMRTDChip(configuration: configuration)),
                                         key: .can(card.cardAccessNumber), trust: Self.trust)
        #expect(result.checks.passive.verdict == .failed)
        #expect(result.checks.passive.problems.map(\.code).contains("SOD_SIGNATURE_INVALID"))
        #expect(result.verdict.reasons.map(\.code).contains("SOD_SIGNATURE_INVALID"))
    }

    @Test func flippedDataGroupByte_failsPassiveAuthentication_namingIt() throws {
        let card = try Repository.card("ho-ngoc-to-2024.json")
        var configuration = card.configuration
        configuration.files[0x0101]![20] ^= 0x01
        let result = try CardReader.read(over: InProcessChannel(chip: EMRTDChip(configuration: configuration)),
                                         key: .can(card.cardAccessNumber), trust: Self.trust)
        #expect(result.checks.passive.problems.contains { $0.code == "DG_HASH_MISMATCH" && $0.field == "DG1" })
    }

    @Test func noTrustAnchor_stillChecksHashesAndSignature() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let result = try CardReader.read(over: InProcessChannel(chip: card.makeChip()),
                                         key: .can(card.cardAccessNumber), trust: nil)
        #expect(result.checks.passive.verdict == .noTrustAnchor)
        #expect(result.checks.passive.signature == .passed)
        #expect(result.checks.passive.dataGroups.values.allSatisfy { $0 == .passed })
        #expect(result.verdict.reasons.map(\.code) == ["NO_TRUST_ANCHOR"])
    }

    @Test func level1_yearOnlyBirth_andExpiredCard() throws {
        // Born "2001" on the chip, 01012001 in the QR: they agree; the card expired on 2026-01-01.
        let card = try Repository.card("truong-thuy-duong-2021.json")
        let result = try CardReader.read(over: InProcessChannel(chip: card.makeChip()),
                                         key: .can(card.cardAccessNumber), trust: Self.trust,
                                         qr: try CardQRCode(text: card.description.qr!),
                                         readAt: ISO8601.date("2026-11-23T10:00:00Z")!)
        #expect(result.verdict.reasons.map(\.code) == ["DOCUMENT_EXPIRED"])
        let payload = try Level1Payload(result: result, contact: .init(phone: "+84912345678"), allowUnverified: false)
        #expect(payload.status == .rejected)
        #expect(payload.problems.map(\.code) == ["DOCUMENT_EXPIRED"])
        guard case .object(let members) = payload.json, case .object(let subject)? = members.first(where: { $0.0 == "subject" })?.1
        else { Issue.record("no subject"); return }
        #expect(subject.first { $0.0 == "dateOfBirth" }?.1 == .string("2001"))
    }
}

@Suite struct LinkRecoveryTests {
    /// The card slips off mid-read and comes back: the session is re-opened and the file resumed where it stopped.
    @Test func cardDroppedMidFile_isReopened_andResumed_inProcess() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        configuration.acceptsExtendedLength = false
        // Exchanges: EF.CardAccess 2 (probe + short), PACE 5, SELECT 1, EF.COM 1, EF.SOD 5, DG1 1, then DG2's reads.
        let chip = FaultInjectingChip(wrapping: EMRTDChip(configuration: configuration),
                                      plan: .init(removeAtExchange: 40))
        let recorder = RecordingChannel(wrapping: InProcessChannel(chip: chip))
        let result = try CardReader.read(over: recorder, key: .can(card.cardAccessNumber))
        for file in ReadOptions.allFiles { #expect(result.files[file] == card.files[file.fileIdentifier!], "\(file)") }
        // PACE ran twice: once at the start, once after the card came back.
        #expect(recorder.exchanges.filter { $0.command.starts(with: [0x00, 0x22, 0xC1, 0xA4]) }.count == 2)
        #expect(result.checks.chipAuthentication == .passed && result.checks.activeAuthentication == .passed)
        #expect(result.link.reopenings == 1)
    }
}

extension RealPCSCD {
    @Suite struct LinkRecoveryPCSCTests {
        /// Through pcscd: the card leaves the reader (in the middle of DG2, or of EF.SOD, or at the start of DG2's
        /// reads) and is put back 0.8 or 0.3 seconds later. The quick put-backs are the desk soak's: pcscd's own
        /// insertion handling powers the card up again after the reader's reconnect, and a read that started its
        /// session before that lost it (`SCARD_E_PROTO_MISMATCH`, then `LINK_FAILED`, in a fifth of them).
        @Test(arguments: [(30, 0.8), (12, 0.3), (20, 0.3), (30, 0.3), (38, 0.3), (45, 0.3)])
        func cardTakenAwayAndPutBack_midRead_theReadCompletes(removeAt: Int, putBackAfter: Double) throws {
            let card = try Repository.card("he-le-khue-2024.json")
            var configuration = card.configuration
            configuration.acceptsExtendedLength = false
            let chip = FaultInjectingChip(wrapping: EMRTDChip(configuration: configuration),
                                          plan: .init(removeAtExchange: removeAt))
            let first = try PCSCDaemon.insert(chip)
            let pcsc = try PCSCContext().connect(reader: PCSCDaemon.reader1)
            // Put the card back once it has left.
            let putBack = DispatchSemaphore(value: 0)
            let holder = ConnectionHolder()
            let again = VPCDConnection(chip: chip, port: PCSCDaemon.port(of: PCSCDaemon.reader1))
            Thread.detachNewThread {
                let deadline = Date().addingTimeInterval(20)
                while first.isConnected && Date() < deadline { usleep(20_000) }
                usleep(useconds_t(putBackAfter * 1_000_000))
                if (try? again.connect(timeout: 5)) != nil {
                    again.serveInBackground()
                    holder.connection = again
                }
                putBack.signal()
            }
            let readout = try CardReader.read(over: pcsc, key: .can(card.cardAccessNumber))
            _ = putBack.wait(timeout: .now() + 10)
            defer {
                holder.connection?.disconnect()
                try? PCSCDaemon.waitUntil(PCSCDaemon.reader1, present: false)
            }
            #expect(readout.files[.dataGroup(2)] == card.files[0x0102])
            #expect(readout.files[.dataGroup(15)] == card.files[0x010F])
        }
    }
}

final class ConnectionHolder: @unchecked Sendable {
    var connection: VPCDConnection?
}
