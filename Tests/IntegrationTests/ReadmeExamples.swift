// The README's library examples, compiled (and, where no reader is needed, run) by the tests; ReadmeTests checks
// that the README shows exactly these lines. Edit both together.
import CCCD
import CCCDQR
import Foundation
import Testing

// README: read-a-card
func readmeReadACard() async throws {
    let trust = try TrustStore.load(paths: ["/etc/cccd/trust"])
    let key = AccessKey.can(try CardAccessNumber(personalIdNumber: "001099012345"))  // the CAN: its last six digits
    let result = try await CardSession.read(from: .reader("ACR"), key: key, trust: trust)
    print(result.record.fullName ?? "", result.record.dateOfBirth?.iso8601 ?? "")
    print(result.verdict)                              // accept, or reject / retry with the reasons
    if let jpeg = result.portrait?.jpeg { try Data(jpeg).write(to: URL(fileURLWithPath: "face.jpg")) }
}
// README: end

// README: progress
func readmeProgress() async throws {
    let trust = try TrustStore.load(paths: ["/etc/cccd/trust"])
    let key = AccessKey.can(try CardAccessNumber("012345"))
    let session = CardSession(source: .reader("ACR", waitForCard: .seconds(60)), key: key, trust: trust)
    for await event in session.progress {
        print(Int(event.fraction * 100), "%", event.kind)  // waiting for the card, each step, each file's bytes
    }
    do {
        let result = try await session.result                // cancelling this task cancels the read
        print(result.verdict.name, result.checks.chipAuthentication, result.checks.passive.signer ?? "")
    } catch {
        print(error.code, error.verdict?.name ?? "", error)  // CARD_REMOVED retry "the card was removed during DG2…"
    }
}
// README: end

// README: replay-a-trace
func readmeReplayATrace() async throws {
    let trace = try Trace(contentsOf: URL(fileURLWithPath: "Vectors/traces/nguyen-van-an-2021.json"))
    let result = try await CardSession.replay(trace, trust: TrustStore.load(paths: ["Vectors/pki/csca-a.pem"]))
    #expect(result.record.personalIdNumber == "001099012345")
    #expect(result.checks.passive.verdict == .passed)
    #expect(result.verdict.reasons.map(\.code) == [.replayed])   // a replay is never accept
}
// README: end

// README: check-a-dump
func readmeCheckADump() throws {
    let dump = try CardDump(contentsOf: "Vectors/dumps/nguyen-van-an-2021")
    let check = try dump.check(trust: TrustStore.load(paths: ["Vectors/pki/csca-a.pem"]))  // at its time of reading
    #expect(check.passive.verdict == .passed)
}
// README: end

// README: qr-images imports: CCCDQR, Foundation
func readmeQRImages() throws {
    let qr = try CardQRReader().read(path: "back.jpg").code      // a CardQRCode (CCCD's text parser), or a typed error
    let jp2 = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "face.jp2")))
    let face = try PortraitTranscoder.jpeg(from: jp2)              // (jpeg: [UInt8], sourceMediaType: "image/jp2")
    _ = (qr, face)
}
// README: end

/// The README's examples are these, and those that need no reader run.
@Suite struct ReadmeTests {
    @Test func theReadmeShowsTheseExamples_exactly() throws {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        var names: [String] = []
        let marker = "// README" + ": "
        for part in source.components(separatedBy: marker).dropFirst() where !part.hasPrefix("end") {
            let header = String(part.prefix { $0 != "\n" }).components(separatedBy: " imports: ")
            let name = header[0]
            let imports = header.count > 1 ? header[1].components(separatedBy: ", ") : ["CCCD"]
            let body = String(part.drop { $0 != "\n" }.dropFirst()).trimmingCharacters(in: .whitespacesAndNewlines)
            // The function's body, unindented, is what the README shows after `import CCCD`.
            var lines = body.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast()
            lines = lines.map { $0.hasPrefix("    ") ? $0.dropFirst(4) : $0 }[...]
            // Lines the README does not show: what only silences the compiler.
            lines = lines.filter { !$0.hasPrefix("_ = ") }[...]
            let block = "```swift\n" + imports.map { "import \($0)\n" }.joined() + "\n" + lines.joined(separator: "\n")
                + "\n```"
            let shown = readme.contains(block)
            #expect(shown, "the README lacks the example \(name), or it differs:\n\(block)")
            names.append(name)
        }
        #expect(names == ["read-a-card", "progress", "replay-a-trace", "check-a-dump", "qr-images"])
    }

    @Test func theTraceAndDumpExamples_run() async throws {
        try await readmeReplayATrace()
        try readmeCheckADump()
    }
}
