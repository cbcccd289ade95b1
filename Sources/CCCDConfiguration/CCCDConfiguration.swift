import CCCD
import Foundation

/// The effective configuration of `cccd` (`shared/CLI.md`, "Configuration"): the defaults, then
/// `/etc/cccd/cccd.toml`, then `$XDG_CONFIG_HOME/cccd/cccd.toml` (`~/.config/cccd/cccd.toml`), then the command
/// line, each overriding the one before. Every value knows where it came from (``Setting/source``).
///
/// A file names only the keys below; an unknown key or a value of the wrong type is a ``ConfigurationError``
/// naming the file and the key (exit 6), never ignored: a misspelt `retentionDays` must not silently keep
/// citizens' data for ever. Relative paths in a file are relative to the file's folder; `~/` is the home folder.
public struct CCCDConfiguration: Sendable {
    /// Folders or files of CSCA certificates, master lists and CRLs (`trust`). By default `/etc/cccd/trust` and
    /// `$XDG_CONFIG_HOME/cccd/trust`, of which only those that exist are read (``trustPaths``).
    public var trust: Setting<[String]>
    /// The folder saved cards go to (`out`): `$XDG_DATA_HOME/cccd/cards`, else `~/.local/share/cccd/cards`.
    public var out: Setting<String>
    /// The audit log (`log`): `$XDG_DATA_HOME/cccd/audit.sqlite`, else `~/.local/share/cccd/audit.sqlite`.
    public var log: Setting<String>
    /// The reader to use (`reader`): a name, a unique part of one, or an index; nil for the first with a card.
    public var reader: Setting<String?>
    /// The language of the officer's messages (`lang`): Vietnamese by default.
    public var lang: Setting<Language>
    /// Who works at the desk (`operator`), as the audit log names them: the login name by default.
    public var operatorName: Setting<String>
    /// Days saved cards and log entries are kept (`retentionDays`); nil keeps them until purged by hand.
    public var retentionDays: Setting<Int?>
    /// Where `cccd desk` listens (`listen`): `127.0.0.1:8080` by default.
    public var listen: Setting<ListenAddress>
    /// The file holding the desk's access token, needed when ``listen`` is not a loopback address (`tokenFile`).
    public var tokenFile: Setting<String?>
    /// The configuration files that exist and were read, in order.
    public var filesRead: [String]

    /// The keys a configuration file may hold, in the order `cccd config` prints them.
    public static let keys = ["trust", "out", "log", "reader", "lang", "operator", "retentionDays", "listen",
                              "tokenFile"]

    /// The largest configuration file read: a real one is a few hundred bytes.
    public static let maximumFileSize = 64 << 10

    /// The languages of the officer's messages.
    public enum Language: String, Sendable, Hashable, CaseIterable {
        /// Tiếng Việt (the default).
        case vi
        /// English.
        case en
    }

    /// A value and where it came from.
    public struct Setting<Value: Sendable>: Sendable {
        /// The value in force.
        public var value: Value
        /// Where it was set.
        public var source: SettingSource

        /// A value from a source.
        public init(_ value: Value, from source: SettingSource) {
            self.value = value
            self.source = source
        }
    }

    /// What the command line gives; nil leaves the files' (or the default) value.
    public struct Overrides: Sendable {
        /// Trust paths for ``CCCDConfiguration/trust``; an empty list leaves it as it is.
        public var trust: [String]?
        /// The folder for ``CCCDConfiguration/out``.
        public var out: String?
        /// The audit log file for ``CCCDConfiguration/log``.
        public var log: String?
        /// The reader query for ``CCCDConfiguration/reader``.
        public var reader: String?
        /// `vi` or `en`, for ``CCCDConfiguration/lang``; anything else is a usage error.
        public var lang: String?
        /// The name for ``CCCDConfiguration/operatorName`` (1 to 100 characters, no control characters).
        public var operatorName: String?
        /// The days for ``CCCDConfiguration/retentionDays``.
        public var retentionDays: Int?
        /// `HOST:PORT` for ``CCCDConfiguration/listen``.
        public var listen: String?
        /// The token file for ``CCCDConfiguration/tokenFile``.
        public var tokenFile: String?

        /// Overrides from the command line.
        public init(trust: [String]? = nil, out: String? = nil, log: String? = nil, reader: String? = nil,
                    lang: String? = nil, operatorName: String? = nil, retentionDays: Int? = nil,
                    listen: String? = nil, tokenFile: String? = nil) {
            self.trust = trust
            self.out = out
            self.log = log
            self.reader = reader
            self.lang = lang
            self.operatorName = operatorName
            self.retentionDays = retentionDays
            self.listen = listen
            self.tokenFile = tokenFile
        }
    }

    // MARK: Loading.

    /// The system file: `$CCCD_SYSTEM_CONFIG` when set (packaging and tests), else `/etc/cccd/cccd.toml`.
    public static func systemFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["CCCD_SYSTEM_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } ?? "/etc/cccd/cccd.toml"
    }

    /// The user's file: `$XDG_CONFIG_HOME/cccd/cccd.toml`, else `$HOME/.config/cccd/cccd.toml`.
    public static func userFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        configHome(environment) + "/cccd/cccd.toml"
    }

    /// The defaults, the two files (those that exist) and the command line, each overriding the one before.
    ///
    /// - Throws: ``ConfigurationError`` for a file that cannot be read, is larger than ``maximumFileSize``, is not
    ///   TOML, or holds an unknown key or a value of the wrong type or form (exit 6); for a command-line value of
    ///   the wrong form (exit 2).
    public static func load(overrides: Overrides = Overrides(),
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            files: [String]? = nil) throws(ConfigurationError) -> CCCDConfiguration {
        var configuration = defaults(environment: environment)
        for file in files ?? [systemFile(environment: environment), userFile(environment: environment)] {
            guard let table = try ConfigurationFile.read(file) else { continue }
            try configuration.apply(table, from: file, home: home(environment))
            configuration.filesRead.append(file)
        }
        try configuration.apply(overrides)
        return configuration
    }

    /// The values in force when no file and no option says otherwise.
    public static func defaults(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> CCCDConfiguration {
        let data = dataHome(environment) + "/cccd"
        return CCCDConfiguration(
            trust: Setting(["/etc/cccd/trust", configHome(environment) + "/cccd/trust"], from: .defaultValue),
            out: Setting(data + "/cards", from: .defaultValue),
            log: Setting(data + "/audit.sqlite", from: .defaultValue),
            reader: Setting(nil, from: .defaultValue),
            lang: Setting(.vi, from: .defaultValue),
            operatorName: Setting(loginName(environment), from: .defaultValue),
            retentionDays: Setting(nil, from: .defaultValue),
            listen: Setting(ListenAddress.loopbackDefault, from: .defaultValue),
            tokenFile: Setting(nil, from: .defaultValue),
            filesRead: [])
    }

    /// The trust paths to read: the default locations that exist, or every path a file or the command line gave
    /// (a path given that does not exist is then an error of the trust store, not skipped).
    public var trustPaths: [String] {
        guard trust.source == .defaultValue else { return trust.value }
        return trust.value.filter { FileManager.default.fileExists(atPath: $0) }
    }

    // MARK: Applying a layer.

    private mutating func apply(_ table: [String: ConfigurationFile.Value], from file: String,
                                home: String) throws(ConfigurationError) {
        let folder = (file as NSString).deletingLastPathComponent
        func path(_ text: String, key: String) throws(ConfigurationError) -> String {
            guard !text.isEmpty else { throw ConfigurationError(file: file, key: key, reason: "an empty path") }
            guard !text.contains("\0") else { throw ConfigurationError(file: file, key: key, reason: "a NUL in the path") }
            if text == "~" { return home }
            if text.hasPrefix("~/") { return home + text.dropFirst() }
            if text.hasPrefix("/") { return text }
            return folder + "/" + text
        }
        let source = SettingSource.file(file)
        for key in table.keys.sorted() {
            let value = table[key]!
            switch key {
            case "trust":
                let items: [String]
                switch value {
                case .string(let one): items = [one]
                case .array(let many):
                    items = try many.enumerated().map { (index, item) throws(ConfigurationError) -> String in
                        guard case .string(let text) = item else {
                            throw ConfigurationError(file: file, key: "trust[\(index)]",
                                                     reason: "expected a path (a string), found \(item.typeName)")
                        }
                        return text
                    }
                default:
                    throw ConfigurationError(file: file, key: key,
                                             reason: "expected a path or a list of paths, found \(value.typeName)")
                }
                trust = Setting(try items.map { (text) throws(ConfigurationError) in try path(text, key: key) },
                                from: source)
            case "out": out = Setting(try path(try value.string(file, key), key: key), from: source)
            case "log": log = Setting(try path(try value.string(file, key), key: key), from: source)
            case "tokenFile": tokenFile = Setting(try path(try value.string(file, key), key: key), from: source)
            case "reader":
                let text = try value.string(file, key)
                guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw ConfigurationError(file: file, key: key, reason: "an empty reader name")
                }
                reader = Setting(text, from: source)
            case "lang":
                lang = Setting(try Self.language(try value.string(file, key), file: file), from: source)
            case "operator":
                operatorName = Setting(try Self.operatorName(try value.string(file, key), file: file), from: source)
            case "retentionDays":
                guard case .integer(let days) = value else {
                    throw ConfigurationError(file: file, key: key, reason: "expected a whole number of days, found \(value.typeName)")
                }
                retentionDays = Setting(try Self.retention(days, file: file), from: source)
            case "listen":
                listen = Setting(try Self.listenAddress(try value.string(file, key), file: file), from: source)
            default:
                throw ConfigurationError(file: file, key: key, reason: "unknown key (known: \(Self.keys.joined(separator: ", ")))")
            }
        }
    }

    private mutating func apply(_ overrides: Overrides) throws(ConfigurationError) {
        if let paths = overrides.trust, !paths.isEmpty { trust = Setting(paths, from: .commandLine) }
        if let text = overrides.out { out = Setting(text, from: .commandLine) }
        if let text = overrides.log { log = Setting(text, from: .commandLine) }
        if let text = overrides.reader { reader = Setting(text, from: .commandLine) }
        if let text = overrides.lang { lang = Setting(try Self.language(text, file: nil), from: .commandLine) }
        if let text = overrides.operatorName {
            operatorName = Setting(try Self.operatorName(text, file: nil), from: .commandLine)
        }
        if let days = overrides.retentionDays {
            retentionDays = Setting(try Self.retention(days, file: nil), from: .commandLine)
        }
        if let text = overrides.listen { listen = Setting(try Self.listenAddress(text, file: nil), from: .commandLine) }
        if let text = overrides.tokenFile { tokenFile = Setting(text, from: .commandLine) }
    }

    // MARK: Forms.

    private static func language(_ text: String, file: String?) throws(ConfigurationError) -> Language {
        guard let language = Language(rawValue: text) else {
            throw ConfigurationError(file: file, key: "lang", reason: "\"\(text)\" is not a language: vi or en")
        }
        return language
    }

    /// A name of 1 to 100 characters without control characters: it goes into the log and the printed report.
    private static func operatorName(_ text: String, file: String?) throws(ConfigurationError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 100,
              !trimmed.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw ConfigurationError(file: file, key: "operator",
                                     reason: "expected a name of 1 to 100 characters without control characters")
        }
        return trimmed
    }

    private static func retention(_ days: Int, file: String?) throws(ConfigurationError) -> Int {
        guard (1...36_500).contains(days) else {
            throw ConfigurationError(file: file, key: "retentionDays", reason: "\(days) is not a number of days from 1 to 36500")
        }
        return days
    }

    private static func listenAddress(_ text: String, file: String?) throws(ConfigurationError) -> ListenAddress {
        guard let address = ListenAddress(text) else {
            throw ConfigurationError(file: file, key: "listen",
                                     reason: "\"\(text)\" is not HOST:PORT (127.0.0.1:8080, [::1]:8080)")
        }
        return address
    }

    // MARK: The environment.

    static func home(_ environment: [String: String]) -> String {
        environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }

    static func configHome(_ environment: [String: String]) -> String {
        absolute(environment["XDG_CONFIG_HOME"]) ?? home(environment) + "/.config"
    }

    static func dataHome(_ environment: [String: String]) -> String {
        absolute(environment["XDG_DATA_HOME"]) ?? home(environment) + "/.local/share"
    }

    /// The XDG Base Directory rule: a relative or empty value is invalid and ignored.
    private static func absolute(_ value: String?) -> String? {
        guard let value, value.hasPrefix("/") else { return nil }
        return value
    }

    /// The login name of the process's user (the password database's), else `$USER`, else `uid N`.
    static func loginName(_ environment: [String: String]) -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            let text = String(cString: name)
            if !text.isEmpty { return text }
        }
        if let user = environment["USER"], !user.isEmpty { return user }
        return "uid \(geteuid())"
    }
}

/// Where a setting's value came from.
public enum SettingSource: Sendable, Hashable, CustomStringConvertible {
    /// The built-in default.
    case defaultValue
    /// A configuration file (its path).
    case file(String)
    /// An option on the command line.
    case commandLine

    /// `default`, `file` or `command-line`: the JSON name.
    public var name: String {
        switch self {
        case .defaultValue: return "default"
        case .file: return "file"
        case .commandLine: return "command-line"
        }
    }

    /// For people: `default`, the file's path, or `command line`.
    public var description: String {
        switch self {
        case .defaultValue: return "default"
        case .file(let path): return path
        case .commandLine: return "command line"
        }
    }
}

/// A host and a port to listen on: `127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:8080`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host: an IPv4 or IPv6 address, or a name (`localhost`).
    public var host: String
    /// The TCP port, 1 to 65535.
    public var port: Int

    /// `127.0.0.1:8080`.
    public static let loopbackDefault = ListenAddress(host: "127.0.0.1", port: 8080)

    /// An address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, with an IPv6 host in brackets; nil for anything else.
    public init?(_ text: String) {
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
            guard host.contains(":") else { return nil }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            guard !host.contains(":") else { return nil }
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:_".contains($0)) }),
              !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(port),
              (1...65535).contains(number) else { return nil }
        self.init(host: String(host), port: number)
    }

    /// Whether only this machine can connect: `127.0.0.0/8`, `::1` or `localhost`.
    public var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) <= 255
        }
    }

    /// `HOST:PORT`, an IPv6 host in brackets.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A configuration that cannot be used: the file (or the command line) and the key, and why. Never holds a secret
/// (the configuration holds none).
public struct ConfigurationError: ClassifiedError, Equatable, Sendable {
    /// The file, or nil for the command line.
    public var file: String?
    /// The key, where one is at fault (`retentionDays`, `trust[1]`).
    public var key: String?
    /// Why, in one line.
    public var reason: String

    /// An error.
    public init(file: String?, key: String?, reason: String) {
        self.file = file
        self.key = key
        self.reason = reason
    }

    /// `CONFIG_INVALID` for a file, `USAGE` for the command line.
    public var code: String { file == nil ? "USAGE" : "CONFIG_INVALID" }

    /// A file's error is an input error (exit 6), the command line's a usage error (exit 2).
    public var kind: FailureKind { file == nil ? .usage : .input }

    /// The file (or "the command line"), the key, and the reason.
    public var description: String {
        let place = file.map { "configuration \($0)" } ?? "the command line"
        return "\(place): " + (key.map { "\($0): " } ?? "") + reason
    }
}
