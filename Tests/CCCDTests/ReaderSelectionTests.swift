@testable import CCCD
import Testing

/// `--reader`: a name, a unique part of one, or an index; else the first reader with a card.
@Suite struct ReaderSelectionTests {
    static let readers = [ReaderStatus(name: "ACS ACR122U PICC Interface 00 00", cardPresent: false),
                          ReaderStatus(name: "Virtual PCD 00 00", cardPresent: true),
                          ReaderStatus(name: "Virtual PCD 00 01", cardPresent: true)]

    @Test func anExactName_picksThatReader() throws {
        #expect(try ReaderSelection.named("Virtual PCD 00 01").resolve(in: Self.readers).name == "Virtual PCD 00 01")
    }

    @Test func anIndex_picksByPosition() throws {
        #expect(try ReaderSelection.named("2").resolve(in: Self.readers).name == "Virtual PCD 00 01")
    }

    @Test func aUniquePart_anyCase_picksTheReader() throws {
        #expect(try ReaderSelection.named("pcd 00 00").resolve(in: Self.readers).name == "Virtual PCD 00 00")
    }

    @Test func aPartOfSeveral_isAmbiguous() {
        #expect(throws: CCCDError.ambiguousReader("Virtual", matches: ["Virtual PCD 00 00", "Virtual PCD 00 01"])) {
            try ReaderSelection.named("Virtual").resolve(in: Self.readers)
        }
    }

    @Test func aNameOfNone_isNotFound_listingTheReaders() {
        #expect(throws: CCCDError.readerNotFound("OMNIKEY", available: Self.readers.map(\.name))) {
            try ReaderSelection.named("OMNIKEY").resolve(in: Self.readers)
        }
    }

    @Test func aReaderWithoutACard_isNoCard_namingIt() {
        #expect(throws: CCCDError.noCard(reader: "ACS ACR122U PICC Interface 00 00")) {
            try ReaderSelection.named("ACR122").resolve(in: Self.readers)
        }
    }

    @Test func noReaderNamed_picksTheFirstWithACard() throws {
        #expect(try ReaderSelection(nil).resolve(in: Self.readers).name == "Virtual PCD 00 00")
    }

    @Test func noReaderAtAll_isNoReader_andNoCardAnywhere_isNoCard() {
        #expect(throws: CCCDError.noReader) { try ReaderSelection.firstWithCard.resolve(in: []) }
        #expect(throws: CCCDError.noCard(reader: nil)) {
            try ReaderSelection.firstWithCard.resolve(in: [ReaderStatus(name: "A", cardPresent: false)])
        }
    }

    @Test func theFailuresExitAsCLI_mdSays() {
        #expect(CCCDError.noReader.kind.exitCode == 3)
        #expect(CCCDError.noCard(reader: nil).kind.exitCode == 3)
        #expect(CCCDError.readerNotFound("x", available: []).kind.exitCode == 2)
        #expect(CCCDError.ambiguousReader("x", matches: []).kind.exitCode == 2)
    }
}
