import Foundation

/// Removes a half-written output file when dip-pipe is interrupted (Ctrl-C, kill): the handler
/// only calls async-signal-safe functions (unlink, _exit) on a path prepared beforehand.
enum InterruptCleanup {
    nonisolated(unsafe) private static var path: UnsafeMutablePointer<CChar>? = nil

    /// Arms the handler for `tempPath` (nil disarms it).
    static func protect(_ tempPath: String?) {
        let old = path
        path = tempPath.map { strdup($0) }
        free(old)
        guard tempPath != nil else { return }
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] {
            signal(sig) { sig in
                if let p = InterruptCleanup.path { unlink(p) }
                _exit(128 + sig)
            }
        }
    }
}
