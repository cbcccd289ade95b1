import Foundation

/// A language the desk speaks to its officer: Vietnamese first, English on request (`--lang en`).
public enum DeskLanguage: String, Sendable, Hashable, CaseIterable {
    /// Vietnamese, the default.
    case vi
    /// English.
    case en
}

/// What a problem (or a failed attempt) means, in plain words, and what the officer does next.
public struct ProblemExplanation: Sendable, Hashable {
    /// What is wrong, in plain words (with the field and both values where there are some).
    public var message: String
    /// What to do next.
    public var action: String
}

/// The one table of every message the desk officer reads, in `cccd desk` and `cccd watch`, in Vietnamese and
/// English (issue 14: "Vietnamese first"). Keys are stable dotted names: `verdict.accept`, `status.reading`,
/// `field.fullName`, `problem.QR_MISMATCH.message`, `problem.QR_MISMATCH.action`. A text may hold placeholders
/// in braces (`{reader}`), the same in both languages; ``text(_:_:_:)`` fills them.
///
/// Every problem code the library produces (``Problem/Code``, `Verification.ProblemCode`, ``CCCDError/code``)
/// has a `message` and an `action`; a code the table does not know (a future one) is explained by
/// `problem.UNKNOWN.*` with the code shown, never dropped.
public enum DeskMessages {
    /// The text of `key` in `language`, placeholders filled from `values`; the key itself when the table lacks it
    /// (a test makes sure it never does).
    public static func text(_ key: String, _ language: DeskLanguage, _ values: [String: String] = [:]) -> String {
        guard let text = table[key]?[language] else { return key }
        return fill(text, values)
    }

    /// A problem in plain words: the message (naming the field and, for a mismatch, both values) and what to do.
    public static func explain(_ problem: Problem, _ language: DeskLanguage) -> ProblemExplanation {
        explain(code: problem.code.rawValue, field: problem.field, chip: problem.chip, qr: problem.qr,
                language: language)
    }

    /// A code (a problem's, or a failed attempt's ``CCCDError/code``) in plain words.
    public static func explain(code: String, field: String? = nil, chip: String? = nil, qr: String? = nil,
                               language: DeskLanguage) -> ProblemExplanation {
        let known = table["problem.\(code).message"] != nil
        let base = known ? "problem.\(code)" : "problem.UNKNOWN"
        var values = ["code": code, "field": field.map { fieldLabel($0, language) } ?? "",
                      "chip": chip ?? "", "qr": qr ?? ""]
        if values["field"]!.isEmpty { values["field"] = text("field.unnamed", language) }
        var message = text("\(base).message", language, values)
        // A mismatch shows both values whatever the code's own text says.
        if let chip, let qr, !message.contains(qr) {
            message += " " + text("mismatch.values", language, ["chip": chip, "qr": qr])
        }
        return ProblemExplanation(message: message, action: text("\(base).action", language, values))
    }

    /// The label of a field of the card (`fullName` → "Họ và tên") or of a step of the read (`access control` →
    /// "mở chip (kiểm soát truy cập)"); files (`DG13`, `EF.SOD`, `DG13.9`) are shown as they are.
    public static func fieldLabel(_ field: String, _ language: DeskLanguage) -> String {
        table["field.\(field)"]?[language] ?? field
    }

    /// The verdict's word in large type: CHẤP NHẬN / TỪ CHỐI / THỬ LẠI (ACCEPT / REJECT / RETRY).
    public static func verdictLabel(_ verdict: CardVerdict, _ language: DeskLanguage) -> String {
        text("verdict.\(verdict.name)", language)
    }

    /// An ISO 8601 date as the card prints it: `15/03/2039`, `03/1999` (a month), `1999` (a year).
    public static func date(_ iso: String) -> String {
        iso.split(separator: "-").reversed().joined(separator: "/")
    }

    /// Every key and its texts, for the page (which shows them without asking the server again) and the tests.
    public static var keys: [String] { table.keys.sorted() }

    /// The placeholders of a text: `{reader}` → `reader`.
    public static func placeholders(_ text: String) -> Set<String> {
        var out = Set<String>()
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// The raw entry of a key: its text in each language the table has it in (the tests check both are there).
    public static func entry(_ key: String) -> [DeskLanguage: String]? { table[key] }

    private static func fill(_ text: String, _ values: [String: String]) -> String {
        var out = text
        for (name, value) in values { out = out.replacingOccurrences(of: "{\(name)}", with: value) }
        return out
    }

    // MARK: The table.

    private static func t(_ vi: String, _ en: String) -> [DeskLanguage: String] { [.vi: vi, .en: en] }

    /// A problem code's message and action.
    private static func p(_ code: String, _ message: [DeskLanguage: String],
                          _ action: [DeskLanguage: String]) -> [(String, [DeskLanguage: String])] {
        [("problem.\(code).message", message), ("problem.\(code).action", action)]
    }

    private static let table: [String: [DeskLanguage: String]] = {
        var entries: [(String, [DeskLanguage: String])] = interface + fields
        for group in problems { entries += group }
        var table: [String: [DeskLanguage: String]] = [:]
        for (key, texts) in entries {
            precondition(table[key] == nil, "the message table holds \(key) twice")
            table[key] = texts
        }
        return table
    }()

    private static let interface: [(String, [DeskLanguage: String])] = [
        ("app.title", t("Bàn đọc căn cước", "ID card desk")),
        ("verdict.accept", t("CHẤP NHẬN", "ACCEPT")),
        ("verdict.reject", t("TỪ CHỐI", "REJECT")),
        ("verdict.retry", t("THỬ LẠI", "RETRY")),
        ("verdict.accept.hint", t("Thẻ thật, còn hạn, khớp với mã QR.", "The card is genuine, valid and matches its QR.")),
        ("verdict.reject.hint", t("Không chấp nhận thẻ này. Lý do:", "Do not accept this card. Why:")),
        ("verdict.retry.hint", t("Chưa kết luận được về thẻ. Đọc lại:", "Nothing is concluded about the card. Read it again:")),
        ("verdict.unverified", t("CHƯA XÁC MINH", "UNVERIFIED")),
        ("status.waitingForSecret", t("Quét mã QR trên thẻ (hoặc gõ số định danh 12 chữ số / CAN).",
                                      "Scan the card's QR (or type the 12-digit ID number / the CAN).")),
        ("status.cardWaitingForSecret", t("Thẻ đã đặt trên đầu đọc {reader}: hãy quét mã QR (hoặc gõ số định danh) để mở thẻ.",
                                          "A card is on {reader}: scan its QR (or type the ID number) to open it.")),
        ("status.waitingForCard", t("Đặt thẻ của {name} lên đầu đọc {reader}.", "Put {name}'s card on {reader}.")),
        ("status.waitingForCardAnyone", t("Đặt thẻ lên đầu đọc {reader}.", "Put the card on {reader}.")),
        ("status.reading", t("Đang đọc thẻ trên {reader}… {percent}%. Giữ yên thẻ.",
                             "Reading the card on {reader}… {percent}%. Keep the card still.")),
        ("status.cardLifted", t("Thẻ đã bị nhấc khỏi {reader}: đặt lại thẻ ngay.", "The card was lifted off {reader}: put it back now.")),
        ("status.awaitingContact", t("Thẻ của {name} được chấp nhận. Nhập số điện thoại (và email nếu có).",
                                     "{name}'s card is accepted. Enter the phone number (and the e-mail, if any).")),
        ("status.done", t("Xong. Quét mã QR của thẻ tiếp theo.", "Done. Scan the next card's QR.")),
        ("status.error", t("Lần đọc không thành công. Xem lý do bên dưới rồi thử lại.",
                           "The attempt failed. See why below, then try again.")),
        ("status.saved", t("Đã lưu: {path}", "Saved: {path}")),
        ("status.notSaved", t("Thẻ đã đọc nhưng không lưu được: {reason}", "The card was read but not saved: {reason}")),
        ("status.watching", t("Đang chờ thẻ: quét mã QR (hoặc gõ số định danh / CAN) rồi đặt thẻ lên đầu đọc.",
                              "Watching for cards: scan the QR (or type the ID / CAN), then put the card on a reader.")),
        ("status.stopped", t("Đã dừng.", "Stopped.")),
        ("status.inputRefused", t("Không nhận được dữ liệu vừa quét: {reason}", "The input was not taken: {reason}")),
        ("status.busy", t("Đang đọc một thẻ: chờ xong hoặc bấm Làm lại.", "A card is being read: wait, or press Start over.")),
        ("status.level1Saved", t("Hồ sơ mức 1 đã lưu: {path}", "Level-1 payload saved: {path}")),
        ("input.label", t("Mã QR, số định danh, CAN hoặc MRZ", "QR, ID number, CAN or MRZ")),
        ("input.placeholder", t("Quét mã QR vào đây…", "Scan the QR here…")),
        ("input.submit", t("Mở thẻ", "Open the card")),
        ("contact.title", t("Thông tin liên hệ", "Contact details")),
        ("contact.phone", t("Số điện thoại di động", "Mobile phone number")),
        ("contact.email", t("Email (không bắt buộc)", "E-mail (optional)")),
        ("contact.submit", t("Lưu hồ sơ mức 1", "Save the level-1 payload")),
        ("contact.phoneOK", t("Số hợp lệ: {value}", "Valid number: {value}")),
        ("contact.emailOK", t("Email hợp lệ", "Valid e-mail")),
        ("contact.phoneInvalid", t("Số điện thoại chưa đúng: viết 0912 345 678 hoặc +84…", "Not a valid phone number: write 0912 345 678 or +84…")),
        ("contact.emailInvalid", t("Email chưa đúng dạng ten@mien.vn", "Not an e-mail of the form name@domain.vn")),
        ("contact.prompt.phone", t("Số điện thoại của {name}: ", "{name}'s phone number: ")),
        ("contact.prompt.email", t("Email (Enter để bỏ qua): ", "E-mail (Enter to skip): ")),
        ("button.reset", t("Làm lại", "Start over")),
        ("button.report", t("In phiếu", "Print report")),
        ("section.reasons", t("Lý do và việc cần làm", "Reasons and what to do")),
        ("section.notices", t("Ghi chú", "Notes")),
        ("section.fields", t("Thông tin trên chip", "On the chip")),
        ("section.compare", t("Chip so với mã QR", "Chip against QR")),
        ("section.checks", t("Kiểm tra", "Checks")),
        ("section.validity", t("Hiệu lực của thẻ", "The card's validity")),
        ("section.level1", t("Hồ sơ định danh mức 1", "Level-1 payload")),
        ("section.portrait", t("Ảnh chân dung", "Portrait")),
        ("compare.field", t("Trường", "Field")),
        ("compare.chip", t("Chip", "Chip")),
        ("compare.qr", t("Mã QR", "QR")),
        ("compare.same", t("khớp", "same")),
        ("compare.different", t("KHÁC", "DIFFERENT")),
        ("compare.absent", t("Không có mã QR để so sánh (chỉ nhập số định danh / CAN).",
                             "No QR to compare with (only the ID / CAN was given).")),
        ("validity.valid", t("Còn hạn đến {date}", "Valid until {date}")),
        ("validity.validForLife", t("Không thời hạn", "Valid for life")),
        ("validity.expired", t("HẾT HẠN từ {date}", "EXPIRED on {date}")),
        ("validity.unknown", t("Không rõ hạn sử dụng", "Validity unknown")),
        ("check.passiveAuthentication", t("Chữ ký số của dữ liệu (xác thực thụ động)", "Data signature (passive authentication)")),
        ("check.chipAuthentication", t("Chip thật (xác thực chip)", "Genuine chip (chip authentication)")),
        ("check.activeAuthentication", t("Chip không sao chép (xác thực chủ động)", "Chip not cloned (active authentication)")),
        ("check.qr", t("Khớp mã QR", "QR match")),
        ("check.access", t("Mở chip", "Chip access")),
        ("check.signer", t("Cơ quan ký", "Signer")),
        ("check.readAt", t("Thời điểm đọc", "Read at")),
        ("check.reader", t("Đầu đọc", "Reader")),
        ("check.operator", t("Cán bộ", "Operator")),
        ("outcome.passed", t("đạt", "passed")),
        ("outcome.failed", t("KHÔNG ĐẠT", "FAILED")),
        ("outcome.no-trust-anchor", t("chưa có chứng thư gốc để đối chiếu", "no trust anchor to check against")),
        ("outcome.not-supported", t("không có", "not supported")),
        ("outcome.matched", t("khớp", "matched")),
        ("outcome.mismatched", t("KHÔNG KHỚP", "MISMATCHED")),
        ("outcome.absent", t("không có mã QR", "no QR")),
        ("report.title", t("Phiếu kết quả đọc thẻ căn cước", "ID card read report")),
        ("report.none", t("Chưa có thẻ nào được đọc.", "No card has been read yet.")),
        ("sex.male", t("Nam", "Male")),
        ("sex.female", t("Nữ", "Female")),
        ("sex.unspecified", t("Không rõ", "Unspecified")),
        ("value.none", t("—", "—")),
        ("mismatch.values", t("Chip: «{chip}»; mã QR: «{qr}».", "Chip: “{chip}”; QR: “{qr}”.")),
        ("watch.line.result", t("{verdict}: {name} ({id}) trên {reader}", "{verdict}: {name} ({id}) on {reader}")),
        ("watch.line.failure", t("{verdict} trên {reader}", "{verdict} on {reader}")),
        ("watch.todo", t("→ {action}", "→ {action}")),
    ]

    private static let fields: [(String, [DeskLanguage: String])] = [
        ("field.personalIdNumber", t("Số định danh cá nhân", "Personal ID number")),
        ("field.fullName", t("Họ và tên", "Full name")),
        ("field.dateOfBirth", t("Ngày sinh", "Date of birth")),
        ("field.sex", t("Giới tính", "Sex")),
        ("field.nationality", t("Quốc tịch", "Nationality")),
        ("field.permanentAddress", t("Nơi thường trú", "Permanent address")),
        ("field.oldIdNumber", t("Số CMND cũ", "Old ID number")),
        ("field.issueDate", t("Ngày cấp", "Date of issue")),
        ("field.expiryDate", t("Có giá trị đến", "Valid until")),
        ("field.placeOfOrigin", t("Quê quán", "Place of origin")),
        ("field.ethnicity", t("Dân tộc", "Ethnicity")),
        ("field.religion", t("Tôn giáo", "Religion")),
        ("field.identifyingCharacteristics", t("Đặc điểm nhận dạng", "Identifying characteristics")),
        ("field.fatherName", t("Họ tên cha", "Father's name")),
        ("field.motherName", t("Họ tên mẹ", "Mother's name")),
        ("field.spouseName", t("Họ tên vợ/chồng", "Spouse's name")),
        ("field.documentNumber", t("Số thẻ (MRZ)", "Document number (MRZ)")),
        ("field.phone", t("Số điện thoại", "Phone")),
        ("field.email", t("Email", "E-mail")),
        ("field.unnamed", t("thẻ", "the card")),
        // The steps of a read (`ReadStep.description`), named where a link failure happened; files stay as they are.
        ("field.connect", t("kết nối đầu đọc", "connect")),
        ("field.access control", t("mở chip (kiểm soát truy cập)", "access control")),
        ("field.chip authentication", t("xác thực chip", "chip authentication")),
        ("field.active authentication", t("xác thực chủ động", "active authentication")),
        ("field.passive authentication", t("xác thực thụ động", "passive authentication")),
    ]

    // Plain words for every code: what it means at the desk, and the officer's next step.
    private static let problems: [[(String, [DeskLanguage: String])]] = [
        // The card's checks (Problem.Code).
        p("QR_MISMATCH",
          t("Mã QR và chip khác nhau ở {field}: chip «{chip}», mã QR «{qr}».",
            "The QR and the chip differ on {field}: chip “{chip}”, QR “{qr}”."),
          t("Kiểm tra người đến có phải chủ thẻ, và mã QR có phải của chính thẻ này. Không chấp nhận nếu vẫn khác.",
            "Check that the person is the holder and that the QR is this card's own. Do not accept if they still differ.")),
        p("QR_ABSENT",
          t("Chưa quét mã QR để đối chiếu với chip.", "No QR was scanned to cross-check the chip with."),
          t("Quét mã QR trên thẻ rồi đọc lại.", "Scan the QR on the card and read it again.")),
        p("CHIP_INCONSISTENT",
          t("Dữ liệu trong chip mâu thuẫn ở {field} (DG13 và MRZ khác nhau).",
            "The chip contradicts itself on {field} (DG13 and the MRZ differ)."),
          t("Không chấp nhận; hướng dẫn công dân đến cơ quan cấp thẻ.", "Do not accept; send the holder to the issuing office.")),
        p("IDENTITY_INCOMPLETE",
          t("Chip thiếu số định danh, họ tên hoặc ngày sinh.", "The chip lacks the ID number, the name or the birth date."),
          t("Không chấp nhận; hướng dẫn công dân đến cơ quan cấp thẻ.", "Do not accept; send the holder to the issuing office.")),
        p("PORTRAIT_MISSING",
          t("Không đọc được ảnh chân dung trong chip.", "No portrait could be read from the chip."),
          t("Đọc lại; nếu vẫn không có ảnh, không chấp nhận.", "Read again; if there is still no portrait, do not accept.")),
        p("DOCUMENT_EXPIRED",
          t("Thẻ đã hết hạn.", "The card has expired."),
          t("Không chấp nhận; hướng dẫn công dân làm thủ tục cấp đổi thẻ.", "Do not accept; the holder must renew the card.")),
        p("DOCUMENT_VALIDITY_UNKNOWN",
          t("Chip không ghi hạn sử dụng của thẻ.", "The chip does not say until when the card is valid."),
          t("Không chấp nhận; hướng dẫn công dân đến cơ quan cấp thẻ.", "Do not accept; send the holder to the issuing office.")),
        p("FILE_MALFORMED",
          t("Một tệp trong chip bị lỗi ({field}).", "A file on the chip is malformed ({field})."),
          t("Đọc lại; nếu lặp lại, không chấp nhận.", "Read again; if it happens again, do not accept.")),
        p("FILE_UNREADABLE",
          t("Chip không cho đọc {field} (không ảnh hưởng kết quả).", "The chip does not give {field} (no effect on the result)."),
          t("Không cần làm gì.", "Nothing to do.")),
        p("CHIP_AUTHENTICATION_FAILED",
          t("Chip không chứng minh được là chip thật: có thể là thẻ sao chép.", "The chip failed to prove it is genuine: it may be a clone."),
          t("Không chấp nhận; báo cáo cấp trên.", "Do not accept; report it to your supervisor.")),
        p("CHIP_AUTHENTICATION_NOT_PERFORMED",
          t("Chưa xác thực được chip.", "The chip could not be authenticated."),
          t("Đọc lại, giữ yên thẻ trên đầu đọc.", "Read again, keeping the card still on the reader.")),
        p("ACTIVE_AUTHENTICATION_FAILED",
          t("Chữ ký của chip không đúng: có thể là thẻ sao chép.", "The chip's signature is wrong: it may be a clone."),
          t("Không chấp nhận; báo cáo cấp trên.", "Do not accept; report it to your supervisor.")),
        p("ACTIVE_AUTHENTICATION_NOT_PERFORMED",
          t("Chưa kiểm tra được chip có bị sao chép không.", "Whether the chip is cloned could not be checked."),
          t("Đọc lại, giữ yên thẻ trên đầu đọc.", "Read again, keeping the card still on the reader.")),
        p("SOD_MISSING",
          t("Không đọc được tệp chữ ký số (EF.SOD).", "The signature file (EF.SOD) was not read."),
          t("Đọc lại; nếu lặp lại, không chấp nhận.", "Read again; if it happens again, do not accept.")),
        p("PASSIVE_AUTHENTICATION_FAILED",
          t("Chữ ký số của dữ liệu không hợp lệ: dữ liệu có thể đã bị sửa.", "The data's signature does not verify: the data may have been altered."),
          t("Không chấp nhận; báo cáo cấp trên.", "Do not accept; report it to your supervisor.")),
        p("NO_TRUST_ANCHOR",
          t("Máy chưa cài chứng thư gốc (CSCA) nên chưa xác minh được cơ quan ký.",
            "No root certificate (CSCA) is installed, so the signer could not be verified."),
          t("Báo quản trị viên cài chứng thư gốc (--trust). Chưa chấp nhận thẻ.",
            "Ask the administrator to install the CSCA (--trust). Do not accept the card yet.")),
        p("REPLAYED",
          t("Dữ liệu phát lại từ bản ghi, không phải thẻ thật đặt trên đầu đọc.", "Replayed from a recording, not a card on the reader."),
          t("Chỉ dùng để thử nghiệm.", "For testing only.")),
        p("ACCESS_DENIED",
          t("Chip từ chối mã mở thẻ (CAN/số định danh/MRZ không đúng với thẻ này).",
            "The chip refused the key (the CAN, ID or MRZ is not this card's)."),
          t("Quét lại mã QR của chính thẻ đang đặt trên đầu đọc.", "Scan the QR of the very card on the reader again.")),
        p("DG13_FIELD_MALFORMED",
          t("Một trường dữ liệu trong chip bị lỗi ({field}).", "A field on the chip is malformed ({field})."),
          t("Nếu là trường quan trọng, không chấp nhận; hướng dẫn công dân đến cơ quan cấp thẻ.",
            "If it is an identity field, do not accept; send the holder to the issuing office.")),
        p("DG13_DAMAGED",
          t("Dữ liệu nhân thân trong chip bị hỏng.", "The personal data on the chip is damaged."),
          t("Không chấp nhận; hướng dẫn công dân đến cơ quan cấp thẻ.", "Do not accept; send the holder to the issuing office.")),
        p("DG2_RECORD_INCONSISTENT",
          t("Cấu trúc tệp ảnh chân dung không chuẩn (ảnh vẫn đọc được).", "The portrait file's structure is irregular (the image still reads)."),
          t("Không cần làm gì.", "Nothing to do.")),

        // Passive authentication (Verification.ProblemCode).
        p("SOD_MALFORMED",
          t("Tệp chữ ký số (EF.SOD) bị lỗi.", "The signature file (EF.SOD) is malformed."),
          t("Không chấp nhận.", "Do not accept.")),
        p("SOD_HASH_ALGORITHM_UNSUPPORTED",
          t("Thẻ dùng thuật toán băm không được hỗ trợ.", "The card uses a hash algorithm that is not supported."),
          t("Không chấp nhận; báo quản trị viên.", "Do not accept; tell the administrator.")),
        p("DG_HASH_MISMATCH",
          t("Dữ liệu {field} không khớp chữ ký số: dữ liệu đã bị sửa.", "{field} does not match its signature: the data was altered."),
          t("Không chấp nhận; báo cáo cấp trên.", "Do not accept; report it to your supervisor.")),
        p("DG_LISTED_UNREADABLE",
          t("Chip không cho đọc dữ liệu {field}, dù chữ ký số của thẻ ghi là có: thẻ có thể đã bị làm giả.",
            "The chip does not give {field}, although the card's signature says it is there: the card may be forged."),
          t("Đọc lại thẻ một lần; nếu vẫn vậy, không chấp nhận và báo cáo cấp trên.",
            "Read the card once more; if this persists, do not accept it and report it to your supervisor.")),
        p("BAC_ON_PACE_CHIP",
          t("Chip đã mở bằng BAC dù thẻ hỗ trợ PACE: phiên đọc có thể đã bị can thiệp.",
            "The chip was opened with BAC although the card supports PACE: the read may have been tampered with."),
          t("Đọc lại thẻ trên đầu đọc khác; nếu vẫn vậy, không chấp nhận và báo cáo cấp trên.",
            "Read the card again on another reader; if this persists, do not accept it and report it to your supervisor.")),
        p("ACCEPTANCE_UNEARNED",
          t("Không có lỗi nào được báo, nhưng một bước kiểm tra chưa đạt: phần mềm không xác nhận được thẻ.",
            "No problem was reported, yet a check did not pass: the software cannot confirm the card."),
          t("Không chấp nhận; báo quản trị viên (đây là lỗi của phần mềm).",
            "Do not accept; tell the administrator (this is a software fault).")),
        p("DG_NOT_IN_SOD",
          t("Dữ liệu {field} không có trong chữ ký số.", "{field} is not covered by the signature."),
          t("Không chấp nhận; báo cáo cấp trên.", "Do not accept; report it to your supervisor.")),
        p("DG_NONE_GIVEN",
          t("Không đọc được dữ liệu nào để kiểm tra chữ ký.", "No data was read to check the signature over."),
          t("Đọc lại.", "Read again.")),
        p("SOD_SIGNER_INFO_COUNT",
          t("Chữ ký số có cấu trúc không hợp lệ.", "The signature has an invalid structure."),
          t("Không chấp nhận.", "Do not accept.")),
        p("SOD_CONTENT_TYPE_INVALID",
          t("Chữ ký số có cấu trúc không hợp lệ.", "The signature has an invalid structure."),
          t("Không chấp nhận.", "Do not accept.")),
        p("SOD_CONTENT_TYPE_LEGACY",
          t("Chữ ký số dùng định dạng cũ (vẫn hợp lệ).", "The signature uses an older format (still valid)."),
          t("Không cần làm gì.", "Nothing to do.")),
        p("SOD_SIGNED_ATTRIBUTES_MISSING",
          t("Chữ ký số thiếu thành phần bắt buộc.", "The signature lacks a required part."),
          t("Không chấp nhận.", "Do not accept.")),
        p("SOD_MESSAGE_DIGEST_MISMATCH",
          t("Chữ ký số không khớp nội dung: dữ liệu đã bị sửa.", "The signature does not match its content: the data was altered."),
          t("Không chấp nhận; báo cáo cấp trên.", "Do not accept; report it to your supervisor.")),
        p("SOD_SIGNER_CERTIFICATE_MISSING",
          t("Thiếu chứng thư của cơ quan ký.", "The signer's certificate is missing."),
          t("Không chấp nhận.", "Do not accept.")),
        p("SOD_SIGNATURE_ALGORITHM_UNSUPPORTED",
          t("Thẻ dùng thuật toán chữ ký không được hỗ trợ.", "The card uses a signature algorithm that is not supported."),
          t("Không chấp nhận; báo quản trị viên.", "Do not accept; tell the administrator.")),
        p("SOD_SIGNATURE_INVALID",
          t("Chữ ký số không hợp lệ: dữ liệu có thể đã bị sửa.", "The signature does not verify: the data may have been altered."),
          t("Không chấp nhận; báo cáo cấp trên.", "Do not accept; report it to your supervisor.")),
        p("DS_CERTIFICATE_MALFORMED",
          t("Chứng thư của cơ quan ký bị lỗi.", "The signer's certificate is malformed."),
          t("Không chấp nhận.", "Do not accept.")),
        p("DS_CERTIFICATE_EXPIRED",
          t("Chứng thư của cơ quan ký đã hết hạn vào lúc đọc.", "The signer's certificate had expired when the card was read."),
          t("Không chấp nhận; báo quản trị viên.", "Do not accept; tell the administrator.")),
        p("DS_CERTIFICATE_NOT_YET_VALID",
          t("Chứng thư của cơ quan ký chưa có hiệu lực vào lúc đọc.", "The signer's certificate was not yet valid when the card was read."),
          t("Kiểm tra đồng hồ của máy; nếu đúng, không chấp nhận.", "Check the computer's clock; if it is right, do not accept.")),
        p("DS_CERTIFICATE_KEY_USAGE",
          t("Chứng thư của cơ quan ký không được phép ký dữ liệu.", "The signer's certificate may not sign data."),
          t("Không chấp nhận.", "Do not accept.")),
        p("DS_CERTIFICATE_REVOKED",
          t("Chứng thư của cơ quan ký đã bị thu hồi.", "The signer's certificate has been revoked."),
          t("Không chấp nhận; báo cáo cấp trên.", "Do not accept; report it to your supervisor.")),
        p("DS_CERTIFICATE_SIGNATURE_INVALID",
          t("Chứng thư của cơ quan ký không do chứng thư gốc ký.", "The signer's certificate is not signed by the root certificate."),
          t("Không chấp nhận; báo cáo cấp trên.", "Do not accept; report it to your supervisor.")),
        p("DS_CHAIN_UNTRUSTED",
          t("Cơ quan ký không thuộc chứng thư gốc nào được tin cậy.", "The signer chains to no trusted root certificate."),
          t("Không chấp nhận; báo quản trị viên kiểm tra chứng thư gốc.", "Do not accept; ask the administrator to check the root certificates.")),
        p("CSCA_CERTIFICATE_EXPIRED",
          t("Chứng thư gốc đã hết hạn vào lúc đọc.", "The root certificate had expired when the card was read."),
          t("Báo quản trị viên cập nhật chứng thư gốc.", "Ask the administrator to update the root certificates.")),
        p("CSCA_CERTIFICATE_NOT_YET_VALID",
          t("Chứng thư gốc chưa có hiệu lực vào lúc đọc.", "The root certificate was not yet valid when the card was read."),
          t("Kiểm tra đồng hồ của máy; báo quản trị viên.", "Check the computer's clock; tell the administrator.")),
        p("CSCA_CERTIFICATE_INVALID",
          t("Chứng thư gốc hoặc chứng thư liên kết không hợp lệ.", "A root or link certificate is not valid."),
          t("Báo quản trị viên kiểm tra chứng thư gốc.", "Ask the administrator to check the root certificates.")),
        p("CSCA_CERTIFICATE_REVOKED",
          t("Một chứng thư trên chuỗi tin cậy đã bị thu hồi.", "A certificate on the chain of trust has been revoked."),
          t("Không chấp nhận; báo cáo cấp trên.", "Do not accept; report it to your supervisor.")),
        p("CERTIFICATE_CRITICAL_EXTENSION_UNKNOWN",
          t("Chứng thư có phần mở rộng bắt buộc không nhận biết được.", "A certificate has a critical extension that is not understood."),
          t("Không chấp nhận; báo quản trị viên.", "Do not accept; tell the administrator.")),
        p("CERTIFICATE_SIGNATURE_ALGORITHM_UNSUPPORTED",
          t("Chứng thư dùng thuật toán chữ ký không được hỗ trợ.", "A certificate uses a signature algorithm that is not supported."),
          t("Không chấp nhận; báo quản trị viên.", "Do not accept; tell the administrator.")),
        p("DS_CSCA_COUNTRY_MISMATCH",
          t("Cơ quan ký và chứng thư gốc thuộc hai quốc gia khác nhau.", "The signer and the root certificate name different countries."),
          t("Không chấp nhận; báo cáo cấp trên.", "Do not accept; report it to your supervisor.")),
        p("ISSUING_STATE_MISMATCH",
          t("Quốc gia cấp thẻ không khớp với quốc gia của cơ quan ký.", "The issuing country is not the signer's country."),
          t("Không chấp nhận; báo cáo cấp trên.", "Do not accept; report it to your supervisor.")),
        p("ISSUING_STATE_UNRECOGNIZED",
          t("Mã quốc gia cấp thẻ không hợp lệ.", "The issuing country code names no country."),
          t("Không chấp nhận.", "Do not accept.")),
        p("ISSUING_STATE_UNKNOWN",
          t("Không đối chiếu được quốc gia cấp thẻ (MRZ chưa đọc).", "The issuing country was not compared (the MRZ was not read)."),
          t("Không cần làm gì.", "Nothing to do.")),
        p("ALGORITHM_SHA1",
          t("Chữ ký dùng thuật toán SHA-1 cũ (vẫn được chấp nhận).", "The signature uses the older SHA-1 (still accepted)."),
          t("Không cần làm gì.", "Nothing to do.")),
        p("KEY_SIZE_TOO_SMALL",
          t("Khóa của chứng thư quá ngắn, không đủ an toàn.", "A certificate's key is too short to be safe."),
          t("Không chấp nhận; báo quản trị viên.", "Do not accept; tell the administrator.")),
        p("KEY_SIZE_WEAK",
          t("Khóa của chứng thư ngắn hơn khuyến nghị (vẫn được chấp nhận).", "A certificate's key is shorter than recommended (still accepted)."),
          t("Không cần làm gì.", "Nothing to do.")),
        p("CRL_SIGNATURE_INVALID",
          t("Danh sách thu hồi (CRL) không hợp lệ nên không được áp dụng.", "A revocation list (CRL) does not verify, so it was not applied."),
          t("Báo quản trị viên cập nhật danh sách thu hồi.", "Ask the administrator to update the revocation lists.")),
        p("CRL_OUTDATED",
          t("Danh sách thu hồi (CRL) đã cũ.", "A revocation list (CRL) is out of date."),
          t("Báo quản trị viên cập nhật danh sách thu hồi.", "Ask the administrator to update the revocation lists.")),

        // Failed attempts (CCCDError.code).
        p("PCSC_UNAVAILABLE",
          t("Dịch vụ đầu đọc thẻ (pcscd) chưa chạy.", "The card reader service (pcscd) is not running."),
          t("Báo quản trị viên khởi động pcscd (systemctl start pcscd), rồi thử lại.",
            "Ask the administrator to start pcscd (systemctl start pcscd), then try again.")),
        p("NO_READER",
          t("Không thấy đầu đọc thẻ nào.", "No card reader is attached."),
          t("Cắm đầu đọc thẻ vào máy rồi thử lại.", "Plug the card reader in and try again.")),
        p("NO_CARD",
          t("Không có thẻ trên đầu đọc {field}.", "No card on the reader {field}."),
          t("Đặt thẻ lên đầu đọc rồi quét lại mã QR.", "Put the card on the reader and scan the QR again.")),
        p("CARD_REMOVED",
          t("Thẻ bị nhấc ra khi đang đọc ({field}).", "The card was lifted during the read ({field})."),
          t("Đặt thẻ lại và giữ yên trên đầu đọc, rồi quét lại mã QR.",
            "Put the card back, keep it still on the reader, and scan the QR again.")),
        p("LINK_FAILED",
          t("Mất kết nối với thẻ khi đang đọc ({field}).", "The link to the card failed during the read ({field})."),
          t("Đặt thẻ ngay ngắn giữa đầu đọc rồi thử lại.", "Put the card squarely on the reader and try again.")),
        p("LINK_TIMEOUT",
          t("Thẻ không trả lời kịp ({field}).", "The card did not answer in time ({field})."),
          t("Đặt thẻ ngay ngắn giữa đầu đọc rồi thử lại.", "Put the card squarely on the reader and try again.")),
        p("CANCELLED",
          t("Lần đọc đã bị hủy.", "The read was cancelled."),
          t("Quét lại mã QR để đọc lại.", "Scan the QR again to read the card.")),
        p("READER_NOT_FOUND",
          t("Không tìm thấy đầu đọc đã chọn.", "The chosen reader is not attached."),
          t("Kiểm tra dây cắm hoặc tên đầu đọc (--reader).", "Check the cable or the reader's name (--reader).")),
        p("READER_AMBIGUOUS",
          t("Tên đầu đọc khớp với nhiều đầu đọc.", "The reader's name matches several readers."),
          t("Ghi rõ tên đầu đọc (--reader).", "Name the reader exactly (--reader).")),
        p("ACCESS_KEY_INVALID",
          t("Mã mở thẻ không đúng dạng (CAN 6 chữ số, số định danh 12 chữ số).", "The key is malformed (a 6-digit CAN, a 12-digit ID)."),
          t("Quét lại mã QR hoặc gõ lại số định danh.", "Scan the QR again or retype the ID number.")),
        p("ACCESS_KEY_MISSING",
          t("Chưa có mã để mở thẻ.", "No key was given to open the card."),
          t("Quét mã QR hoặc gõ số định danh.", "Scan the QR or type the ID number.")),
        p("MRZ_KEY_FORM",
          t("MRZ phải có dạng SỐTHẺ,YYMMDD,YYMMDD.", "The MRZ key is DOCNUMBER,YYMMDD,YYMMDD."),
          t("Gõ lại theo đúng dạng, hoặc quét mã QR.", "Type it again in that form, or scan the QR.")),
        p("INPUT_UNRECOGNIZED",
          t("Không nhận ra dữ liệu vừa nhập: không phải mã QR, số định danh, CAN hay MRZ.",
            "The input is not a QR, an ID number, a CAN or an MRZ key."),
          t("Quét lại mã QR trên thẻ, hoặc gõ số định danh 12 chữ số.", "Scan the card's QR again, or type the 12-digit ID number.")),
        p("QR_TEXT_INVALID",
          t("Mã QR vừa quét không phải mã QR của thẻ căn cước.", "The scanned QR is not an ID card's QR."),
          t("Quét mã QR in trên chính thẻ căn cước.", "Scan the QR printed on the ID card itself.")),
        p("DUMP_EXISTS",
          t("Thư mục lưu thẻ đã tồn tại.", "The folder to save the card in already exists."),
          t("Báo quản trị viên.", "Tell the administrator.")),
        p("DUMP_REPLACE_REFUSED",
          t("Thư mục đã có không phải thư mục lưu thẻ của cccd nên không bị ghi đè.",
            "The existing folder is not a card saved by cccd, so it was not replaced."),
          t("Chọn thư mục khác, hoặc báo quản trị viên.", "Choose another folder, or tell the administrator.")),
        p("FILE_LIST_INVALID",
          t("Danh sách tệp cần đọc không hợp lệ.", "The list of files to read is invalid."),
          t("Báo quản trị viên.", "Tell the administrator.")),
        p("CHIP_PROTOCOL_FAILED",
          t("Chip trả lời sai giao thức ({field}): có thể là thẻ giả hoặc hỏng.",
            "The chip broke the protocol ({field}): it may be forged or damaged."),
          t("Đọc lại một lần; nếu lặp lại, không chấp nhận.", "Read once more; if it happens again, do not accept.")),
        p("CHIP_NOT_SUPPORTED",
          t("Chip dùng giao thức mà phần mềm chưa hỗ trợ.", "The chip uses a protocol this software does not support."),
          t("Báo quản trị viên.", "Tell the administrator.")),
        p("LEVEL1_INCOMPLETE",
          t("Chip thiếu thông tin cần cho hồ sơ mức 1.", "The chip lacks what the level-1 payload needs."),
          t("Không lập hồ sơ mức 1; hướng dẫn công dân đến cơ quan cấp thẻ.",
            "Make no level-1 payload; send the holder to the issuing office.")),
        p("TRACE_MALFORMED",
          t("Tệp bản ghi bị lỗi.", "The trace file is malformed."),
          t("Báo quản trị viên.", "Tell the administrator.")),
        p("TRACE_ACCESS_MISSING",
          t("Tệp bản ghi không có mã mở thẻ.", "The trace holds no access key."),
          t("Báo quản trị viên.", "Tell the administrator.")),
        p("REPLAY_DIVERGED",
          t("Lần phát lại khác với bản ghi.", "The replay differs from the trace."),
          t("Báo quản trị viên.", "Tell the administrator.")),
        p("REPLAY_EXHAUSTED",
          t("Lần phát lại vượt quá bản ghi.", "The replay ran past the trace."),
          t("Báo quản trị viên.", "Tell the administrator.")),
        p("REPLAY_UNFINISHED",
          t("Lần phát lại dừng trước khi hết bản ghi.", "The replay ended before the trace did."),
          t("Báo quản trị viên.", "Tell the administrator.")),
        p("REPLAY_ENTROPY_MISMATCH",
          t("Số ngẫu nhiên của lần phát lại khác bản ghi.", "The replay's randomness differs from the trace."),
          t("Báo quản trị viên.", "Tell the administrator.")),
        p("REPLAY_EXPECTATION_FAILED",
          t("Tệp đọc được khác với nội dung bản ghi mong đợi.", "A file read differs from the trace's expected content."),
          t("Báo quản trị viên.", "Tell the administrator.")),
        p("DUMP_UNREADABLE",
          t("Thư mục thẻ đã lưu bị lỗi hoặc thiếu tệp.", "A saved card's folder is malformed or incomplete."),
          t("Báo quản trị viên.", "Tell the administrator.")),
        p("TRUST_UNREADABLE",
          t("Tệp chứng thư gốc bị lỗi.", "A trust file (certificate, master list, CRL) is malformed."),
          t("Báo quản trị viên kiểm tra thư mục chứng thư gốc.", "Ask the administrator to check the trust folder.")),
        p("WRITE_FAILED",
          t("Không ghi được tệp.", "A file could not be written."),
          t("Báo quản trị viên kiểm tra ổ đĩa và quyền ghi.", "Ask the administrator to check the disk and its permissions.")),
        p("INTERNAL",
          t("Lỗi không mong đợi của phần mềm.", "An unexpected failure of the software."),
          t("Thử lại; nếu lặp lại, báo quản trị viên kèm thời điểm xảy ra.",
            "Try again; if it happens again, tell the administrator with the time it happened.")),
        p("UNKNOWN",
          t("Vấn đề chưa được mô tả ({code}, {field}).", "A problem without a description yet ({code}, {field})."),
          t("Không chấp nhận; báo quản trị viên mã {code}.", "Do not accept; tell the administrator the code {code}.")),
    ]
}
