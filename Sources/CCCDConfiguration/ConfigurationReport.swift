import CCCD

extension CCCDConfiguration {
    /// Each key with its value as JSON and its source, in ``keys`` order.
    private var entries: [(key: String, value: JSONValue, source: SettingSource)] {
        [
            ("trust", .array(trust.value.map(JSONValue.string)), trust.source),
            ("out", .string(out.value), out.source),
            ("log", .string(log.value), log.source),
            ("reader", .optional(reader.value), reader.source),
            ("lang", .string(lang.value.rawValue), lang.source),
            ("operator", .string(operatorName.value), operatorName.source),
            ("retentionDays", retentionDays.value.map(JSONValue.integer) ?? .null, retentionDays.source),
            ("listen", .string(listen.value.description), listen.source),
            ("tokenFile", .optional(tokenFile.value), tokenFile.source),
        ]
    }

    /// The `cccd-config/1` document: the files read and, for each key, its value and where it came from
    /// (`"source": "default" | "file" | "command-line"`, with `"file"` naming the file).
    public var json: JSONValue {
        .object([
            ("schema", .string(OutputSchema.config.rawValue)),
            ("files", .array(filesRead.map(JSONValue.string))),
            ("settings", .object(entries.map { entry in
                var members: [(String, JSONValue)] = [("value", entry.value), ("source", .string(entry.source.name))]
                if case .file(let path) = entry.source { members.append(("file", .string(path))) }
                return (entry.key, .object(members))
            })),
        ])
    }

    /// One line per key for people: the key, the value, and in brackets where it came from.
    public var lines: [String] {
        entries.map { entry in
            let value: String
            switch entry.value {
            case .array(let items):
                value = items.isEmpty ? "(none)" : items.map { item in
                    if case .string(let text) = item { return text } else { return item.serialized() }
                }.joined(separator: ", ")
            case .string(let text): value = text
            case .null: value = entry.key == "retentionDays" ? "(keep until purged)" : "(none)"
            default: value = entry.value.serialized()
            }
            return entry.key.padding(toLength: 14, withPad: " ", startingAt: 0) + value + "  [\(entry.source)]"
        }
    }
}
