import CCCD
import Foundation
import HTTPTypes
import Hummingbird

/// The routes of `shared/CLI.md`'s desk contract.
struct DeskRoutes: Sendable {
    let controller: DeskController
    let token: String

    /// The largest request body taken (a QR text is a few hundred bytes).
    static let maximumBody = 16 * 1024

    func add(to router: Router<BasicRequestContext>) {
        let controller = self.controller
        let token = self.token
        router.get("/") { request, _ -> Response in
            if request.uri.queryParameters["token"] != nil {
                // The first visit with the token file's token: a same-site cookie carries it from now on.
                var response = Response(status: .seeOther)
                response.headers[.location] = "/"
                response.headers[.setCookie] = "cccd_token=\(token); Path=/; HttpOnly; SameSite=Strict"
                return response
            }
            let html = DeskPage.page(language: controller.settings.language, token: token,
                                     operatorName: controller.settings.operatorName)
            return Self.text(html, type: "text/html; charset=utf-8")
        }
        for asset in DeskPage.Asset.allCases {
            router.get(RouterPath(asset.path)) { _, _ -> Response in
                Self.text(asset.contents, type: asset.mediaType)
            }
        }
        router.get("/api/state") { _, _ -> Response in
            Self.json(await controller.state())
        }
        router.get("/api/events") { _, _ -> Response in
            let states = await controller.events()
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                for await event in Self.withHeartbeat(states) {
                    try await writer.write(ByteBuffer(string: event))
                }
                try await writer.finish(nil)
            })
        }
        router.post("/api/input") { request, _ -> Response in
            let body = try await Self.body(request)
            guard let text = body["text"] as? String else {
                return Self.error(.badRequest, code: "INPUT_MISSING", message: "give {\"text\": …}")
            }
            do throws(DeskRefusal) {
                try await controller.submit(text)
                return Self.json(await controller.state(), status: .accepted)
            } catch {
                return Self.refused(error, language: controller.settings.language)
            }
        }
        router.post("/api/contact") { request, _ -> Response in
            let body = try await Self.body(request)
            guard let phone = body["phone"] as? String else {
                return Self.error(.badRequest, code: "PHONE_MISSING", message: "give {\"phone\": …}")
            }
            let email = body["email"] as? String
            let check = body["check"] as? Bool ?? false
            do throws(DeskRefusal) {
                let outcome = try await controller.contact(phone: phone, email: email, check: check)
                return Self.json(check ? outcome : await controller.state())
            } catch {
                return Self.refused(error, language: controller.settings.language)
            }
        }
        router.post("/api/reset") { _, _ -> Response in
            await controller.reset()
            return Self.json(await controller.state())
        }
        router.get("/api/portrait") { _, _ -> Response in
            guard let portrait = await controller.portrait() else {
                return Self.error(.notFound, code: "NO_PORTRAIT", message: "no card with a portrait has been read")
            }
            var headers = HTTPFields()
            headers[.contentType] = "image/jpeg"
            headers[.contentLength] = String(portrait.jpeg.count)
            return Response(status: .ok, headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: portrait.jpeg)))
        }
        router.get("/report") { _, _ -> Response in
            Self.text(await controller.report(), type: "text/html; charset=utf-8")
        }
    }

    // MARK: Bodies.

    /// The request's JSON object, at most ``maximumBody`` bytes.
    static func body(_ request: Request) async throws -> [String: Any] {
        var request = request
        let buffer = try await request.collectBody(upTo: maximumBody)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        else { throw HTTPError(.badRequest, message: "the body is not a JSON object") }
        return object
    }

    static func text(_ text: String, type: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        text(value.serialized(), type: "application/json; charset=utf-8", status: status)
    }

    /// `{"code": …, "message": …}` with the status.
    static func error(_ status: HTTPResponse.Status, code: String, message: String) -> Response {
        json(.object([("code", .string(code)), ("message", .string(message))]), status: status)
    }

    static func refused(_ error: DeskRefusal, language: DeskLanguage) -> Response {
        let status: HTTPResponse.Status
        switch error {
        case .busy, .notAwaitingContact: status = .conflict
        case .input, .contact, .payload: status = .unprocessableContent
        }
        return Self.error(status, code: error.code, message: error.message(language))
    }

    /// Server-sent events: each state as one `data:` event, and a comment every 15 s so a closed page is noticed
    /// (its write fails) even when nothing changes.
    static func withHeartbeat(_ states: AsyncStream<String>) -> AsyncStream<String> {
        AsyncStream { continuation in
            let forward = Task {
                for await state in states { continuation.yield("data: \(state)\n\n") }
                continuation.finish()
            }
            let beat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(15))
                    continuation.yield(": still here\n\n")
                }
            }
            continuation.onTermination = { _ in
                forward.cancel()
                beat.cancel()
            }
        }
    }
}
