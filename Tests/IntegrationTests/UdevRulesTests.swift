import Foundation
import Testing

/// udev/ checked by systemd's own `udevadm verify` (254, unpacked from bookworm-backports by the script).
@Suite(.serialized) struct UdevRulesTests {
    func verify(_ files: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Repository.root.appendingPathComponent("scripts/udev-verify.sh").path] + files
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func theRules_passUdevadmVerify() throws {
        let (status, output) = try verify([])
        #expect(status == 0, "\(output)")
        #expect(output.contains("Fail:    0"))
    }

    @Test func aBrokenRule_isCaught_withItsLine() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-broken-\(UUID()).rules")
        defer { try? FileManager.default.removeItem(at: url) }
        try "ATTR{idVendor}==\"072f\", MODE=\"0660\"\nATTRS{idVendor}=\"072f\", GROUP=\"plugdev\"\n"
            .write(to: url, atomically: true, encoding: .utf8)
        let (status, output) = try verify([url.path])
        #expect(status != 0)
        #expect(output.contains(":2"))
    }

    @Test func everyReaderOfTheDesk_hasARule() throws {
        let rules = try String(contentsOf: Repository.root.appendingPathComponent("udev/92-cccd-nfc-readers.rules"),
                               encoding: .utf8)
        // VID:PID as Debian's libccid lists them (ifd-ccid.bundle/Contents/Info.plist).
        for (vendor, product) in [("072f", "2200"), ("072f", "223b"), ("072f", "2224"), ("076b", "5022"),
                                  ("076b", "5422"), ("076b", "5427"), ("04e6", "5790"), ("096e", "060d")] {
            #expect(rules.contains("ATTR{idVendor}==\"\(vendor)\", ATTR{idProduct}==\"\(product)\""), "\(vendor):\(product)")
        }
        let blacklist = try String(contentsOf: Repository.root.appendingPathComponent("udev/cccd-blacklist-nfc.conf"),
                                   encoding: .utf8)
        for module in ["pn533_usb", "pn533", "nfc"] { #expect(blacklist.contains("blacklist \(module)\n")) }
    }
}
