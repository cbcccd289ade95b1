import CCCD
import Foundation

/// Where the desk keeps each card: a private folder per card under the save folder (``CardDump``), and the
/// level-1 payload beside its files as `level1.json` (0600, written to a temporary name and renamed).
///
/// Integration point: issue 15's saved-cards archive (naming by validated ID, `rejected/`) replaces these two
/// calls once it is on main.
public enum DeskArchive {
    /// Saves the card's files in a new folder under `folder`, named by the ID number and the time of reading.
    public static func saveCard(_ result: CardReadResult, under folder: String) throws(CCCDError) -> String {
        let stamp = ISO8601.string(result.readAt).filter { $0 != ":" && $0 != "-" }
        // Only a 12-digit ID names a folder: whatever else the chip holds never becomes a path.
        let id = result.record.personalIdNumber.flatMap { id in
            id.count == 12 && id.allSatisfy { ("0"..."9").contains($0) } ? id : nil
        } ?? "card"
        var path = URL(fileURLWithPath: folder).appendingPathComponent("\(id)-\(stamp)").path
        var suffix = 1
        while FileManager.default.fileExists(atPath: path) {
            suffix += 1
            path = URL(fileURLWithPath: folder).appendingPathComponent("\(id)-\(stamp)-\(suffix)").path
        }
        try CardDump(result).write(to: path)
        return path
    }

    /// Writes `level1.json` into the card's folder and returns its path.
    public static func saveLevel1(_ payload: Level1Payload, in folder: String) throws(CCCDError) -> String {
        let target = URL(fileURLWithPath: folder).appendingPathComponent("level1.json").path
        let temporary = URL(fileURLWithPath: folder)
            .appendingPathComponent(".level1.json.partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        let bytes = Array((payload.json.serialized(pretty: true) + "\n").utf8)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotWrite(path: target, reason: String(cString: strerror(errno))) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw .cannotWrite(path: target, reason: reason)
            }
            written += n
        }
        let synced = fsync(fd) == 0
        close(fd)
        guard synced, rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotWrite(path: target, reason: reason)
        }
        return target
    }
}
