import CDip
#if canImport(Glibc)
import Glibc
#endif

/// The C ABI fuzz target: a fuzz input decides a chain spec, `dip_filter_set` calls, and the
/// shapes of the input and output buffers (sizes, channels, types, strides — valid or not), then
/// runs `dip_filter_new` / `dip_filter_set` / `dip_filter_run` (once, or twice as a video host
/// does, with or without `dip_filter_reset`) as a C host would. Every call must
/// return one of dip.h's codes; buffers are allocated exactly as described, so AddressSanitizer
/// reports any read or write outside what the caller gave.
enum CAPIFuzz {
    /// Input layout: 12 shape bytes, then NUL-separated text: the spec, then name/value pairs.
    static func run(_ bytes: [UInt8]) {
        var header = Array(bytes.prefix(12))
        header += [UInt8](repeating: 0, count: 12 - header.count)
        let fields = bytes.dropFirst(12).split(separator: 0, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        let spec = fields.first ?? ""

        var handle: OpaquePointer?
        let created = dip_filter_new(spec, &handle)
        defer { dip_filter_free(handle) }
        check(created, "dip_filter_new")
        guard created == DIP_OK else {
            check(dip_filter_set(handle, "seed", "1"), "set on a failed handle")
            return
        }
        // A small pixel limit keeps each run quick whatever sizes the spec asks for.
        check(dip_filter_set(handle, "max-pixels", "16384"), "max-pixels")
        var k = 1
        while k + 1 < fields.count, k < 17 {
            check(dip_filter_set(handle, fields[k], fields[k + 1]), "dip_filter_set")
            k += 2
        }
        // Set last, so no fuzzed pair lifts it: a budget that refuses the nets' plans before they
        // allocate (DIP_NOMEM) keeps a run to the ABI's own work (specs, shapes, strides, copies)
        // and the classical filters, at hundreds of runs a second instead of a few: a fit's steps
        // are the same arithmetic for any input and are not what this target is for.
        check(dip_filter_set(handle, "max-memory", "2M"), "max-memory")

        let width = 1 + Int(header[0] % 40), height = 1 + Int(header[1] % 40)
        let inputCount = Int(header[2] % 4)
        var outWidth = width, outHeight = height
        if header[3] & 1 == 0 {
            var w: Int32 = 0, h: Int32 = 0
            if dip_filter_output_size(handle, Int32(width), Int32(height), &w, &h) == DIP_OK,
               w > 0, h > 0, Int(w) * Int(h) <= 1 << 16 {
                outWidth = Int(w); outHeight = Int(h)
            }
        } else {
            outWidth = 1 + Int(header[4] % 64); outHeight = 1 + Int(header[5] % 64)
        }
        var buffers: [UnsafeMutableRawPointer] = []
        defer { for b in buffers { free(b) } }
        func image(_ w: Int, _ h: Int, shape: UInt8, stride strideByte: UInt8, fill: UInt8) -> dip_image {
            let channels = Int(shape % 6)            // 0 and 5 are invalid
            let type = Int32((shape / 6) % 5)         // 0 and 4 are invalid
            let sampleSize = type == DIP_U8 ? 1 : type == DIP_U16 ? 2 : 4
            let row = w * max(channels, 1) * sampleSize
            // Stride: 0 (packed), exact, padded, or too short (refused by the library).
            let stride: Int = switch strideByte % 4 {
                case 0: 0
                case 1: row
                case 2: row + Int(strideByte / 4) * sampleSize
                default: max(0, row - 1 - Int(strideByte / 4))
            }
            let bytes = max(1, (stride == 0 ? row : stride) * h)
            let memory = malloc(bytes)!
            buffers.append(memory)
            let samples = memory.bindMemory(to: UInt8.self, capacity: bytes)
            for i in 0..<bytes { samples[i] = UInt8(truncatingIfNeeded: i &* Int(fill | 1) &+ Int(fill)) }
            return dip_image(width: Int32(w), height: Int32(h), channels: Int32(channels), type: type,
                             stride: stride, pixels: memory)
        }
        var inputs: [dip_image] = []
        for i in 0..<inputCount {
            inputs.append(image(width, height, shape: header[6 + i % 2] &+ UInt8(i), stride: header[8], fill: header[9] &+ UInt8(i)))
        }
        var output = image(outWidth, outHeight, shape: header[10], stride: header[11], fill: 0)
        // Cancel any stage that iterates at its first report: a fit's first step covers its set-up,
        // and later steps are only more of the same arithmetic.
        let progress: dip_progress_fn = { _, _, total, _ in total > 1 ? 1 : 0 }
        let passOutput = header[3] & 2 == 0
        let code = inputs.withUnsafeBufferPointer { list in
            withUnsafeMutablePointer(to: &output) { out in
                dip_filter_run(handle, list.baseAddress, Int32(inputCount), passOutput ? out : nil, progress, nil)
            }
        }
        check(code, "dip_filter_run")
        // A second run on the same handle, as a video host makes (the stream path: the handle's
        // memory of the first run), after a dip_filter_reset or not.
        if header[3] & 4 != 0 {
            if header[3] & 8 != 0 { check(dip_filter_reset(handle), "dip_filter_reset") }
            let again = inputs.withUnsafeBufferPointer { list in
                withUnsafeMutablePointer(to: &output) { out in
                    dip_filter_run(handle, list.baseAddress, Int32(inputCount), passOutput ? out : nil, progress, nil)
                }
            }
            check(again, "dip_filter_run (again)")
        }
        let message = String(cString: dip_filter_errmsg(handle))
        if getenv("DIP_FUZZ_TRACE") != nil {   // to see what a corpus exercises
            fputs("capi: '\(spec)' \(inputCount) input(s) \(width)x\(height) -> \(code) \(message)\n", stderr)
        }
    }

    private static func check(_ code: Int32, _ call: String) {
        guard (DIP_OK...DIP_CANCELLED).contains(code) else {
            fatalError("capi: \(call) returned \(code), not a dip.h result code")
        }
    }
}
