// The MRZ holds the BAC key (document number, birth and expiry dates) and the CCCD's ID number, whose last
// six digits are the CAN; DG13 holds the ID number too. Their descriptions, debug descriptions and mirrors
// (which `print`, string interpolation and `dump` use) therefore name only the layout, never a value.

extension MRZ: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The layout and document code only: the fields include access secrets.
    public var description: String { "MRZ(\(format), \(documentCode), fields redacted)" }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror without children, so `dump` prints no field.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension DataGroup1: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The MRZ's layout only.
    public var description: String { "DG1(\(mrz))" }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension DataGroup13: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Which fields are present, never their values (field 1 holds the CAN's digits).
    public var description: String {
        let present = presentFieldNumbers + unknownFields.map(\.number)
        let malformed = malformedFields.compactMap(\.number)
        return "DG13(fields \(present.map(String.init).joined(separator: ","))"
            + (malformed.isEmpty ? "" : ", malformed \(malformed.map(String.init).joined(separator: ","))")
            + ", values redacted)"
    }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension DG13MalformedField: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The field's number, size and error, never its bytes (field 1 holds the CAN's digits).
    public var description: String { "DG13MalformedField(\(encoded.count) bytes, \(error))" }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
