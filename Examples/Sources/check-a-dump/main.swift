// Checks a dump written by `cccd read --out` at its own time of reading: `check-a-dump DIR TRUST`, e.g.
// `check-a-dump Vectors/dumps/nguyen-van-an-2021 Vectors/pki/csca-a.pem`.
import CCCD
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    print("usage: check-a-dump DIR TRUST")
    exit(2)
}
do {
    let dump = try CardDump(contentsOf: arguments[1])
    let check = try dump.check(trust: try TrustStore.load(paths: [arguments[2]]), path: arguments[1])
    print(check.record.fullName ?? "?", check.passive.verdict, check.validity.name)
    exit(check.exitCode(allowUnverified: false))
} catch let error as CCCDError {
    print(error.code, error)
    exit(error.kind.exitCode)
} catch {
    print(error)
    exit(6)
}
