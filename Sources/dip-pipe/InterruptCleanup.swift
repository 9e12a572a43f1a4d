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
        // Not SIGPIPE: it is ignored (`StandardError.ignoreBrokenPipes`), so a closed stderr pipe
        // cannot throw a finished output away; a closed stdout pipe fails the write instead.
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { sig in
                if let p = InterruptCleanup.path { unlink(p) }
                _exit(128 + sig)
            }
        }
    }
}
