import CardIO
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Serves a ``VirtualChip`` to the `vsmartcard-vpcd` reader driver of a real `pcscd`.
///
/// vpcd listens on TCP (port 35963 for "Virtual PCD 00 00", 35964 for "00 01"); the virtual card connects to it.
/// Every message is a two-byte big-endian length and its bytes. A one-byte message is a control: `00` power off,
/// `01` power on, `02` reset, `04` send the ATR (answered with the ATR). Any longer message is a command APDU,
/// answered with the response APDU. The card is present while the connection stands: closing it removes the card.
public final class VPCDConnection: @unchecked Sendable {
    /// The host the driver listens on.
    public let host: String
    /// The port the driver listens on.
    public let port: UInt16
    private let chip: VirtualChip
    private let lock = NSLock()
    private var socketDescriptor: Int32 = -1
    private var servedCount = 0

    /// Prepares to serve `chip` to the vpcd driver at `host:port`.
    public init(chip: VirtualChip, host: String = "127.0.0.1", port: UInt16 = 35963) {
        self.chip = chip
        self.host = host
        self.port = port
    }

    /// Errors connecting to the driver.
    public enum ConnectionError: Error, Equatable, CustomStringConvertible {
        /// Nothing listens at the address within the time allowed: pcscd with vpcd is not running.
        case driverNotListening(host: String, port: UInt16)
        /// The address is not an IPv4 address.
        case badAddress(String)

        /// One line saying what failed and what to do (start pcscd with the vsmartcard-vpcd driver).
        public var description: String {
            switch self {
            case .driverNotListening(let host, let port):
                return "no vpcd reader listens on \(host):\(port): start pcscd with the vsmartcard-vpcd driver"
            case .badAddress(let host): return "\(host) is not an IPv4 address"
            }
        }
    }

    /// Connects to the driver, retrying for up to `timeout` seconds while pcscd comes up. The card is then present.
    public func connect(timeout: Double = 10) throws(ConnectionError) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw .badAddress(host) }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            if fd >= 0 {
                var noDelay: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
                let result = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                if result == 0 {
                    lock.withLock { socketDescriptor = fd }
                    return
                }
                close(fd)
            }
            if Date() >= deadline { throw .driverNotListening(host: host, port: port) }
            usleep(100_000)
        }
    }

    /// Whether the card is connected (present in the reader).
    public var isConnected: Bool { lock.withLock { socketDescriptor >= 0 } }

    /// How many command APDUs have been answered.
    public var commandsServed: Int { lock.withLock { servedCount } }

    /// Takes the card out of the reader: closes the connection, which ends ``serve()``.
    public func disconnect() {
        lock.withLock {
            if socketDescriptor >= 0 {
                shutdown(socketDescriptor, Int32(SHUT_RDWR))
                close(socketDescriptor)
                socketDescriptor = -1
            }
        }
    }

    /// Resets the connection (TCP RST, SO_LINGER 0) instead of closing it: the driver's pending receive fails.
    private func abort() {
        lock.withLock {
            if socketDescriptor >= 0 {
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(socketDescriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                close(socketDescriptor)
                socketDescriptor = -1
            }
        }
    }

    /// Answers the driver until the connection closes (pcscd stopped, ``disconnect()``, or the chip leaving the
    /// field). Blocks the calling thread.
    public func serve() {
        while let message = receive() {
            if message.count == 1 {
                switch message[0] {
                case 0x00: chip.powerOff()
                case 0x01: chip.powerOn()
                case 0x02: chip.reset()
                case 0x04: if !send(chip.atr) { return }
                default: break  // Unknown controls are ignored, as vpcd's own cards do.
                }
                continue
            }
            guard let response = chip.process(message) else {
                if (chip as? FaultInjectingChip)?.lastFailure == .transactionFailed {
                    // The link breaks mid-exchange: the connection is reset (vpcd then hands pcscd an empty answer
                    // and ejects the card until it connects again).
                    abort()
                } else {
                    disconnect()  // the chip left the field mid-exchange
                }
                return
            }
            lock.withLock { servedCount += 1 }
            if !send(response) { return }
        }
        disconnect()
    }

    /// Starts ``serve()`` on a background thread.
    public func serveInBackground() {
        let thread = Thread { [self] in serve() }
        thread.name = "vpcd \(port)"
        thread.start()
    }

    private var fd: Int32 { lock.withLock { socketDescriptor } }

    private func receive() -> [UInt8]? {
        guard let header = readExactly(2) else { return nil }
        let length = Int(header[0]) << 8 | Int(header[1])
        if length == 0 { return [] }
        return readExactly(length)
    }

    private func readExactly(_ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var got = 0
        let descriptor = fd
        guard descriptor >= 0 else { return nil }
        while got < count {
            let n = buffer.withUnsafeMutableBytes { raw in
                recv(descriptor, raw.baseAddress! + got, count - got, 0)
            }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return nil
            }
            got += n
        }
        return buffer
    }

    private func send(_ bytes: [UInt8]) -> Bool {
        guard bytes.count <= 0xFFFF else { return false }
        var message: [UInt8] = [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)]
        message.append(contentsOf: bytes)
        let descriptor = fd
        guard descriptor >= 0 else { return false }
        var sent = 0
        while sent < message.count {
            let n = message.withUnsafeBytes { raw in
                Glibc.send(descriptor, raw.baseAddress! + sent, message.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return false
            }
            sent += n
        }
        return true
    }
}
