import DIPEngine
import FilterAPI
import Foundation

/// How progress is shown on stderr. stdout carries only image data, never progress.
enum ProgressMode: String, CaseIterable {
    case text, json, none
}

/// Renders a run's progress on stderr: on a terminal one line fitted to its width with a bar,
/// redrawn in place; otherwise one line per second (`text`); or JSON lines (`json`, the events
/// README's "Progress" section documents: start, progress, stop, done, error).
final class ProgressPrinter {
    private let mode: ProgressMode
    private let isTerminal = isatty(2) != 0
    private var lastPrint = -Double.infinity
    private var openLine = false
    private var imageStart = 0.0
    /// Which image of the stream is being processed (1-based), for multi-image input.
    private(set) var imageIndex = 0

    init(mode: ProgressMode) { self.mode = mode }

    /// The closure handed to `FilterContext.progress`. Never cancels.
    func callback() -> ((ProgressEvent) -> Bool)? {
        guard mode != .none else { return nil }
        return { [self] event in
            report(event)
            return true
        }
    }

    /// An image was read and its chain starts.
    func start(image index: Int, input: String, width: Int, height: Int, chain: [String]) {
        imageIndex = index
        imageStart = MonotonicClock.now()
        lastPrint = -Double.infinity
        guard mode == .json else { return }
        emitJSON(["\"event\":\"start\"", "\"image\":\(index)", "\"input\":\(JSONText.string(input))",
                  "\"width\":\(width)", "\"height\":\(height)",
                  "\"chain\":[" + chain.map(JSONText.string).joined(separator: ",") + "]"])
    }

    /// The image's result was written.
    func done(width: Int, height: Int) {
        finishLine()
        guard mode == .json else { return }
        emitJSON(["\"event\":\"done\"", "\"image\":\(imageIndex)", "\"width\":\(width)", "\"height\":\(height)",
                  "\"elapsed\":\(JSONText.number(MonotonicClock.now() - imageStart))"])
    }

    /// The run failed with `message` and exits with `status`; false if this mode prints no event
    /// (the caller then prints the plain line).
    func error(_ message: String, status: Int32) -> Bool {
        finishLine()
        guard mode == .json else { return false }
        var fields = ["\"event\":\"error\"", "\"status\":\(status)", "\"message\":\(JSONText.string(message))"]
        if imageIndex > 0 { fields.insert("\"image\":\(imageIndex)", at: 1) }
        emitJSON(fields)
        return true
    }

    private func report(_ e: ProgressEvent) {
        let last = e.isLast
        switch mode {
        case .none:
            return
        case .json:
            var fields = [
                "\"event\":\"progress\"", "\"image\":\(imageIndex)", "\"filter\":\(JSONText.string(e.filter))",
                "\"step\":\(e.step)", "\"total\":\(e.total)", "\"loss\":\(JSONText.number(e.loss))",
                "\"elapsed\":\(JSONText.number(e.elapsed))", "\"eta\":\(JSONText.number(e.eta))",
            ]
            if let p = e.psnr { fields.append("\"psnr\":\(JSONText.number(p))") }
            if e.tiles > 1 { fields.insert(contentsOf: ["\"tile\":\(e.tile)", "\"tiles\":\(e.tiles)"], at: 3) }
            if let r = e.tileRegion { fields.insert("\"region\":[\(r.x),\(r.y),\(r.width),\(r.height)]", at: 5) }
            emitJSON(fields)
            if last {
                emitJSON(["\"event\":\"stop\"", "\"image\":\(imageIndex)", "\"filter\":\(JSONText.string(e.filter))",
                          "\"step\":\(e.step)", "\"reason\":\(JSONText.string(e.stopReason ?? "finished"))",
                          "\"elapsed\":\(JSONText.number(e.elapsed))"])
            }
        case .text:
            let interval = isTerminal ? 0.1 : 1.0
            guard last || e.elapsed - lastPrint >= interval else { return }
            lastPrint = e.elapsed
            if isTerminal {
                emit("\r\u{1B}[K" + ProgressLine.fitted(e, image: imageIndex, columns: Self.terminalColumns())
                     + (last ? "\n" : ""))
                openLine = !last
            } else {
                emit(ProgressLine.full(e, image: imageIndex) + "\n")
            }
            if last, let reason = e.stopReason { emit("\(e.filter) [image \(imageIndex)] \(reason)\n") }
        }
    }

    /// Ends a rewritten terminal line before other stderr output.
    func finishLine() {
        if openLine { emit("\n"); openLine = false }
        lastPrint = -Double.infinity
    }

    private func emit(_ s: String) { StandardError.write(s) }
    private func emitJSON(_ fields: [String]) { emit("{" + fields.joined(separator: ",") + "}\n") }

    /// stderr's terminal width (TIOCGWINSZ), else $COLUMNS, else 80.
    static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let text = getenv("COLUMNS").map({ String(cString: $0) }), let n = Int(text), n > 0 { return n }
        return 80
    }
}

/// The text progress line: every field for a log, or fitted to a terminal's width with a bar.
enum ProgressLine {
    /// "tile 3/12 " for a fit done in tiles, else nothing.
    static func tilePrefix(_ e: ProgressEvent) -> String { e.tiles > 1 ? "tile \(e.tile)/\(e.tiles) " : "" }

    /// `denoise [image 1] step  12/300  loss 0.001234  psnr 28.10 dB  elapsed 0:03  eta 1:10`
    static func full(_ e: ProgressEvent, image: Int) -> String {
        let width = String(e.total).count
        var line = "\(e.filter) [image \(image)] \(tilePrefix(e))step \(pad(String(e.step), width))/\(e.total)"
            + "  loss \(String(format: "%.6f", e.loss))"
        if let p = e.psnr { line += String(format: "  psnr %.2f dB", p) }
        return line + "  elapsed \(duration(e.elapsed))  eta \(duration(e.eta))"
    }

    /// `denoise 1 [#####.....]  12/300 eta 1:10 loss 0.001234 28.10 dB`, at most `columns - 1`
    /// characters (the last column would wrap on some terminals): the fields that do not fit are
    /// left out from the least useful (PSNR, loss, the image number), the bar takes what remains.
    static func fitted(_ e: ProgressEvent, image: Int, columns: Int) -> String {
        let room = max(columns - 1, 20)
        let count = tilePrefix(e) + "\(pad(String(e.step), String(e.total).count))/\(e.total)"
        let eta = "eta \(duration(e.eta))"
        var optional = [String(format: "loss %.6f", e.loss)]
        if let p = e.psnr { optional.append(String(format: "%.2f dB", p)) }
        var head = "\(e.filter) \(image)"
        func line(bar: Int) -> String {
            let filled = e.total > 0 ? min(bar, bar * e.step / e.total) : 0
            let barText = bar > 0 ? " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: bar - filled) + "]" : ""
            return ([head + barText, count, eta] + optional).joined(separator: " ")
        }
        let minimumBar = 10
        while line(bar: minimumBar).count > room, !optional.isEmpty { optional.removeLast() }
        if line(bar: minimumBar).count > room { head = e.filter }
        let spare = room - line(bar: 0).count - 3   // " [" and "]"
        let text = line(bar: spare >= minimumBar ? min(spare, 40) : 0)
        return String(text.prefix(room))
    }

    private static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }

    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                         : String(format: "%d:%02d", t / 60, t % 60)
    }
}

/// JSON literals for the progress events.
enum JSONText {
    static func number(_ v: Double) -> String { v.isFinite ? String(format: "%.6g", v) : "null" }

    static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20 || u.value == 0x7f: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
