// libdip.so (product "dip") is this target: the C ABI of Sources/CBridge, linked as a shared
// library with the flags in Package.swift (static Swift runtime, only dip_* exported by dip.map).
// The flags live here, not on CBridge, so that programs linking CBridge directly — the C ABI fuzz
// target under AddressSanitizer — keep their own symbols: dip.map's `local: *` would hide ASan's
// malloc/free interceptors from the system libraries and pair one allocator's malloc with the
// other's free.
import CBridge
