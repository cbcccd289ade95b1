import Foundation

/// Files only their owner may read, written so that a process killed at any moment leaves all of a file or none
/// of it, and never written through a link someone else planted: the one place the library creates folders and
/// files holding a person's data (dumps, traces, payloads; the audit log's folder).
public enum PrivateFiles {
    /// Sets the process's file-creation mask to 077: whatever the process creates is its owner's alone. `cccd`
    /// and the desk call it first thing.
    public static func restrictUmask() {
        umask(0o077)
    }

    /// Creates `path` as a folder only its owner may enter (0700), with the missing folders above it (also 0700).
    /// An existing folder is kept as it is; an existing link or file there is refused.
    public static func makeFolder(_ path: String) throws(CCCDError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                // A link to a folder is accepted only where the user made it (the root they configured); the
                // archive opens its own subfolders with O_NOFOLLOW.
                if (info.st_mode & S_IFMT) == S_IFLNK, stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                    return
                }
                throw .cannotWrite(path: path, reason: "it exists and is not a folder")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path && parent != "/" { try makeFolder(parent) }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Creates a new private folder `.PREFIX-PID-XXXXXX` inside `parent` with `mkdtemp(3)` (0700, a name no one
    /// can guess in advance) and returns its path.
    public static func makeTemporaryFolder(in parent: String, prefix: String) throws(CCCDError) -> String {
        var template = Array("\(parent)/.\(prefix)-\(getpid())-XXXXXX".utf8CString)
        let made: String? = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let made else { throw .cannotWrite(path: parent, reason: String(cString: strerror(errno))) }
        return made
    }

    /// Writes a new file only its owner may read (0600), refusing to follow a link or replace anything
    /// (`O_NOFOLLOW | O_CREAT | O_EXCL`), and flushes it to the disk before it returns.
    public static func writeNewFile(_ path: String, _ bytes: [UInt8]) throws(CCCDError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { posixWrite(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
            written += n
        }
        guard fsync(fd) == 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Replaces (or creates) the file `path` atomically: the bytes go to a new private file beside it, flushed,
    /// then renamed over it, so a reader sees the old content or the new, never part of either.
    public static func replaceFile(_ path: String, _ bytes: [UInt8]) throws(CCCDError) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let staging = try makeTemporaryFolder(in: folder.isEmpty ? "." : folder, prefix: "\(name).partial")
        defer { removeTree(staging) }
        let file = staging + "/" + name
        try writeNewFile(file, bytes)
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            throw .cannotWrite(path: path, reason: "it exists and is not a regular file")
        }
        guard rename(file, path) == 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        syncFolder(folder.isEmpty ? "." : folder)
    }

    /// Flushes a folder's entries (a rename or a new file in it) to the disk.
    public static func syncFolder(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Renames `source` to `target` only if nothing is at `target` (`renameat2(RENAME_NOREPLACE)`; where the file
    /// system lacks it, a check then `rename(2)`, which still never replaces a folder that holds anything).
    public static func renameNoReplace(_ source: String, _ target: String) throws(CCCDError) {
        let result = renameat2(source, target, flags: 1)   // RENAME_NOREPLACE
        if result == 0 { return syncFolder((target as NSString).deletingLastPathComponent) }
        if errno == EEXIST { throw .dumpExists(path: target) }
        guard errno == EINVAL || errno == ENOSYS else {
            throw .cannotWrite(path: target, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        if lstat(target, &info) == 0 { throw .dumpExists(path: target) }
        guard rename(source, target) == 0 else {
            throw .cannotWrite(path: target, reason: String(cString: strerror(errno)))
        }
        syncFolder((target as NSString).deletingLastPathComponent)
    }

    /// Swaps two folders in one step (`renameat2(RENAME_EXCHANGE)`): the new content takes the old one's name and
    /// the old one takes the new one's, so the name never points at nothing or at a mix. Where the file system
    /// lacks it, two renames through a third name.
    public static func exchange(_ a: String, _ b: String) throws(CCCDError) {
        if renameat2(a, b, flags: 2) == 0 { return syncFolder((b as NSString).deletingLastPathComponent) }   // RENAME_EXCHANGE
        guard errno == EINVAL || errno == ENOSYS else {
            throw .cannotWrite(path: b, reason: String(cString: strerror(errno)))
        }
        let aside = a + ".swap"
        guard rename(b, aside) == 0, rename(a, b) == 0, rename(aside, a) == 0 else {
            throw .cannotWrite(path: b, reason: String(cString: strerror(errno)))
        }
        syncFolder((b as NSString).deletingLastPathComponent)
    }

    /// Removes a file, or a folder and everything in it, without following links; whatever cannot be removed is
    /// left.
    public static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            if let names = try? FileManager.default.contentsOfDirectory(atPath: path) {
                for name in names { removeTree(path + "/" + name) }
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Reads a regular file of at most `limit` bytes, checking its size before reading and refusing a link:
    /// nil when there is no such file; `tooLarge` for a larger one.
    public static func readSmallFile(_ path: String, limit: Int, followLinks: Bool = false) -> SmallFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC | (followLinks ? 0 : O_NOFOLLOW))
        guard fd >= 0 else { return errno == ENOENT ? .missing : .unreadable(String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return .unreadable("not a regular file") }
        guard Int(info.st_size) <= limit else { return .tooLarge(Int(info.st_size)) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return .unreadable(String(cString: strerror(errno))) }
            if n == 0 { break }
            count += n
        }
        // A file that grew while it was read is still held to the limit.
        guard count <= limit else { return .tooLarge(count) }
        return .bytes(Array(bytes[..<count]))
    }

    /// What ``readSmallFile(_:limit:followLinks:)`` found.
    public enum SmallFile: Sendable, Equatable {
        /// The file's bytes, within the limit.
        case bytes([UInt8])
        /// There is no such file.
        case missing
        /// The file is larger than the limit, and its size.
        case tooLarge(Int)
        /// The file could not be read (a link where links are refused, not a regular file, an I/O error), and why.
        case unreadable(String)
    }

    private typealias Renameat2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// glibc's `renameat2` (2.28 and later), which Swift's Glibc module does not declare; nil on an older libc.
    nonisolated(unsafe) private static let renameat2Function: Renameat2? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: Renameat2.self)
    }()

    private static func renameat2(_ source: String, _ target: String, flags: UInt32) -> Int32 {
        guard let function = renameat2Function else {
            errno = ENOSYS
            return -1
        }
        return function(AT_FDCWD, source, AT_FDCWD, target, flags)
    }
}

/// `write(2)`, named apart from the methods called `write`.
func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
