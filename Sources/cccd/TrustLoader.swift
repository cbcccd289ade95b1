import Foundation
import Verification

/// The trust the commands verify against: none, the default locations, or `--trust` paths.
typealias TrustInput = TrustStore?

enum TrustLoader {
    /// `--trust` paths, or the default locations (`/etc/cccd/trust`, `~/.config/cccd/trust`) when none is given.
    /// A malformed trust file exits 6 naming it.
    static func load(_ paths: [String]) throws -> TrustStore? {
        do {
            if paths.isEmpty { return try TrustStore.loadDefault() }
            return try TrustStore.load(paths: paths)
        } catch {
            throw CommandFailure(.badInput, error.description)
        }
    }
}
