import FilterAPI

// The exported C functions of dip.h. Each is a thin shell: check pointers, call Swift that throws,
// map every error to a result code and the handle's message. Nothing here may trap on caller input.
// Only these `dip_` symbols are exported from libdip.so (see dip.map).

private let libraryVersion = StaticCString.literal(DipVersion.string)
private let libraryVersionNumber = DipVersion.number
private let nullHandleMessage = StaticCString.literal("NULL dip_filter handle (dip_filter_new was given a NULL out pointer or ran out of memory)")
private let unknownCode = StaticCString.literal("unknown error")
private let codeTexts = ResultCode.descriptions.map { StaticCString.make($0) }

private func handle(_ f: OpaquePointer?) -> FilterHandle? {
    guard let f else { return nil }
    return Unmanaged<FilterHandle>.fromOpaque(UnsafeRawPointer(f)).takeUnretainedValue()
}

private func retain(_ h: FilterHandle) -> OpaquePointer {
    OpaquePointer(Unmanaged.passRetained(h).toOpaque())
}

@_cdecl("dip_version")
public func dip_version() -> UnsafePointer<CChar> { libraryVersion }

@_cdecl("dip_version_number")
public func dip_version_number() -> Int32 { libraryVersionNumber }

@_cdecl("dip_errstr")
public func dip_errstr(_ code: Int32) -> UnsafePointer<CChar> {
    guard code >= 0, Int(code) < codeTexts.count, let text = codeTexts[Int(code)] else { return unknownCode }
    return text
}

@_cdecl("dip_filter_count")
public func dip_filter_count() -> Int32 { Int32(clamping: FilterCatalog.shared.entries.count) }

@_cdecl("dip_filter_name")
public func dip_filter_name(_ index: Int32) -> UnsafePointer<CChar>? {
    let entries = FilterCatalog.shared.entries
    guard index >= 0, Int(index) < entries.count else { return nil }
    return entries[Int(index)].cName
}

@_cdecl("dip_filter_summary")
public func dip_filter_summary(_ name: UnsafePointer<CChar>?) -> UnsafePointer<CChar>? {
    FilterCatalog.shared.entry(named: name)?.summary
}

@_cdecl("dip_filter_param_count")
public func dip_filter_param_count(_ name: UnsafePointer<CChar>?) -> Int32 {
    guard let entry = FilterCatalog.shared.entry(named: name) else { return -1 }
    return Int32(clamping: entry.parameters.count)
}

@_cdecl("dip_filter_param_name")
public func dip_filter_param_name(_ name: UnsafePointer<CChar>?, _ i: Int32) -> UnsafePointer<CChar>? {
    FilterCatalog.shared.parameter(name, i)?.name
}

@_cdecl("dip_filter_param_type")
public func dip_filter_param_type(_ name: UnsafePointer<CChar>?, _ i: Int32) -> UnsafePointer<CChar>? {
    FilterCatalog.shared.parameter(name, i)?.type
}

@_cdecl("dip_filter_param_default")
public func dip_filter_param_default(_ name: UnsafePointer<CChar>?, _ i: Int32) -> UnsafePointer<CChar>? {
    FilterCatalog.shared.parameter(name, i)?.defaultValue
}

@_cdecl("dip_filter_param_range")
public func dip_filter_param_range(_ name: UnsafePointer<CChar>?, _ i: Int32) -> UnsafePointer<CChar>? {
    FilterCatalog.shared.parameter(name, i)?.range
}

@_cdecl("dip_filter_param_help")
public func dip_filter_param_help(_ name: UnsafePointer<CChar>?, _ i: Int32) -> UnsafePointer<CChar>? {
    FilterCatalog.shared.parameter(name, i)?.help
}

@_cdecl("dip_filter_new")
public func dip_filter_new(_ spec: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return ResultCode.misuse }
    guard let spec else {
        out.pointee = retain(FilterHandle(failure: "spec is NULL"))
        return ResultCode.misuse
    }
    do {
        let chain = try Chain(spec: String(cString: spec), registry: FilterCatalog.shared.registry)
        out.pointee = retain(FilterHandle(chain: chain))
        return ResultCode.ok
    } catch {
        let (code, text) = ResultCode.of(error)
        out.pointee = retain(FilterHandle(failure: text))
        return code
    }
}

@_cdecl("dip_filter_set")
public func dip_filter_set(_ f: OpaquePointer?, _ param: UnsafePointer<CChar>?,
                           _ value: UnsafePointer<CChar>?) -> Int32 {
    guard let h = handle(f) else { return ResultCode.misuse }
    return h.call {
        guard let param else { throw DipError.misuse("param is NULL") }
        guard let value else { throw DipError.misuse("value is NULL") }
        try h.set(String(cString: param), String(cString: value))
    }
}

@_cdecl("dip_filter_inputs")
public func dip_filter_inputs(_ f: OpaquePointer?) -> Int32 {
    guard let chain = handle(f)?.chain else { return -1 }
    return Int32(clamping: 1 + chain.imageInputs.count)
}

@_cdecl("dip_filter_output_size")
public func dip_filter_output_size(_ f: OpaquePointer?, _ width: Int32, _ height: Int32,
                                   _ outWidth: UnsafeMutablePointer<Int32>?,
                                   _ outHeight: UnsafeMutablePointer<Int32>?) -> Int32 {
    guard let h = handle(f) else { return ResultCode.misuse }
    return h.call {
        let chain = try h.requireChain()
        guard let outWidth, let outHeight else { throw DipError.misuse("out_width/out_height is NULL") }
        guard width >= 1, height >= 1 else {
            throw DipError.badImage("input", "size \(width)x\(height) is not at least 1x1")
        }
        let size = try chain.outputSize(width: Int(width), height: Int(height))
        guard let w = Int32(exactly: size.width), let ht = Int32(exactly: size.height) else {
            throw DipError.noMemory("output size \(size.width)x\(size.height) does not fit in int")
        }
        outWidth.pointee = w
        outHeight.pointee = ht
    }
}

@_cdecl("dip_filter_run")
public func dip_filter_run(_ f: OpaquePointer?, _ inputs: UnsafeRawPointer?, _ count: Int32,
                           _ output: UnsafeMutableRawPointer?, _ progress: ChainRun.Progress?,
                           _ user: UnsafeMutableRawPointer?) -> Int32 {
    guard let h = handle(f) else { return ResultCode.misuse }
    return h.call {
        let run = ChainRun(chain: try h.requireChain(), seed: h.seed, maxPixels: h.maxPixels, maxMemory: h.maxMemory,
                           frames: h.frames)
        try run.run(inputs: inputs, count: Int(count), output: output, progress: progress, user: user)
    }
}

@_cdecl("dip_filter_reset")
public func dip_filter_reset(_ f: OpaquePointer?) -> Int32 {
    guard let h = handle(f) else { return ResultCode.misuse }
    return h.call {
        _ = try h.requireChain()
        h.frames?.reset()
    }
}

@_cdecl("dip_filter_errmsg")
public func dip_filter_errmsg(_ f: OpaquePointer?) -> UnsafePointer<CChar> {
    guard let h = handle(f) else { return nullHandleMessage }
    return h.errorMessage
}

@_cdecl("dip_filter_free")
public func dip_filter_free(_ f: OpaquePointer?) {
    guard let f else { return }
    Unmanaged<FilterHandle>.fromOpaque(UnsafeRawPointer(f)).release()
}
