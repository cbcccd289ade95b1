@testable import CCCD
import Foundation
import Testing
import Verification

/// The desk's one message table (issue 14, "Vietnamese first"): every message in both languages, and every problem
/// code the library can produce explained in plain words with what to do next.
@Suite struct DeskMessagesTests {
    @Test func everyKey_hasAVietnameseAndAnEnglishText_withTheSamePlaceholders() {
        #expect(DeskMessages.keys.count > 150)
        for key in DeskMessages.keys {
            let entry = DeskMessages.entry(key) ?? [:]
            for language in DeskLanguage.allCases {
                let text = entry[language] ?? ""
                #expect(!text.trimmingCharacters(in: .whitespaces).isEmpty, "\(key) has no \(language.rawValue) text")
            }
            #expect(DeskMessages.placeholders(entry[.vi] ?? "") == DeskMessages.placeholders(entry[.en] ?? ""),
                    "\(key): the two languages fill different placeholders")
        }
    }

    @Test func theVietnameseTexts_areVietnamese() {
        // Not English copied over: each Vietnamese text of a sentence holds a letter only Vietnamese uses.
        let vietnamese = Set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹàáèéìíòóùúýẠĐ")
        for key in DeskMessages.keys where key.hasPrefix("problem.") || key.hasPrefix("status.") {
            let text = DeskMessages.entry(key)?[.vi] ?? ""
            #expect(text.lowercased().contains { vietnamese.contains($0) }, "\(key): \(text)")
        }
    }

    /// Every code the library can produce: Verification's, the domain's problem codes and CCCDError's codes, read
    /// from their declarations, and the README's problem-code table.
    static var libraryCodes: Set<String> {
        var codes = Set(ProblemCode.allCases.map(\.rawValue))
        let sources = Domain.root.appendingPathComponent("Sources/CCCD")
        let pattern = try! NSRegularExpression(pattern: "\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"")
        for file in ["Problem.swift", "CCCDError.swift", "CrossCheck.swift", "CardChecks.swift", "CardReadResult.swift",
                     "Level1Payload.swift"] {
            let text = (try? String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)) ?? ""
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                codes.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        let readme = (try? String(contentsOf: Domain.root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
        // The problem-code table's rows: codes in the first column, their weight in the second.
        let row = try! NSRegularExpression(pattern: "^\\| (`[A-Z].*?) \\| (failure|unproven|notice)",
                                           options: .anchorsMatchLines)
        let code = try! NSRegularExpression(pattern: "`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`")
        for match in row.matches(in: readme, range: NSRange(readme.startIndex..., in: readme)) {
            let cell = String(readme[Range(match.range(at: 1), in: readme)!])
            for found in code.matches(in: cell, range: NSRange(cell.startIndex..., in: cell)) {
                codes.insert(String(cell[Range(found.range(at: 1), in: cell)!]))
            }
        }
        return codes
    }

    @Test func everyProblemCodeTheLibraryCanProduce_isExplained_inBothLanguages() {
        let codes = Self.libraryCodes
        #expect(codes.count > 80, "the code list was read: \(codes.count)")
        for required in ["QR_MISMATCH", "DOCUMENT_EXPIRED", "CARD_REMOVED", "ACCESS_DENIED", "NO_TRUST_ANCHOR",
                         "LINK_TIMEOUT", "DG_HASH_MISMATCH"] {
            #expect(codes.contains(required))
        }
        for code in codes.sorted() {
            for language in DeskLanguage.allCases {
                #expect(DeskMessages.entry("problem.\(code).message")?[language] != nil,
                        "\(code) has no \(language.rawValue) message")
                #expect(DeskMessages.entry("problem.\(code).action")?[language] != nil,
                        "\(code) has no \(language.rawValue) action")
            }
        }
    }

    @Test func aQRMismatch_isExplained_withTheFieldAndBothValues() {
        let problem = Problem(code: .qrMismatch, field: "fullName", chip: "Nguyễn Văn An", qr: "Nguyễn Văn Ân")
        let vi = DeskMessages.explain(problem, .vi)
        #expect(vi.message.contains("Họ và tên") && vi.message.contains("Nguyễn Văn An") && vi.message.contains("Nguyễn Văn Ân"))
        let en = DeskMessages.explain(problem, .en)
        #expect(en.message.contains("Full name") && en.message.contains("Nguyễn Văn An") && en.message.contains("Nguyễn Văn Ân"))
        #expect(!en.action.isEmpty && !vi.action.isEmpty)
    }

    /// A link failure names the step it happened in: in Vietnamese, in Vietnamese words (files keep their names).
    @Test func theStepsOfARead_areNamedInVietnamese() {
        let steps: [ReadStep] = [.connect, .accessControl, .chipAuthentication, .activeAuthentication,
                                 .passiveAuthentication]
        for step in steps {
            let vi = DeskMessages.fieldLabel(step.description, .vi)
            #expect(vi != step.description, "\(step) has no Vietnamese name")
            #expect(DeskMessages.fieldLabel(step.description, .en) == step.description)
        }
        let failure = DeskMessages.explain(code: "LINK_FAILED", field: ReadStep.chipAuthentication.description,
                                           language: .vi)
        #expect(failure.message.contains("xác thực chip"), "\(failure.message)")
        #expect(DeskMessages.fieldLabel(ReadStep.readCardAccess.description, .vi) == "EF.CardAccess")
    }

    @Test func aCodeTheTableDoesNotKnow_isShownWithItsCode_notDropped() {
        let words = DeskMessages.explain(code: "SOMETHING_NEW", field: "DG13", language: .en)
        #expect(words.message.contains("SOMETHING_NEW") && words.message.contains("DG13"))
        #expect(words.action.contains("SOMETHING_NEW"))
    }

    @Test func theVerdictWords_areTheDesksOwn() {
        #expect(DeskMessages.verdictLabel(.accept, .vi) == "CHẤP NHẬN")
        #expect(DeskMessages.verdictLabel(.reject([]), .vi) == "TỪ CHỐI")
        #expect(DeskMessages.verdictLabel(.retry([]), .vi) == "THỬ LẠI")
        #expect(DeskMessages.verdictLabel(.accept, .en) == "ACCEPT")
        #expect(DeskMessages.text("status.waitingForCard", .vi, ["name": "Lý Tú", "reader": "ACR"])
                == "Đặt thẻ của Lý Tú lên đầu đọc ACR.")
        #expect(DeskMessages.date("2039-03-15") == "15/03/2039" && DeskMessages.date("1999") == "1999")
    }
}
