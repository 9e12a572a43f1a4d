import FilterAPI
import Foundation

/// `dip-pipe [global options] batch --inputs DIR|LISTFILE --outputs DIR [--shard I/N] FILTER ...`:
/// one chain over many files. Each item's output (same base name in the output folder; the
/// extension of `--format` when one is given) is what a plain run of that item writes, byte for
/// byte, and beside it `NAME.dip.json` records the run. An item whose output and successful record
/// (same chain, same seed) exist is skipped, so a resubmitted or pre-empted job resumes; a failing
/// item is recorded and reported, and the batch goes on. `{name}` and `{stem}` in the chain stand
/// for the item's file name and its name without extension (`inpaint --mask masks/{stem}.png`).
struct BatchRun {
    let inputs: String
    let outputs: String
    /// This process's share of the items: index in 1...count. Items go to shards by a hash of
    /// their file name, so an item always lands in the same shard whatever else is listed.
    let shard: (index: Int, count: Int)
    let chain: [String]

    /// Reads the batch options that follow the word `batch`, up to the chain.
    init(arguments: [String]) throws {
        var inputs: String?, outputs: String?, shard = (index: 1, count: 1)
        var rest = arguments[...]
        while let option = rest.first, option.hasPrefix("--"), ["--inputs", "--outputs", "--shard"].contains(option) {
            rest = rest.dropFirst()
            guard let value = rest.first else { throw DipError.badParameter("batch \(option)", "missing value") }
            rest = rest.dropFirst()
            switch option {
            case "--inputs": inputs = value
            case "--outputs": outputs = value
            default:
                let parts = value.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else {
                    throw DipError.badParameter("batch --shard", "'\(value)' is not I/N with 1 <= I <= N")
                }
                shard = (i, n)
            }
        }
        guard let inputs else { throw DipError.badParameter("batch --inputs", "required: a folder or a file listing the inputs") }
        guard let outputs else { throw DipError.badParameter("batch --outputs", "required: the folder for the results") }
        guard !rest.isEmpty else { throw DipError.badParameter("batch", "no filter given after the batch options") }
        self.inputs = inputs
        self.outputs = outputs
        self.shard = shard
        self.chain = Array(rest)
    }

    /// Every input path, sorted: a folder's visible regular files, or a list file's lines.
    func allItems() throws -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: inputs, isDirectory: &isFolder) else {
            throw DipError.badImage(inputs, "no such folder or list file")
        }
        if isFolder.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: inputs).filter { !$0.hasPrefix(".") }
            return names.sorted().map { inputs + "/" + $0 }.filter { path in
                var folder: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && !folder.boolValue
            }
        }
        guard let text = try? String(contentsOfFile: inputs, encoding: .utf8) else {
            throw DipError.badImage(inputs, "cannot read the list of inputs")
        }
        return text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// The items of this shard.
    func items() throws -> [String] {
        try allItems().filter { Self.shard(of: ($0 as NSString).lastPathComponent, count: shard.count) == shard.index }
    }

    /// 1...count for a file name: FNV-1a of its UTF-8 bytes (stable across runs and machines).
    static func shard(of name: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int(hash % UInt64(count)) + 1
    }

    /// The chain for one item, with `{name}` and `{stem}` replaced.
    func chain(for item: String) -> [String] {
        let name = (item as NSString).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        return chain.map { $0.replacingOccurrences(of: "{name}", with: name).replacingOccurrences(of: "{stem}", with: stem) }
    }

    /// Where an item's result goes.
    func outputPath(for item: String, format: ImageFormat?) -> String {
        let name = (item as NSString).lastPathComponent
        guard let format else { return outputs + "/" + name }
        return outputs + "/" + (name as NSString).deletingPathExtension + "." + format.fileExtension
    }
}

/// The small record written beside each output: what ran, how long, how it ended.
struct BatchRecord {
    var input: String
    var chain: [String]
    var seed: UInt64
    var seconds: Double
    var status: Int32
    var message: String?
    /// The last fit's stopping step and reason, where a filter iterated.
    var stop: (filter: String, step: Int, reason: String)?

    /// What decides whether a finished item can be skipped: the same chain and seed.
    var key: String { chain.joined(separator: " ") + " --seed \(seed)" }

    var json: String {
        var fields = ["\"input\":\(JSONText.string(input))",
                      "\"chain\":[" + chain.map(JSONText.string).joined(separator: ",") + "]",
                      "\"seed\":\(seed)", "\"seconds\":\(JSONText.number(seconds))", "\"status\":\(status)"]
        if let message { fields.append("\"message\":\(JSONText.string(message))") }
        if let stop {
            fields.append("\"stop\":{\"filter\":\(JSONText.string(stop.filter)),\"step\":\(stop.step),\"reason\":\(JSONText.string(stop.reason))}")
        }
        fields.append("\"key\":\(JSONText.string(key))")
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    static func path(for output: String) -> String { output + ".dip.json" }

    /// Whether `output` holds a finished result of the run `key` describes.
    static func isComplete(output: String, key: String) -> Bool {
        guard FileManager.default.fileExists(atPath: output),
              let text = try? String(contentsOfFile: path(for: output), encoding: .utf8) else { return false }
        return text.contains("\"status\":0,") && text.contains("\"key\":\(JSONText.string(key))")
    }
}
