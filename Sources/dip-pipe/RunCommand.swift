import ArgumentParser
import DIPEngine
import FilterAPI
import Filters
import Foundation

/// `dip-pipe [global options] FILTER [--param value]... [! FILTER ...]`: reads images (one or a
/// stream), runs the chain on each, writes each result as soon as it is done.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dip-pipe",
        abstract: "Deep Image Prior restoration filters for pipes.",
        usage: "dip-pipe [global options] FILTER [--param value]... [! FILTER [--param value]...]... [FILE]")

    @Option(parsing: .unconditional, help: "Read images from FILE instead of stdin ('-' = stdin); or name FILE after the chain.")
    var input: String = "-"

    @Option(parsing: .unconditional, help: "Write to FILE instead of stdout ('-' = stdout); written atomically.")
    var output: String = "-"

    @Option(parsing: .unconditional, help: "Output format: png, tiff, jpeg, pnm or pam (default: --output's extension, else the input's).")
    var format: String?

    @Option(parsing: .unconditional, help: "JPEG output quality, 1...100.")
    var quality: Int = 92

    @Option(parsing: .unconditional, help: "Seed for every random draw; same input, parameters and seed give the same output.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Largest image (width × height) accepted or produced (at most this machine's memory / \(MemoryLimit.bytesPerPixel) bytes).")
    var maxPixels: Int = MaxPixels.default

    @Option(parsing: .unconditional, help: "Memory a filter may plan for: bytes or a size such as 800M, 4G; above it a DIP fit works in tiles (default: \(MemoryBudget.defaultText)).")
    var maxMemory: String?

    @Option(parsing: .unconditional, help: "Threads to compute with (default: the CPUs this process may use: SLURM_CPUS_PER_TASK, else its CPU affinity).")
    var threads: Int?

    @Flag(help: "No progress output (same as --progress none).")
    var quiet = false

    @Option(parsing: .unconditional, help: "Progress on stderr: text, json or none.")
    var progress: String = "text"

    @Option(parsing: .unconditional, help: "Warm starts in a stream: on (a filter starts each image from its fit of the previous one when the size is the same and no scene cut is seen) or off (every image from scratch).")
    var temporal: String = "on"

    @Option(parsing: .unconditional, help: "Deflicker a stream: on (each output is pulled toward the previous one, moved by block motion, where the two agree) or off.")
    var deflicker: String = "on"

    @Argument(parsing: .captureForPassthrough, help: "The filter chain, then optionally the input FILE.")
    var chain: [String] = []

    func run() throws {
        reportingErrors { try execute() }
    }

    private func execute() throws {
        guard let mode = ProgressMode(rawValue: progress) else {
            throw DipError.badParameter("--progress", "'\(progress)' is not one of text, json, none")
        }
        _ = try streamMemory(stages: 0)   // a bad switch fails before any input is read
        guard (1...100).contains(quality) else {
            throw DipError.badParameter("--quality", "\(quality) is out of range 1...100")
        }
        try MaxPixels.validate(maxPixels)
        if let threads {
            // Read once, when the engine's pool and OpenBLAS start (CParallel: usable_cpus).
            guard (1...1024).contains(threads) else { throw DipError.badParameter("--threads", "\(threads) is out of range 1...1024") }
            setenv("DIP_THREADS", String(threads), 1)
        }
        let memory = try maxMemory.map { try MemoryBudget.validate($0, name: "--max-memory") } ?? MemoryBudget.defaultBytes
        let explicitFormat = try format.map { name -> ImageFormat in
            guard let f = ImageFormat(rawValue: name.lowercased()) ?? (name.lowercased() == "jpg" ? .jpeg : nil)
                ?? (name.lowercased() == "tif" ? .tiff : nil) else {
                throw DipError.badParameter("--format", "'\(name)' is not one of png, tiff, jpeg, pnm, pam")
            }
            return f
        }
        if let first = chain.first, Usage.helpFlags.contains(first) {   // `dip-pipe --quiet --help`
            print(Usage.fullHelp)
            return
        }
        if let first = chain.first, first.hasPrefix("-") {
            // ArgumentParser hands an option it does not know on with the chain.
            let hint = Suggestion.question(for: first, among: GlobalOption.all.map(\.name))
            throw DipError.misuse("\(first): unknown option (\(hint ?? "global options come before the filter; see `dip-pipe --help`"))")
        }
        if let help = try filterHelpRequested() {
            print(help)
            return
        }
        if chain.first == "batch" {
            let batch = try BatchRun(arguments: Array(chain.dropFirst()))
            return try runBatch(batch, memory: memory, format: explicitFormat, printer: ProgressPrinter(mode: quiet ? .none : mode))
        }
        let pipeline = try Chain(arguments: chain, registry: Usage.registry, acceptsFile: true)
        for stage in pipeline.filters { try stage.checkRequired() }
        if let file = pipeline.inputFile, input != "-" {
            throw DipError.misuse("\(file): an input file after the chain and --input \(input) both given")
        }
        let input = pipeline.inputFile ?? self.input
        let extras = try loadExtraImages(pipeline)

        let printer = ProgressPrinter(mode: quiet ? .none : mode)
        do {
            try run(pipeline, input: input, extras: extras, memory: memory, format: explicitFormat, printer: printer)
        } catch {
            // With --progress json the error is an event too, so a reader of the lines sees it.
            let failure = CLIError(any: error)
            if printer.error(failure.description, status: failure.status) { Foundation.exit(failure.status) }
            throw error
        }
    }

    /// What a stream keeps from image to image (warm starts, deflicker); nil with both off.
    private func streamMemory(stages: Int) throws -> ChainMemory? {
        let warm = try ChainMemory.switchSetting(temporal, name: "--temporal")
        let steady = try ChainMemory.switchSetting(deflicker, name: "--deflicker")
        return warm || steady ? ChainMemory(stages: stages, warmStarts: warm, deflicker: steady) : nil
    }

    /// `batch`: each item of this shard run as a plain run with `--output` would, with its record;
    /// a failing item is reported and the others go on; exit 1 if any failed.
    private func runBatch(_ batch: BatchRun, memory: Int, format: ImageFormat?, printer: ProgressPrinter) throws {
        guard input == "-", output == "-" else {
            throw DipError.misuse("batch: --input/--output are per item here: give --inputs and --outputs after 'batch'")
        }
        // A chain that cannot parse fails once, as a usage error, not once per item.
        for stage in try Chain(arguments: batch.chain(for: "item"), registry: Usage.registry).filters { try stage.checkRequired() }
        let items = try batch.items()
        do { try FileManager.default.createDirectory(atPath: batch.outputs, withIntermediateDirectories: true) } catch {
            throw DipError.badImage(batch.outputs, "cannot create the output folder")
        }
        guard access(batch.outputs, W_OK | X_OK) == 0 else {   // once, not once per item
            throw DipError.badImage(batch.outputs, "the output folder is not writable (\(String(cString: strerror(errno))))")
        }
        var done = 0, skipped = 0, failed = 0
        for (k, item) in items.enumerated() {
            let chain = batch.chain(for: item), out = batch.outputPath(for: item, format: format)
            var record = BatchRecord(input: item, chain: chain, seed: seed, seconds: 0, status: 0)
            if BatchRecord.isComplete(output: out, key: record.key) { skipped += 1; continue }
            if !quiet { StandardError.write("batch [\(k + 1)/\(items.count)] \(item)\n") }
            let start = MonotonicClock.now()
            do {
                let pipeline = try Chain(arguments: chain, registry: Usage.registry)
                for stage in pipeline.filters { try stage.checkRequired() }
                let extras = try loadExtraImages(pipeline)
                try run(pipeline, input: item, output: out, extras: extras, memory: memory, format: format,
                        printer: printer, onStop: { record.stop = $0 })
                done += 1
            } catch {
                let failure = CLIError(any: error)
                record.status = failure.status
                record.message = failure.description
                failed += 1
                printer.finishLine()
                StandardError.write("dip-pipe: batch: \(failure.description)\n")
            }
            record.seconds = MonotonicClock.now() - start
            // After the output: a record saying 0 always sits beside a complete result.
            try? AtomicFile.write(Array(record.json.utf8), to: BatchRecord.path(for: out))
        }
        StandardError.write("batch: shard \(batch.shard.index)/\(batch.shard.count), \(items.count) item(s): "
                            + "\(done) done, \(skipped) already done, \(failed) failed\n")
        if failed > 0 { Foundation.exit(1) }
    }

    /// Reads each image, runs the chain on it and writes the result as soon as it is done.
    private func run(_ pipeline: Chain, input: String, output: String? = nil, extras: [[String: (image: Image, source: String)]],
                     memory: Int, format explicitFormat: ImageFormat?, printer: ProgressPrinter,
                     onStop: (((filter: String, step: Int, reason: String)) -> Void)? = nil) throws {
        let output = output ?? self.output
        var progress = printer.callback()
        if let onStop {   // batch: also note where each fit stopped
            let report = progress
            progress = { event in
                if event.isLast { onStop((event.filter, event.step, event.stopReason ?? "finished")) }
                return report?(event) ?? true
            }
        }
        let context = FilterContext(seed: seed, maxPixels: maxPixels, maxMemory: memory, progress: progress)
        var options = EncodeOptions()
        options.jpegQuality = quality

        let reader: ImageStreamReader
        if input == "-" {
            reader = ImageStreamReader(fileDescriptor: 0, name: "stdin", maxPixels: maxPixels)
        } else {
            let fd = open(input, O_RDONLY)
            guard fd >= 0 else {
                throw DipError.badImage(input, "cannot open (\(String(cString: strerror(errno))))")
            }
            reader = ImageStreamReader(fileDescriptor: fd, name: input, maxPixels: maxPixels)
        }
        let sink = try OutputSink(path: output)
        let outputFormat = explicitFormat ?? (output == "-" ? nil : ImageFormat.fromExtension(output))
        let sourceName = input == "-" ? "stdin" : input

        var count = 0, written = 0
        let frames = try streamMemory(stages: pipeline.filters.count)
        do {
            while let image = try reader.next() {
                count += 1
                let name = count == 1 ? sourceName : "\(sourceName) image \(count)"
                printer.start(image: count, input: name, width: image.width, height: image.height,
                              chain: pipeline.filters.map(\.name))
                let result = try pipeline.run(image, name: name, extras: extras, context: context, memory: frames)
                let format = outputFormat ?? reader.lastFormat ?? .png
                try sink.write(result, as: format, options: options)
                written += 1
                printer.done(width: result.width, height: result.height)
            }
            guard count > 0 else { throw DipError.badImage(sourceName, "no image in the input") }
            try sink.finish()
        } catch {
            printer.finishLine()
            // Images already written stay valid: a file output keeps the complete ones.
            if written > 0 { try? sink.finish() } else { sink.abandon() }
            throw error
        }
    }

    /// `FILTER --help` (or `-h`, `-help`) anywhere in a stage's parameters: that filter's help text
    /// (`dip-pipe help FILTER`'s), which the run prints instead of running.
    private func filterHelpRequested() throws -> String? {
        var stage: [String] = []
        for token in chain + ["!"] {
            guard token == "!" else { stage.append(token); continue }
            if let name = stage.first, stage.dropFirst().contains(where: Usage.helpFlags.contains) {
                guard let type = Usage.registry.type(named: name) else { throw Usage.registry.unknownFilter(name) }
                return HelpCommand.text(for: type)
            }
            stage = []
        }
        return nil
    }

    /// Loads each `.image` parameter's file once (a mask, a flash image), per chain stage.
    private func loadExtraImages(_ pipeline: Chain) throws -> [[String: (image: Image, source: String)]] {
        var extras = [[String: (image: Image, source: String)]](repeating: [:], count: pipeline.filters.count)
        var cache: [String: Image] = [:]
        for entry in pipeline.imageInputs {
            let path = entry.value
            let image: Image
            if let cached = cache[path] {
                image = cached
            } else {
                guard path != "-" else {
                    throw DipError.badParameter("--\(entry.parameter)", "stdin carries the main image; give a file")
                }
                image = try ImageCodec.read(path: path, maxPixels: maxPixels)
                cache[path] = image
            }
            extras[entry.filter][entry.parameter] = (image, path)
        }
        return extras
    }
}
