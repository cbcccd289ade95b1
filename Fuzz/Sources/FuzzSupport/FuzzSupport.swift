// What every harness shares: libFuzzer's entry points. The first input byte selects a target (each harness maps it
// modulo its number of targets), the rest is the input.
import CFuzzerDriver

/// The harness's one-input function; libFuzzer's driver takes a C function pointer, which cannot capture it.
nonisolated(unsafe) private var harness: ((UInt8, [UInt8]) -> Void)?

/// libFuzzer's per-input entry point: hands the selector byte and the rest to the harness.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0, let harness else { return 0 }
    harness(data[0], Array(UnsafeBufferPointer(start: data + 1, count: size - 1)))
    return 0
}

/// Runs libFuzzer's driver with the command line, calling `run` for each input. SwiftPM links an executable's
/// entry point as `<Target>_main`; each harness defines that and calls this.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ run: @escaping (UInt8, [UInt8]) -> Void) -> CInt {
    harness = run
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) }
}
