import CCCD
import CCCDConfiguration
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// Why the desk page does not start.
public enum DeskServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--listen` names an address other machines can reach, and no token file is configured.
    case tokenFileRequired(ListenAddress)
    /// The token file cannot be read, is empty or too short, or others may read it.
    case tokenFile(path: String, reason: String)

    /// One line saying why the page cannot start and what to do.
    public var description: String {
        switch self {
        case .tokenFileRequired(let address):
            return "--listen \(address) is not a loopback address: other machines could reach the desk, so a token "
                + "file is required (--token-file FILE, 0600, one random line of 32 characters or more)"
        case .tokenFile(let path, let reason): return "token file \(path): \(reason)"
        }
    }
}

/// The desk as a local web page (`cccd desk`, `shared/CLI.md`'s contract): the page, its state as JSON and as
/// server-sent events, the officer's input, the contact step, the portrait and the printable report.
///
/// ```swift
/// let recorder = try AttemptRecorder(configuration: CCCDConfiguration.load())
/// let desk = DeskController(settings: DeskSettings(reader: "ACR", trust: store, recorder: recorder))
/// let server = try DeskServer(controller: desk, address: .loopbackDefault)
/// try await server.run { address in print("desk at http://\(address)/") }
/// ```
///
/// Nothing leaves the machine: the page, its script and style are resources of this module, every response says
/// `Cache-Control: no-store` and carries a Content-Security-Policy that allows this origin only and no inline
/// script. Requests that change the state need the launch token (`X-CCCD-Token`, which the page reads from its
/// `<meta name="cccd-token">`), a JSON body and the page's own origin. Bound to a loopback address unless a token
/// file is given; with a token file, every request needs the token (the page is opened once as `/?token=…`, which
/// sets a same-site cookie).
public struct DeskServer: Sendable {
    /// The desk behind the page.
    public let controller: DeskController
    /// Where it listens.
    public let address: ListenAddress
    /// The launch token.
    public let token: String
    /// Whether reads need the token too (a token file was given).
    public let tokenRequiredForReads: Bool

    /// A server for `controller` on `address`.
    ///
    /// - Parameter controller: the desk whose state the page shows and changes.
    /// - Parameter address: the address and port to listen on (port 0: one the system picks).
    /// - Parameter tokenFile: a file holding the token (one line, 32 characters or more, readable by its owner
    ///   only); required for a non-loopback address. Without one, a random token is made for this launch.
    /// - Throws: ``DeskServerError``.
    public init(controller: DeskController, address: ListenAddress, tokenFile: String? = nil) throws(DeskServerError) {
        self.controller = controller
        self.address = address
        if let tokenFile {
            token = try Self.readToken(tokenFile)
            tokenRequiredForReads = true
        } else {
            guard address.isLoopback else { throw .tokenFileRequired(address) }
            var generator = SystemRandomNumberGenerator()
            token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            tokenRequiredForReads = false
        }
    }

    /// Serves until the task is cancelled; `ready` is called with the address actually bound (the system's pick
    /// of a port when 0 was given, as the benchmark does).
    public func run(ready: @escaping @Sendable (ListenAddress) async -> Void = { _ in }) async throws {
        await controller.start()
        let router = Router(context: BasicRequestContext.self)
        let bound = BoundPort(address.port)
        let guardMiddleware = DeskGuard<BasicRequestContext>(token: token, address: address, bound: bound,
                                        tokenRequiredForReads: tokenRequiredForReads)
        router.add(middleware: guardMiddleware)
        DeskRoutes(controller: controller, token: token).add(to: router)
        var logger = Logger(label: "cccd-desk")
        logger.logLevel = .critical
        let host = address.host == "localhost" ? "127.0.0.1" : address.host
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                bound.set(port)
                await ready(ListenAddress(host: address.host, port: port))
            },
            logger: logger)
        do {
            try await app.run()
        } catch {
            await controller.stop()
            throw error
        }
        await controller.stop()
    }

    private static func readToken(_ path: String) throws(DeskServerError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .tokenFile(path: path, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & 0o077 == 0 else {
            throw .tokenFile(path: path, reason: "others may read it (chmod 600 it)")
        }
        guard let data = FileManager.default.contents(atPath: path), data.count <= 4096,
              let text = String(data: data, encoding: .utf8) else {
            throw .tokenFile(path: path, reason: "not a short UTF-8 text file")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 32, token.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != ";" && $0 != "," }) else {
            throw .tokenFile(path: path, reason: "the token must be one line of 32 printable characters or more")
        }
        return token
    }
}

/// Every response's headers, and the doors: the Host (against DNS rebinding), the token, the origin, the body type.
struct DeskGuard<Context: RequestContext>: RouterMiddleware {
    let token: String
    let address: ListenAddress
    let bound: BoundPort
    let tokenRequiredForReads: Bool

    /// This origin only; no inline script or style; images from this origin; nothing framed, no form posted.
    static var contentSecurityPolicy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        if let refusal = refusal(of: request) {
            response = DeskRoutes.error(refusal.status, code: refusal.code, message: refusal.message)
        } else {
            do {
                response = try await next(request, context)
            } catch let error as HTTPError {
                response = DeskRoutes.error(error.status, code: error.status == .notFound ? "NOT_FOUND" : "HTTP_ERROR",
                                            message: error.body ?? error.status.reasonPhrase)
            } catch {
                response = DeskRoutes.error(.internalServerError, code: "INTERNAL", message: "unexpected failure")
            }
        }
        response.headers[.cacheControl] = "no-store"
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        return response
    }

    struct Refusal {
        var status: HTTPResponse.Status
        var code: String
        var message: String
    }

    /// Why a request is refused, or nil.
    func refusal(of request: Request) -> Refusal? {
        let host = request.head.authority ?? ""
        // Without a token for reads, the Host must be this server's own name: a page of another site whose name
        // was made to point at 127.0.0.1 (DNS rebinding) must not read the card's data.
        if !tokenRequiredForReads && !allowedHosts.contains(host.lowercased()) {
            return Refusal(status: .misdirectedRequest, code: "HOST_REFUSED",
                           message: "this desk answers to \(address) only")
        }
        let isWrite = request.method != .get && request.method != .head
        if isWrite || tokenRequiredForReads {
            let firstVisit = request.method == .get && request.uri.path == "/"
                && request.uri.queryParameters["token"].map { Self.equal(String($0), token) } == true
            if !firstVisit && !hasToken(request, allowCookie: !isWrite) {
                return Refusal(status: .forbidden, code: "TOKEN_REFUSED",
                               message: "the launch token is missing or wrong (X-CCCD-Token)")
            }
        }
        if isWrite {
            guard let origin = request.headers[.origin], origin == "http://\(host)" else {
                return Refusal(status: .forbidden, code: "ORIGIN_REFUSED",
                               message: "a request that changes the desk must come from the desk's own page")
            }
            let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
            guard type?.lowercased() == "application/json" else {
                return Refusal(status: .unsupportedMediaType, code: "JSON_REQUIRED",
                               message: "the body must be application/json")
            }
        }
        return nil
    }

    private var allowedHosts: Set<String> {
        let port = bound.value
        var hosts: Set<String> = ["\(ListenAddress(host: address.host, port: port))".lowercased()]
        if address.isLoopback {
            for name in ["127.0.0.1", "localhost", "[::1]"] { hosts.insert("\(name):\(port)") }
        }
        return hosts
    }

    private func hasToken(_ request: Request, allowCookie: Bool) -> Bool {
        if let given = request.headers[HTTPField.Name("X-CCCD-Token")!], Self.equal(given, token) { return true }
        guard allowCookie, let cookies = request.headers[.cookie] else { return false }
        for cookie in cookies.split(separator: ";") {
            let parts = cookie.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == "cccd_token", Self.equal(String(parts[1]), token) { return true }
        }
        return false
    }

    /// Compares in time independent of where the texts differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}

/// The port actually bound (the system's pick when 0 was asked for), for the Host check.
final class BoundPort: Sendable {
    private let port: Mutex<Int>

    init(_ port: Int) { self.port = Mutex(port) }

    var value: Int { port.withLock { $0 } }

    func set(_ value: Int) { port.withLock { $0 = value } }
}
