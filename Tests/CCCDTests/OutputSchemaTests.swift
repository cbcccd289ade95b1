@testable import CCCD
import Foundation
import Testing

/// Every JSON document of the library against its schema in Schemas/, success and failure.
@Suite struct OutputSchemaTests {
    @Test func theLevel1Schema_isTheSharedOne() throws {
        let ours = try Data(contentsOf: URL(fileURLWithPath: Domain.path("Schemas/cccd-level1-1.schema.json")))
        let shared = try Data(contentsOf: Domain.root.deletingLastPathComponent().appendingPathComponent("shared/level1.schema.json"))
        #expect(ours == shared)
    }

    @Test func everyOutputInUse_hasASchemaFile_namingItself() throws {
        for schema in OutputSchema.allCases where schema != .desk {
            let url = URL(fileURLWithPath: Domain.path("Schemas/\(schema.fileName)"))
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
            #expect(object?["$id"] as? String == schema.rawValue, "\(schema)")
        }
    }

    @Test(arguments: ["nguyen-van-an-2021", "dam-anh-hang-2021", "he-le-khue-2024", "ho-ngoc-to-2024", "ly-tu-2024",
                      "truong-thuy-duong-2021"])
    func aRead_ofEveryVirtualCard_validates(_ card: String) throws {
        let result = try Domain.result(card)
        try Domain.validate([CardReport.json(result).serialized(), CardReport.json(result, portrait: false).serialized()],
                            against: .read)
    }

    @Test func aRejectedRead_aReplay_andAReadWithoutFiles_validate() throws {
        let rejected = try Domain.result(qr: Domain.anQR.replacingOccurrences(of: "15031999", with: "15031998"),
                                         chip: .failed(reason: "x")) { $0[.dataGroup(13)]![40] ^= 1 }
        let replay = try Domain.result(source: .replay)
        let empty = CardReadResult(files: [:], chipAuthentication: .notSupported(reason: "not run"),
                                   activeAuthentication: .notSupported(reason: "not run"), trust: nil,
                                   readAt: Date(), source: .live)
        #expect(empty.verdict.reasons.map(\.code).contains("SOD_MISSING"))
        try Domain.validate([rejected, replay, empty].map { CardReport.json($0).serialized() }, against: .read)
    }

    @Test func theReaderList_validates() throws {
        let readers = [ReaderStatus(name: "Virtual PCD 00 00", cardPresent: true, atr: [0x3B, 0x88, 0x80, 0x01]),
                       ReaderStatus(name: "Virtual PCD 00 01", cardPresent: false)]
        try Domain.validate([ReaderList.json(readers).serialized(), ReaderList.json([]).serialized()], against: .readers)
    }

    /// One of every failure.
    static let failures: [CCCDError] = [
        .pcscUnavailable, .noReader, .noCard(reader: "Virtual PCD 00 00"), .noCard(reader: nil),
        .cardRemoved(during: .readFile(.dataGroup(2))), .linkFailed(.timeout, during: .chipAuthentication),
        .linkFailed(.readerUnavailable("unplugged"), during: .connect), .cancelled,
        .readerNotFound("ACR", available: ["Virtual PCD 00 00"]), .ambiguousReader("PCD", matches: ["a", "b"]),
        .invalidAccessKey(.cardAccessNumberNotSixDigits), .accessKeyMissing, .mrzKeyForm, .unrecognizedInput, .invalidQRText(.empty), .dumpExists(path: "d"),
        .invalidFileList("dg99"), .accessDenied, .chipProtocol(.secureMessaging(.macMismatch), during: .readCardAccess),
        .notSupported("PACE-IM"), .payloadIncomplete(missing: ["portrait"]), .trace(.unsupportedFormat("cccd-trace/9")),
        .traceWithoutAccess, .replayDiverged(index: 12, expected: [0x0C, 0xB0], actual: [0x0C, 0xB1]),
        .replayExhausted(exchanges: 17), .replayUnfinished(used: 3, recorded: 17),
        .replayEntropy(.exhausted(draws: 2)), .replayExpectation(file: "DG1"),
        .dumpUnreadable(path: "d", reason: "no EF.SOD.bin"),
        .trust(TrustStoreError(path: "x.pem", reason: .unreadable("no such file"))), .cannotWrite(path: "p", reason: "r"),
        .internalFailure("x"),
    ]

    @Test func everyFailure_validatesAsCCCDError1_withAStableCode() throws {
        var codes: Set<String> = []
        try Domain.validate(Self.failures.map { ErrorReport.json($0).serialized() }, against: .error)
        for failure in Self.failures {
            #expect(failure.code.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" }, "\(failure.code)")
            #expect(!failure.description.isEmpty && !failure.description.contains("\n"))
            codes.insert(failure.code)
        }
        // One code per case (the two "no card" share theirs; a time-out has its own).
        #expect(codes.count == Self.failures.count - 1)
    }

    @Test func exitCodes_followTheKinds_ofCLI_md() {
        #expect(FailureKind.allCases.map(\.exitCode) == [1, 2, 3, 4, 5, 6])
        let expected: [String: Int32] = [
            "PCSC_UNAVAILABLE": 3, "NO_READER": 3, "NO_CARD": 3, "CARD_REMOVED": 3, "LINK_TIMEOUT": 3, "LINK_FAILED": 3,
            "CANCELLED": 3, "READER_NOT_FOUND": 2, "READER_AMBIGUOUS": 2, "ACCESS_KEY_INVALID": 2,
            "INPUT_UNRECOGNIZED": 2, "ACCESS_KEY_MISSING": 2, "MRZ_KEY_FORM": 2, "QR_TEXT_INVALID": 2, "DUMP_EXISTS": 2, "FILE_LIST_INVALID": 2,
            "ACCESS_DENIED": 4, "CHIP_PROTOCOL_FAILED": 5, "CHIP_NOT_SUPPORTED": 5, "LEVEL1_INCOMPLETE": 5,
            "TRACE_MALFORMED": 6, "TRACE_ACCESS_MISSING": 6, "REPLAY_DIVERGED": 6, "REPLAY_EXHAUSTED": 6,
            "REPLAY_UNFINISHED": 6, "REPLAY_ENTROPY_MISMATCH": 6, "REPLAY_EXPECTATION_FAILED": 6, "DUMP_UNREADABLE": 6,
            "TRUST_UNREADABLE": 6, "WRITE_FAILED": 6, "INTERNAL": 1,
        ]
        for failure in Self.failures {
            #expect(failure.kind.exitCode == expected[failure.code], "\(failure.code)")
        }
    }
}
