import Foundation
import Testing

/// `cccd qr` on images made to hurt (issue 15): each is refused from its header with exit 6 and one line on
/// stderr, and `cccd qr` on a card back decodes its QR (issue 16). No pcscd is involved.
struct QRCommandTests {
    static let qr = Repository.root.appendingPathComponent("Vectors/qr")

    @Test(arguments: [
        // A JPEG 2000 codestream whose SIZ declares 1,000,000 × 1 pixels.
        ("portrait/siz-1000000x1.j2k", "too large"),
        // One whose SIZ declares 100,000 × 100,000 (ten gigapixels: a decompression bomb's header).
        ("portrait/siz-100000x100000.j2k", "too large"),
        ("portrait/truncated.jp2", "cut short"),
        ("samples/truncated.png", "cut short"),
        ("samples/truncated.jpg", "cut short"),
        ("samples/not-an-image.png", "not a PNG, JPEG or JPEG 2000 image"),
    ])
    func test_hostileImage_exits6_withOneLine(file: String, message: String) throws {
        let path = Self.qr.appendingPathComponent(file).path
        let result = try CLITool.run(["qr", path], timeout: 30)
        #expect(result.status == 6)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func test_cardBack_decodes() throws {
        let path = Self.qr.appendingPathComponent("samples/back-cancuoc2024-empty-tail.png").path
        let result = try CLITool.run(["qr", path, "--json"], timeout: 30)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["format"] as? String == "cancuoc-2024")
    }
}
