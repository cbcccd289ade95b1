/// EF.COM: the LDS and Unicode versions and the tags of the data groups present (ICAO 9303-10 §4.6.1).
///
/// `60 { 5F01 "0107", 5F36 "040000", 5C <tag list> }`.
public struct EFCOM: Sendable, Equatable, Hashable {
    /// LDS version as stored, four digits `aabb` (`0107` is LDS 1.7).
    public var ldsVersion: String
    /// Unicode version as stored, six digits `aabbcc` (`040000` is Unicode 4.0.0).
    public var unicodeVersion: String
    /// The data-group tags listed (`61` DG1, `75` DG2, …), in file order.
    public var dataGroupTags: [UInt8]

    /// An EF.COM from its values.
    public init(ldsVersion: String, unicodeVersion: String, dataGroupTags: [UInt8]) {
        self.ldsVersion = ldsVersion
        self.unicodeVersion = unicodeVersion
        self.dataGroupTags = dataGroupTags
    }

    /// An EF.COM listing the given data groups.
    public init(ldsVersion: String = "0107", unicodeVersion: String = "040000", dataGroups: [Int]) {
        self.init(ldsVersion: ldsVersion, unicodeVersion: unicodeVersion,
                  dataGroupTags: dataGroups.compactMap { ElementaryFile.dataGroup($0).tag.map { UInt8($0.rawValue) } })
    }

    /// The data groups listed, by number; tags that name no data group are left out (they stay in
    /// ``dataGroupTags``).
    public var dataGroups: [Int] {
        dataGroupTags.compactMap { tag in
            if case .dataGroup(let n)? = ElementaryFile(dataGroupTag: tag) { return n }
            return nil
        }
    }

    /// Parses EF.COM. Data objects other than the three above are skipped.
    public init(bytes: [UInt8]) throws(LDSError) {
        self = try LDSError.parsing(.com) { () throws(LDSError.Reason) -> EFCOM in
            let r = FileReader(bytes)
            let outer = try r.single(0x60)
            var c = try r.children(outer)
            var lds: String?, unicode: String?, tags: [UInt8]?
            while let e = try c.next() {
                switch e.tag {
                case 0x5F01: lds = try r.string(e)
                case 0x5F36: unicode = try r.string(e)
                case 0x5C: tags = Array(r.value(e))
                default: continue
                }
            }
            guard let lds else { throw .tlv(.missingElement(offset: outer.valueEnd, expected: 0x5F01)) }
            guard let unicode else { throw .tlv(.missingElement(offset: outer.valueEnd, expected: 0x5F36)) }
            guard let tags else { throw .tlv(.missingElement(offset: outer.valueEnd, expected: 0x5C)) }
            return EFCOM(ldsVersion: lds, unicodeVersion: unicode, dataGroupTags: tags)
        }
    }

    /// The EF.COM file.
    public func encoded() -> [UInt8] {
        var w = TLVWriter(reservingCapacity: 32)
        w.append(0x60) { w in
            w.append(0x5F01, value: Array(ldsVersion.utf8))
            w.append(0x5F36, value: Array(unicodeVersion.utf8))
            w.append(0x5C, value: dataGroupTags)
        }
        return w.bytes
    }
}
