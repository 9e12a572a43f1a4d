import Glibc

/// dip-pipe's only way to stderr: write(2) directly, every error ignored. Messages and progress
/// are for the user; when stderr cannot take them (`2>/dev/full`, `2>&-`, a reader that went
/// away) the run carries on and ends as it would have — FileHandle's write traps there instead.
/// SIGPIPE is ignored process-wide (`ignoreBrokenPipes`), so a closed stderr pipe is an EPIPE
/// here and a closed stdout pipe an error of the output write, not a kill.
enum StandardError {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(2, base + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                offset += n
            }
        }
    }

    /// Makes writes to a closed pipe fail with EPIPE instead of killing the process.
    static func ignoreBrokenPipes() { signal(SIGPIPE, SIG_IGN) }
}
