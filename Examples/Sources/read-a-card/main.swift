// Reads the card on a reader: `read-a-card READER CAN [TRUST]`, e.g. `read-a-card ACR 012345 /etc/cccd/trust`.
import CCCD
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print("usage: read-a-card READER CAN [TRUST]")
    exit(2)
}
do {
    let trust = arguments.count > 3 ? try TrustStore.load(paths: [arguments[3]]) : nil
    let session = CardSession(source: .reader(.named(arguments[1]), waitForCard: .seconds(30)),
                              key: try CardInput.can(arguments[2]), trust: trust)
    for await event in session.progress { print(Int(event.fraction * 100), "%") }
    let result = try await session.result
    print(result.record.fullName ?? "?", result.record.personalIdNumber ?? "?", result.verdict)
    exit(result.verdict.exitCode(allowUnverified: false))
} catch let error as CCCDError {
    print(error.code, error)
    exit(error.kind.exitCode)
} catch {
    print(error)
    exit(6)
}
