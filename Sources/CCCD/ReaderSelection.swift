import CardIO
import Foundation

/// Which PC/SC reader to read from: one named (a name, a unique part of one, or an index), or the first reader
/// with a card on it.
public enum ReaderSelection: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The reader with this exact name, else the one at this zero-based index, else the one whose name holds this
    /// text (case-insensitive) when exactly one does.
    case named(String)
    /// The first reader, in PC/SC's order, with a card on it.
    case firstWithCard

    /// A reader by name, part of a name or index: `"ACR"`, `"00 01"`, `"1"`.
    public init(stringLiteral value: String) { self = .named(value) }

    /// `--reader`'s value: a name, a part of one or an index; nil for the first reader with a card.
    public init(_ query: String?) { self = query.map(ReaderSelection.named) ?? .firstWithCard }

    /// The query in quotes, or "the first reader with a card".
    public var description: String {
        switch self {
        case .named(let query): return "\"\(query)\""
        case .firstWithCard: return "the first reader with a card"
        }
    }

    /// The reader this selection picks among `readers` (as PC/SC lists them), with a card on it.
    ///
    /// - Throws: ``CCCDError/noReader`` when the list is empty; ``CCCDError/readerNotFound(_:available:)`` or
    ///   ``CCCDError/ambiguousReader(_:matches:)`` for a name that picks none or several;
    ///   ``CCCDError/noCard(reader:)`` when the reader picked (or every reader) is empty.
    public func resolve(in readers: [ReaderStatus]) throws(CCCDError) -> ReaderStatus {
        guard !readers.isEmpty else { throw .noReader }
        switch self {
        case .firstWithCard:
            guard let first = readers.first(where: \.cardPresent) else { throw .noCard(reader: nil) }
            return first
        case .named(let query):
            let picked = try Self.pick(query, among: readers)
            guard picked.cardPresent else { throw .noCard(reader: picked.name) }
            return picked
        }
    }

    /// Whether the reader named `name` is one this selection may pick (for watching card events).
    public func admits(_ name: String, among readers: [ReaderStatus]) -> Bool {
        switch self {
        case .firstWithCard: return true
        case .named(let query): return (try? Self.pick(query, among: readers))?.name == name
        }
    }

    private static func pick(_ query: String, among readers: [ReaderStatus]) throws(CCCDError) -> ReaderStatus {
        if let exact = readers.first(where: { $0.name == query }) { return exact }
        if let index = Int(query), index >= 0, index < readers.count, query.allSatisfy(\.isASCII) {
            return readers[index]
        }
        let matches = readers.filter { $0.name.range(of: query, options: .caseInsensitive) != nil }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty { throw .readerNotFound(query, available: readers.map(\.name)) }
        throw .ambiguousReader(query, matches: matches.map(\.name))
    }
}
