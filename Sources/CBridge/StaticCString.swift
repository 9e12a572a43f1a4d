#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// C strings that live as long as the process (versions, filter names, parameter descriptions).
///
/// The C ABI hands out `const char *` that callers never free, so each text is copied once into
/// malloc'd memory and kept; the tables that hold them are built lazily on first use (Swift globals
/// are initialised exactly once, thread-safely), so these pointers are safe from any thread.
enum StaticCString {
    /// A copy of `text` that is never freed (NULL only if malloc fails).
    static func make(_ text: String) -> UnsafePointer<CChar>? {
        text.withCString { UnsafePointer(strdup($0)) }
    }

    /// A string literal's own bytes (Swift stores literals NUL-terminated in read-only data).
    static func literal(_ text: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}
