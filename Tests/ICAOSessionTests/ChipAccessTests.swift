import CardIO
import ICAOCrypto
import LDS
import Testing
import VirtualCard
@testable import ICAOSession

/// No downgrade (ICAO 9303-11 §4.2): when EF.CardAccess offers PACE, BAC follows only the chip's own refusal of
/// PACE; a transport error, a malformed answer, a stray 6Fxx or a failed proof during PACE ends the opening.
@Suite struct NoDowngradeTests {
    /// The standard card (PACE-ECDH-GM-AES-128, BAC besides) opened with its MRZ through `plan`.
    func open(_ plan: FaultInjectingChip.Plan) throws -> (InstructionLog, () throws -> OpenedChip) {
        let card = try Cards.standard()
        let (channel, _) = inProcess(card.makeChip(), plan)
        let log = InstructionLog(channel)
        let key = try card.mrzKey()
        return (log, { try ChipAccess.open(over: log, key: key, entropy: SystemEntropy()) })
    }

    @Test func chipRefusingMSESetAT_fallsBackToBAC_andSaysSo() throws {
        let card = try Cards.standard()
        let (log, open) = try open(.init(rules: [.init(.replace(.referencedDataNotFound), instruction: 0x22)]))
        let opened = try open()
        #expect(opened.access == .bac(reason: "the chip refused PACE: MSE:Set AT answered 6A88"))
        #expect(opened.paceOffered)
        #expect(opened.isBACOnPACEChip)
        #expect(log.triedBAC)
        #expect(try opened.fileReader().read(.dataGroup(1)) == card.file(.dataGroup(1)))
    }

    @Test func chipRefusingAGeneralAuthenticateStep_fallsBackToBAC() throws {
        let (_, open) = try open(.init(rules: [.init(.replace(.conditionsNotSatisfied), instruction: 0x86, skip: 1)]))
        let opened = try open()
        #expect(opened.access == .bac(reason: "the chip refused PACE: GENERAL AUTHENTICATE (map nonce) answered 6985"))
        #expect(opened.isBACOnPACEChip)
    }

    @Test func chipRefusingPACE_withTheCAN_cannotFallBack() throws {
        let card = try Cards.standard()
        let (channel, _) = inProcess(card.makeChip(), .init(rules: [.init(.replace(.referencedDataNotFound),
                                                                          instruction: 0x22)]))
        #expect(throws: SessionError.notSupported(
            "PACE was not possible (the chip refused PACE: MSE:Set AT answered 6A88), and BAC needs the MRZ")) {
            try ChipAccess.open(over: channel, key: card.canKey, entropy: SystemEntropy())
        }
    }

    @Test func transactionFailedDuringPACE_isALinkError_notBAC() throws {
        let (log, open) = try open(.init(rules: [.init(.transactionFailed, instruction: 0x86, skip: 1)]))
        let error = expectSessionError({ _ = try open() }) { $0 == .channel(.transactionFailed, step: .mapNonce) }
        #expect(error?.isTransientLinkFailure == true)
        #expect(!log.triedBAC)
    }

    @Test func garbageDuringPACE_isALinkError_notBAC() throws {
        let (log, open) = try open(.init(rules: [.init(.garbage, instruction: 0x86, skip: 2)]))
        expectSessionError({ _ = try open() }) {
            if case .channel(.transport, .keyAgreement) = $0 { return $0.isTransientLinkFailure }
            return false
        }
        #expect(!log.triedBAC)
    }

    @Test func stray6F00DuringPACE_isNotTheChipsRefusal() throws {
        let (log, open) = try open(.init(rules: [.init(.replace(.noPreciseDiagnosis), instruction: 0x86)]))
        let error = expectSessionError({ _ = try open() }) {
            $0 == .cardRefused(step: .encryptedNonce, status: .noPreciseDiagnosis)
        }
        #expect(error?.isTransientLinkFailure == true)
        #expect(!log.triedBAC)
    }

    @Test func corruptedMappingKey_isRejected_notBAC() throws {
        let (log, open) = try open(.init(rules: [.init(.corrupt, instruction: 0x86, skip: 1)]))
        expectSessionError({ _ = try open() }) {
            if case .invalidChipKey(.mapNonce, _) = $0 { return !$0.isTransientLinkFailure }
            return false
        }
        #expect(!log.triedBAC)
    }

    @Test func corruptedToken_isRejected_notBAC() throws {
        let (log, open) = try open(.init(rules: [.init(.corrupt, instruction: 0x86, skip: 3)]))
        #expect(throws: SessionError.chipAuthenticationFailed(step: .mutualAuthentication, reason: .tokenMismatch)) {
            try open()
        }
        #expect(!log.triedBAC)
    }

    @Test func wrongMRZ_inPACE_isWrongPassword_notBAC() throws {
        let card = try Cards.standard()
        let log = InstructionLog(InProcessChannel(chip: card.makeChip()))
        let wrong = try MRZKey(documentNumber: "099012345", dateOfBirth: "990316", dateOfExpiry: "390315")
        #expect(throws: SessionError.wrongPassword(step: .mutualAuthentication)) {
            try ChipAccess.open(over: log, key: .mrz(wrong), entropy: SystemEntropy())
        }
        #expect(!log.triedBAC)
    }

    /// A chip offering only a PACE this library does not run (integrated mapping): BAC without an attempt, and the
    /// session says it is BAC on a PACE chip.
    @Test func unsupportedPACEOnly_isBAC_flagged() throws {
        let card = try Cards.standard()
        var configuration = card.configuration
        configuration.files[0x011C] = hx("31143012060A04007F0007020204040202010202010D")
        let log = InstructionLog(InProcessChannel(chip: EMRTDChip(configuration: configuration)))
        let opened = try ChipAccess.open(over: log, key: try card.mrzKey(), entropy: SystemEntropy())
        #expect(opened.access == .bac(reason: "the chip offers no PACE protocol this library runs"))
        #expect(opened.isBACOnPACEChip)
        #expect(!log.instructions.contains(0x22))
    }

    @Test func chipWithoutCardAccess_isBAC_notFlagged() throws {
        let card = try Cards.standard()
        var configuration = card.configuration
        configuration.pace = nil
        configuration.files[0x011C] = nil
        let opened = try ChipAccess.open(over: InProcessChannel(chip: EMRTDChip(configuration: configuration)),
                                         key: try card.mrzKey(), entropy: SystemEntropy())
        #expect(opened.access == .bac(reason: "the chip offers no PACE"))
        #expect(!opened.paceOffered)
        #expect(!opened.isBACOnPACEChip)
        // A chip without EF.CardAccess says nothing about extended length: it is tried.
        #expect(opened.extendedLength)
    }

    @Test func genuinePACE_isNotFlagged() throws {
        let card = try Cards.standard()
        let opened = try ChipAccess.open(over: InProcessChannel(chip: card.makeChip()), key: card.canKey,
                                         entropy: SystemEntropy())
        #expect(opened.access == .pace("PACE-ECDH-GM-AES-CBC-CMAC-128"))
        #expect(!opened.isBACOnPACEChip)
    }

    /// Which PACE failures are the chip's own refusal: its status words at the PACE steps, not 6Fxx, not 63xx.
    @Test func chipRefusal_isDecidedByStepAndStatus() {
        #expect(ChipAccess.isChipRefusalOfPACE(.cardRefused(step: .mseSetAT, status: .incorrectData)))
        #expect(ChipAccess.isChipRefusalOfPACE(.cardRefused(step: .keyAgreement, status: .conditionsNotSatisfied)))
        #expect(!ChipAccess.isChipRefusalOfPACE(.cardRefused(step: .mseSetAT, status: .noPreciseDiagnosis)))
        #expect(!ChipAccess.isChipRefusalOfPACE(.cardRefused(step: .selectApplication, status: .fileNotFound)))
        #expect(!ChipAccess.isChipRefusalOfPACE(.wrongPassword(step: .mutualAuthentication)))
        #expect(!ChipAccess.isChipRefusalOfPACE(.channel(.transactionFailed, step: .mseSetAT)))
        #expect(!ChipAccess.isChipRefusalOfPACE(.malformedResponse(step: .mapNonce, reason: "x")))
    }
}
