import CCCD
import COpenSSL
import CPCSC
import CZBar
import Foundation

/// `cccd --version`: cccd's version, and the versions of the libraries it runs on, read at run time where the
/// library can say (OpenSSL's `OpenSSL_version`, zbar's `zbar_version`; pcsc-lite's client library has no such call,
/// so the daemon's own `pcscd --version` is asked, and the headers' version is the fallback).
enum VersionInfo {
    /// The lines `--version` prints.
    static var text: String {
        [
            "cccd \(CCCDVersion.current)",
            "pcsc-lite \(pcscLite)",
            "OpenSSL \(openSSL)",
            "zbar \(zbar)",
        ].joined(separator: "\n")
    }

    /// `3.0.17` (the library's `OpenSSL 3.0.17 1 Jul 2025`, the words around it dropped).
    static var openSSL: String {
        guard let text = OpenSSL_version(OPENSSL_VERSION) else { return "unknown" }
        let words = String(cString: text).split(separator: " ")
        return words.count >= 2 && words[0] == "OpenSSL" ? String(words[1]) : String(cString: text)
    }

    /// `0.23.92`.
    static var zbar: String {
        var major: UInt32 = 0, minor: UInt32 = 0, patch: UInt32 = 0
        _ = zbar_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }

    /// The running daemon's version (`pcscd --version`), else the headers' (`PCSCLITE_VERSION_NUMBER`).
    static var pcscLite: String {
        let headers = "\(PCSCLITE_VERSION_NUMBER) (headers; pcscd not found)"
        guard let daemon = ["/usr/sbin/pcscd", "/sbin/pcscd", "/usr/bin/pcscd"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return headers }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: daemon)
        process.arguments = ["--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return headers }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // "pcsc-lite version 1.9.9."
        guard let line = output.split(separator: "\n").first(where: { $0.contains("version") }),
              let word = line.split(separator: " ").last(where: { $0.first?.isNumber == true })
        else { return headers }
        return word.hasSuffix(".") ? String(word.dropLast()) : String(word)
    }
}
