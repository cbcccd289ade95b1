// Replays a recorded trace: `replay-a-trace TRACE TRUST`, e.g.
// `replay-a-trace Vectors/traces/nguyen-van-an-2021.json Vectors/pki/csca-a.pem`.
import CCCD
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    print("usage: replay-a-trace TRACE TRUST")
    exit(2)
}
do {
    let trace = try Trace(contentsOf: URL(fileURLWithPath: arguments[1]))
    let result = try await CardSession.replay(trace, trust: try TrustStore.load(paths: [arguments[2]]))
    print(result.record.fullName ?? "?", result.checks.passive.verdict, result.verdict)
    // A replay proves nothing about the present: at best REPLAYED is its only reason.
    exit(result.verdict.exitCode(allowUnverified: false))
} catch let error as CCCDError {
    print(error.code, error)
    exit(error.kind.exitCode)
} catch {
    print(error)
    exit(6)
}
