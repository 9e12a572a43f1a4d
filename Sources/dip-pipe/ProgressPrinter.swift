import FilterAPI
import Foundation

/// How progress is shown on stderr. stdout carries only image data, never progress.
enum ProgressMode: String, CaseIterable {
    case text, json, none
}

/// Renders filter progress on stderr: a self-rewriting line on a terminal, one line per second
/// otherwise (`text`), or one JSON object per report (`json`).
final class ProgressPrinter {
    private let mode: ProgressMode
    private let isTerminal = isatty(2) != 0
    private var lastPrint = -Double.infinity
    private var openLine = false
    /// Which image of the stream is being processed (1-based), for multi-image input.
    var imageIndex = 1

    init(mode: ProgressMode) { self.mode = mode }

    /// The closure handed to `FilterContext.progress`. Never cancels.
    func callback() -> ((ProgressEvent) -> Bool)? {
        guard mode != .none else { return nil }
        return { [self] event in
            report(event)
            return true
        }
    }

    private func report(_ e: ProgressEvent) {
        let last = e.step >= e.total
        switch mode {
        case .none:
            return
        case .json:
            var fields = [
                "\"event\":\"progress\"", "\"image\":\(imageIndex)", "\"filter\":\"\(e.filter)\"",
                "\"step\":\(e.step)", "\"total\":\(e.total)", "\"loss\":\(json(e.loss))",
                "\"elapsed\":\(json(e.elapsed))", "\"eta\":\(json(e.eta))",
            ]
            if let p = e.psnr { fields.append("\"psnr\":\(json(p))") }
            if let reason = e.stopReason { fields.append("\"stop\":\"\(reason)\"") }
            emit("{" + fields.joined(separator: ",") + "}\n")
        case .text:
            let interval = isTerminal ? 0.1 : 1.0
            guard last || e.elapsed - lastPrint >= interval else { return }
            lastPrint = e.elapsed
            let width = String(e.total).count
            var line = "\(e.filter) [image \(imageIndex)] step \(String(e.step).leftPad(width))/\(e.total)"
                + "  loss \(String(format: "%.6f", e.loss))"
            if let p = e.psnr { line += String(format: "  psnr %.2f dB", p) }
            line += "  elapsed \(duration(e.elapsed))  eta \(duration(e.eta))"
            if let reason = e.stopReason { line += "\n\(e.filter) [image \(imageIndex)] \(reason)" }
            if isTerminal {
                emit("\r\u{1B}[K" + line + (last ? "\n" : ""))
                openLine = !last
            } else {
                emit(line + "\n")
            }
        }
    }

    /// Ends a rewritten terminal line before other stderr output.
    func finishLine() {
        if openLine { emit("\n"); openLine = false }
        lastPrint = -Double.infinity
    }

    private func emit(_ s: String) { StandardError.write(s) }

    private func json(_ v: Double) -> String { v.isFinite ? String(format: "%.6g", v) : "null" }

    private func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                         : String(format: "%d:%02d", t / 60, t % 60)
    }
}

private extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
