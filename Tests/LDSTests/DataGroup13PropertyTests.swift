import PropertyBased
import Testing
@testable import LDS

// Properties of DG13's field-at-a-time parser over generated files (x-sheep/swift-property-based): a well-formed
// field is never lost, whatever broken fields stand around it, and a file cut anywhere keeps every field that
// ends before the cut. Files are written with the generic TLVWriter, never with DataGroup13's encoder, and the
// expected values are the generated ones.

private func int(_ r: ClosedRange<Int>, _ rng: inout RNG) -> Int { Int.random(in: r, using: &rng) }
private func bool(_ rng: inout RNG) -> Bool { Bool.random(using: &rng) }
private func text(_ rng: inout RNG, _ count: ClosedRange<Int> = 0...30) -> String {
    let alphabet = Array("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọ ,./0123456789ĐNTHLQ")
    return String((0..<int(count, &rng)).map { _ in alphabet[int(0...(alphabet.count - 1), &rng)] })
}

/// One generated field: its bytes, and what the parser must find for it.
private struct GeneratedField: Sendable {
    enum Expect: Sendable {
        case text(Int, String)
        case parents(String?, String?)
        case malformed(Int?)
    }
    var bytes: [UInt8]
    var expect: Expect
}

private struct GeneratedFile: Sendable, CustomStringConvertible {
    var fields: [GeneratedField]
    var bytes: [UInt8]
    /// Offset just past each field, in file order.
    var ends: [Int]
    var description: String { bytes.hexString }
}

private func string(_ s: String, _ rng: inout RNG, printable: Bool) -> [UInt8] {
    var w = TLVWriter()
    w.appendString(s, tag: printable && bool(&rng) ? .printableString : .utf8String)
    return w.bytes
}

private func fieldBytes(_ number: Int?, _ values: [[UInt8]]) -> [UInt8] {
    var w = TLVWriter()
    w.append(.sequence) { w in
        if let number { w.appendInteger(number) }
        for v in values { w.appendEncoded(v) }
    }
    return w.bytes
}

private func wrapped(_ v: [UInt8]) -> [UInt8] {
    var w = TLVWriter()
    w.append(.sequence, value: v)
    return w.bytes
}

/// A well-formed field `n` in one of the forms CCCD.md allows.
private func goodField(_ n: Int, _ rng: inout RNG) -> GeneratedField {
    switch n {
    case 13:
        let father: String? = int(0...3, &rng) == 0 ? nil : text(&rng, 1...30)
        let mother: String? = int(0...3, &rng) == 0 ? nil : text(&rng, 1...30)
        let f = father.map { string($0, &rng, printable: false) }
        let m = mother.map { string($0, &rng, printable: false) }
        var values: [[UInt8]] = []
        let form = int(0...2, &rng)
        if let f, form == 1 {
            values = [wrapped(f + (m ?? []))]  // one SEQUENCE holding both
        } else if let f, form == 2 {
            values = [f] + (m.map { [$0] } ?? [])  // bare strings
        } else {
            // Sibling SEQUENCEs; an empty SEQUENCE for a father left out.
            if f != nil || m != nil { values.append(wrapped(f ?? [])) }
            if let m { values.append(wrapped(m)) }
        }
        return GeneratedField(bytes: fieldBytes(13, values), expect: .parents(father, mother))
    case 3, 11, 12:
        var forms = ["15/03/1999", "1999", "00/00/1950", "00/07/1950", "29022004", ""]
        if n == 12 { forms.append("Không thời hạn") }
        let date = forms[int(0...(forms.count - 1), &rng)]
        return GeneratedField(bytes: fieldBytes(n, date.isEmpty ? [] : [string(date, &rng, printable: date.utf8.allSatisfy { $0 < 0x80 })]),
                              expect: .text(n, date))
    default:
        let value = text(&rng)
        let encoded = string(value, &rng, printable: value.utf8.allSatisfy { $0 < 0x80 })
        // Empty: the number alone; else bare, or in a SEQUENCE of its own (as the spouse is).
        let values = value.isEmpty && bool(&rng) ? [] : [bool(&rng) ? encoded : wrapped(encoded)]
        return GeneratedField(bytes: fieldBytes(n, values), expect: .text(n, value))
    }
}

/// A broken field, numbered `n` (nil: one whose number cannot be read), in one of the ways a field can be broken
/// without breaking the TLV around it.
private func brokenField(_ n: Int?, _ rng: inout RNG) -> GeneratedField {
    guard let n else {
        return bool(&rng)
            ? GeneratedField(bytes: [0x04, 0x02, 0x00, 0x01], expect: .malformed(nil))  // not a SEQUENCE
            : GeneratedField(bytes: fieldBytes(nil, [[0x0C, 0x01, 0x41]]), expect: .malformed(nil))  // no number
    }
    switch int(0...4, &rng) {
    case 0: return GeneratedField(bytes: fieldBytes(n, [[0x05, 0x00]]), expect: .malformed(n))  // a NULL value
    case 1: return GeneratedField(bytes: fieldBytes(n, [[0x0C, 0x02, 0xC3, 0x28]]), expect: .malformed(n))  // bad UTF-8
    case 2:
        // More values than the field holds (three for the parents, two elsewhere).
        let values = (0..<(n == 13 ? 3 : 2)).map { _ in [0x0C, 0x01, 0x41] as [UInt8] }
        return GeneratedField(bytes: fieldBytes(n, values), expect: .malformed(n))
    case 3: return GeneratedField(bytes: fieldBytes(n, [wrapped(wrapped([0x0C, 0x01, 0x41]))]), expect: .malformed(n))
    default:
        // An inner length running past the field's end.
        return GeneratedField(bytes: fieldBytes(n, [[0x0C, 0x20, 0x41, 0x42]]), expect: .malformed(n))
    }
}

private func file(_ fields: [GeneratedField]) -> GeneratedFile {
    var set = TLVWriter()
    set.append(.set) { w in for f in fields { w.appendEncoded(f.bytes) } }
    var w = TLVWriter()
    w.append(0x6D) { w in
        w.append(.sequence) { w in
            w.appendInteger(1)
            w.appendOID(.utf8Encoding)
            w.appendEncoded(set.bytes)
        }
    }
    // The SET is the file's last element: its content ends where the file does.
    var end = w.bytes.count - fields.reduce(0) { $0 + $1.bytes.count }
    let ends = fields.map { f -> Int in
        end += f.bytes.count
        return end
    }
    return GeneratedFile(fields: fields, bytes: w.bytes, ends: ends)
}

private let goodAmongBroken = Generator<GeneratedFile, Shrink.None<GeneratedFile>>(run: { rng in
    var numbers = Array(1...16).shuffled(using: &rng)
    let goodCount = int(1...10, &rng)
    var fields = numbers.prefix(goodCount).map { goodField($0, &rng) }
    numbers.removeFirst(goodCount)
    for _ in 0..<int(1...6, &rng) {
        // Broken fields take numbers no good field has (a second field 2 would be reported as a duplicate).
        let n: Int? = numbers.isEmpty || int(0...3, &rng) == 0 ? nil : numbers.removeFirst()
        fields.insert(brokenField(n, &rng), at: int(0...fields.count, &rng))
    }
    return file(fields)
})

private let wellFormed = Generator<(GeneratedFile, Int), Shrink.None<(GeneratedFile, Int)>>(run: { rng in
    let numbers = Array(1...16).shuffled(using: &rng).prefix(int(1...16, &rng))
    let f = file(numbers.map { goodField($0, &rng) })
    let firstFieldStart = f.ends[0] - f.fields[0].bytes.count
    return (f, int(firstFieldStart...(f.bytes.count - 1), &rng))
})

/// The value DG13 holds for the field's number, as text (nil when absent).
private func found(_ dg: DataGroup13, _ n: Int) -> String? {
    switch n {
    case 1: return dg.personalIDNumber
    case 2: return dg.fullName
    case 3: return dg.dateOfBirth?.text
    case 4: return dg.sex?.text
    case 5: return dg.nationality
    case 6: return dg.ethnicity
    case 7: return dg.religion
    case 8: return dg.placeOfOrigin
    case 9: return dg.placeOfResidence
    case 10: return dg.identifyingCharacteristics
    case 11: return dg.dateOfIssue?.text
    case 12: return dg.dateOfExpiry?.text
    case 13: return dg.parents.map { "\($0.fatherName ?? "-")|\($0.motherName ?? "-")" }
    case 14: return dg.spouseName
    case 15: return dg.otherDocumentNumber
    default: return dg.field16
    }
}

private func check(_ dg: DataGroup13, _ field: GeneratedField) {
    switch field.expect {
    case .text(let n, let value): #expect(found(dg, n) == value, "field \(n)")
    case .parents(let father, let mother):
        #expect(dg.parents == DG13Parents(fatherName: father, motherName: mother), "field 13")
    case .malformed: break
    }
}

private func number(_ field: GeneratedField) -> Int? {
    switch field.expect {
    case .text(let n, _): return n
    case .parents: return 13
    case .malformed(let n): return n
    }
}

@Suite struct DataGroup13PropertyTests {
    @Test func wellFormedField_isNeverLost_amongBrokenOnes() async {
        await propertyCheck(count: 400, input: goodAmongBroken) { (f) async throws in
            let dg = try DataGroup13(bytes: f.bytes)
            for field in f.fields { check(dg, field) }
            var broken: [Int?] = []
            for field in f.fields { if case .malformed(let n) = field.expect { broken.append(n) } }
            #expect(dg.malformedFields.map(\.number) == broken)
            #expect(dg.damage == nil)
        }
    }

    @Test func fileCutAnywhere_keepsEveryFieldBeforeTheCut() async {
        await propertyCheck(count: 400, input: wellFormed) { (input) async throws in
            let (f, cut) = input
            let dg = try DataGroup13(bytes: Array(f.bytes.prefix(cut)))
            for (field, end) in zip(f.fields, f.ends) {
                if end <= cut {
                    check(dg, field)
                } else if let n = number(field) {
                    #expect(found(dg, n) == nil, "field \(n) past the cut")
                }
            }
            // The cut is reported, naming the field it falls in when that field's number was read.
            let damage = try #require(dg.damage)
            #expect(damage.kind == .truncated || damage.number == nil)
            if let n = damage.number {
                let index = try #require(f.ends.firstIndex { $0 > cut })
                #expect(number(f.fields[index]) == n)
            }
        }
    }
}
