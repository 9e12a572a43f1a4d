import FilterAPI
import Filters
#if canImport(Glibc)
import Glibc
#endif

/// Coverage-guided fuzz targets (libFuzzer + AddressSanitizer; `scripts/fuzz.sh TARGET SECONDS`)
/// and their replay: every input either decodes or is refused with a `DipError` — anything else
/// (a trap, a sanitizer report, a hang) is a finding. Built with `-D DIP_FUZZ` the file provides
/// libFuzzer's entry point and the target comes from `DIP_FUZZ_TARGET`; built plainly it is
/// `dip-fuzz TARGET FILE...`, which runs each file once (the corpus and every past finding, in CI).
enum FuzzTarget: String, CaseIterable {
    /// Each decoder through the format sniffing a user's file goes through.
    case decode
    /// The stream framer: several images back to back, as stdin carries them.
    case stream
    /// The chain/spec parser with the real registry (parameters parsed, filters configured).
    case spec
    /// The C ABI: specs, parameter settings and buffer shapes as a C host passes them (CAPIFuzz).
    case capi

    /// Runs one input. Limits keep a run small: a fuzz input of a few KB may claim a huge image.
    func run(_ bytes: [UInt8]) {
        let maxPixels = 1 << 20
        do {
            switch self {
            case .decode:
                _ = try ImageCodec.decode(bytes, name: "fuzz", maxPixels: maxPixels)
            case .stream:
                let reader = ImageStreamReader(bytes: bytes, name: "fuzz", maxPixels: maxPixels)
                var count = 0
                while count < 16, try reader.next() != nil { count += 1 }
            case .spec:
                _ = try Chain(spec: String(decoding: bytes, as: UTF8.self), registry: StandardFilters.registry)
            case .capi:
                CAPIFuzz.run(bytes)
            }
        } catch is DipError {
            // A clean refusal: what hostile input should get.
        } catch {
            fatalError("\(self): an error that is not a DipError: \(error)")
        }
    }
}

/// Small valid inputs the project makes itself, one directory per target: every format in grey,
/// RGB, RGBA and 16-bit; two images back to back for the stream; specs using every filter.
enum FuzzSeeds {
    static func write(to dir: String) throws {
        mkdir(dir, 0o755)
        for t in FuzzTarget.allCases { mkdir(dir + "/" + t.rawValue, 0o755) }
        var images: [(String, [UInt8])] = []
        for (label, channels, bits) in [("grey", 1, 8), ("rgb", 3, 8), ("rgba", 4, 8), ("rgb16", 3, 16)] {
            var image = Image(width: 9, height: 7, channels: channels, format: .unsigned(bits: bits))
            for i in image.pixels.indices { image.pixels[i] = Float((i * 37) % 101) / 100 }
            for format in ImageFormat.allCases {
                if format == .jpeg && (channels == 4 || bits == 16) { continue }
                images.append(("\(label).\(format)", try ImageCodec.encode(image, as: format)))
            }
        }
        for (name, bytes) in images { try save(bytes, dir + "/decode/" + name) }
        for k in 0..<images.count { try save(images[k].1 + images[(k + 1) % images.count].1, dir + "/stream/\(k)") }
        let specs = ["denoise --sigma 25", "denoise --preset quality --iters 3", "sr --scale 4 ! denoise",
                     "inpaint --mask m.png --case text", "jpeg --quality 10 ! deblock --sigma 7.5",
                     "flash --flash f.png --iters 2", "resize --width 10 --height 20 --method bicubic",
                     "add-noise --sigma 5 --seed 3 ! drop-pixels --fraction 0.5", "downscale --factor 2 ! copy",
                     "'sr' \"--scale\" 2 --max-seconds 0.5 --lr 0.001"]
        for (k, spec) in specs.enumerated() { try save(Array(spec.utf8), dir + "/spec/\(k)") }
        // C ABI: shape bytes (sizes, input count, channel/type, strides), the spec, a setting.
        let shapes: [[UInt8]] = [[15, 11, 1, 0, 0, 0, 13, 13, 1, 7, 13, 1], [7, 9, 1, 1, 20, 30, 15, 15, 2, 3, 9, 0],
                                 [31, 31, 2, 0, 0, 0, 9, 9, 0, 5, 9, 1], [3, 3, 1, 2, 0, 0, 1, 1, 3, 0, 1, 3]]
        let calls = ["copy", "denoise\0sigma\010", "inpaint --mask m.png --case pixels", "resize --scale 2 ! downscale --factor 2",
                     "sr --scale 2\0iters\02", "jpeg --quality 20 ! deblock", "flash --flash f.png\0seed\07",
                     "add-noise --sigma 5 ! drop-pixels --fraction 0.3 ! copy"]
        for (k, call) in calls.enumerated() {
            try save(shapes[k % shapes.count] + Array(call.utf8), dir + "/capi/\(k)")
        }
    }

    private static func save(_ bytes: [UInt8], _ path: String) throws {
        guard let f = fopen(path, "wb") else { throw DipError.failure("\(path): cannot write") }
        defer { fclose(f) }
        guard fwrite(bytes, 1, bytes.count, f) == bytes.count else { throw DipError.failure("\(path): write failed") }
    }
}

#if DIP_FUZZ
nonisolated(unsafe) private var selected: FuzzTarget? = nil

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if selected == nil {
        let name = getenv("DIP_FUZZ_TARGET").map { String(cString: $0) } ?? ""
        guard let t = FuzzTarget(rawValue: name) else {
            fputs("dip-fuzz: set DIP_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue))\n", stderr)
            exit(2)
        }
        selected = t
    }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected?.run(bytes)
    return 0
}

// SwiftPM links an executable with main = dip_fuzz_main, so libFuzzer's own main is not used:
// this one hands over to libFuzzer's driver (LLVMFuzzerRunDriver, libFuzzer's documented entry
// for programs with their own main).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("dip_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    // `dip-fuzz --seeds DIR`: write the seed corpora (scripts/fuzz.sh does, before fuzzing).
    if argc == 3, let argv, let flag = argv[1], String(cString: flag) == "--seeds", let dir = argv[2] {
        do { try FuzzSeeds.write(to: String(cString: dir)); return 0 } catch {
            fputs("dip-fuzz: \(error)\n", stderr); return 1
        }
    }
    var count = argc, vector = argv
    return LLVMFuzzerRunDriver(&count, &vector, { fuzzOneInput($0, $1) })
}
#else
@main
struct FuzzReplay {
    static func main() {
        let args = CommandLine.arguments.dropFirst()
        if args.count == 2, args.first == "--seeds", let dir = args.last {
            do { try FuzzSeeds.write(to: dir) } catch { fputs("dip-fuzz: \(error)\n", stderr); exit(1) }
            return
        }
        guard let name = args.first, let target = FuzzTarget(rawValue: name) else {
            fputs("usage: dip-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE... | dip-fuzz --seeds DIR\n", stderr)
            exit(2)
        }
        for path in args.dropFirst() {
            guard let f = fopen(path, "rb") else { fputs("dip-fuzz: cannot read \(path)\n", stderr); exit(1) }
            var bytes = [UInt8](), buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = fread(&buffer, 1, buffer.count, f)
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            fclose(f)
            target.run(bytes)
        }
        print("dip-fuzz \(name): \(args.count - 1) inputs, no finding")
    }
}
#endif
