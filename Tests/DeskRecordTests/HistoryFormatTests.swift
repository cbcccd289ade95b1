import CCCD
@testable import DeskRecord
import Foundation
import Testing

/// `cccd history`'s outputs: RFC 4180 CSV that no spreadsheet runs, a table that prints no escape.
@Suite struct HistoryFormatTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
        ("+84912345678", "'+84912345678"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("", ""),
    ])
    func csvCells_areQuotedAndGuarded(_ text: String, _ cell: String) {
        #expect(HistoryFormat.csvCell(text) == cell)
    }

    @Test func theCSV_isOneHeaderAndOneCRLFLinePerEntry_asPythonsCsvModuleReadsIt() throws {
        let entry = AttemptEntry(id: 7, time: ISO8601.date("2025-06-02T09:00:00Z")!, command: .watch, reader: "ACR, 1",
                                 operatorName: "Trần Thị Bình", accessKey: "can", personalIdNumber: "001099012345",
                                 fullName: "=cmd|' /C calc'!A0", verdict: "reject",
                                 reasons: [.init(code: "QR_MISMATCH", field: "fullName"), .init(code: "DOCUMENT_EXPIRED")],
                                 exitCode: 5)
        let csv = HistoryFormat.csv([entry])
        #expect(csv.hasSuffix("\r\n") && csv.components(separatedBy: "\r\n").count == 3)
        // Python's csv module, an independent reader of RFC 4180.
        let script = "import csv,sys,json; print(json.dumps(list(csv.reader(sys.stdin.read().splitlines(True)))))"
        let parsed = try Record.run(["python3", "-c", script], stdin: csv)
        let rows = try #require(JSONSerialization.jsonObject(with: Data(parsed.output.utf8)) as? [[String]])
        #expect(rows[0] == AttemptEntry.csvHeader)
        #expect(rows[1][0] == "7" && rows[1][1] == "2025-06-02T09:00:00Z" && rows[1][3] == "ACR, 1")
        #expect(rows[1][8] == "'=cmd|' /C calc'!A0")
        #expect(rows[1][10] == "QR_MISMATCH fullName; DOCUMENT_EXPIRED")
    }

    @Test func theTable_printsNoControlCharacter_andCutsLongCells() {
        let entry = AttemptEntry(id: 1, time: ISO8601.date("2025-06-02T09:00:00Z")!, command: .read,
                                 operatorName: "an", personalIdNumber: "001099012345",
                                 fullName: "Evil\u{1B}[2J\u{202E}Name" + String(repeating: "x", count: 40),
                                 verdict: "accept", exitCode: 0)
        let lines = HistoryFormat.table([entry], timeZone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("#  time"))
        #expect(lines[1].hasPrefix("1  2025-06-02 16:00:00  read     accept   001099012345  Evil?[2J?Name"))
        #expect(!lines[1].unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{202E}" })
        #expect(lines[1].contains("…"))
    }
}
