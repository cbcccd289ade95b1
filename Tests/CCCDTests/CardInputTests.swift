@testable import CCCD
import Testing

/// What a desk is given, as a scanner or a person types it.
@Suite struct CardInputTests {
    func can(_ key: AccessKey) -> String? {
        if case .can(let can) = key { return can.digits } else { return nil }
    }

    @Test func aScannedQR_withBOMAndCR_givesTheCANAndTheQR() throws {
        let input = try CardInput(parsing: "\u{FEFF}" + Domain.anQR + "\r\n")
        #expect(can(input.key) == "012345")
        #expect(input.qr?.fullName == "Nguyễn Văn An")
    }

    @Test func aTwelveDigitID_givesItsLastSixDigits() throws {
        let input = try CardInput(parsing: "001099012345")
        #expect(can(input.key) == "012345")
        #expect(input.qr == nil)
    }

    @Test func aSixDigitCAN_isTheCAN() throws {
        #expect(can(try CardInput(parsing: " 654321 ").key) == "654321")
    }

    @Test func anMRZKey_givesBAC_sKey() throws {
        guard case .mrz(let key) = try CardInput(parsing: "099012345,990315,390315").key else {
            Issue.record("not an MRZ key")
            return
        }
        #expect(key.documentNumber == "099012345" && key.dateOfBirth == "990315" && key.dateOfExpiry == "390315")
    }

    @Test func garbage_isUnrecognized() {
        #expect(throws: CCCDError.unrecognizedInput) { try CardInput(parsing: "hello") }
        #expect(throws: CCCDError.unrecognizedInput) { try CardInput(parsing: "12345") }
    }

    @Test func aBrokenQR_isAnInvalidQRText() {
        #expect(throws: CCCDError.self) { try CardInput(parsing: "001099012345|x") }
        do {
            _ = try CardInput(parsing: "001099012345|x")
        } catch {
            #expect(error.code == "QR_TEXT_INVALID")
        }
    }

    @Test func malformedKeys_areBadUsage_withoutTheSecret() {
        for text in ["12345", "12ab56"] {
            do {
                _ = try CardInput.can(text)
                Issue.record("\(text) accepted")
            } catch {
                #expect(error.kind.exitCode == 2)
                #expect(!error.description.contains(text))
            }
        }
        #expect(throws: CCCDError.self) { try CardInput.can(personalIdNumber: "00109901234") }
        #expect(throws: CCCDError.self) { try CardInput.mrzKey("099012345,9903,390315") }
    }
}
