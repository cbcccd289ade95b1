import CCCD
import Foundation
import Synchronization

/// Watches the desk's reader for a card put down or lifted, on a thread of its own (PC/SC waits block): so the page
/// can say "a card is on the reader: scan its QR" before the secret, and "the card was lifted: put it back" during
/// a read.
final class ReaderMonitor: Sendable {
    private let selection: ReaderSelection
    private let report: @Sendable (_ present: Bool, _ reader: String?) -> Void
    private let stopped = Atomic<Bool>(false)
    private let context = Mutex<PCSCContext?>(nil)

    init(selection: ReaderSelection, report: @escaping @Sendable (_ present: Bool, _ reader: String?) -> Void) {
        self.selection = selection
        self.report = report
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "cccd desk reader watch"
        thread.start()
    }

    func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        context.withLock { $0?.cancel() }
    }

    private func run() {
        var last: (Bool, String?)?
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let pcsc: PCSCContext
            do {
                pcsc = try PCSCContext()
            } catch {
                // pcscd not running (yet): look again in a second.
                Thread.sleep(forTimeInterval: 1)
                continue
            }
            context.withLock { $0 = pcsc }
            var snapshot: PCSCContext.Snapshot?
            while !stopped.load(ordering: .sequentiallyConsistent) {
                do {
                    snapshot = try pcsc.waitForChange(after: snapshot, timeout: snapshot == nil ? nil : 2000)
                } catch .timeout {
                    continue
                } catch {
                    break
                }
                guard let readers = snapshot?.readers else { continue }
                let admitted = readers.filter { selection.admits($0.name, among: readers) }
                let withCard = admitted.first(where: \.cardPresent)
                let now = (withCard != nil, withCard?.name ?? (admitted.count == 1 ? admitted[0].name : nil))
                if last == nil || last! != now {
                    last = now
                    report(now.0, now.1)
                }
            }
            context.withLock { $0 = nil }
            if !stopped.load(ordering: .sequentiallyConsistent) { Thread.sleep(forTimeInterval: 0.5) }
        }
    }
}
