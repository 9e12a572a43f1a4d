import FilterAPI
import Foundation

/// What a terminating signal does to a run: every catchable one (Ctrl-C, `kill`, a hangup, a
/// timer, a CPU or file-size limit, SIGQUIT, …) ends dip-pipe the same way, exit status 128 + the
/// signal, and a file output keeps the images completed so far — the file appears holding
/// exactly those, as after a decode error in a stream — or, with none complete, does not appear.
///
/// The signals are blocked in every thread (`start` runs before any other thread exists, and
/// threads inherit the mask) and taken by one thread with `sigwait`, so the clean-up is ordinary
/// code rather than a signal handler: it takes the same lock as the image writes, so it never
/// publishes half an image, and it can rename and sync. SIGPIPE is not among them: it is ignored
/// (`StandardError.ignoreBrokenPipes`), so a closed pipe is a write error, not a kill.
enum Termination {
    /// The signals whose default action ends the process and that can be caught (SIGKILL and
    /// SIGSTOP cannot; SIGSEGV and the like are faults, not requests).
    static let signals: [Int32] = [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM,
                                   SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGPOLL, SIGPWR, SIGSTKFLT]

    /// The file output being written, and how many of its bytes are complete images.
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var file: AtomicFile.Pending?
        var completeBytes = 0
    }
    private static let state = State()

    /// Blocks the signals and starts the thread that waits for them. Call first in main.
    static func start() {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in signals { sigaddset(&set, sig) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let blocked = set
        let waiter = Thread {
            var sig: Int32 = 0
            var waited = blocked
            while sigwait(&waited, &sig) != 0 {}
            terminate(signal: sig)
        }
        waiter.stackSize = 1 << 16
        waiter.start()
    }

    /// From now on a signal publishes `file`'s complete images (or drops it while there are none).
    static func arm(_ file: AtomicFile.Pending) {
        state.lock.lock()
        state.file = file
        state.completeBytes = 0
        state.lock.unlock()
    }

    /// Runs `body` (an image write, the final commit) so that a signal waits for it to end.
    static func exclusive<T>(_ body: () throws -> T) rethrows -> T {
        state.lock.lock()
        defer { state.lock.unlock() }
        return try body()
    }

    /// Records, inside `exclusive`, that the armed file's first `bytes` bytes are complete images.
    static func markComplete(bytes: Int) { state.completeBytes = bytes }

    /// Inside `exclusive`: the armed file was committed or discarded; a signal only exits now.
    static func disarm() { state.file = nil }

    private static func terminate(signal sig: Int32) -> Never {
        state.lock.lock()   // never released: the process ends holding it
        if let file = state.file {
            if state.completeBytes > 0 {
                file.truncate(to: state.completeBytes)
                try? file.commit()
            } else {
                file.discard()
            }
        }
        _exit(128 + sig)
    }
}
